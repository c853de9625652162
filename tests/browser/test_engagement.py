"""Citizen dialogue in a real browser: a Q&A hour scheduled by staff, where one tab asks and votes while
another sees the question and its votes appear without a reload (htmx polling the live fragment), and
the host answers; a consultation and an idea taken across its threshold; the forms of engagement after
a failed submission pass axe in both languages.

Pages are English through the browser's language, except the axe checks, which run in both."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.test_accessibility import axe_page, axe_violations, report

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect
LIVE_WAIT = 15_000  # ms: the fragment polls every 5 s
VOTE_COUNTED = re.compile("Your vote is counted|Din stemme er talt")


def english(make_page: Any) -> Any:
    return make_page(locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})


def flash(page: Any) -> Any:
    return page.get_by_role("main").get_by_role("status").first


def danish_time(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Europe/Copenhagen")).strftime("%Y-%m-%dT%H:%M")


def test_a_live_q_and_a_hour_updates_another_tab_without_a_reload(
    make_page: Any, login: Any, logout: Any, live_server: Any
) -> None:
    title = f"Ask the mayor {uuid.uuid4().hex[:6]}"
    now = datetime.now(ZoneInfo("UTC"))
    staff = english(make_page)
    login(staff, "kommune@example.org")
    staff.goto("/engagement/")
    staff.get_by_role("link", name="Schedule a Q&A hour").click()
    main = staff.get_by_role("main")
    main.get_by_label("Title").fill(title)
    main.get_by_label("Karen Vestergaard").check()
    main.get_by_label("Starts").fill(danish_time(now - timedelta(minutes=2)))
    main.get_by_label("Ends", exact=True).fill(danish_time(now + timedelta(hours=1)))
    main.get_by_role("button", name="Schedule").click()
    expect(flash(staff)).to_contain_text("The Q&A hour is scheduled.")
    address = staff.url

    watcher = english(make_page)  # another browser: an anonymous viewer whose page is never reloaded
    watcher.goto(address)
    expect(watcher.get_by_role("heading", level=1)).to_have_text(title)
    live = watcher.locator("#qa-live")
    expect(live).to_contain_text("No questions yet.")

    citizen = english(make_page)
    login(citizen, "borger@example.org")
    citizen.goto(address)
    question = f"When is the school road finished {uuid.uuid4().hex[:4]}?"
    citizen.get_by_label("Your question").fill(question)
    citizen.get_by_role("button", name="Ask", exact=True).click()
    expect(flash(citizen)).to_contain_text("Your question is published.")

    expect(live).to_contain_text(question, timeout=LIVE_WAIT)
    item = live.locator("li.question", has_text=question)
    expect(item.locator(".vote-count")).to_have_text("0")

    senior = english(make_page)  # Inger has chosen Danish for herself
    login(senior, "senior@example.org")
    senior.goto(address)
    vote = re.compile("^(Vote up|Stem op)")
    senior.locator("li.question", has_text=question).get_by_role("button", name=vote).click()
    expect(flash(senior)).to_contain_text(VOTE_COUNTED)
    citizen.reload()
    citizen.locator("li.question", has_text=question).get_by_role(
        "button", name=re.compile("^Vote up")
    ).click()
    expect(flash(citizen)).to_contain_text("Your vote is counted.")
    expect(item.locator(".vote-count")).to_have_text("2", timeout=LIVE_WAIT)

    host = english(make_page)
    login(host, "borgmester@example.org")
    host.goto(address)
    box = host.locator("li.question", has_text=question)
    box.locator("summary", has_text="Answer").click()
    box.get_by_label("Your answer").fill("By the summer holidays.")
    box.get_by_role("button", name="Publish the answer").click()
    expect(flash(host)).to_contain_text("Your answer is published.")
    expect(item).to_contain_text("By the summer holidays.", timeout=LIVE_WAIT)
    expect(item).to_contain_text("Answered")

    # The hour ends (no page closes it: its end time passes), and the page is its archive in figures.
    _end_the_hour(live_server, int(address.rstrip("/").rsplit("/", 1)[1]))
    watcher.reload()
    expect(watcher.get_by_text("The Q&A hour is over. This is its archive.")).to_be_visible()
    figures = watcher.locator("dl.figures")
    for term, value in (
        ("Questions", "1"),
        ("Citizens who asked", "1"),
        ("Answered", "1 (100 %)"),
        ("Votes", "2"),
    ):
        expect(figures.locator(f"dt:text-is('{term}') + dd")).to_have_text(value)


def _end_the_hour(live_server: Any, session_id: int) -> None:
    from community.db import utcnow
    from community.engagement.models import QASession
    from community.extensions import db

    with live_server.app.app_context():
        session = db.session.get(QASession, session_id)
        session.ends_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_a_consultation_and_an_idea_across_its_threshold(make_page: Any, login: Any, logout: Any) -> None:
    page = english(make_page)
    login(page, "frivillig@example.org")
    page.goto("/engagement/")
    page.get_by_role("link", name=re.compile("^Hvor skal den nye genbrugsplads")).click()
    main = page.get_by_role("main")
    view = main.locator("#your-view")
    view.get_by_role("group", name="Nord for Ry ved omfartsvejen").get_by_label("For", exact=True).check()
    view.get_by_role("group", name="Ved Gl. Rye").get_by_label("Against", exact=True).check()
    view.get_by_role("button", name="Save my view").click()
    expect(flash(page)).to_contain_text("Your view is saved")
    propose = main.locator("#propose")
    propose.get_by_label("Name of the site").fill("By the station")
    propose.get_by_label("Town, postcode or address").fill("Ry")
    propose.get_by_role("button", name="Propose the site").click()
    expect(flash(page)).to_contain_text("Your proposal is sent to the municipality")
    expect(main.get_by_role("heading", name="Sites proposed by citizens")).to_be_visible()
    expect(main.get_by_role("table")).to_contain_text("Nord for Ry ved omfartsvejen")

    page.goto("/engagement/ideas/?order=support")
    page.goto("/engagement/ideas/")
    page.get_by_role("link", name="Shelter ved Stilling-Solbjerg Sø").click()
    page.get_by_role("button", name="Support the idea").click()
    expect(flash(page)).to_contain_text("Your support brought the idea to the threshold")
    expect(
        page.get_by_text(re.compile("The municipality has promised an official answer by"))
    ).to_be_visible()

    page.goto("/engagement/response-times")
    expect(page.get_by_role("heading", name="Overdue now")).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    # An overdue item (a question of the past Q&A hour left unanswered) is linked in its section.
    overdue = page.get_by_role("region", name="Overdue now")
    late = overdue.get_by_role("link").first
    expect(late).to_have_attribute("href", re.compile(r"^/engagement/(qa/\d+#q-\d+|ideas/\d+)$"))
    title = late.inner_text()
    late.click()
    expect(page.get_by_role("main")).to_contain_text(title)


def test_engagement_forms_after_a_failed_submission_pass_axe(
    make_page: Any, live_server: Any, login: Any
) -> None:
    from tests.browser.test_accessibility import browser_language

    problems: list[str] = []
    with browser_language(live_server, "kommune@example.org"):
        for language, locale in {"da": "da-DK", "en": "en-GB"}.items():
            page = axe_page(make_page, locale)
            login(page, "kommune@example.org")
            main = page.get_by_role("main")
            for path in (
                "/engagement/qa/new",
                "/engagement/meetings/new",
                "/engagement/consultations/new",
                "/engagement/ideas/new",
            ):
                page.goto(path)
                with page.expect_navigation():
                    main.locator("form").get_by_role("button").last.click()
                expect(main.get_by_role("alert")).to_be_visible()
                problems += axe_violations(page, f"[{language}] {path} sent empty")
            page.goto("/engagement/qa/1")
            problems += axe_violations(page, f"[{language}] /engagement/qa/1 as a moderator")
            page.goto("/engagement/qa/2/presenter")
            problems += axe_violations(page, f"[{language}] the presenter view")
    assert not problems, report(problems)
