# ruff: noqa: F811  (the ``desk`` fixture, imported from test_helpdesk, is a parameter of each test)
"""Digital help, the journeys finished: a private thread and a shared phone after a match; organisers
assign, reassign and release, volunteers hand back; refusals that say why; café reminders, two-click
feedback and attendance; not done before it happened; guides in Danish and English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community import geo
from community.conversations.models import Conversation, Message
from community.db import utcnow
from community.extensions import db
from community.helpdesk.models import (
    Answer,
    Booking,
    HelpRequest,
    Mode,
    RequestEvent,
    RequestStatus,
)
from community.helpdesk.services import feedback, matches, requests, sessions, volunteers
from community.helpdesk.services.requests import RequestInput
from community.i18n import to_local
from community.notifications.models import Notification
from tests.support import body_of, link_in
from tests.test_helpdesk import EN, _ask, desk  # noqa: F401  (the fixture)

DA = {"Accept-Language": "da"}


def _file(desk, *, by=None, mode=Mode.PHONE, topic=None, place=None, **kw):
    soon = utcnow() + timedelta(days=2)
    return requests.file_request(
        desk.municipality.id,
        by=by or desk.senior,
        data=RequestInput(
            topic=topic or desk.post,
            mode=mode,
            description="Brevet fra kommunen",
            windows=[(soon, soon + timedelta(hours=2))],
            place=geo.resolve(place) if place else None,
            **kw,
        ),
    )


def _volunteer(desk, make_user, name, *, topics=None, modes=(Mode.PHONE,), radius=10, home="Stilling"):
    person = make_user(name=name, home=home)
    profile = volunteers.save_profile(
        person,
        desk.municipality.id,
        topics=topics or [desk.post],
        languages=["da"],
        modes=list(modes),
        radius_km=radius,
        availability="",
        about="",
        paused=False,
    )
    return person, profile


def _notes(user, kind):
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        )
    )


# --- 1. a private thread and a phone shared with the matched volunteer only ---------------------------


def test_the_volunteer_and_the_senior_talk_in_a_private_thread(client, login, desk, make_user):
    other, _profile = _volunteer(desk, make_user, "Anden frivillig")
    login(desk.senior)
    asked = _ask(client, topic=str(desk.post.id), my_phone="20 12 34 56")
    assert asked.status_code == 302
    request = db.session.scalar(sa.select(HelpRequest))
    assert request.phone == "20123456" and not request.assisted

    login(other)
    before = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "20 12 34 56" not in before and "Open your conversation" not in before
    login(desk.organiser)
    assert "20 12 34 56" not in client.get(f"/helpdesk/requests/{request.id}", headers=EN).text, (
        "the senior shared it with the volunteer, not the organisers"
    )

    login(desk.anne)
    client.post(f"/helpdesk/requests/{request.id}/accept")
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "20 12 34 56" in page and 'href="tel:+4520123456"' in page
    thread = db.session.scalar(sa.select(Conversation))
    assert (thread.subject_kind, thread.subject_id) == ("helpdesk.request", request.id)
    assert f'href="/messages/{thread.id}"' in page
    client.post(f"/messages/{thread.id}", data={"body": "Jeg ringer i morgen kl. 10."})

    login(desk.senior)
    told = _notes(desk.senior, "helpdesk.accepted")
    assert told and told[0].context["conversation_id"] == thread.id
    english = client.get(f"/messages/{thread.id}", headers=EN).text
    assert "Anne offered to help." in english and "Jeg ringer i morgen kl. 10." in english
    assert f'href="/helpdesk/requests/{request.id}">Digital Post</a>' in english, (
        "the thread names its request"
    )
    danish = client.get(f"/messages/{thread.id}", headers=DA).text
    assert "Anne tilbød at hjælpe." in danish, "system messages are worded in the reader's language"
    stored = db.session.scalar(sa.select(Message).where(Message.kind.is_not(None)))
    assert stored.kind == "helpdesk.offered" and stored.params == {"name": "Anne"} and stored.body == ""
    client.post(f"/messages/{thread.id}", data={"body": "Tak, det passer fint."})
    assert len(_notes(desk.anne, "conversations.message")) == 1

    login(other)
    assert client.get(f"/messages/{thread.id}").status_code == 404
    assert client.get(f"/helpdesk/requests/{request.id}").status_code == 404
    login(desk.organiser)
    assert client.get(f"/messages/{thread.id}").status_code == 404, "organisers do not read private threads"


def test_whoever_asked_for_someone_is_in_the_thread(client, login, desk):
    request = _file(
        desk,
        by=desk.organiser,
        assisted=True,
        person_name="Karen Olsen",
        phone="86 12 34 56",
        consent=True,
        consent_text="ok",
    )
    matches.accept(request, by=desk.anne)
    db.session.commit()
    thread = matches.thread(request)
    assert {m.user_id for m in thread.members} == {desk.anne.id, desk.organiser.id}
    login(desk.organiser)
    assert client.get(f"/messages/{thread.id}").status_code == 200


def test_the_senior_shares_changes_or_removes_their_phone(client, login, desk, make_user):
    request = _file(desk)
    login(desk.senior)
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "Only the volunteer who says yes to your request sees it" in page, "told plainly who sees it"
    bad = client.post(f"/helpdesk/requests/{request.id}/phone", data={"phone": "1234"}, headers=EN)
    assert bad.status_code == 400 and "Write your phone number with 8 digits" in bad.text
    assert (
        client.post(f"/helpdesk/requests/{request.id}/phone", data={"phone": "0045 20-12-34-56"}).status_code
        == 302
    )
    db.session.refresh(request)
    assert request.phone == "20123456"
    matches.accept(request, by=desk.anne)
    db.session.commit()
    client.post(f"/helpdesk/requests/{request.id}/phone", data={"phone": "+45 30 11 22 33"})
    thread = matches.thread(request)
    assert (
        "Inger shared a phone number with the volunteer."
        in client.get(f"/messages/{thread.id}", headers=EN).text
    )
    client.post(f"/helpdesk/requests/{request.id}/phone", data={"phone": ""})
    db.session.refresh(request)
    assert request.phone is None
    intruder, _ = _volunteer(desk, make_user, "Nysgerrig")
    login(intruder)
    assert (
        client.post(f"/helpdesk/requests/{request.id}/phone", data={"phone": "20123456"}).status_code == 404
    )


@pytest.mark.parametrize("written", ["86 12 34 56", "+45 86 12 34 56", "0045-86-12-34-56", "(86) 123456"])
def test_danish_phone_numbers_in_the_usual_ways(written):
    assert requests.danish_phone(written) == "86123456"


@pytest.mark.parametrize("written", ["1234567", "123456789", "06 12 34 56", "+46 86 12 34 56", "86 12 34 5x"])
def test_what_is_not_a_danish_phone_number(written):
    assert requests.danish_phone(written) is None


# --- 2. organisers assign, reassign and release; volunteers hand back -----------------------------


def test_organisers_assign_reassign_and_release_with_a_reason(client, login, desk, make_user):
    other, other_profile = _volunteer(desk, make_user, "Bo")
    request = _file(desk)
    login(desk.organiser)
    client.post(f"/helpdesk/requests/{request.id}/assign", data={"volunteer_id": str(desk.profile.id)})
    db.session.refresh(request)
    assert request.status == RequestStatus.MATCHED and request.match.volunteer_id == desk.profile.id
    assert _notes(desk.anne, "helpdesk.assigned")
    thread = matches.thread(request)
    assert desk.anne.id in {m.user_id for m in thread.members}

    no_reason = client.post(
        f"/helpdesk/requests/{request.id}/assign", data={"volunteer_id": str(other_profile.id)}, headers=EN
    )
    assert no_reason.status_code == 400 and "Write the reason" in no_reason.text
    db.session.refresh(request)
    assert request.match.volunteer_id == desk.profile.id, "nothing changed"

    client.post(
        f"/helpdesk/requests/{request.id}/assign",
        data={"volunteer_id": str(other_profile.id), "assign_reason": "Anne er syg"},
    )
    db.session.refresh(request)
    assert request.match.volunteer_id == other_profile.id and request.status == RequestStatus.MATCHED
    away = _notes(desk.anne, "helpdesk.reassigned_away")
    assert away and away[0].context["reason"] == "Anne er syg"
    assert _notes(other, "helpdesk.assigned")[0].context["reason"] == "Anne er syg"
    members = {m.user_id for m in matches.thread(request).members}
    assert other.id in members and desk.anne.id not in members, "the old volunteer leaves the thread"
    login(desk.anne)
    assert client.get(f"/helpdesk/requests/{request.id}").status_code == 404

    login(desk.organiser)
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "Mette gave it from Anne to Bo." in page and "Reason: Anne er syg" in page
    bare = client.post(f"/helpdesk/requests/{request.id}/release", data={"release_reason": ""}, headers=EN)
    assert bare.status_code == 400
    client.post(
        f"/helpdesk/requests/{request.id}/release", data={"release_reason": "Inger vil hellere i caféen"}
    )
    db.session.refresh(request)
    assert request.status == RequestStatus.OPEN and request.match is None
    assert _notes(other, "helpdesk.released")[0].context["reason"] == "Inger vil hellere i caféen"
    assert _notes(desk.senior, "helpdesk.volunteer_left")
    kinds = [e.kind.value for e in db.session.scalars(sa.select(RequestEvent).order_by(RequestEvent.id))]
    assert kinds == ["assigned", "reassigned", "released"]

    login(other)
    assert client.post(f"/helpdesk/requests/{request.id}/assign", data={"volunteer_id": "1"}).status_code in (
        403,
        404,
    )


def test_a_volunteer_hands_a_request_back(client, login, desk):
    request = _file(desk)
    matches.accept(request, by=desk.anne)
    db.session.commit()
    login(desk.anne)
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "Hand the request back" in page
    client.post(
        f"/helpdesk/requests/{request.id}/hand-back", data={"hand_back_reason": "Jeg skal på hospitalet"}
    )
    db.session.refresh(request)
    assert request.status == RequestStatus.OPEN and request.match is None
    told = _notes(desk.organiser, "helpdesk.handed_back")
    assert told and told[0].context["reason"] == "Jeg skal på hospitalet"
    login(desk.senior)
    thread = matches.thread(request)
    assert "Anne handed the request back." in client.get(f"/messages/{thread.id}", headers=EN).text
    login(desk.anne)
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "I will help" in page, "open again: she may even take it again later"


# --- 3. a volunteer is told why they cannot take a request --------------------------------------------


def test_a_request_outside_the_volunteers_topics_is_refused_with_the_reason(client, login, desk, make_user):
    person, _ = _volunteer(desk, make_user, "Kun Post", topics=[desk.post])
    request = _file(desk, topic=desk.mitid)
    login(person)
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert (
        "This request is about MitID, which is not one of your topics." in page and "I will help" not in page
    )
    refused = client.post(f"/helpdesk/requests/{request.id}/accept", headers=EN, follow_redirects=True)
    assert "This request is about MitID, which is not one of your topics." in refused.text
    db.session.refresh(request)
    assert request.status == RequestStatus.OPEN


def test_a_home_visit_beyond_the_radius_is_refused_with_the_distance(client, login, desk, make_user):
    person, profile = _volunteer(desk, make_user, "Nærmest", modes=(Mode.HOME,), radius=5)
    volunteers.set_vetted(profile, by=desk.organiser, vetted=True)
    request = _file(desk, mode=Mode.HOME, place="Ry")
    login(person)
    refused = client.post(f"/helpdesk/requests/{request.id}/accept", headers=EN, follow_redirects=True)
    assert re.search(r"The visit is 1\d km away, beyond your 5 km\.", refused.text)
    db.session.refresh(request)
    assert request.status == RequestStatus.OPEN
    near = _file(desk, mode=Mode.HOME, place="Stilling")
    client.post(f"/helpdesk/requests/{near.id}/accept")
    db.session.refresh(near)
    assert near.status == RequestStatus.MATCHED


def test_the_second_of_two_volunteers_is_told_someone_was_first(client, login, desk, make_user):
    other, _ = _volunteer(desk, make_user, "Langsom")
    request = _file(desk)
    login(desk.anne)
    client.post(f"/helpdesk/requests/{request.id}/accept")
    login(other)
    late = client.post(f"/helpdesk/requests/{request.id}/accept", headers=EN, follow_redirects=True)
    assert late.status_code == 404 or "Another volunteer has already said yes" in late.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RequestEvent)) == 1


# --- 4. café reminders, "how did it go?", attendance and the overview ----------------------------------


def _cafe(desk, *, starts_in):
    start = utcnow().replace(microsecond=0) + starts_in
    return sessions.create_sessions(
        desk.municipality.id,
        by=desk.organiser,
        title="IT-café på biblioteket",
        place=geo.resolve("Skanderborg"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        seats=4,
        topics=[desk.post],
        notes="Læsesalen, 1. sal",
    )[0]


def test_cafe_bookings_are_reminded_the_day_before_once(client, login, desk, outbox, make_user):
    cafe = _cafe(desk, starts_in=timedelta(hours=20))
    later = _cafe(desk, starts_in=timedelta(days=3))
    sessions.book(cafe, by=desk.senior)
    sessions.book(later, by=desk.senior)
    daughter = make_user(name="Datter", locale="en")
    sessions.book(cafe, by=daughter, attendee_name="Far")
    db.session.commit()
    assert sessions.send_booking_reminders() == 2
    assert sessions.send_booking_reminders() == 0, "the job may run twice; nobody is reminded twice"
    assert (
        db.session.scalar(sa.select(sa.func.count(Booking.id)).where(Booking.reminded_at.is_not(None))) == 2
    )
    db.session.commit()  # as the job does: the e-mails leave with the commit
    mails = outbox()
    assert len(mails) == 2
    english = next(m for m in mails if m["To"] == daughter.email)
    text = body_of(english)
    # The date and time as every page writes them, never "12/6/26" (issue 10, point 15): weekday, day,
    # month (the year only when it is not this one) and the 24-hour clock, where the café is.
    starts = to_local(cafe.starts_at)
    year = "" if starts.year == to_local(utcnow()).year else f" {starts.year}"
    when = f"{starts:%a} {starts.day} {starts:%b}{year}, {starts:%H:%M}"
    assert (
        f"Reminder: Far has a seat at “IT-café på biblioteket” on {when}, at Skanderborg (Læsesalen, 1. sal)."
        in " ".join(text.split())
    )
    danish = body_of(next(m for m in mails if m["To"] == desk.senior.email))
    assert f"kl. {starts.hour}.{starts.minute:02d}" in danish and "Læsesalen, 1. sal" in danish
    assert link_in(english) == f"/helpdesk/sessions/{cafe.id}"
    login(desk.senior)
    assert "Reminder: Inger has a seat at" in client.get("/notifications/", headers=EN).text


def test_after_a_cafe_the_senior_answers_how_it_went_in_two_clicks(app, client, login, desk, outbox):
    cafe = _cafe(desk, starts_in=timedelta(days=1))
    came = sessions.book(cafe, by=desk.senior)
    absent = sessions.book(cafe, by=desk.organiser, attendee_name="Karen")
    login(desk.organiser)
    early = client.post(f"/helpdesk/sessions/{cafe.id}/attendance", data={"came": [str(came.id)]}, headers=EN)
    assert early.status_code == 302
    db.session.refresh(came)
    assert came.attended is None, "attendance is marked once the café has begun, not before"
    cafe.starts_at -= timedelta(days=1, hours=3)  # the café has been and gone
    cafe.ends_at -= timedelta(days=1, hours=3)
    db.session.commit()
    client.post(f"/helpdesk/sessions/{cafe.id}/attendance", data={"came": [str(came.id)]})
    db.session.refresh(came)
    db.session.refresh(absent)
    assert came.attended is True and absent.attended is False

    assert feedback.ask_after_cafes() == 1, "asked of the one who came, not of the no-show"
    assert feedback.ask_after_cafes() == 0
    db.session.commit()  # as the job does: the e-mails leave with the commit
    mail = outbox()[-1]
    assert mail["To"] == desk.senior.email
    path = link_in(mail)
    with client.session_transaction() as session:
        session.clear()  # the link works without logging in
    question = client.get(path, headers=EN)
    assert question.status_code == 200 and "How did it go?" in question.text
    assert 'value="good"' in question.text and 'value="not_so_good"' in question.text
    client.post(path, data={"answer": "good"})
    db.session.refresh(came)
    assert came.feedback == Answer.GOOD
    assert client.get(path + "x", headers=EN).status_code == 404, "a changed link is no link"

    login(desk.organiser)
    overview = client.get("/helpdesk/overview", headers=EN).text
    month = cafe.starts_at.strftime("%Y-%m")
    row = re.search(rf'<tr><th scope="row">{month}</th>(.*?)</tr>', overview).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[5:8] == ["1", "0", "1"], "one good answer, none not so good, one no-show"


def test_after_one_to_one_help_the_person_helped_is_asked(client, login, desk, outbox):
    request = _file(
        desk, by=desk.organiser, assisted=True, person_name="Karen", phone="86123456", consent=True
    )
    matches.accept(request, by=desk.anne)
    db.session.commit()
    login(desk.anne)
    client.post(f"/helpdesk/requests/{request.id}/done", data={"hours": "2", "rating": ""})
    db.session.refresh(request)
    assert request.status == RequestStatus.DONE
    mail = outbox()[-1]
    assert mail["To"] == desk.organiser.email, "asked of whoever asked for Karen, who has no e-mail"
    assert "Hvordan gik hjælpen med Digital Post? Svar med ét klik." in body_of(mail), "in their language"
    with client.session_transaction() as session:
        session.clear()
    client.post(link_in(mail), data={"answer": "not_so_good"})
    db.session.refresh(request)
    assert request.match.outcome == Answer.NOT_SO_GOOD

    login(desk.organiser)
    overview = client.get("/helpdesk/overview", headers=EN).text
    assert re.search(
        r'<th scope="row">Anne</th><td>1</td><td>2</td><td>0</td><td>2</td><td>0</td><td>1</td>', overview
    )


def test_the_senior_who_marks_it_done_answers_with_their_rating(client, login, desk, outbox):
    """A senior who asked for themselves and marks the help done rates it on the form: the rating is
    their answer to "how did it go?" and counts in the overview; without one they are still asked."""
    rated = _file(desk)
    unrated = _file(desk)
    for request in (rated, unrated):
        matches.accept(request, by=desk.anne)
    db.session.commit()
    login(desk.senior)
    client.post(f"/helpdesk/requests/{rated.id}/done", data={"hours": "1", "rating": "2"})
    db.session.refresh(rated)
    assert rated.status == RequestStatus.DONE
    assert _notes(desk.senior, "helpdesk.how_did_it_go") == [], "answered already, on the form"
    client.post(f"/helpdesk/requests/{unrated.id}/done", data={"hours": "1", "rating": ""})
    (asked,) = _notes(desk.senior, "helpdesk.how_did_it_go")
    assert asked.context["token"]

    login(desk.organiser)
    overview = client.get("/helpdesk/overview", headers=EN).text
    assert re.search(
        r'<th scope="row">Anne</th><td>2</td><td>2</td><td>0</td><td>2</td><td>0</td><td>1</td>', overview
    ), "two helped, none went well, one not so well"


# --- 5. not done before it happened -------------------------------------------------------------------


def test_help_cannot_be_marked_done_before_the_agreed_time(client, login, desk):
    request = _file(desk)
    matches.accept(request, by=desk.anne)
    requests.schedule(request, by=desk.anne, at=utcnow() + timedelta(days=1))
    db.session.commit()
    login(desk.anne)
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "Mark as done" not in page and "Mark it as done after it has happened." in page
    client.post(f"/helpdesk/requests/{request.id}/done", data={"hours": "1", "rating": ""})
    db.session.refresh(request)
    assert request.status == RequestStatus.SCHEDULED


@pytest.mark.parametrize("mode", [Mode.HOME, Mode.DROP_IN])
def test_help_met_in_person_without_an_agreed_time_waits_for_the_first_time_that_suits(
    client, login, desk, make_user, mode
):
    """A home visit or help at the library cannot be done seconds after "I will help": without an
    agreed time, not before the first time the senior said suits them has begun."""
    person, profile = _volunteer(desk, make_user, "Hjemme", modes=(mode,))
    volunteers.set_vetted(profile, by=desk.organiser, vetted=True)
    request = _file(desk, mode=mode, place="Stilling")
    login(person)
    client.post(f"/helpdesk/requests/{request.id}/accept")
    db.session.refresh(request)
    assert request.status == RequestStatus.MATCHED and request.match.agreed_at is None
    page = client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    assert "Mark as done" not in page
    assert "No time is agreed yet, and the first time that suits begins" in page
    early = client.post(
        f"/helpdesk/requests/{request.id}/done",
        data={"hours": "1", "rating": ""},
        headers=EN,
        follow_redirects=True,
    )
    assert "No time is agreed yet, and the first time that suits begins" in early.text
    assert "Mark it as done after it has happened." in early.text
    db.session.refresh(request)
    assert request.status == RequestStatus.MATCHED and request.match.done_at is None
    # The first time that suits has begun (say they met then without saving it): now it can be done.
    start = utcnow().replace(microsecond=0) - timedelta(hours=1)
    request.windows = [[start.isoformat(), (start + timedelta(hours=2)).isoformat()]]
    db.session.commit()
    assert "Mark as done" in client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    client.post(f"/helpdesk/requests/{request.id}/done", data={"hours": "1", "rating": ""})
    db.session.refresh(request)
    assert request.status == RequestStatus.DONE


def test_phone_help_may_be_marked_done_at_once(client, login, desk):
    request = _file(desk, mode=Mode.PHONE)
    login(desk.anne)
    client.post(f"/helpdesk/requests/{request.id}/accept")
    assert "Mark as done" in client.get(f"/helpdesk/requests/{request.id}", headers=EN).text
    client.post(f"/helpdesk/requests/{request.id}/done", data={"hours": "0,5", "rating": ""})
    db.session.refresh(request)
    assert request.status == RequestStatus.DONE


# --- 6. guides in the reader's language ---------------------------------------------------------------


def test_guides_are_written_in_danish_or_english_and_shown_in_the_readers_first(client, login, desk):
    login(desk.organiser)
    for title, language in (("Read a letter", "en"), ("Læs et brev", "da")):
        client.post(
            f"/helpdesk/topics/{desk.post.slug}/guides/new",
            data={"title": title, "language": language, "steps": "Open the app.\n\nLog in."},
        )
    english = client.get(f"/helpdesk/topics/{desk.post.slug}", headers=EN).text
    assert english.index("Read a letter") < english.index("In other languages") < english.index("Læs et brev")
    assert 'lang="da">Læs et brev</a>' in english
    danish = client.get(f"/helpdesk/topics/{desk.post.slug}", headers=DA).text
    assert danish.index("Læs et brev") < danish.index("Read a letter")


# --- 6. the demo: a year of history and a guide for every topic in both languages ---------------------


def test_the_demo_has_a_year_of_history_and_guides_in_both_languages(client, login, db):
    from community.accounts.models import User
    from community.demo import seed_demo
    from community.helpdesk.models import HelpTopic
    from community.helpdesk.services import overview

    municipality = seed_demo()
    db.session.flush()
    data = overview.overview(municipality.id)
    assert len(data.months) >= 12
    full = data.months[1:-1] if len(data.months) > 12 else data.months[:-1]
    assert all(m.helped > 0 and m.sessions > 0 for m in full), [(m.month, m.helped, m.sessions) for m in full]
    assert sum(m.good for m in data.months) > sum(m.not_so_good for m in data.months) > 0
    assert sum(m.no_shows for m in data.months) > 0
    assert len(data.volunteers) >= 4 and all(v.hours > 0 for v in data.volunteers)
    for topic in db.session.scalars(sa.select(HelpTopic)):
        assert {g.language for g in topic.guides} == {"da", "en"}, topic.name
    again = [(m.helped, m.sessions) for m in data.months]
    assert again == [(m.helped, m.sessions) for m in overview.overview(municipality.id).months]

    login(db.session.scalar(sa.select(User).where(User.email == "kommune@example.org")))
    page = client.get("/helpdesk/overview", headers=EN).text
    assert "Hours per volunteer" in page and "Jamal Hassan" in page
