"""Fixtures through a form a club chair understands (issue 10, point 7): how often, on which days, at
what time, from and to which date, not on Danish public holidays nor on chosen dates; the RRULE and
EXDATEs underneath; the next dates in words before saving; the form filled back from a stored rule,
and a rule it cannot say (imported) shown in words and kept; each occurrence asked about on its own."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html import unescape

import holidays
import pytest
import sqlalchemy as sa
from icalendar import Calendar

from community.db import utcnow
from community.extensions import db
from community.i18n import to_local, to_utc
from community.maintenance.models import ChangeRequest, Fixture, FixtureKind
from community.maintenance.services import fixtures
from tests.test_maintenance_journey import EN, build_pitches, form_time

DA = {"Accept-Language": "da"}
#: 17:00 as English pages write it (the words follow the app's date formats, which may change)
FIVE_PM = r"(?:17:00|5:00\sPM)"
TEN_AM = r"(?:10:00|10:00\sAM)"


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


@pytest.fixture
def ascension() -> date:
    """Next year's Ascension Day (Kristi himmelfartsdag), a Thursday, from the holidays package."""
    year = to_local(utcnow()).year + 1
    return next(
        d for d, name in holidays.country_holidays("DK", years=year).items() if name == "Ascension Day"
    )


def _training(p, ascension: date, **extra) -> dict:
    first = datetime.combine(ascension - timedelta(weeks=3), time(17, 0))
    return {
        "facility_id": p.pitch2.id,
        "title": "Træning U11",
        "kind": "training",
        "starts_at": first.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (first + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"),
        "repeat": "weekly",
        "weekdays": ["3"],
        "until": (ascension + timedelta(weeks=3)).isoformat(),
        "skip_holidays": "y",
        "skipped_dates": (ascension + timedelta(weeks=1)).strftime("%d-%m-%Y"),
        **extra,
    }


def _only_fixture() -> Fixture:
    return db.session.scalars(sa.select(Fixture)).one()


def _dates(fixture: Fixture) -> list[date]:
    start = fixture.starts_at - timedelta(days=1)
    return [
        to_local(b.starts_at).date()
        for b in fixtures.bookings_between([fixture.facility_id], start, start + timedelta(days=120))
        if b.fixture_id == fixture.id
    ]


def test_every_thursday_from_date_to_date_except_holidays_and_a_chosen_date(
    client, login, pitches, ascension
):
    login(pitches.lars)
    response = client.post(
        "/s/stilling-if/pitches/fixtures/new",
        data=_training(pitches, ascension),
        headers=EN,
        follow_redirects=True,
    )
    assert "“Træning U11” is in the calendar." in response.text
    fixture = _only_fixture()
    # The RRULE stays underneath: weekly on Thursday until the end of the last date, Danish time.
    last = ascension + timedelta(weeks=3)
    until = to_utc(datetime.combine(last, time(23, 59, 59))).strftime("%Y%m%dT%H%M%SZ")
    assert fixture.rrule == f"FREQ=WEEKLY;BYDAY=TH;UNTIL={until}"
    assert fixture.exdates == [(ascension + timedelta(weeks=1)).isoformat()] and fixture.skip_holidays
    # Seven Thursdays, less Ascension Day and the chosen date.
    first = ascension - timedelta(weeks=3)
    assert _dates(fixture) == [first + timedelta(weeks=n) for n in range(7) if n not in (3, 4)]
    # The calendar says it in words, not as a rule.
    page = unescape(client.get("/s/stilling-if/pitches/", headers=EN).text)
    assert (
        re.search(rf"Every week on Thursday at {FIVE_PM}, from", page)
        and "Not on Danish public holidays." in page
    )
    assert "Not on 1 chosen date:" in page and "FREQ=WEEKLY" not in page
    # The calendar file has the rule and the dates it skips (EXDATE).
    exported = Calendar.from_ical(client.get("/s/stilling-if/pitches/calendar.ics").data)
    event = next(e for e in exported.walk("VEVENT") if str(e["SUMMARY"]) == "Træning U11")
    skipped = sorted(d.dt.date() for line in _as_list(event["EXDATE"]) for d in line.dts)
    assert skipped == [ascension, ascension + timedelta(weeks=1)]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_the_preview_shows_the_next_dates_in_words_and_saves_nothing(client, login, pitches, ascension):
    login(pitches.lars)
    data = _training(pitches, ascension, preview="1")
    page = unescape(client.post("/s/stilling-if/pitches/fixtures/new", data=data, headers=EN).text)
    assert "Check the dates" in page and re.search(rf"Every week on Thursday at {FIVE_PM}, from", page)
    assert re.search(rf"{ascension:%a} {ascension.day} {ascension:%b} {ascension.year} at {FIVE_PM}", page)
    assert "not this time: Ascension Day" in page and "not this time: a chosen date" in page
    assert db.session.scalar(sa.select(sa.func.count(Fixture.id))) == 0
    danish = unescape(client.post("/s/stilling-if/pitches/fixtures/new", data=data, headers=DA).text)
    assert "Hver uge torsdag kl. 17.00, fra" in danish
    assert "ikke denne gang: Kristi himmelfartsdag" in danish and "Ikke på danske helligdage." in danish


def test_editing_fills_the_form_back_from_the_rule(client, login, pitches, ascension):
    login(pitches.lars)
    client.post("/s/stilling-if/pitches/fixtures/new", data=_training(pitches, ascension))
    fixture = _only_fixture()
    uid = fixture.uid
    page = client.get(f"/s/stilling-if/pitches/fixtures/{fixture.id}/edit", headers=EN).text
    assert re.search(r'<option selected value="weekly">|<option value="weekly" selected>', page)
    assert re.search(r'value="3"[^>]*checked|checked[^>]*value="3"', page)
    assert f'value="{(ascension + timedelta(weeks=3)).isoformat()}"' in page
    assert (ascension + timedelta(weeks=1)).strftime("%d-%m-%Y") in page
    # Every other week, to the same last date: the rule is rewritten, the uid kept.
    data = _training(pitches, ascension, repeat="biweekly", skipped_dates="", skip_holidays="")
    response = client.post(f"/s/stilling-if/pitches/fixtures/{fixture.id}/edit", data=data, headers=EN)
    assert response.status_code == 302
    db.session.refresh(fixture)
    assert fixture.rrule.startswith("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=") and fixture.uid == uid
    first = ascension - timedelta(weeks=3)
    assert _dates(fixture) == [first + timedelta(weeks=n) for n in (0, 2, 4, 6)]


def test_an_imported_rule_the_form_cannot_say_is_shown_in_words_and_kept(client, login, pitches):
    start = pitches.saturday + timedelta(days=2)
    fixture = fixtures.add_fixture(
        pitches.club,
        fixtures.FixtureInput(
            facility_id=pitches.pitch1.id,
            title="Stævne",
            kind=FixtureKind.TOURNAMENT,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            rrule="FREQ=WEEKLY;COUNT=10",
        ),
        by=pitches.lars,
    )
    db.session.commit()
    login(pitches.lars)
    page = unescape(client.get(f"/s/stilling-if/pitches/fixtures/{fixture.id}/edit", headers=EN).text)
    assert "As it is now (kept)" in page and "FREQ=WEEKLY;COUNT=10" in page
    assert re.search(r"Every week at [0-9:]+(?:\sPM|\sAM)?, 10 times in all, from", page)
    data = {
        "facility_id": pitches.pitch1.id,
        "title": "Stævne, forår",
        "kind": "tournament",
        "starts_at": form_time(start),
        "ends_at": form_time(start + timedelta(hours=3)),
        "repeat": "custom",
    }
    assert client.post(f"/s/stilling-if/pitches/fixtures/{fixture.id}/edit", data=data).status_code == 302
    db.session.refresh(fixture)
    assert fixture.title == "Stævne, forår" and fixture.rrule == "FREQ=WEEKLY;COUNT=10"


def test_every_month_on_the_first_saturday(client, login, pitches):
    login(pitches.lars)
    today = to_local(utcnow()).date()
    first = date(today.year + 1, 2, 1)
    first += timedelta(days=(5 - first.weekday()) % 7)  # the first Saturday of February
    start = datetime.combine(first, time(10, 0))
    data = {
        "facility_id": pitches.pitch2.id,
        "title": "Klubdag",
        "kind": "tournament",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "repeat": "monthly",
        "weekdays": ["5"],
        "until": date(first.year, 6, 30).isoformat(),
        "preview": "1",
    }
    page = unescape(client.post("/s/stilling-if/pitches/fixtures/new", data=data, headers=EN).text)
    assert re.search(rf"Every month on the first Saturday at {TEN_AM}, from", page)
    del data["preview"]
    client.post("/s/stilling-if/pitches/fixtures/new", data=data)
    fixture = _only_fixture()
    assert fixture.rrule.startswith("FREQ=MONTHLY;BYDAY=1SA;UNTIL=")
    found = _dates(fixture)
    assert [d.month for d in found] == [2, 3, 4, 5, 6] and all(d.weekday() == 5 and d.day <= 7 for d in found)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weekdays": ["5"]}, "The first time is on a Thursday. Tick Thursday as well"),
        ({"skipped_dates": "31-02-2027"}, "“31-02-2027” is not a date. Write dates like 24-12-2026."),
        ({"until": "2000-01-01"}, "The last date is before the first time."),
        ({"repeat": "monthly", "weekdays": ["1", "3"]}, "Every month repeats on one day"),
    ],
)
def test_a_repetition_that_does_not_fit_is_a_field_error(client, login, pitches, ascension, change, message):
    login(pitches.lars)
    response = client.post(
        "/s/stilling-if/pitches/fixtures/new", data=_training(pitches, ascension, **change), headers=EN
    )
    assert response.status_code == 400 and message in unescape(response.text)
    assert 'aria-invalid="true"' in response.text or 'class="field has-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(Fixture.id))) == 0


