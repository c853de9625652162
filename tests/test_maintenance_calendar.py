"""The club's calendar: fixtures by hand and from .ics files (all or nothing, naming the line at fault),
export, private feeds that can be revoked, and who may ask about which facility."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from community.extensions import db
from community.maintenance.models import ChangeRequest, Fixture
from tests.test_maintenance_journey import EN, build_pitches, form_time


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


GOOD_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Klubsystem//DA
BEGIN:VEVENT
UID:training-u13@klub.dk
DTSTART;TZID=Europe/Copenhagen:20270302T170000
DTEND;TZID=Europe/Copenhagen:20270302T183000
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20270629T220000Z
SUMMARY:Træning U13
END:VEVENT
BEGIN:VEVENT
UID:kamp-1@klub.dk
DTSTART:20270313T090000Z
DTEND:20270313T110000Z
SUMMARY:Kamp mod Hørning
END:VEVENT
END:VCALENDAR
"""


def _upload(client, text: str, facility_id: int, kind: str = "training"):
    return client.post(
        "/s/stilling-if/pitches/import",
        data={"facility_id": facility_id, "kind": kind, "file": (io.BytesIO(text.encode()), "kalender.ics")},
        content_type="multipart/form-data",
        headers=EN,
        follow_redirects=True,
    )


def _fixtures() -> list[Fixture]:
    return list(db.session.scalars(sa.select(Fixture).order_by(Fixture.id)))


def test_import_recurring_and_one_off_events_then_again_updates_them(client, login, pitches):
    login(pitches.lars)
    response = _upload(client, GOOD_ICS, pitches.pitch2.id)
    assert "2 fixtures imported (0 updated)." in response.text
    training, match = _fixtures()
    assert (
        training.rrule == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270629T220000Z" and training.kind.value == "training"
    )
    assert match.kind.value == "match" and match.rrule is None  # "Kamp" in the title
    assert training.repeat_until is not None and training.repeat_until.month == 6
    again = _upload(client, GOOD_ICS.replace("Træning U13", "Træning U13 og U14"), pitches.pitch2.id)
    assert "2 fixtures imported (2 updated)." in again.text
    assert [f.title for f in _fixtures()] == ["Træning U13 og U14", "Kamp mod Hørning"]


