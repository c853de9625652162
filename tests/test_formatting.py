"""Dates and numbers people can read, in Danish and in English: on pages, in e-mails and in notifications.

The clock is held at Tuesday 8 December 2026, 10:00 in Denmark (09:00 UTC), so "today", "tomorrow" and
"this year" are known."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from community import formatting
from community.extensions import db
from community.i18n import force_locale
from community.notifications.models import Notification
from community.villages.models import HelpCategory, PostKind, Rsvp
from community.villages.services import events, help, posts
from community.villages.services.posts import PostInput

EN = {"Accept-Language": "en"}
NOW = datetime(2026, 12, 8, 9, 0)  # naive UTC, as stored: 10:00 in Copenhagen


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(formatting, "now_utc", lambda: NOW.replace(tzinfo=UTC))
    return NOW


def _in(language: str, fn, *args):
    with force_locale(language):
        return fn(*args)


def _event(space, by, starts_at, **extra):
    data = PostInput(kind=PostKind.EVENT, title="Juletræstænding", body="Kom!", starts_at=starts_at, **extra)
    return posts.create_post(space, by=by, data=data)


# --- the formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "danish", "english"),
    [
        (datetime(2026, 12, 10, 13, 0), "tors. 10. dec. kl. 14.00", "Thu 10 Dec, 14:00"),
        (datetime(2027, 1, 5, 8, 30), "tirs. 5. jan. 2027 kl. 9.30", "Tue 5 Jan 2027, 09:30"),
        (datetime(2026, 12, 8, 13, 0), "i dag kl. 14.00", "today, 14:00"),
        (datetime(2026, 12, 7, 18, 15), "i går kl. 19.15", "yesterday, 19:15"),
        (datetime(2026, 12, 9, 7, 0), "i morgen kl. 8.00", "tomorrow, 08:00"),
        (datetime(2026, 6, 1, 22, 30), "tirs. 2. jun. kl. 0.30", "Tue 2 Jun, 00:30"),  # summer time
    ],
)
def test_a_moment_reads_short_and_unambiguous(app, clock, moment, danish, english):
    with app.test_request_context():
        assert _in("da", formatting.format_datetime, moment) == danish
        assert _in("en", formatting.format_datetime, moment) == english


def test_recent_moments_read_as_time_ago_and_days_as_words(app, clock):
    with app.test_request_context():
        cases = [
            (NOW - timedelta(seconds=20), "lige nu", "just now"),
            (NOW - timedelta(minutes=1), "for 1 minut siden", "1 minute ago"),
            (NOW - timedelta(minutes=25), "for 25 minutter siden", "25 minutes ago"),
            (NOW - timedelta(hours=1, minutes=5), "for 1 time siden", "1 hour ago"),
            (NOW - timedelta(hours=3), "for 3 timer siden", "3 hours ago"),
            (NOW - timedelta(hours=20), "i går kl. 14.00", "yesterday, 14:00"),
        ]
        for moment, danish, english in cases:
            assert _in("da", formatting.format_ago, moment) == danish
            assert _in("en", formatting.format_ago, moment) == english
        assert _in("da", formatting.format_age, NOW) == "i dag", "never 'for 0 dage siden'"
        assert _in("da", formatting.format_age, NOW - timedelta(days=1)) == "i går"
        assert _in("en", formatting.format_age, NOW - timedelta(days=3)) == "3 days ago"
        assert _in("da", formatting.format_date, date(2026, 12, 24)) == "tors. 24. dec."
        assert _in("en", formatting.format_date, date(2025, 12, 24)) == "Wed 24 Dec 2025"


def test_spans_durations_and_numbers(app, clock):
    start = datetime(2026, 12, 10, 13, 0)
    with app.test_request_context():
        assert (
            _in("da", formatting.format_span, start, start + timedelta(hours=2))
            == "tors. 10. dec. kl. 14.00–16.00"
        )
        assert _in("en", formatting.format_span, start, start + timedelta(days=1)) == (
            "Thu 10 Dec, 14:00 – Fri 11 Dec, 14:00"
        )
        assert _in("da", formatting.format_duration, timedelta(minutes=90)) == "1 time og 30 minutter"
        assert _in("en", formatting.format_duration, 120) == "2 hours"
        assert _in("da", formatting.format_km, 4.13) == "4,1 km"
        assert _in("en", formatting.format_km, 4.13) == "4.1 km"
        assert _in("da", formatting.format_km, 12.6) == "13 km"
        assert _in("da", formatting.format_number, 1234567) == "1.234.567"
        assert _in("en", formatting.format_number, 1234.5) == "1,234.5"
        assert _in("da", formatting.format_number, 2.345, 2) == "2,35"


def test_sentences_made_in_python_never_say_tomorrow(app, clock):
    """Flash messages, notification sentences and messages stored in a thread may be read on another day."""
    from community import i18n

    with app.test_request_context():
        assert (
            _in("da", i18n.format_datetime, datetime(2026, 12, 9, 7, 0), "short") == "ons. 9. dec. kl. 8.00"
        )
        assert _in("en", i18n.format_date, datetime(2026, 12, 8, 7, 0)) == "Tue 8 Dec"


def test_an_email_never_says_tomorrow(app, clock):
    with app.test_request_context(), formatting.absolute_dates():
        assert _in("da", formatting.format_datetime, datetime(2026, 12, 9, 7, 0)) == "ons. 9. dec. kl. 8.00"
        assert _in("en", formatting.format_ago, NOW - timedelta(hours=2)) == "Tue 8 Dec, 08:00"


# --- what a person sees ------------------------------------------------------------------------------


def test_an_event_page_in_both_languages(client, login, village, clock):
    event = _event(
        village.space, village.hanne, datetime(2026, 12, 10, 13, 0), ends_at=datetime(2026, 12, 10, 15, 0)
    )
    db.session.commit()
    danish = client.get(f"/s/stilling/posts/{event.id}").text
    english = client.get(f"/s/stilling/posts/{event.id}", headers=EN).text
    assert "tors. 10. dec. kl. 14.00–16.00" in danish and "Centraleuropæisk" not in danish
    assert "Thu 10 Dec, 14:00–16:00" in english and "12/10/26" not in english
    feed = client.get("/s/stilling/", headers=EN).text
    assert "Starts Thu 10 Dec, 14:00" in feed


def test_a_full_event_says_so_in_proper_danish(client, login, village, clock):
    event = _event(village.space, village.hanne, datetime(2026, 12, 10, 13, 0), capacity=1)
    events.rsvp(event, village.space, by=village.jens, status=Rsvp.GOING)
    db.session.commit()
    login(village.anne)
    danish = client.post(
        f"/s/stilling/posts/{event.id}/rsvp", data={"status": "going"}, follow_redirects=True
    )
    assert "Arrangementet er fuldt: Den eneste plads er taget." in danish.text
    assert "Alle 1 pladser" not in danish.text
    event.capacity = 3
    for person in (village.hanne, village.anne):
        events.rsvp(event, village.space, by=person, status=Rsvp.GOING)
    db.session.commit()
    login(village.ole)
    from community.spaces.services import add_member

    add_member(village.space, village.ole)
    db.session.commit()
    danish = client.post(
        f"/s/stilling/posts/{event.id}/rsvp", data={"status": "going"}, follow_redirects=True
    )
    assert "Alle 3 pladser er taget." in danish.text


def test_distances_use_the_decimal_comma_on_pages_notifications_and_emails(
    client, login, village, outbox, clock
):
    help.set_alert(village.anne, radius_km=10, categories=[])  # Anne lives in Skanderborg, Danish e-mails
    data = PostInput(
        kind=PostKind.HELP_REQUEST,
        title="Kørsel til lægen",
        body="Torsdag",
        help_category=HelpCategory.TRANSPORT,
    )
    posts.create_post(village.space, by=village.jens, data=data)
    db.session.commit()
    note = db.session.scalar(sa.select(Notification).where(Notification.kind == "villages.help_nearby"))
    km = note.context["km"]
    danish_km = f"{km:.1f}".replace(".", ",")
    [mail] = [m for m in outbox() if m["To"] == "anne@example.org"]
    assert f"Nogen søger hjælp {danish_km} km fra dig" in mail["Subject"]
    login(village.anne)
    bell = client.get("/notifications/").text
    assert f"Nogen søger hjælp {danish_km} km fra dig" in bell
    bell = client.get("/notifications/", headers=EN).text
    assert f"New help request {km:.1f} km from you" in bell
    assert re.search(r"\d,\d km væk", client.get("/villages/help/").text)
    assert re.search(r"\d\.\d km away", client.get("/villages/help/", headers=EN).text)


def test_recent_timestamps_on_pages_read_as_time_ago(client, login, village, clock):
    post = posts.create_post(
        village.space, by=village.jens, data=PostInput(kind=PostKind.DISCUSSION, title="Hej", body="Hej alle")
    )
    post.created_at = NOW - timedelta(hours=3)
    db.session.commit()
    assert "for 3 timer siden" in client.get("/s/stilling/").text
    assert "3 hours ago" in client.get("/s/stilling/", headers=EN).text
