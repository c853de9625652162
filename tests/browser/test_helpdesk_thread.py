"""A senior asks for help by phone and shares their number; a volunteer says yes, and the two write
to each other in the request's private thread, each reading the system messages in their own
language; the volunteer sees the number, another volunteer sees nothing of it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def flash(page: Any) -> Any:
    return page.get_by_role("main").get_by_role("status")


def test_the_volunteer_and_the_senior_write_to_each_other(make_page: Any, login: Any, logout: Any) -> None:
    words = f"Jeg kan ikke finde brevet {uuid.uuid4().hex[:6]}"
    soon = (datetime.now() + timedelta(days=4)).replace(hour=10, minute=0)
    senior = make_page(locale="da-DK", extra_http_headers={"Accept-Language": "da-DK,da;q=0.9"})
    login(senior, "senior@example.org")  # Inger, who chose Danish
    senior.goto("/helpdesk/ask")
    main = senior.get_by_role("main")
    main.get_by_label("Hvad drejer det sig om?").select_option(label="MitID")
    main.get_by_label("I telefonen").check()
    main.get_by_label("Fortæl lidt om, hvad der er svært").fill(words)
    main.get_by_label("Et tidspunkt, der passer: fra").fill(_local(soon))
    main.get_by_label("til", exact=True).first.fill(_local(soon + timedelta(hours=2)))
    phone = main.get_by_label("Dit telefonnummer (valgfrit)")
    expect(
        main.get_by_text("Kun den frivillige, der siger ja til din anmodning, ser det").first
    ).to_be_visible()
    phone.fill("20 12 34 56")
    main.get_by_role("button", name="Send anmodningen").click()
    request_address = senior.url
    logout(senior)

    volunteer = make_page(locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
    login(volunteer, "frivillig@example.org")  # Anne, a vetted volunteer for MitID
    volunteer.goto(request_address)
    expect(volunteer.get_by_role("link", name="20 12 34 56")).to_have_count(0)
    volunteer.get_by_role("button", name="I will help").click()
    expect(flash(volunteer)).to_contain_text("Thank you!")
    expect(volunteer.get_by_role("link", name="20 12 34 56")).to_be_visible()
    volunteer.get_by_role("link", name="Open your conversation").click()
    expect(volunteer.get_by_text("Anne Madsen offered to help.")).to_be_visible()
    volunteer.get_by_label("Message").fill("Hej Inger, jeg ringer i morgen kl. 10. Passer det?")
    volunteer.get_by_role("button", name="Send").click()
    expect(volunteer.get_by_text("jeg ringer i morgen kl. 10")).to_be_visible()

    login(senior, "senior@example.org")
    senior.goto(request_address)
    senior.get_by_role("link", name="Åbn jeres samtale").click()
    expect(senior.get_by_text("Anne Madsen tilbød at hjælpe.")).to_be_visible()
    expect(senior.get_by_text("jeg ringer i morgen kl. 10")).to_be_visible()
    senior.get_by_label("Besked").fill("Ja tak, det passer fint.")
    senior.get_by_role("button", name="Send").click()
    expect(senior.get_by_text("Ja tak, det passer fint.")).to_be_visible()

    volunteer.goto("/messages/")
    volunteer.get_by_role("link", name="Inger Hansen: MitID").first.click()
    expect(volunteer.get_by_text("Ja tak, det passer fint.")).to_be_visible()

    other = make_page(locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
    login(other, "borger@example.org")
    response = other.goto(volunteer.url)
    assert response is not None and response.status == 404, "a thread is private"
