"""The crew's "today" list on a phone (issue 10, point 9): at 360 px wide, with JavaScript off, the
day's visits come in route order (nearest next from the depot), every button, select and link is a
target of at least 44 x 44 px, nothing scrolls sideways, axe finds nothing, and "Done" works."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.test_accessibility import LOCALES, axe_page, page_problems, report

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TODAY = "/s/groenne-omraader/plan/today"


def _expected_route(live_server: Any) -> list[str]:
    """The facilities of today's planned visits in the order the service routes them."""
    import sqlalchemy as sa

    from community.extensions import db
    from community.maintenance.services import plans
    from community.spaces.models import Space

    with live_server.app.app_context():
        network = db.session.scalar(sa.select(Space).where(Space.slug == "groenne-omraader"))
        stops, _done = plans.today(network)
        return [stop.visit.facility.name for stop in stops]


def test_the_crews_today_list_on_a_phone_with_gloves(make_page: Any, live_server: Any, login: Any) -> None:
    english = {"extra_http_headers": {"Accept-Language": "en-GB,en;q=0.9"}, **PHONE}
    page = axe_page(make_page, "en-GB", **english)
    login(page, "entreprenor@example.org")
    page.goto(TODAY)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Today for Grønne Områder")

    route = _expected_route(live_server)
    assert len(route) >= 3  # the demo's daily inspection round
    headings = main.locator(".today-stop h2").all_inner_texts()
    assert headings == [f"{n}. {name}" for n, name in enumerate(route, 1)]

    # Big targets for a gloved thumb: every button, select and link of the list.
    small = []
    for target in main.locator(".today-stop button, .today-stop select, .today-stop a").all():
        box = target.bounding_box()
        if box is None or box["width"] < 44 or box["height"] < 44:
            small.append(f"{target.inner_text()[:40]!r}: {box}")
    assert not small, f"targets under 44 x 44 px: {small}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    problems = page_problems(page, f"[en, phone] {TODAY}")
    danish = axe_page(make_page, "da-DK", extra_http_headers={"Accept-Language": "da-DK,da;q=0.9"}, **PHONE)
    login(danish, "entreprenor@example.org")
    danish.goto(TODAY)
    heading = danish.get_by_role("main").get_by_role("heading", level=1)
    expect(heading).to_have_text("I dag for Grønne Områder")
    problems += page_problems(danish, f"[da, phone] {TODAY}")
    assert not problems, report(problems)

    # "Done" for the first stop with JavaScript off: back on the list, one stop fewer.
    plain = make_page("en-GB", java_script_enabled=False, **english)
    login(plain, "entreprenor@example.org")
    plain.goto(TODAY)
    main = plain.get_by_role("main")
    first = route[0]
    main.get_by_role("button", name=re.compile(rf"^Done\s*:\s*{re.escape(first)}$")).first.click()
    expect(main.get_by_role("status")).to_contain_text("Marked done. Thank you!")
    expect(main.locator(".today-stop h2")).to_have_count(len(route) - 1)
    expect(main.locator("section", has=plain.locator("#finished-heading"))).to_contain_text(first)


@pytest.mark.parametrize("language", list(LOCALES))
def test_a_fault_reported_without_an_account_and_followed_by_its_link(
    make_page: Any, live_server: Any, language: str
) -> None:
    """The pages of an anonymous report pass axe and fit a 320 px screen in both languages: the form
    with the contact fields, the thank-you page with the private link (shown once), and the private
    page behind the link."""
    locale = LOCALES[language]
    address = f"kirsten.browser.{language}@example.org"
    page = axe_page(make_page, locale, extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"})
    problems: list[str] = []
    page.goto("/maintenance/faults/new")
    expect(page.locator("html")).to_have_attribute("lang", language)
    main = page.get_by_role("main")
    send = main.locator("form.narrow button[type=submit]")
    send.click()  # empty: the errors, checked too
    expect(main.get_by_role("alert")).to_be_visible()
    problems += page_problems(page, f"[{language}] /maintenance/faults/new sent empty")
    main.locator("[name=place]").fill("Ry")
    main.locator("[name=category]").select_option(value="pothole")
    main.locator("[name=description]").fill("A deep pothole in the path along the lake, by the bench.")
    main.locator("[name=reporter_name]").fill("Kirsten")
    main.locator("[name=reporter_email]").fill(address)
    problems += page_problems(page, f"[{language}] /maintenance/faults/new filled in")
    send.click()
    if main.locator("#similar-heading").count():  # "is it one of these?": no, send mine
        send.click()
    link_field = main.locator("#follow-link")
    expect(link_field).to_be_visible()
    problems += page_problems(page, f"[{language}] the thank-you page with the private link")
    link = link_field.input_value()
    (mail,) = live_server.emails_to(address)
    assert live_server.link_in(mail) == link
    page.goto(link)
    expect(main).to_contain_text(address)
    problems += page_problems(page, f"[{language}] the private page behind the link")
    assert not problems, report(problems)