def test_each_occurrence_can_be_asked_about_on_its_own(client, login, pitches):
    p = pitches
    start = p.saturday + timedelta(days=3, hours=7)  # Tuesday 17:00
    training = fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=p.pitch2.id,
            title="Træning U10",
            kind=FixtureKind.TRAINING,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            rrule="FREQ=WEEKLY;BYDAY=TU",
            exdates=[to_local(start + timedelta(weeks=1)).date()],
        ),
        by=p.lars,
    )
    db.session.commit()
    login(p.lars)
    page = client.get("/s/stilling-if/pitches/requests/new", headers=EN).text
    third = start + timedelta(weeks=2)
    values = re.findall(rf'value="({training.id}@\d{{8}}T\d{{4}})"', page)
    assert f"{training.id}@{start:%Y%m%dT%H%M}" in values and f"{training.id}@{third:%Y%m%dT%H%M}" in values
    assert f"{training.id}@{start + timedelta(weeks=1):%Y%m%dT%H%M}" not in values  # the skipped Tuesday
    response = client.post(
        "/s/stilling-if/pitches/requests/new",
        data={
            "facility_id": p.pitch2.id,
            "task": "mowing",
            "occurrence": f"{training.id}@{third:%Y%m%dT%H%M}",
            "wanted_before": "",
            "message": "Kan I slå inden træningen?",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "Your request is sent to Grønne Områder." in response.text
    request = db.session.scalar(sa.select(ChangeRequest))
    assert request.fixture_id == training.id and request.occurrence_at == third == request.wanted_before
    assert "for “Træning U10” on" in unescape(response.text)
    # A time the fixture does not take place is refused, not quietly stored.
    skipped = start + timedelta(weeks=1)
    response = client.post(
        "/s/stilling-if/pitches/requests/new",
        data={
            "facility_id": p.pitch2.id,
            "task": "mowing",
            "occurrence": f"{training.id}@{skipped:%Y%m%dT%H%M}",
        },
        headers=EN,
    )
    assert response.status_code == 400 and "does not take place then" in unescape(response.text)
    assert db.session.scalar(sa.select(sa.func.count(ChangeRequest.id))) == 1