def test_export_keeps_the_repetition_rule(client, login, pitches):
    login(pitches.lars)
    _upload(client, GOOD_ICS, pitches.pitch2.id)
    response = client.get("/s/stilling-if/pitches/calendar.ics", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}
    assert events["Træning U13"]["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20270629T220000Z;BYDAY=TU"
    assert str(events["Træning U13"]["LOCATION"]) == "Stilling Stadion, bane 2"
    assert "Mowing (planned)" in events  # the contractor's visits on the club's pitches


def test_an_unreadable_line_refuses_the_whole_file_and_names_the_line(client, login, pitches):
    login(pitches.lars)
    broken = GOOD_ICS.replace("SUMMARY:Kamp mod Hørning", "this line is not a calendar line")
    response = _upload(client, broken, pitches.pitch2.id)
    assert response.status_code == 400
    assert "Line 15 of the calendar file" in response.text and "Nothing was imported" in response.text
    assert _fixtures() == []  # the first, good event is not half-imported


def test_an_unreadable_repetition_rule_refuses_the_file_and_names_its_line(client, login, pitches):
    login(pitches.lars)
    response = _upload(client, GOOD_ICS.replace("FREQ=WEEKLY;BYDAY=TU", "FREQ=SOMETIMES"), pitches.pitch2.id)
    assert response.status_code == 400
    assert "Line 8 of the calendar file" in response.text and "FREQ=SOMETIMES" in response.text
    assert _fixtures() == []


def test_an_unreadable_start_time_names_its_line(client, login, pitches):
    login(pitches.lars)
    response = _upload(
        client, GOOD_ICS.replace("DTSTART:20270313T090000Z", "DTSTART:2027X0313"), pitches.pitch2.id
    )
    assert response.status_code == 400 and "Line 13 of the calendar file" in response.text
    assert _fixtures() == []


def test_not_a_calendar_at_all(client, login, pitches):
    login(pitches.lars)
    response = _upload(client, "Hej med dig\n", pitches.pitch2.id)
    assert response.status_code == 400 and "Line 1 of the calendar file" in response.text


def test_ends_before_it_starts(client, login, pitches):
    login(pitches.lars)
    start = pitches.saturday
    response = client.post(
        "/s/stilling-if/pitches/fixtures/new",
        data={
            "facility_id": pitches.pitch2.id,
            "title": "Kamp",
            "kind": "match",
            "starts_at": form_time(start),
            "ends_at": form_time(start - timedelta(hours=1)),
        },
        headers=EN,
    )
    assert response.status_code == 400 and "It must end after it starts." in response.text


def test_a_club_asking_about_a_facility_it_does_not_use_gets_403(client, login, pitches):
    login(pitches.ole)
    slug = pitches.other.slug
    assert client.get(f"/s/{slug}/pitches/requests/new?facility={pitches.pitch1.id}").status_code == 403
    response = client.post(
        f"/s/{slug}/pitches/requests/new",
        data={
            "facility_id": pitches.pitch1.id,
            "task": "mowing",
            "wanted_before": form_time(pitches.saturday),
        },
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(ChangeRequest.id))) == 0
    imported = client.post(
        f"/s/{slug}/pitches/import",
        data={
            "facility_id": pitches.pitch1.id,
            "kind": "match",
            "file": (io.BytesIO(GOOD_ICS.encode()), "k.ics"),
        },
        content_type="multipart/form-data",
    )
    assert imported.status_code == 403 and _fixtures() == []


def test_a_request_for_a_task_nobody_has_an_agreement_for(client, login, pitches):
    login(pitches.lars)
    response = client.post(
        "/s/stilling-if/pitches/requests/new",
        data={
            "facility_id": pitches.pitch2.id,
            "task": "snow_clearing",
            "wanted_before": form_time(pitches.saturday),
        },
        headers=EN,
    )
    assert response.status_code == 400
    assert "No contractor has an agreement for snow clearing at Stilling Stadion, bane 2." in response.text


def test_calendar_and_feeds_are_private_and_revocable(client, login, pitches):
    login(pitches.jens)
    assert client.get("/s/stilling-if/pitches/").status_code == 404  # not a member
    assert client.post("/s/stilling-if/calendar-feed").status_code == 403
    login(pitches.lars)
    client.post("/s/stilling-if/calendar-feed")
    page = client.get("/s/stilling-if/pitches/", headers=EN).text
    url = (
        page.split('id="feed-url" type="text" readonly value="', 1)[1]
        .split('"', 1)[0]
        .replace("http://faelled.test", "")
    )
    assert client.get(url).status_code == 200
    client.post("/s/stilling-if/calendar-feed/revoke")
    assert client.get(url).status_code == 404
    assert client.get("/maintenance/feeds/not-a-token.ics").status_code == 404


def test_facility_and_contractor_feeds(client, login, pitches):
    login(pitches.peter)
    client.post(f"/maintenance/facilities/{pitches.pitch1.id}/feed")
    page = client.get(f"/maintenance/facilities/{pitches.pitch1.id}", headers=EN).text
    url = (
        page.split('id="feed-url" type="text" readonly value="', 1)[1]
        .split('"', 1)[0]
        .replace("http://faelled.test", "")
    )
    body = client.get(url).data
    assert "Slåning (planlagt)".encode() in body  # in the feed owner's language, Danish by default
    client.post("/s/groenne-omraader/calendar-feed")
    plan = client.get("/s/groenne-omraader/plan/", headers=EN).text
    assert "Your address" in plan
    login(pitches.jens)
    assert client.post(f"/maintenance/facilities/{pitches.pitch1.id}/feed").status_code == 403


