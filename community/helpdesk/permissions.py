"""Who may do what in the helpdesk. Organisers are municipality staff and the admins and moderators
of the associations (such as Ældre Sagen) in the municipality."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_app_context

from community.accounts.models import User
from community.extensions import db
from community.helpdesk.models import HelpRequest, Mode, RequestStatus, VolunteerProfile
from community.spaces.models import Membership, MembershipStatus, Role, Space, SpaceKind

ORGANISING_KINDS = (SpaceKind.ASSOCIATION, SpaceKind.INTEREST_GROUP)


def _authenticated(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_organiser(user: User | None, municipality_id: int | None) -> bool:
    if not _authenticated(user) or municipality_id is None:
        return False
    if user.staff_municipality_id == municipality_id:  # type: ignore[union-attr]
        return True
    key = ("_organiser", user.id, municipality_id)  # type: ignore[union-attr]
    cache = g.setdefault("_helpdesk", {}) if has_app_context() else {}
    if key not in cache:
        cache[key] = (
            db.session.scalar(
                sa.select(sa.func.count(Membership.id))
                .join(Space, Space.id == Membership.space_id)
                .where(
                    Membership.user_id == user.id,  # type: ignore[union-attr]
                    Membership.status == MembershipStatus.ACTIVE,
                    Membership.role.in_([Role.ADMIN, Role.MODERATOR]),
                    Space.kind.in_(ORGANISING_KINDS),
                    Space.municipality_id == municipality_id,
                )
            )
            > 0
        )
    return cache[key]


def organising_name(user: User, municipality_id: int) -> str:
    """What a vetting badge says: the association the organiser speaks for, or the municipality."""
    from community.spaces.models import Municipality

    name = db.session.scalar(
        sa.select(Space.name)
        .join(Membership, Membership.space_id == Space.id)
        .where(
            Membership.user_id == user.id,
            Membership.role.in_([Role.ADMIN, Role.MODERATOR]),
            Space.kind.in_(ORGANISING_KINDS),
            Space.municipality_id == municipality_id,
        )
        .order_by(Space.name)
        .limit(1)
    )
    if user.staff_municipality_id == municipality_id or name is None:
        municipality = db.session.get(Municipality, municipality_id)
        return municipality.name if municipality else ""
    return name


def volunteer_of(user: User | None) -> VolunteerProfile | None:
    if not _authenticated(user):
        return None
    return db.session.scalar(sa.select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))  # type: ignore[union-attr]


def can_edit_guides(user: User | None, municipality_id: int | None) -> bool:
    return is_organiser(user, municipality_id)


def can_host_sessions(user: User | None, municipality_id: int | None) -> bool:
    """Organisers, and volunteers who have been vetted, create drop-in sessions."""
    if is_organiser(user, municipality_id):
        return True
    profile = volunteer_of(user)
    return profile is not None and profile.is_vetted and profile.municipality_id == municipality_id


def is_party(user: User | None, request: HelpRequest) -> bool:
    """The person helped, or who filed the request for them."""
    return _authenticated(user) and user.id in {request.requester_id, request.filed_by_id}  # type: ignore[union-attr]


def is_matched_volunteer(user: User | None, request: HelpRequest) -> bool:
    return _authenticated(user) and request.match is not None and request.match.volunteer.user_id == user.id  # type: ignore[union-attr]


def can_see_request(user: User | None, request: HelpRequest) -> bool:
    if (
        is_party(user, request)
        or is_matched_volunteer(user, request)
        or is_organiser(user, request.municipality_id)
    ):
        return True
    return request.status == RequestStatus.OPEN and volunteer_of(user) is not None


def can_see_contact(user: User | None, request: HelpRequest) -> bool:
    """The name and phone number of an assisted citizen: only the matched volunteer and organisers."""
    return (
        is_matched_volunteer(user, request)
        or is_organiser(user, request.municipality_id)
        or is_party(user, request)
    )


def can_accept(user: User | None, request: HelpRequest) -> bool:
    profile = volunteer_of(user)
    return (
        profile is not None
        and not profile.paused
        and request.status == RequestStatus.OPEN
        and request.filed_by_id != user.id  # type: ignore[union-attr]
        and request.requester_id != user.id  # type: ignore[union-attr]
        and (request.mode != Mode.HOME or profile.is_vetted)
    )


def can_schedule(user: User | None, request: HelpRequest) -> bool:
    return request.status in (RequestStatus.MATCHED, RequestStatus.SCHEDULED) and (
        is_matched_volunteer(user, request)
        or is_party(user, request)
        or is_organiser(user, request.municipality_id)
    )


def can_complete(user: User | None, request: HelpRequest) -> bool:
    return request.status in (RequestStatus.MATCHED, RequestStatus.SCHEDULED) and (
        is_matched_volunteer(user, request)
        or is_party(user, request)
        or is_organiser(user, request.municipality_id)
    )


def can_cancel(user: User | None, request: HelpRequest) -> bool:
    return request.status not in (RequestStatus.DONE, RequestStatus.CANCELLED) and (
        is_party(user, request) or is_organiser(user, request.municipality_id)
    )
