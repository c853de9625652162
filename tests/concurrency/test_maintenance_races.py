"""Maintenance under concurrent requests: following a fault report twice, a club's request answered
twice at the same moment."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import sqlalchemy as sa

from community import geo
from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.maintenance.models import (
    ChangeRequest,
    Facility,
    FacilityKind,
    FaultCategory,
    FaultReport,
    RequestStatus,
    TaskType,
    Visit,
)
from community.maintenance.services import crew, facilities, faults
from community.maintenance.services import requests as change_requests
from community.notifications.models import Follow
from community.spaces import services as space_services
from community.spaces.models import Municipality, Role, Space, SpaceKind
from tests.concurrency.conftest import ROUNDS, People, committed, count, race, sends, statuses


def _report(people: People) -> int:
    found = faults.report_fault(
        db.session.get(Municipality, people.municipality_id),  # type: ignore[arg-type]
        faults.FaultInput(
            category=FaultCategory.LIGHTING,
            description="Lampen ved stien er gået",
            latitude=56.066,
            longitude=10.003,
            place_label="Stien",
        ),
        by=db.session.get(User, people.admin),  # type: ignore[arg-type]
    )
    return found.id


def test_following_a_fault_six_times_at_once_counts_one_follower(people):
    clicks = people.clients(people.villagers[3], 6)
    for _ in range(ROUNDS):
        report_id = committed(people.app, partial(_report, people))
        url = people.url("maintenance.fault_follow", report_id=report_id)
        assert statuses(race(*sends(clicks, url))) == [302] * 6
        with people.app.app_context():
            rows = db.session.scalar(
                sa.select(sa.func.count()).where(Follow.target == "fault", Follow.target_id == report_id)
            )
            assert rows == 2  # the reporter and the one who followed
            assert db.session.get(FaultReport, report_id).follower_count == rows  # type: ignore[union-attr]


def _pitch_mowed_by_contractor(people: People, worker: int, coach: int) -> tuple[int, int, int]:
    """A club (coach its admin) using a pitch that a contractor network (worker its admin) mows."""
    municipality = db.session.get(Municipality, people.municipality_id)

    def space(kind: SpaceKind, name: str, admin: int):
        made = space_services.create_space(municipality, kind=kind, name=name, by=None)  # type: ignore[arg-type]
        space_services.add_member(made, db.session.get(User, admin), role=Role.ADMIN)  # type: ignore[arg-type]
        return made

    contractor = space(SpaceKind.CONTRACTOR_NETWORK, "Grønne Hænder", worker)
    crew.grant(contractor, db.session.get(User, worker), by=None)  # type: ignore[arg-type]  # acts for it
    club = space(SpaceKind.CLUB, "Stilling Fodbold", coach)
    place = geo.resolve("Stilling")
    pitch = facilities.create_facility(
        municipality,  # type: ignore[arg-type]
        facilities.FacilityInput(
            name="Stadion", kind=FacilityKind.GRASS_PITCH, latitude=place.lat, longitude=place.lon
        ),
        by=None,
    )
    agreement = facilities.add_agreement(
        pitch, facilities.AgreementInput(contractor=contractor, task=TaskType.MOWING), by=None
    )
    facilities.link_club(pitch, club, by=None)
    return club.id, pitch.id, agreement.id


def _ask_for_mowing(club_id: int, pitch_id: int, coach: int, days: int) -> int:
    data = change_requests.RequestInput(
        facility=db.session.get(Facility, pitch_id),  # type: ignore[arg-type]
        task=TaskType.MOWING,
        wanted_before=utcnow().replace(microsecond=0) + timedelta(days=days),
        message="Slå græsset før kampen",
    )
    club = db.session.get(Space, club_id)
    return change_requests.create_request(club, data, by=db.session.get(User, coach)).id  # type: ignore[arg-type]


def test_a_request_accepted_twice_at_once_plans_one_visit(people):
    worker, coach = people.new_user("Worker"), people.new_user("Coach")
    club_id, pitch_id, agreement_id = committed(
        people.app, partial(_pitch_mowed_by_contractor, people, worker, coach)
    )
    clicks = people.clients(worker, 4)
    visits = sa.select(sa.func.count(Visit.id)).where(Visit.agreement_id == agreement_id)
    for round_ in range(ROUNDS):
        days = 20 + 7 * round_  # far enough apart that no planned visit answers the next request
        request_id = committed(people.app, partial(_ask_for_mowing, club_id, pitch_id, coach, days))
        before = count(people.app, visits)
        url = people.url("maintenance.request_accept", request_id=request_id)
        codes = statuses(race(*sends(clicks, url)))
        assert set(codes) <= {302, 403}  # a late click finds it answered
        assert count(people.app, visits) == before + 1
        with people.app.app_context():
            request = db.session.get(ChangeRequest, request_id)
            assert request.status == RequestStatus.ACCEPTED and request.visit_id is not None  # type: ignore[union-attr]
