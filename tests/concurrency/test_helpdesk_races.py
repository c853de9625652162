"""Helpdesk under concurrent requests: seats at a drop-in, a freed seat, one volunteer per request,
a volunteer profile sent twice."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import sqlalchemy as sa

from community import geo
from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.helpdesk.models import (
    Booking,
    BookingStatus,
    DropInSession,
    HelpRequest,
    HelpTopic,
    Match,
    Mode,
    RequestStatus,
    VolunteerProfile,
)
from community.helpdesk.services import requests as help_requests
from community.helpdesk.services import sessions, topics, volunteers
from tests.concurrency.conftest import RACERS, ROUNDS, People, committed, count, race, sends, statuses


def _drop_in(people: People) -> int:
    """A one-seat drop-in session in three days, hosted by the municipality's staff member."""

    def make() -> int:
        soon = utcnow() + timedelta(days=3)
        made = sessions.create_sessions(
            people.municipality_id,
            by=db.session.get(User, people.staff),  # type: ignore[arg-type]
            title="IT-café",
            place=geo.resolve("Skanderborg"),
            starts_at=soon,
            ends_at=soon + timedelta(hours=2),
            seats=1,
            topics=[],
        )
        return made[0].id

    return committed(people.app, make)


def _booked(people: People, session_id: int, status: BookingStatus) -> int:
    query = sa.select(sa.func.count(Booking.id)).where(Booking.session_id == session_id)
    return count(people.app, query.where(Booking.status == status))


def test_five_bookings_of_a_one_seat_drop_in_leave_one_booked(people):
    racers = [people.client(u) for u in people.villagers[:RACERS]]
    for _ in range(ROUNDS):
        session_id = _drop_in(people)
        url = people.url("helpdesk.book", session_id=session_id)
        assert statuses(race(*sends(racers, url))) == [302] * RACERS
        assert _booked(people, session_id, BookingStatus.BOOKED) == 1  # the others were told it is full
        assert _booked(people, session_id, BookingStatus.WAITING) == 0


def test_five_bookings_with_the_waiting_list_leave_one_booked_and_four_waiting(people):
    racers = [people.client(u) for u in people.villagers[:RACERS]]
    for _ in range(ROUNDS):
        session_id = _drop_in(people)
        url = people.url("helpdesk.book", session_id=session_id)
        assert statuses(race(*sends(racers, url, {"waitlist": "1"}))) == [302] * RACERS
        assert _booked(people, session_id, BookingStatus.BOOKED) == 1
        assert _booked(people, session_id, BookingStatus.WAITING) == RACERS - 1


def _seat_and_two_waiting(session_id: int, seated: int, waiting: list[int]) -> int:
    session = db.session.get(DropInSession, session_id)
    seat = sessions.book(session, by=db.session.get(User, seated))  # type: ignore[arg-type]
    for user_id in waiting:
        sessions.book(session, by=db.session.get(User, user_id), waitlist=True)  # type: ignore[arg-type]
    return seat.id


def test_a_seat_cancelled_twice_at_once_is_given_away_once(people):
    """The booker (in two tabs) and the host cancel the same booking at the same moment: one seat was
    freed, so one person moves up from the waiting list."""
    first, *waiting = people.villagers[:3]
    cancellers = [people.client(first), people.client(people.staff), people.client(first)]
    for _ in range(ROUNDS):
        session_id = _drop_in(people)
        booking_id = committed(people.app, partial(_seat_and_two_waiting, session_id, first, waiting))
        url = people.url("helpdesk.cancel_booking", booking_id=booking_id)
        assert statuses(race(*sends(cancellers, url))) == [302] * 3
        assert _booked(people, session_id, BookingStatus.BOOKED) == 1
        assert _booked(people, session_id, BookingStatus.WAITING) == 1


def _volunteering(people: People, user_ids: list[int], topic: str) -> int:
    found = topics.save_topic(people.municipality_id, name=topic, summary=topic)
    for user_id in user_ids:
        volunteers.save_profile(
            db.session.get(User, user_id),  # type: ignore[arg-type]
            people.municipality_id,
            topics=[found],
            languages=["da"],
            modes=[Mode.PHONE],
            radius_km=10,
            availability="",
            about="",
            paused=False,
        )
    return found.id


def _ask(people: People, topic_id: int) -> int:
    soon = utcnow() + timedelta(days=2)
    request = help_requests.file_request(
        people.municipality_id,
        by=db.session.get(User, people.villagers[0]),  # type: ignore[arg-type]
        data=help_requests.RequestInput(
            topic=db.session.get(HelpTopic, topic_id),  # type: ignore[arg-type]
            mode=Mode.PHONE,
            description="Hjælp med MitID",
            windows=[(soon, soon + timedelta(hours=2))],
        ),
    )
    return request.id


def test_five_volunteers_saying_yes_to_one_request_make_one_match(people):
    volunteer_ids = [people.new_user("Volunteer") for _ in range(RACERS)]
    topic_id = committed(people.app, partial(_volunteering, people, volunteer_ids, "MitID"))
    racers = [people.client(u) for u in volunteer_ids]
    for _ in range(ROUNDS):
        request_id = committed(people.app, partial(_ask, people, topic_id))
        url = people.url("helpdesk.accept", request_id=request_id)
        assert statuses(race(*sends(racers, url))) == [302] * RACERS
        matches = sa.select(sa.func.count(Match.id)).where(Match.request_id == request_id)
        assert count(people.app, matches) == 1  # the others were told someone said yes first
        with people.app.app_context():
            assert db.session.get(HelpRequest, request_id).status == RequestStatus.MATCHED  # type: ignore[union-attr]


def test_a_volunteer_profile_sent_twice_at_once_is_one_profile(people):
    topic_id = committed(people.app, partial(_volunteering, people, [], "Netbank"))
    data = {"topics": str(topic_id), "modes": "phone", "languages": "da", "radius_km": "5"}
    for _ in range(ROUNDS):
        user_id = people.new_user("Volunteer")
        clicks = people.clients(user_id, 4)
        assert statuses(race(*sends(clicks, people.url("helpdesk.volunteer"), data))) == [302] * 4
        profiles = sa.select(sa.func.count(VolunteerProfile.id)).where(VolunteerProfile.user_id == user_id)
        assert count(people.app, profiles) == 1
