"""Moderation in a real browser: a villager reports a post, the Stilling admin finds it in the queue and
hides it with a reason, and the post is gone from the feed for everyone else."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.browser.test_feature_journeys import english, flash, write_post

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect


def test_report_then_queue_then_hide(make_page: Any, login: Any, logout: Any) -> None:
    title = f"Who parks on Skovvej {uuid.uuid4().hex[:6]}?"
    page = english(make_page)
    login(page, "borger@example.org")
    address = write_post(page, "Discussion", title, Text="The red car in number 14, every single day.")
    logout(page)

    login(page, "frivillig@example.org")
    page.goto(address)
    page.get_by_role("link", name="Report", exact=True).click()
    page.get_by_label("A person is named or hung out").check()
    page.get_by_label("Tell the moderators more").fill("It points out a neighbour.")
    page.get_by_role("button", name="Send the report").click()
    expect(flash(page)).to_contain_text("Thank you. The moderators will look at it.")
    logout(page)

    login(page, "stilling@example.org")
    page.goto("/s/stilling/moderation/")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_text("It points out a neighbour.")).to_be_visible()
    page.get_by_label("Hide it, with the reason shown in its place").check()
    page.get_by_label("Reason (the author is told)").fill("Neighbours are not hung out here.")
    page.get_by_role("button", name="Carry it out").click()
    expect(flash(page)).to_contain_text("Done. The decision is in the audit log.")
    logout(page)

    page.goto("/s/stilling/posts/")
    expect(page.get_by_role("link", name=title)).to_have_count(0)
    assert page.goto(address).status == 404

    login(page, "borger@example.org")
    page.goto(address)
    expect(page.get_by_text("Hidden by a moderator: Neighbours are not hung out here.")).to_be_visible()
