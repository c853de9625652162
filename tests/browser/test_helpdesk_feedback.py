"""The two-click "how did it go?" page (issue 10, point 4) passes axe and fits a 320 px screen in both
languages: opened from the e-mail the senior gets when their help is marked done, without logging in,
before and after answering, and as a broken link."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.browser.test_accessibility import LOCALES, axe_page, page_problems, report

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _language(locale: str) -> dict[str, str]:
    return {"Accept-Language": f"{locale},{locale[:2]};q=0.9"}


def _feedback_links(live_server: Any, address: str) -> list[str]:
    """The "how did it go?" links e-mailed to ``address`` by the live server, oldest first."""
    return [
        word
        for message in live_server.emails_to(address)
        for word in message.get_body(preferencelist=("plain",)).get_content().split()
        if word.startswith(f"{live_server.url}/helpdesk/feedback/")
    ]


def test_the_feedback_page_from_the_e_mail_passes_axe_in_both_languages(
    make_page: Any, live_server: Any, login: Any, logout: Any
) -> None:
    # Inger asks for help on the phone; Anne says yes and marks it done at once (phone help may be).
    words = f"Jeg kan ikke åbne brevet {uuid.uuid4().hex[:6]}"
    soon = (datetime.now() + timedelta(days=4)).replace(hour=10, minute=0)
    before = len(_feedback_links(live_server, "senior@example.org"))
    senior = make_page(locale="da-DK", extra_http_headers=_language("da-DK"))
    login(senior, "senior@example.org")  # Inger, who chose Danish
    senior.goto("/helpdesk/ask")
    main = senior.get_by_role("main")
    main.get_by_label("Hvad drejer det sig om?").select_option(label="MitID")
    main.get_by_label("I telefonen").check()
    main.get_by_label("Fortæl lidt om, hvad der er svært").fill(words)
    main.get_by_label("Et tidspunkt, der passer: fra").fill(_local(soon))
    main.get_by_label("til", exact=True).first.fill(_local(soon + timedelta(hours=2)))
    main.get_by_role("button", name="Send anmodningen").click()
    request_address = senior.url
    logout(senior)

    volunteer = make_page(locale="en-GB", extra_http_headers=_language("en-GB"))
    login(volunteer, "frivillig@example.org")
    volunteer.goto(request_address)
    volunteer.get_by_role("button", name="I will help").click()
    volunteer.get_by_role("button", name="Mark as done").click()
    expect(volunteer.get_by_role("main").get_by_role("status")).to_contain_text("Marked as done.")

    links = _feedback_links(live_server, "senior@example.org")
    assert len(links) == before + 1, "Inger is asked how it went, by e-mail"
    link = links[-1]

    problems: list[str] = []
    for language, locale in LOCALES.items():
        page = axe_page(make_page, locale, extra_http_headers=_language(locale))  # not logged in
        page.goto(link)
        expect(page.locator("html")).to_have_attribute("lang", language)
        main = page.get_by_role("main")
        expect(main.locator("form.feedback-buttons button")).to_have_count(2)
        problems += page_problems(page, f"[{language}] the feedback page from the e-mail")
        main.locator("button[value=good]").click()
        expect(main.locator(".notice")).to_be_visible()  # "Your answer: Good. You can change it below."
        problems += page_problems(page, f"[{language}] the feedback page, answered")
        page.goto(link + "x")
        expect(main.locator("form")).to_have_count(0)
        problems += page_problems(page, f"[{language}] a broken feedback link")
    assert not problems, report(problems)
