"""The ``@name`` autocomplete in a real browser (issue 13): typing "@" and the start of a name in a comment
offers the space's members in a listbox under the textarea (the WAI-ARIA 1.2 combobox pattern). The
focus stays in the textarea, which keeps its textbox role: aria-expanded is not allowed there, so the
polite status tells that the list opened and how long it is. The keyboard or a click chooses, the
textarea then holds the full name, and the comment sent links the member. With the list open the page
passes axe and reflows at 320 px, in Danish and in English."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.browser.test_accessibility import axe_page, browser_language, page_problems

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect

LOCALES = {"da": "da-DK", "en": "en-GB"}
JENS = "borger@example.org"  # Jens Nielsen, a villager in Stilling; Hanne Jensen and Anne Madsen are too


def _new_post(live_server: Any) -> str:
    """A fresh discussion in Stilling by Hanne Jensen; its address."""
    import sqlalchemy as sa

    from community.accounts.models import User
    from community.extensions import db
    from community.spaces.models import Space
    from community.villages.models import PostKind
    from community.villages.services import posts
    from community.villages.services.posts import PostInput

    with live_server.app.app_context():
        space = db.session.scalars(sa.select(Space).where(Space.slug == "stilling")).one()
        hanne = db.session.scalars(sa.select(User).where(User.email == "stilling@example.org")).one()
        post = posts.create_post(
            space,
            by=hanne,
            data=PostInput(kind=PostKind.DISCUSSION, title=f"Sankthans {uuid.uuid4().hex[:6]}", body="Bål?"),
        )
        db.session.commit()
        return f"/s/stilling/posts/{post.id}"


def _person_id(live_server: Any, email: str) -> int:
    import sqlalchemy as sa

    from community.accounts.models import User
    from community.extensions import db

    with live_server.app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


@pytest.mark.parametrize("language", list(LOCALES))
def test_a_member_is_chosen_with_the_keyboard_and_the_comment_links_them(
    make_page: Any, live_server: Any, login: Any, language: str
) -> None:
    address = _new_post(live_server)
    hanne = _person_id(live_server, "stilling@example.org")
    page = axe_page(make_page, LOCALES[language], extra_http_headers={"Accept-Language": LOCALES[language]})
    with browser_language(live_server, JENS):
        login(page, JENS)
        page.goto(address)
        box = page.locator("#comment-form textarea")
        box.click()
        box.press_sequentially("Tak! @han", delay=20)

        listbox = page.get_by_role("listbox")
        expect(listbox).to_be_visible()
        option = listbox.get_by_role("option", name="Hanne Jensen")
        expect(option).to_be_visible()
        expect(listbox.get_by_role("option")).to_have_count(1)
        expect(box).to_be_focused()
        expect(box).to_have_attribute("aria-autocomplete", "list")
        expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
        # Danish once the catalog has the words (until then the English msgid): a name either way.
        named = r"^Members you can mention$" if language == "en" else r"^(Medlemmer du kan nævne|Members.+)$"
        expect(listbox).to_have_attribute("aria-label", re.compile(named))
        status = page.locator("#comment-form [aria-live=polite]")
        expect(status).to_have_text(re.compile(r"^1 \w+"))

        problems = page_problems(page, f"[{language}] the names offered after @ (none chosen)")
        box.press("ArrowDown")
        expect(option).to_have_attribute("aria-selected", "true")
        expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
        problems += page_problems(page, f"[{language}] the names offered after @ (one chosen)")
        box.press("Enter")

        expect(listbox).to_be_hidden()
        expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
        expect(box).to_have_value("Tak! @Hanne Jensen ")
        box.press_sequentially("tager brænde med.", delay=5)
        expect(box).to_have_value("Tak! @Hanne Jensen tager brænde med.")
        with page.expect_navigation():
            page.locator("#comment-form button[type=submit]").click()

        link = page.locator(".comment-body a.mention", has_text="@Hanne Jensen")
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", f"/villages/people/{hanne}")
    assert not problems, "\n\n".join(problems)


def test_a_click_chooses_escape_closes_and_a_word_inside_the_name_is_found(
    make_page: Any, live_server: Any, login: Any
) -> None:
    address = _new_post(live_server)
    page = axe_page(make_page, "en-GB", extra_http_headers={"Accept-Language": "en-GB"})
    with browser_language(live_server, JENS):
        login(page, JENS)
        page.goto(address)
        box = page.locator("#comment-form textarea")
        listbox = page.get_by_role("listbox")
        box.click()
        box.press_sequentially("@mad", delay=20)  # the start of Anne Madsen's last name
        expect(listbox.get_by_role("option", name="Anne Madsen")).to_be_visible()
        box.press("Escape")
        expect(listbox).to_be_hidden()
        box.press_sequentially("s", delay=20)
        page.wait_for_timeout(400)
        expect(listbox).to_be_hidden()  # closed with Escape: not again for the same @

        box.press("Enter")  # Enter with the list closed is a new line, as ever
        box.press_sequentially("Also @xq", delay=20)
        page.wait_for_timeout(400)
        expect(listbox).to_be_hidden()
        box.press_sequentially(" and @an", delay=20)
        expect(listbox.get_by_role("option", name="Anne Madsen")).to_be_visible()
        expect(listbox.get_by_role("option", name="Jens Nielsen")).to_have_count(0)  # not oneself
        box.press("Tab")  # nothing chosen: Tab leaves the field, the list closes
        expect(box).not_to_be_focused()
        expect(listbox).to_be_hidden()

        box.click()
        box.press("Control+End")
        box.press_sequentially("n", delay=20)
        option = listbox.get_by_role("option", name="Anne Madsen")
        expect(option).to_be_visible()
        problems = page_problems(page, "[en] the names offered on a second line")
        option.click()
        expect(listbox).to_be_hidden()
        expect(box).to_be_focused()
        expect(box).to_have_value("@mads\nAlso @xq and @Anne Madsen ")
    assert not problems, "\n\n".join(problems)
