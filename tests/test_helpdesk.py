"""Digital help: ask (or ask for someone), match, agree a time, be reminded, done with feedback;
drop-ins with a waiting list; guides; the organisers' overview."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community import geo
from community.db import utcnow
from community.extensions import db
from community.helpdesk.models import Booking, BookingStatus, HelpRequest, Mode, RequestStatus
from community.helpdesk.services import matches, requests, sessions, topics, volunteers
from community.helpdesk.services.requests import RequestInput
from community.notifications.models import Notification

EN = {"Accept-Language": "en"}


@pytest.fixture
def desk(municipality, make_user, make_space, member):
    from types import SimpleNamespace

    organiser = make_user("kommune@example.org", name="Mette", staff_of=municipality)
    association = make_space("association", name="Digital hjælp", place="Skanderborg")
    ally = make_user("aeldresagen@example.org", name="Birthe")
    member(association, ally, "moderator")
    post = topics.save_topic(municipality.id, name="Digital Post", summary="Breve")
    mitid = topics.save_topic(municipality.id, name="MitID", summary="Log ind")
    anne = make_user("frivillig@example.org", name="Anne", home="Stilling")
    profile = volunteers.save_profile(
        anne,
        municipality.id,
        topics=[post, mitid],
        languages=["da"],
        modes=[Mode.PHONE, Mode.HOME, Mode.DROP_IN],
        radius_km=15,
        availability="",
        about="",
        paused=False,
    )
    far = make_user("far@example.org", name="Fjern", home="8000")
    volunteers.save_profile(
        far,
        municipality.id,
        topics=[post],
        languages=["da"],
        modes=[Mode.HOME],
        radius_km=3,
        availability="",
        about="",
        paused=False,
    )
    return SimpleNamespace(
        municipality=municipality,
        organiser=organiser,
        ally=ally,
        post=post,
        mitid=mitid,
        anne=anne,
        profile=profile,
        senior=make_user("senior@example.org", name="Inger", home="Hørning (8362 Hørning)"),
    )


def _local(dt):
    from community.i18n import to_local

    return to_local(dt).strftime("%Y-%m-%dT%H:%M")


def _ask(client, **data):
    soon = utcnow() + timedelta(days=2)
    base = {
        "who": "me",
        "topic": "",
        "mode": "phone",
        "description": "Kan ikke finde brevet",
        "window_1_start": _local(soon),
        "window_1_end": _local(soon + timedelta(hours=2)),
    }
    base.update(data)
    return client.post("/helpdesk/ask", data=base, headers=EN)


def test_ask_match_agree_remind_and_finish(client, login, desk):
    login(desk.senior)
    response = _ask(client, topic=str(desk.post.id))
    request = db.session.scalar(sa.select(HelpRequest))
    assert response.headers["Location"] == f"/helpdesk/requests/{request.id}"
    told = db.session.scalar(sa.select(Notification).where(Notification.kind == "helpdesk.request_for_you"))
    assert told.user_id == desk.anne.id

    login(desk.anne)
    page = client.get("/helpdesk/volunteer", headers=EN).text
    assert "Digital Post: On the phone" in page, "the request is among her matches"
    client.post(f"/helpdesk/requests/{request.id}/accept")
    db.session.refresh(request)
    assert request.status == RequestStatus.MATCHED and request.match.volunteer_id == desk.profile.id
    when = utcnow().replace(microsecond=0) + timedelta(hours=20)
    client.post(f"/helpdesk/requests/{request.id}/schedule", data={"agreed_at": _local(when)})
    db.session.refresh(request)
    assert request.status == RequestStatus.SCHEDULED

    assert requests.send_due_reminders(now=utcnow()) == 1
    assert requests.send_due_reminders(now=utcnow()) == 0, "a reminder is sent once"
    reminded = {
        n.user_id
        for n in db.session.scalars(sa.select(Notification).where(Notification.kind == "helpdesk.reminder"))
    }
    assert reminded == {desk.senior.id, desk.anne.id}
    login(desk.senior)
    assert "Reminder: help with Digital Post is agreed for" in client.get("/notifications/", headers=EN).text

    early = client.post(
        f"/helpdesk/requests/{request.id}/done",
        data={"hours": "1", "rating": ""},
        headers=EN,
        follow_redirects=True,
    )
    assert "Mark it as done after it has happened." in early.text, "not before it happened"
    db.session.refresh(request)
    assert request.status == RequestStatus.SCHEDULED
    request.match.agreed_at = utcnow() - timedelta(hours=1)  # the time has come and gone
    db.session.commit()

    done = client.post(
        f"/helpdesk/requests/{request.id}/done",
        data={"hours": "1,5", "rating": "5", "feedback": "Tålmodig og sød."},
        headers=EN,
        follow_redirects=True,
    )
    assert "Marked as done." in done.text
    db.session.refresh(request)
    assert request.status == RequestStatus.DONE and request.match.hours == 1.5

    login(desk.organiser)
    overview = client.get("/helpdesk/overview", headers=EN).text
    month = utcnow().strftime("%Y-%m")
    assert f'<tr><th scope="row">{month}</th><td>1</td>' in overview
    csv = client.get("/helpdesk/overview.csv", headers=EN).text
    assert csv.splitlines()[0].startswith("Month,People helped") and f"{month},1,0,0,1.50," in csv


def test_an_assisted_request_needs_consent_and_a_phone(client, login, desk):
    login(desk.organiser)
    base = {"who": "other", "topic": str(desk.mitid.id), "mode": "home", "place": "Stilling"}
    no_consent = _ask(client, **base, person_name="Karen Olsen", phone="86 12 34 56")
    assert no_consent.status_code == 400 and "Ask the person first" in no_consent.text
    no_phone = _ask(client, **base, person_name="Karen Olsen", consent="y")
    assert "Write their phone number with 8 digits" in no_phone.text
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0
    ok = _ask(client, **base, person_name="Karen Olsen", phone="86 12 34 56", consent="y")
    assert ok.status_code == 302
    request = db.session.scalar(sa.select(HelpRequest))
    assert request.assisted and request.phone == "86123456" and "has agreed" in request.consent_text
    assert request.filed_by_id == desk.organiser.id and request.requester_id is None


def test_phone_numbers_are_for_the_matched_volunteer_and_organisers(client, login, desk, make_user):
    soon = utcnow() + timedelta(days=1)
    request = requests.file_request(
        desk.municipality.id,
        by=desk.organiser,
        data=RequestInput(
            topic=desk.post,
            mode=Mode.PHONE,
            description="",
            windows=[(soon, soon + timedelta(hours=1))],
            assisted=True,
            person_name="Karen Olsen",
            phone="86123456",
            consent=True,
            consent_text="ok",
        ),
    )
    other = make_user(name="Anden frivillig", home="Stilling")
    volunteers.save_profile(
        other,
        desk.municipality.id,
        topics=[desk.post],
        languages=["da"],
        modes=[Mode.PHONE],
        radius_km=5,
        availability="",
        about="",
        paused=False,
    )
    login(other)
    before = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "86123456" not in before and "Karen Olsen" not in before
    login(desk.anne)
    client.post(f"/helpdesk/requests/{request.id}/accept")
    after = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "86123456" in after and "Karen Olsen" in after
    login(other)
    assert client.get(f"/helpdesk/requests/{request.id}").status_code == 404, "taken: not theirs to see"
    login(desk.ally)
    assert "86123456" in client.get(f"/helpdesk/requests/{request.id}", headers=EN).text


def test_past_times_and_cpr_numbers_are_refused(client, login, desk):
    login(desk.senior)
    past = utcnow() - timedelta(days=1)
    response = _ask(
        client,
        topic=str(desk.post.id),
        window_1_start=_local(past),
        window_1_end=_local(past + timedelta(hours=1)),
    )
    assert "A time you gave has already passed." in response.text
    cpr = _ask(client, topic=str(desk.post.id), description="Mit cpr-nummer er 2412451234")
    assert "This looks like a CPR number." in cpr.text
    none = _ask(client, topic=str(desk.post.id), window_1_start="", window_1_end="")
    assert "Give at least one time that suits" in none.text
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_only_vetted_volunteers_make_home_visits(client, login, desk):
    soon = utcnow() + timedelta(days=1)
    request = requests.file_request(
        desk.municipality.id,
        by=desk.senior,
        data=RequestInput(
            topic=desk.post,
            mode=Mode.HOME,
            description="",
            windows=[(soon, soon + timedelta(hours=1))],
            place=geo.resolve("Stilling"),
        ),
    )
    assert requests.rank_volunteers(request) == [], "nobody is vetted yet"
    login(desk.anne)
    refused = client.post(f"/helpdesk/requests/{request.id}/accept", headers=EN, follow_redirects=True)
    assert "Only vetted volunteers make home visits." in refused.text
    db.session.refresh(request)
    assert request.status == RequestStatus.OPEN
    login(desk.ally)  # an organiser from the association
    client.post(f"/helpdesk/volunteers/{desk.profile.id}/vet")
    db.session.refresh(desk.profile)
    assert desk.profile.vetted_by_name == "Digital hjælp"
    assert [c.profile.id for c in requests.rank_volunteers(request)] == [desk.profile.id], (
        "the far one is too far"
    )
    login(desk.anne)
    client.post(f"/helpdesk/requests/{request.id}/accept")
    db.session.refresh(request)
    assert request.status == RequestStatus.MATCHED


def test_ranking_prefers_the_language_and_fewer_tasks(db, desk, make_user):
    soon = utcnow() + timedelta(days=1)
    english = make_user(name="English speaker", home="Stilling", locale="en")
    busy = make_user(name="Travl", home="Stilling")
    for person, languages in ((english, ["da", "en"]), (busy, ["da", "en"])):
        volunteers.save_profile(
            person,
            desk.municipality.id,
            topics=[desk.post],
            languages=languages,
            modes=[Mode.PHONE],
            radius_km=5,
            availability="",
            about="",
            paused=False,
        )
    for _ in range(2):
        r = requests.file_request(
            desk.municipality.id,
            by=desk.senior,
            data=RequestInput(
                topic=desk.post, mode=Mode.PHONE, description="", windows=[(soon, soon + timedelta(hours=1))]
            ),
        )
        matches.accept(r, by=busy)
    asker = make_user(name="Tourist", home="Stilling", locale="en")
    request = requests.file_request(
        desk.municipality.id,
        by=asker,
        data=RequestInput(
            topic=desk.post, mode=Mode.PHONE, description="", windows=[(soon, soon + timedelta(hours=1))]
        ),
    )
    names = [c.profile.user.display_name for c in requests.rank_volunteers(request)]
    assert names[:2] == ["English speaker", "Travl"] and "Anne" in names


def test_unmatched_requests_go_to_the_organisers_after_three_days(db, desk):
    soon = utcnow() + timedelta(days=5)
    request = requests.file_request(
        desk.municipality.id,
        by=desk.senior,
        data=RequestInput(
            topic=desk.mitid, mode=Mode.VIDEO, description="", windows=[(soon, soon + timedelta(hours=1))]
        ),
    )
    assert requests.escalate_unmatched(now=utcnow() + timedelta(days=2)) == 0
    assert requests.escalate_unmatched(now=utcnow() + timedelta(days=3, minutes=1)) == 1
    told = {
        n.user_id
        for n in db.session.scalars(sa.select(Notification).where(Notification.kind == "helpdesk.unmatched"))
    }
    assert told == {desk.organiser.id, desk.ally.id}
    assert request.escalated_at is not None


def test_a_full_drop_in_offers_the_waiting_list_and_a_cancellation_promotes_it(
    client, login, desk, make_user
):
    start = utcnow() + timedelta(days=3)
    session = sessions.create_sessions(
        desk.municipality.id,
        by=desk.organiser,
        title="IT-café",
        place=geo.resolve("Skanderborg"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        seats=1,
        topics=[desk.post],
    )[0]
    login(desk.senior)
    client.post(f"/helpdesk/sessions/{session.id}/book")
    twice = client.post(f"/helpdesk/sessions/{session.id}/book", headers=EN, follow_redirects=True)
    assert "You have already booked a seat at this session." in twice.text
    daughter = make_user(name="Datter")
    login(daughter)
    full = client.post(
        f"/helpdesk/sessions/{session.id}/book",
        data={"attendee_name": "Far"},
        headers=EN,
        follow_redirects=True,
    )
    assert "The session is full." in full.text and "Join the waiting list" in full.text
    client.post(f"/helpdesk/sessions/{session.id}/book", data={"attendee_name": "Far", "waitlist": "1"})
    waiting = db.session.scalar(sa.select(Booking).where(Booking.attendee_name == "Far"))
    assert waiting.status == BookingStatus.WAITING
    login(desk.senior)
    mine = db.session.scalar(sa.select(Booking).where(Booking.booked_by_id == desk.senior.id))
    client.post(f"/helpdesk/bookings/{mine.id}/cancel")
    db.session.refresh(waiting)
    assert waiting.status == BookingStatus.BOOKED
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == daughter.id))
    assert note.kind == "helpdesk.seat_free" and note.context["name"] == "Far"
    login(desk.organiser)
    sheet = client.get(f"/helpdesk/sessions/{session.id}/attendance", headers=EN).text
    assert "Far" in sheet and "Inger" not in sheet


def test_weekly_sessions_and_who_may_host(client, login, desk, make_user):
    login(make_user(name="Tilfældig"))
    assert client.get("/helpdesk/sessions/new").status_code == 403
    login(desk.organiser)
    start = utcnow() + timedelta(days=2)
    response = client.post(
        "/helpdesk/sessions/new",
        data={
            "title": "IT-café",
            "place": "Skanderborg",
            "starts_at": _local(start),
            "ends_at": _local(start + timedelta(hours=2)),
            "seats": "6",
            "weeks": "4",
            "topics": [str(desk.post.id)],
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "4 weekly sessions are created." in response.text
    listing = client.get("/helpdesk/sessions", headers=EN).text
    assert listing.count("IT-café") == 4
    bad = client.post(
        "/helpdesk/sessions/new",
        data={
            "title": "IT-café",
            "place": "Skanderborg",
            "starts_at": _local(start),
            "ends_at": _local(start - timedelta(hours=1)),
            "seats": "6",
            "weeks": "1",
        },
        headers=EN,
    )
    assert "The session must end after it starts." in bad.text


def test_guides_are_written_by_organisers_and_print_in_large_letters(client, login, desk, make_user):
    login(make_user())
    assert client.get(f"/helpdesk/topics/{desk.post.slug}/guides/new").status_code == 403
    login(desk.organiser)
    response = client.post(
        f"/helpdesk/topics/{desk.post.slug}/guides/new",
        data={
            "title": "Læs et brev",
            "summary": "Kort",
            "steps": "Åbn appen.\n\nLog ind med MitID.\n\nTryk på brevet.",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = client.get(f"/helpdesk/topics/{desk.post.slug}", headers=EN).text
    assert "Læs et brev" in page
    guide_id = desk.post.guides[0].id if desk.post.guides else None
    db.session.refresh(desk.post)
    guide = desk.post.guides[0]
    assert [s.text for s in guide.steps] == ["Åbn appen.", "Log ind med MitID.", "Tryk på brevet."]
    printed = client.get(f"/helpdesk/guides/{guide.id}/print").text
    assert 'class="large-print"' in printed and "Tryk på brevet." in printed and guide_id in (None, guide.id)


def test_the_safety_rules_are_shown_where_help_is_arranged(client, login, desk):
    for path in ("/helpdesk/", "/helpdesk/ask", "/helpdesk/volunteer"):
        login(desk.senior)
        assert (
            "A volunteer never asks for your MitID codes or your passwords."
            in client.get(path, headers=EN).text
        )
