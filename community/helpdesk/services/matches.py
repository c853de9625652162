"""Who helps with a request: a volunteer says yes, an organiser assigns, reassigns or releases one,
a volunteer hands a request back. Every change is recorded with who made it and why, told to the
people concerned, and reflected in the request's private thread (one conversation per request,
between the volunteer, the person helped and whoever asked for them).

One volunteer per request holds under concurrent requests: every change locks the request's row
first (``_lock``) and reads its status after the lock, and ``help_match.request_id`` is unique."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.conversations import services as conversations
from community.conversations.models import Conversation
from community.db import lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.helpdesk import permissions
from community.helpdesk.models import (
    EventKind,
    HelpRequest,
    Match,
    RequestEvent,
    RequestStatus,
    VolunteerProfile,
)
from community.i18n import _
from community.notifications.services import notify
from community.signals import help_request_changed
from community.spaces.models import Membership, MembershipStatus, Role, Space

#: The kind of subject a request's thread has (see ``community.conversations.subjects``).
SUBJECT = "helpdesk.request"
MAX_REASON = 500


def parties(request: HelpRequest) -> list[User]:
    """The person helped (if they have an account) and whoever asked for them."""
    people = {request.filed_by.id: request.filed_by}
    if request.requester is not None:
        people[request.requester.id] = request.requester
    return list(people.values())


def tell(
    request: HelpRequest,
    kind: str,
    *,
    by: User,
    told: dict[User, str],
    joining: tuple[User, ...] = (),
    **context: object,
) -> None:
    """Announces a step in the request's life: its followers hear ``kind``; ``told`` names the people
    it concerns personally and what they hear; ``joining`` now follow it. The notifications are written
    by the fan-out job once the transaction commits (``community.helpdesk.following``)."""
    help_request_changed.send(
        request,
        by=by,
        kind=kind,
        told=told,
        joining=list(joining),
        context={"topic": request.topic.name, "request_id": request.id, **context},
    )


def organisers(municipality_id: int) -> list[User]:
    staff = sa.select(User.id).where(User.staff_municipality_id == municipality_id)
    association = (
        sa.select(Membership.user_id)
        .join(Space, Space.id == Membership.space_id)
        .where(
            Space.municipality_id == municipality_id,
            Space.kind.in_(permissions.ORGANISING_KINDS),
            Membership.role.in_([Role.ADMIN, Role.MODERATOR]),
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    return list(
        db.session.scalars(sa.select(User).where(sa.or_(User.id.in_(staff), User.id.in_(association))))
    )


def _lock(request: HelpRequest) -> HelpRequest:
    """The request's row, locked until the transaction ends, with its status as it is now."""
    locked = lock(request)
    db.session.expire(locked, ["match"])
    return locked


def thread(request: HelpRequest) -> Conversation | None:
    return conversations.about(SUBJECT, request.id)


def _open_thread(request: HelpRequest, volunteer: User) -> Conversation:
    """The request's thread with ``volunteer`` in it: made on the first match, reused after a change."""
    found = thread(request)
    if found is None:
        return conversations.start(SUBJECT, request.id, starter=volunteer, others=parties(request))
    for person in parties(request):
        conversations.add_member(found, person, announce=False)
    conversations.add_member(found, volunteer)
    return found


def _record(
    request: HelpRequest,
    kind: EventKind,
    *,
    by: User,
    volunteer: VolunteerProfile | None = None,
    previous: VolunteerProfile | None = None,
    reason: str = "",
) -> RequestEvent:
    event = RequestEvent(
        request_id=request.id,
        kind=kind,
        actor_id=by.id,
        volunteer_id=volunteer.id if volunteer else None,
        previous_volunteer_id=previous.id if previous else None,
        reason=reason,
    )
    db.session.add(event)
    return event


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(
            _("Write the reason, so it is on record and the volunteer knows why."), field="reason"
        )
    if len(reason) > MAX_REASON:
        raise DomainError(_("Write the reason in at most %(n)s characters.", n=MAX_REASON), field="reason")
    return reason


def _take(request: HelpRequest, profile: VolunteerProfile) -> Match:
    match = Match(request_id=request.id, volunteer_id=profile.id)
    db.session.add(match)
    request.status = RequestStatus.MATCHED
    request.matched_at = utcnow()
    db.session.flush()
    db.session.refresh(request)
    return match


def accept(request: HelpRequest, *, by: User) -> Match:
    """A volunteer says yes. Refused with the reason (not their topic, too far, …) when they may not;
    of two volunteers saying yes at once, the second is told someone was first."""
    request = _lock(request)
    reason = permissions.accept_refusal(by, request)
    if reason is not None:
        raise (Conflict if request.status != RequestStatus.OPEN else NotAllowed)(reason)
    profile = permissions.volunteer_of(by)
    assert profile is not None
    match = _take(request, profile)
    _record(request, EventKind.ACCEPTED, by=by, volunteer=profile)
    conversation = _open_thread(request, by)
    conversations.add_system(conversation, "helpdesk.offered", about=by, name=by.display_name)
    told = dict.fromkeys(parties(request), "helpdesk.accepted")
    tell(
        request,
        "helpdesk.accepted",
        by=by,
        told=told,
        joining=(by,),
        name=by.display_name,
        conversation_id=conversation.id,
    )
    return match


