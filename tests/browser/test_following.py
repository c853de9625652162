"""Following in a real browser: a reply reaches the one who commented by e-mail, whose link unsubscribes
without logging in and can be undone; the list of what one follows and its defaults. Every page on the
way passes axe and reflows at 320 px, in Danish and in English."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.browser.test_accessibility import axe_page, page_problems
from tests.browser.test_feature_journeys import write_post

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect


def test_a_reply_is_mailed_and_the_link_unsubscribes_without_logging_in(
    make_page: Any, live_server: Any, login: Any, logout: Any
) -> None:
    title = f"Who has a ladder {uuid.uuid4().hex[:6]}?"
    page = axe_page(make_page, "en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
    login(page, "frivillig@example.org")
    address = write_post(page, "Question", title, Text="For the gutter.")
    logout(page)
    login(page, "borger@example.org")
    page.goto(address)
    expect(page.get_by_role("button", name="Follow this post")).to_be_visible()
    page.get_by_label("Your comment").fill("I have one in the shed.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("You follow this.")).to_be_visible()
    problems = page_problems(page, "[en] post page with the follow box")
    logout(page)
    before = len(live_server.emails_to("borger@example.org"))
    login(page, "stilling@example.org")
    page.goto(address)
    page.get_by_label("Your comment").fill("Mine is longer, if you need it.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Mine is longer, if you need it.")).to_be_visible()
    logout(page)

    mails = live_server.emails_to("borger@example.org")[before:]
    assert len(mails) == 1, [m["Subject"] for m in mails]
    link = mails[0]["List-Unsubscribe"].strip("<>")
    for language, locale, button, done, undo, undone in (
        ("da", "da-DK", "Afmeld", "Sådan: ikke flere e-mails", "Fortryd", "Fortrudt"),
        ("en", "en-GB", "Unsubscribe", "Done: no more e-mails", "Undo", "Undone"),
    ):
        reader = axe_page(make_page, locale, extra_http_headers={"Accept-Language": locale})
        reader.goto(link)
        problems += page_problems(reader, f"[{language}] unsubscribe, asking")
        reader.get_by_role("button", name=button, exact=True).click()
        expect(reader.get_by_text(done)).to_be_visible()
        problems += page_problems(reader, f"[{language}] unsubscribe, done")
        reader.get_by_role("button", name=undo).click()
        expect(reader.get_by_text(undone)).to_be_visible()
        problems += page_problems(reader, f"[{language}] unsubscribe, undone")
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize(("language", "locale"), [("da", "da-DK"), ("en", "en-GB")])
def test_the_list_of_what_one_follows_and_its_defaults(
    make_page: Any, login: Any, language: str, locale: str
) -> None:
    page = axe_page(make_page, locale, extra_http_headers={"Accept-Language": locale})
    login(page, "borger@example.org")
    page.goto("/notifications/following")
    problems = page_problems(page, f"[{language}] following")
    hour = page.get_by_label(
        "Time for opsamlingen" if language == "da" else "Hour of the digest", exact=False
    )
    hour.fill("24")
    page.get_by_role("main").get_by_role("button", name="Gem" if language == "da" else "Save").first.click()
    message = "Skriv en time fra 0 til 23." if language == "da" else "Give an hour from 0 to 23."
    expect(page.get_by_text(message)).to_be_visible()
    problems += page_problems(page, f"[{language}] following, an hour outside the day")
    assert not problems, "\n\n".join(problems)
