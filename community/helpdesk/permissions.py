"""Who may do what in the helpdesk. Organisers are municipality staff and the admins and moderators
of the associations (such as Ældre Sagen) in the municipality."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import g, has_app_context

from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.geo import distance_km
from community.helpdesk.models import (
    LOCATED,
    MODE_LABELS,
    DropInSession,
    HelpRequest,
    HelpTopic,
    Mode,
    RequestStatus,
    VolunteerProfile,
)
from community.i18n import _, format_datetime, format_decimal
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


def can_follow_topic(user: User | None, topic: HelpTopic) -> bool:
    """Following a topic brings its new requests: for the municipality's volunteers and organisers
    (the only ones who may see a request still waiting for a volunteer)."""
    if not _authenticated(user):
        return False
    if is_organiser(user, topic.municipality_id):
        return True
    profile = volunteer_of(user)
    return profile is not None and profile.municipality_id == topic.municipality_id


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
    """The name of an assisted citizen: the matched volunteer, the parties and organisers."""
    return (
        is_matched_volunteer(user, request)
        or is_organiser(user, request.municipality_id)
        or is_party(user, request)
    )


def can_see_phone(user: User | None, request: HelpRequest) -> bool:
    """A phone number is for the volunteer who helps and the parties. Organisers see it only on an
    assisted request, where the person agreed to it (the consent text says so); a senior who shares
    their own number shares it with the matched volunteer alone."""
    if is_party(user, request) or is_matched_volunteer(user, request):
        return True
    return request.assisted and is_organiser(user, request.municipality_id)


def can_share_phone(user: User | None, request: HelpRequest) -> bool:
    return is_party(user, request) and request.status not in (RequestStatus.DONE, RequestStatus.CANCELLED)


def _km(value: float) -> str:
    return format_decimal(round(value, 1 if value < 10 else 0))


def accept_refusal(user: User | None, request: HelpRequest) -> str | None:
    """Why ``user`` may not say yes to ``request``, in words for them; None when they may."""
    profile = volunteer_of(user)
    if profile is None or profile.municipality_id != request.municipality_id:
        return _("Make a volunteer profile first.")
    if request.status != RequestStatus.OPEN:
        return _("Another volunteer has already said yes to this request.")
    if user.id in (request.filed_by_id, request.requester_id):  # type: ignore[union-attr]
        return _("You asked for this help yourself, so another volunteer will take it.")
    if profile.paused:
        return _("Your profile is paused. Take the pause off on your volunteer profile to take requests.")
    if request.topic_id not in {t.id for t in profile.topics}:
        return _(
            "This request is about %(topic)s, which is not one of your topics. "
            "Add it to your volunteer profile if you can help with it.",
            topic=request.topic.name,
        )
    if request.mode.value not in (profile.modes or []):
        return _(
            "This request asks for help %(mode)s, which is not one of the ways you help.",
            mode=str(MODE_LABELS[request.mode]).lower(),
        )
    if request.mode == Mode.HOME and not profile.is_vetted:
        return _(
            "Only vetted volunteers make home visits. "
            "Ask an organiser to vet you, or help at the library or by phone."
        )
    if request.mode in LOCATED and request.latitude is not None:
        if profile.latitude is None:
            return _("Set your home village on your profile, so we know how far away the help is.")
        km = distance_km(profile.latitude, profile.longitude, request.latitude, request.longitude)  # type: ignore[arg-type]
        if km > profile.radius_km:
            if request.mode == Mode.HOME:
                return _(
                    "The visit is %(km)s km away, beyond your %(radius)s km.",
                    km=_km(km),
                    radius=_km(profile.radius_km),
                )
            return _(
                "The place is %(km)s km away, beyond your %(radius)s km.",
                km=_km(km),
                radius=_km(profile.radius_km),
            )
    return None


def can_accept(user: User | None, request: HelpRequest) -> bool:
    return accept_refusal(user, request) is None


def assign_refusal(profile: VolunteerProfile, request: HelpRequest) -> str | None:
    """Why an organiser may not give ``request`` to this volunteer. Organisers may choose someone
    outside the volunteer's topics or distance (they know their people), but not someone paused, or
    unvetted for a home visit, or the person who asked."""
    if profile.municipality_id != request.municipality_id:
        return _("Choose a volunteer from this municipality.")
    if profile.paused:
        return _("%(name)s has paused and takes no requests now.", name=profile.user.display_name)
    if profile.user_id in (request.filed_by_id, request.requester_id):
        return _("%(name)s asked for this help, so choose another volunteer.", name=profile.user.display_name)
    if request.mode == Mode.HOME and not profile.is_vetted:
        return _(
            "Only vetted volunteers make home visits. Vet %(name)s first.", name=profile.user.display_name
        )
    return None


def can_assign(user: User | None, request: HelpRequest) -> bool:
    """Organisers give an open request to a volunteer, or a taken one to another volunteer."""
    return request.status in (
        RequestStatus.OPEN,
        RequestStatus.MATCHED,
        RequestStatus.SCHEDULED,
    ) and is_organiser(user, request.municipality_id)


def can_release(user: User | None, request: HelpRequest) -> bool:
    """Organisers take the volunteer off a request, which is open again."""
    return request.status in (RequestStatus.MATCHED, RequestStatus.SCHEDULED) and is_organiser(
        user, request.municipality_id
    )


def can_hand_back(user: User | None, request: HelpRequest) -> bool:
    """The volunteer gives a request back (ill, away, not the right person for it)."""
    return request.status in (RequestStatus.MATCHED, RequestStatus.SCHEDULED) and is_matched_volunteer(
        user, request
    )


def can_schedule(user: User | None, request: HelpRequest) -> bool:
    return request.status in (RequestStatus.MATCHED, RequestStatus.SCHEDULED) and (
        is_matched_volunteer(user, request)
        or is_party(user, request)
        or is_organiser(user, request.municipality_id)
    )


def first_window_start(request: HelpRequest) -> datetime | None:
    """The start of the earliest time the person said suits them (stored as naive UTC)."""
    starts = [datetime.fromisoformat(start) for start, _end in request.windows or []]
    return min(starts) if starts else None


def done_refusal(request: HelpRequest, now: datetime | None = None) -> str | None:
    """Why the help cannot be marked done yet, in words for the reader; None when it can. Never before
    the agreed time. Help met in person (a home visit, at a drop-in place such as the library) without
    an agreed time waits until the first time the person said suits them has begun; help by phone or
    video may be marked done at once (it may have happened on the first call)."""
    now = now or utcnow()
    agreed = request.match.agreed_at if request.match is not None else None
    if agreed is not None:
        if agreed > now:
            return _(
                "The help is agreed for %(when)s. Mark it as done after it has happened.",
                when=format_datetime(agreed, "short"),
            )
        return None
    if request.mode not in LOCATED:
        return None
    start = first_window_start(request)
    if start is None:
        return _("No time is agreed yet. Agree a time, and mark it as done after it has happened.")
    if start > now:
        return _(
            "No time is agreed yet, and the first time that suits begins %(when)s. "
            "Mark it as done after it has happened.",
            when=format_datetime(start, "short"),
        )
    return None


def not_happened_yet(request: HelpRequest, now: datetime | None = None) -> bool:
    """The help cannot have happened yet (``done_refusal`` says why)."""
    return done_refusal(request, now) is not None


def can_complete(user: User | None, request: HelpRequest) -> bool:
    """Marked done by the volunteer, the parties or organisers, and not before the agreed time."""
    return (
        request.status in (RequestStatus.MATCHED, RequestStatus.SCHEDULED)
        and not not_happened_yet(request)
        and (
            is_matched_volunteer(user, request)
            or is_party(user, request)
            or is_organiser(user, request.municipality_id)
        )
    )


def can_cancel(user: User | None, request: HelpRequest) -> bool:
    return request.status not in (RequestStatus.DONE, RequestStatus.CANCELLED) and (
        is_party(user, request) or is_organiser(user, request.municipality_id)
    )


def can_take_attendance(user: User | None, session: DropInSession, now: datetime | None = None) -> bool:
    """The host and organisers mark who came, once the café has begun (not before it happened)."""
    return (
        _authenticated(user)
        and session.cancelled_at is None
        and session.starts_at <= (now or utcnow())
        and (user.id == session.host_id or is_organiser(user, session.municipality_id))  # type: ignore[union-attr]
    )


def can_see_attendance(user: User | None, session: DropInSession) -> bool:
    return _authenticated(user) and (
        user.id == session.host_id or is_organiser(user, session.municipality_id)  # type: ignore[union-attr]
    )