def assign(request: HelpRequest, *, volunteer: VolunteerProfile, by: User, reason: str) -> Match:
    """An organiser gives an open request to ``volunteer``, or a taken one to another volunteer (who
    then agrees a new time). The reason is recorded and told to the volunteers."""
    request = _lock(request)
    if not permissions.can_assign(by, request):
        raise NotAllowed(_("Only organisers assign volunteers, and only to requests not yet done."))
    refusal = permissions.assign_refusal(volunteer, request)
    if refusal is not None:
        raise DomainError(refusal, field="volunteer_id")
    match = request.match
    previous = match.volunteer if match is not None else None
    if previous is not None and previous.id == volunteer.id:
        raise Conflict(
            _("%(name)s already helps with this request.", name=volunteer.user.display_name),
            field="volunteer_id",
        )
    reason = _reason(reason, required=previous is not None)
    if match is None:
        match = _take(request, volunteer)
    else:
        match.volunteer_id = volunteer.id
        match.agreed_at = match.reminded_at = None
        request.status = RequestStatus.MATCHED
        request.matched_at = utcnow()
        db.session.flush()
        db.session.refresh(match)
    _record(
        request,
        EventKind.REASSIGNED if previous else EventKind.ASSIGNED,
        by=by,
        volunteer=volunteer,
        previous=previous,
        reason=reason,
    )
    conversation = _open_thread(request, volunteer.user)
    if previous is not None:
        conversations.remove_member(conversation, previous.user)
        # A notice straight to them: they no longer see the request, so its followers' news (which
        # only reaches those who may see it) cannot tell them that they are off it.
        notify(
            previous.user,
            "helpdesk.reassigned_away",
            topic=request.topic.name,
            request_id=request.id,
            org=by.display_name,
            reason=reason,
        )
    conversations.add_system(
        conversation, "helpdesk.assigned", about=volunteer.user, name=volunteer.user.display_name
    )
    told = {**dict.fromkeys(parties(request), "helpdesk.accepted"), volunteer.user: "helpdesk.assigned"}
    tell(
        request,
        "helpdesk.accepted",
        by=by,
        told=told,
        joining=(volunteer.user,),
        name=volunteer.user.display_name,
        org=by.display_name,
        reason=reason,
        conversation_id=conversation.id,
    )
    return match


def _unmatch(request: HelpRequest, kind: EventKind, *, by: User, reason: str) -> VolunteerProfile:
    match = request.match
    assert match is not None
    previous = match.volunteer
    _record(request, kind, by=by, previous=previous, reason=reason)
    db.session.delete(match)
    request.status = RequestStatus.OPEN
    request.matched_at = None
    request.escalated_at = None
    db.session.flush()
    db.session.expire(request, ["match"])
    conversation = thread(request)
    if conversation is not None:
        conversations.remove_member(conversation, previous.user, announce=False)
        conversations.add_system(
            conversation,
            "helpdesk.handed_back" if kind == EventKind.HANDED_BACK else "helpdesk.released",
            about=previous.user,
            name=previous.user.display_name,
        )
    return previous


def release(request: HelpRequest, *, by: User, reason: str) -> None:
    """An organiser takes the volunteer off; the request is open again and the volunteer told why."""
    request = _lock(request)
    if not permissions.can_release(by, request):
        raise NotAllowed(_("Only organisers release a volunteer, and only from a request being helped."))
    reason = _reason(reason, required=True)
    previous = _unmatch(request, EventKind.RELEASED, by=by, reason=reason)
    told = {**dict.fromkeys(parties(request), "helpdesk.volunteer_left"), previous.user: "helpdesk.released"}
    tell(request, "helpdesk.open_again", by=by, told=told, org=by.display_name, reason=reason)


def hand_back(request: HelpRequest, *, by: User, reason: str = "") -> None:
    """The volunteer gives the request back; it is open again and the organisers are told."""
    request = _lock(request)
    if not permissions.can_hand_back(by, request):
        raise NotAllowed(_("Only the volunteer who said yes can hand the request back."))
    reason = _reason(reason, required=False)
    _unmatch(request, EventKind.HANDED_BACK, by=by, reason=reason)
    told = {
        **dict.fromkeys(organisers(request.municipality_id), "helpdesk.handed_back"),
        **dict.fromkeys(parties(request), "helpdesk.volunteer_left"),
    }
    tell(request, "helpdesk.open_again", by=by, told=told, name=by.display_name, reason=reason)


def history(request: HelpRequest) -> list[RequestEvent]:
    return list(
        db.session.scalars(
            sa.select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.created_at, RequestEvent.id)
            .options(
                sa.orm.selectinload(RequestEvent.actor),
                sa.orm.selectinload(RequestEvent.volunteer).selectinload(VolunteerProfile.user),
                sa.orm.selectinload(RequestEvent.previous_volunteer).selectinload(VolunteerProfile.user),
            )
        )
    )
