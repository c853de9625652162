"""One predicate per action in maintenance; views require() them and templates ask the same.

Clubs act through their space: its admins keep the fixtures, its members ask the contractor. A
contractor acts through its network, but only the members its admins marked as crew (the contractor
role, ``ContractorCrew``) plan, mark visits, answer requests and close facilities; the other members
(clubs, staff) read along. Municipality staff see everything and may keep a club's fixtures, but are
not in the middle."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_app_context

from community.accounts.models import User
from community.extensions import db
from community.maintenance.models import (
    Agreement,
    ChangeRequest,
    ClubFacility,
    ContractorCrew,
    Facility,
    FaultReport,
    RequestStatus,
    Visit,
)
from community.spaces.models import Role, Space, SpaceKind
from community.spaces.permissions import has_role, is_member


def _authenticated(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_staff_of(user: User | None, municipality_id: int | None) -> bool:
    return bool(
        _authenticated(user) and municipality_id is not None and user.staff_municipality_id == municipality_id  # type: ignore[union-attr]
    )


def can_manage_facilities(user: User | None, municipality_id: int | None) -> bool:
    """Add facilities and agreements, link clubs: the municipality's staff."""
    return is_staff_of(user, municipality_id)


def can_view_overview(user: User | None, municipality_id: int | None) -> bool:
    return is_staff_of(user, municipality_id)


def is_club(space: Space | None) -> bool:
    return space is not None and space.kind == SpaceKind.CLUB


def is_contractor(space: Space | None) -> bool:
    return space is not None and space.kind == SpaceKind.CONTRACTOR_NETWORK


def can_manage_club(user: User | None, club: Space) -> bool:
    """Ask the contractor, agree on a time, write in a request: active members of a club space."""
    return is_club(club) and not club.is_archived and is_member(user, club)


def can_edit_fixtures(user: User | None, club: Space) -> bool:
    """Add, change, import and remove the club's fixtures: the club's admins and the municipality's
    staff, not every member."""
    return (
        is_club(club)
        and not club.is_archived
        and (has_role(user, club, Role.ADMIN) or is_staff_of(user, club.municipality_id))
    )


def can_view_club_calendar(user: User | None, club: Space) -> bool:
    return is_club(club) and (is_member(user, club) or is_staff_of(user, club.municipality_id))


def club_uses(club: Space, facility: Facility | int) -> bool:
    facility_id = facility if isinstance(facility, int) else facility.id
    return (
        db.session.scalar(
            sa.select(ClubFacility.id).where(
                ClubFacility.space_id == club.id, ClubFacility.facility_id == facility_id
            )
        )
        is not None
    )


def can_book(user: User | None, club: Space, facility: Facility | int) -> bool:
    """Fixtures only for the facilities the club uses."""
    return can_edit_fixtures(user, club) and club_uses(club, facility)


def can_ask(user: User | None, club: Space, facility: Facility | int) -> bool:
    """Requests to the contractor only about the facilities the club uses."""
    return can_manage_club(user, club) and club_uses(club, facility)


def _crew_cache() -> dict[tuple[int, int], bool]:
    if not has_app_context():
        return {}
    if "_maintenance_crew" not in g:
        g._maintenance_crew = {}
    return g._maintenance_crew


def forget_crew() -> None:
    """The crew service calls this after a change, so predicates read the new state."""
    if has_app_context():
        g.pop("_maintenance_crew", None)


def is_crew(user: User | None, contractor: Space) -> bool:
    """The contractor role: an active member of the network whom its admins marked as crew."""
    if not _authenticated(user) or not is_member(user, contractor):
        return False
    key = (user.id, contractor.id)  # type: ignore[union-attr]
    cache = _crew_cache()
    if key not in cache:
        cache[key] = (
            db.session.scalar(
                sa.select(ContractorCrew.id).where(
                    ContractorCrew.space_id == contractor.id,
                    ContractorCrew.user_id == user.id,  # type: ignore[union-attr]
                )
            )
            is not None
        )
    return cache[key]