@pytest.mark.parametrize(
    "lines",
    [
        "DTSTART:99991231T230000Z\nDURATION:P2D",
        "DTSTART:00010101T000000",
        "DTSTART;VALUE=DATE:99991231",
        "DTSTART:20310503T100000Z\nDURATION:P99999999D",
    ],
)
def test_a_time_at_the_ends_of_the_calendar_names_its_line(client, login, pitches, lines):
    """Found by tests/test_forms_fuzz.py: a start in year 1 or 9999, or an end beyond it, overflowed
    (a 500) instead of naming the line."""
    login(pitches.lars)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x@klub.dk\n{lines}\nSUMMARY:Kamp\n"
    text += "END:VEVENT\nEND:VCALENDAR\n"
    response = _upload(client, text, pitches.pitch2.id)
    assert response.status_code == 400 and "cannot be read" in response.text
    assert _fixtures() == []


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=MINUTELY;COUNT=10", "FREQ=DAILY;BYMINUTE=0,1"])
def test_a_rule_more_often_than_hourly_is_refused(client, login, pitches, rule):
    """Found by tests/test_forms_fuzz.py: FREQ=SECONDLY expanded millions of occurrences for the conflict
    check (minutes for one request); pitches are booked at most by the hour."""
    login(pitches.lars)
    response = _upload(
        client, GOOD_ICS.replace("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270629T220000Z", rule), pitches.pitch2.id
    )
    assert response.status_code == 400 and f"The repetition rule {rule} cannot be read" in response.text
    assert "Line 8 of the calendar file" in response.text and _fixtures() == []


def test_a_nul_character_in_a_calendar_file_names_its_line(client, login, pitches):
    """Found by tests/test_forms_fuzz.py on PostgreSQL, which cannot store NUL in text: a 500."""
    login(pitches.lars)
    response = _upload(
        client, GOOD_ICS.replace("SUMMARY:Kamp mod Hørning", "SUMMARY:Kamp\x00"), pitches.pitch2.id
    )
    assert response.status_code == 400 and "Line 15 of the calendar file" in response.text
    assert _fixtures() == []


def test_a_calendar_rule_that_never_comes_is_refused_and_a_stored_one_breaks_no_page(client, login, pitches):
    """A rule whose days never come sent dateutil looking up to year 9999, seconds for every calendar
    and conflict check that expanded it. Refused when imported; one stored before that is left out of
    the expanded calendars and checks, which still hold the club's other fixtures."""
    login(pitches.lars)
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"
    response = _upload(
        client, GOOD_ICS.replace("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270629T220000Z", rule), pitches.pitch2.id
    )
    assert response.status_code == 400 and f"The repetition rule {rule} never gives a date" in response.text
    assert _fixtures() == []

    assert _upload(client, GOOD_ICS, pitches.pitch2.id).status_code == 200
    stored = Fixture(
        space_id=pitches.club.id,
        uid="old-rule@klub.dk",
        facility_id=pitches.pitch2.id,
        title="Aldrig",
        kind=_fixtures()[0].kind,
        starts_at=_fixtures()[0].starts_at,
        ends_at=_fixtures()[0].ends_at,
        rrule=rule,
        created_by_id=pitches.lars.id,
    )
    db.session.add(stored)
    db.session.commit()
    page = client.get("/s/stilling-if/pitches/", headers=EN)
    assert page.status_code == 200 and "Træning U13" in page.text
    assert "Change “Aldrig”" in page.text, "listed, for the club to change or remove"
    feed = client.get("/s/stilling-if/pitches/calendar.ics", headers=EN)
    assert feed.status_code == 200 and "Træning U13" in feed.text
    login(pitches.peter)  # the contractor's plan checks every fixture on the pitches for collisions
    assert client.get("/s/groenne-omraader/plan/", headers=EN).status_code == 200