def can_act_for_contractor(user: User | None, contractor: Space) -> bool:
    """Plan, mark visits, answer requests, close facilities: the network's crew (the contractor role),
    not every member of the network."""
    return is_contractor(contractor) and not contractor.is_archived and is_crew(user, contractor)


def can_manage_crew(user: User | None, contractor: Space) -> bool:
    """Say who acts for the contractor: the network's admins and the municipality's staff."""
    return (
        is_contractor(contractor)
        and not contractor.is_archived
        and (has_role(user, contractor, Role.ADMIN) or is_staff_of(user, contractor.municipality_id))
    )


def can_view_plan(user: User | None, contractor: Space) -> bool:
    return is_contractor(contractor) and (
        is_member(user, contractor) or is_staff_of(user, contractor.municipality_id)
    )


def contractor_spaces_at(facility: Facility) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Agreement.contractor_space_id).where(Agreement.facility_id == facility.id).distinct()
        )
    )


def _spaces(user: User | None, space_ids: list[int]) -> list[Space]:
    if not _authenticated(user) or not space_ids:
        return []
    return list(db.session.scalars(sa.select(Space).where(Space.id.in_(space_ids))).all())


def _member_of_any(user: User | None, space_ids: list[int]) -> bool:
    return any(is_member(user, s) and not s.is_archived for s in _spaces(user, space_ids))


def can_close_facility(user: User | None, facility: Facility) -> bool:
    return is_staff_of(user, facility.municipality_id) or any(
        can_act_for_contractor(user, s) for s in _spaces(user, contractor_spaces_at(facility))
    )


def can_follow_facility_feed(user: User | None, facility: Facility) -> bool:
    """A facility's private calendar feed: staff, clubs that use it, contractors who look after it."""
    if is_staff_of(user, facility.municipality_id):
        return True
    clubs = list(
        db.session.scalars(sa.select(ClubFacility.space_id).where(ClubFacility.facility_id == facility.id))
    )
    return _member_of_any(user, clubs + contractor_spaces_at(facility))


def can_see_bookings(user: User | None, facility: Facility) -> bool:
    return can_follow_facility_feed(user, facility)


def can_view_request(user: User | None, request: ChangeRequest) -> bool:
    return (
        is_member(user, request.space)
        or is_member(user, request.contractor)
        or is_staff_of(user, request.space.municipality_id)
    )


def can_answer_request(user: User | None, request: ChangeRequest) -> bool:
    return request.status in (RequestStatus.PENDING, RequestStatus.PROPOSED) and can_act_for_contractor(
        user, request.contractor
    )


def can_accept_proposal(user: User | None, request: ChangeRequest) -> bool:
    return request.status == RequestStatus.PROPOSED and can_manage_club(user, request.space)


def can_write_in_request(user: User | None, request: ChangeRequest) -> bool:
    return can_manage_club(user, request.space) or can_act_for_contractor(user, request.contractor)


def can_work_visit(user: User | None, visit: Visit) -> bool:
    return can_act_for_contractor(user, visit.space)


def can_report_fault(user: User | None) -> bool:
    """Report with an account (and follow it there): a confirmed account. Anyone else reports without
    one, through the same form."""
    return _authenticated(user) and user.is_confirmed  # type: ignore[union-attr]


def can_follow_fault(user: User | None, report: FaultReport) -> bool:
    return can_report_fault(user)


def can_see_reporter(user: User | None, report: FaultReport) -> bool:
    """The contact details of a reporter without an account: only whoever handles the report."""
    return can_handle_fault(user, report)


def can_handle_fault(user: User | None, report: FaultReport) -> bool:
    """Set the status and write updates: the contractor it was routed to, or the municipality."""
    if is_staff_of(user, report.municipality_id):
        return True
    routed = report.routed_to
    return routed is not None and can_act_for_contractor(user, routed)
