"""Requests between club and contractor: the club asks ("mow pitch 2 before Saturday's match"), the
contractor accepts, proposes another time or declines with a reason, and both talk in a thread. The
municipality's staff can read along; they are not in the middle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community import signals
from community.accounts.models import User
from community.db import lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _, format_datetime
from community.maintenance import permissions
from community.maintenance.models import (
    OPEN_REQUEST_STATUSES,
    TASK_LABELS,
    ChangeRequest,
    Facility,
    Fixture,
    RequestMessage,
    RequestStatus,
    TaskType,
    Visit,
    VisitStatus,
)
from community.maintenance.services import conflicts
from community.maintenance.services.common import iso
from community.maintenance.services.crew import contractor_people
from community.maintenance.services.facilities import agreement_for
from community.maintenance.services.fixtures import occurrence_of
from community.maintenance.services.plans import add_visit
from community.spaces.models import Space
from community.spaces.services import space_admins

#: A planned visit this long before the wanted time can answer a request.
NEAR = timedelta(days=3)


@dataclass
class RequestInput:
    facility: Facility
    task: TaskType
    wanted_before: datetime | None  # naive UTC; None: before the chosen occurrence starts
    message: str = ""
    fixture_id: int | None = None
    #: The one occurrence of a recurring fixture the request is about (its start, naive UTC).
    occurrence_at: datetime | None = None


def _club_side(request: ChangeRequest) -> list[User]:
    people = space_admins(request.space)
    if request.created_by is not None:
        people.append(request.created_by)
    return people


def _announce(request: ChangeRequest, people: list[User], kind: str, *, by: User, **context) -> None:
    """Tells the club's side or the contractor's (never the one who acted), through the request's
    signal: ``maintenance.following`` has them told by the fan-out job after the commit, unless they
    muted the request."""
    signals.maintenance_request_changed.send(
        request, by=by, kind=kind, people=people, context={**_context(request), **context}
    )


def _context(request: ChangeRequest) -> dict:
    return {
        "request_id": request.id,
        "task": request.task.value,
        "facility": request.facility.name,
        "club": request.space.title,
        "contractor": request.contractor.title,
    }


def create_request(club: Space, data: RequestInput, *, by: User) -> ChangeRequest:
    if not permissions.can_ask(by, club, data.facility):
        raise NotAllowed(
            _("%(club)s does not use %(facility)s.", club=club.title, facility=data.facility.name)
        )
    agreement = agreement_for(data.facility.id, data.task)
    if agreement is None:
        raise DomainError(
            _(
                "No contractor has an agreement for %(task)s at %(facility)s. Ask the municipality.",
                task=str(TASK_LABELS[data.task]).lower(),
                facility=data.facility.name,
            ),
            field="task",
        )
    fixture_id = occurrence_at = None
    wanted_before = data.wanted_before
    if data.fixture_id:
        fixture = db.session.get(Fixture, data.fixture_id)
        if fixture is not None and fixture.space_id == club.id:
            fixture_id = fixture.id
            if data.occurrence_at is not None:
                booking = occurrence_of(club, fixture.id, data.occurrence_at)
                if booking is None:
                    raise DomainError(
                        _(
                            "“%(title)s” does not take place then. Choose one of the listed times.",
                            title=fixture.title,
                        ),
                        field="occurrence",
                    )
                if booking.facility_id != data.facility.id:
                    raise DomainError(
                        _(
                            "“%(title)s” is on another facility. Choose that facility, or another booking.",
                            title=fixture.title,
                        ),
                        field="facility_id",
                    )
                occurrence_at = booking.starts_at
                wanted_before = wanted_before or booking.starts_at
    if wanted_before is None:
        raise DomainError(_("Say when it must be done by, or choose a booking."), field="wanted_before")
    if wanted_before <= utcnow():
        raise DomainError(_("Choose a time in the future."), field="wanted_before")
    request = ChangeRequest(
        space_id=club.id,
        facility_id=data.facility.id,
        agreement_id=agreement.id,
        contractor_space_id=agreement.contractor_space_id,
        fixture_id=fixture_id,
        occurrence_at=occurrence_at,
        task=data.task,
        wanted_before=wanted_before,
        message=data.message.strip(),
        created_by_id=by.id,
    )
    db.session.add(request)
    db.session.flush()
    _announce(
        request,
        contractor_people(agreement.contractor),
        "maintenance.request_new",
        by=by,
        when=iso(wanted_before),
    )
    return request


def nearby_visits(request: ChangeRequest) -> list[Visit]:
    """The agreement's planned visits in the days before the wanted time (and just after it)."""
    return list(
        db.session.scalars(
            sa.select(Visit)
            .where(
                Visit.agreement_id == request.agreement_id,
                Visit.status == VisitStatus.PLANNED,
                Visit.planned_at >= request.wanted_before - NEAR,
                Visit.planned_at < request.wanted_before + timedelta(days=1),
            )
            .order_by(Visit.planned_at, Visit.id)
            .options(selectinload(Visit.agreement), selectinload(Visit.facility))
        )
    )


def suggested_time(request: ChangeRequest) -> datetime | None:
    """A free slot before the wanted time, on the day of the nearest planned visit if there is one."""
    visits = [v for v in nearby_visits(request) if v.planned_at < request.wanted_before]
    around = visits[-1].planned_at if visits else request.wanted_before - timedelta(hours=3)
    length = (visits[-1].ends_at - visits[-1].planned_at) if visits else timedelta(hours=1)
    return conflicts.free_slot(
        request.facility_id,
        around=around,
        length=length,
        quiet_hours=request.agreement.quiet_hours_before,
        not_after=request.wanted_before,
    )


def _clashing(visits: list[Visit]) -> set[int]:
    """The ids of those ``visits`` that collide with a booking or a closure."""
    if not visits:
        return set()
    return {
        c.visit.id
        for c in conflicts.find_clashes(
            min(v.planned_at for v in visits),
            max(v.ends_at for v in visits),
            visit_ids=[v.id for v in visits],
            suggest=False,
        )
        if c.visit is not None
    }


def _answering_visit(request: ChangeRequest, at: datetime) -> Visit | None:
    """The planned visit that answers the request: the one already linked, else the agreement's
    planned visit around the wanted time nearest to ``at``."""
    linked = db.session.get(Visit, request.visit_id) if request.visit_id else None
    if linked is not None and linked.status == VisitStatus.PLANNED:
        return linked
    nearby = nearby_visits(request)
    return min(nearby, key=lambda v: (abs(v.planned_at - at), v.id)) if nearby else None


def _settle(request: ChangeRequest, at: datetime, *, by: User) -> tuple[Visit, list[conflicts.Clash]]:
    """The agreed time, in one transaction: the visit that answers the request moves there (a new one
    when none is near), and any other planned visit of the same agreement around the wanted time that
    still collides with a booking is cancelled, with the reason, rather than left planned beside it.
    Returns the visit and any conflicts at the agreed time (flagged to both sides once)."""
    visit = _answering_visit(request, at)
    if visit is None:
        visit = add_visit(request.agreement, at=at)
    elif visit.planned_at != at:
        length = visit.ends_at - visit.planned_at
        visit.planned_at, visit.ends_at = at, at + length
    request.visit_id = visit.id
    db.session.flush()
    others = [v for v in nearby_visits(request) if v.id != visit.id]
    # Worded when shown, in the reader's language (Visit.reason_text), not in the language of who agreed.
    reason = {"when": iso(at), "club": request.space.title}
    now = utcnow()
    for other in others:
        if other.id in _clashing([other]):
            other.status = VisitStatus.CANCELLED
            other.reason, other.reason_kind, other.reason_params = "", "maintenance.visit_replaced", reason
            other.done_at = now
            other.done_by_id = by.id
    db.session.flush()
    clashes = conflicts.find_clashes(
        visit.planned_at - timedelta(hours=1), visit.ends_at + timedelta(hours=1), visit_ids=[visit.id]
    )
    conflicts.flag(clashes, by=by)
    return visit, clashes


def _answer(request: ChangeRequest, *, by: User) -> None:
    lock(request)  # answered once, also when two of the contractor's people click at the same moment
    if not permissions.can_answer_request(by, request):
        if request.status not in OPEN_REQUEST_STATUSES:
            raise Conflict(_("This request is already answered."))
        raise NotAllowed(_("Only %(contractor)s answers this request.", contractor=request.contractor.title))


def accept(request: ChangeRequest, *, by: User) -> ChangeRequest:
    """Yes, before the wanted time: a planned visit in the days before that collides with nothing
    answers it; else the nearest planned visit moves to a free slot before the wanted time (or a new
    one is planned there), and visits left colliding around it are cancelled."""
    _answer(request, by=by)
    before = [v for v in nearby_visits(request) if v.planned_at < request.wanted_before]
    clashing = _clashing(before)
    free = [v for v in before if v.id not in clashing]
    if free:
        request.visit_id = free[-1].id
        at = free[-1].planned_at
    else:
        at = suggested_time(request)
        if at is None:
            raise DomainError(
                _(
                    "There is no free time for it before %(when)s. Propose another time instead.",
                    when=format_datetime(request.wanted_before, "short"),
                )
            )
    _settle(request, at, by=by)
    request.status = RequestStatus.ACCEPTED
    request.answered_at = utcnow()
    db.session.flush()
    _announce(
        request,
        _club_side(request),
        "maintenance.request_answered",
        by=by,
        status=request.status.value,
    )
    return request


def propose(request: ChangeRequest, *, at: datetime, note: str = "", by: User) -> tuple[ChangeRequest, list]:
    """Another time: the club is asked, and nothing is moved until it agrees. Returns the request and
    what a visit at that time would collide with."""
    _answer(request, by=by)
    if at <= utcnow():
        raise DomainError(_("Propose a time in the future."), field="at")
    visit = _answering_visit(request, at)
    length = (visit.ends_at - visit.planned_at) if visit is not None else timedelta(hours=1)
    request.visit_id = visit.id if visit is not None else None
    request.status = RequestStatus.PROPOSED
    request.proposed_at = at
    request.answered_at = utcnow()
    db.session.add(  # worded in the reader's language when shown; the note is the contractor's own words
        RequestMessage(
            request_id=request.id,
            author_id=by.id,
            kind="maintenance.proposed",
            params={"when": iso(at)},
            body=note.strip(),
        )
    )
    db.session.flush()
    _announce(
        request,
        _club_side(request),
        "maintenance.request_answered",
        by=by,
        status=request.status.value,
        when=iso(at),
    )
    return request, conflicts.check_slot(request.facility_id, at, at + length, agreement=request.agreement)


def decline(request: ChangeRequest, *, reason: str, by: User) -> ChangeRequest:
    _answer(request, by=by)
    if not reason.strip():
        raise DomainError(_("Say why, so the club can plan around it."), field="reason")
    request.status = RequestStatus.DECLINED
    request.reason = reason.strip()[:500]
    request.answered_at = utcnow()
    db.session.flush()
    _announce(
        request,
        _club_side(request),
        "maintenance.request_answered",
        by=by,
        status=request.status.value,
    )
    return request


def accept_proposal(request: ChangeRequest, *, by: User) -> tuple[ChangeRequest, list]:
    """The club agrees to the proposed time: the visit moves there now, and what collided around the
    wanted time is cancelled, in the same transaction."""
    lock(request)
    if not permissions.can_accept_proposal(by, request):
        if request.status != RequestStatus.PROPOSED:
            raise Conflict(_("This request is already answered."))
        raise NotAllowed(_("Only the club accepts the proposed time."))
    if request.proposed_at is None or request.proposed_at <= utcnow():
        raise Conflict(_("The proposed time has passed. Write to the contractor for a new one."))
    _visit, clashes = _settle(request, request.proposed_at, by=by)
    request.status = RequestStatus.ACCEPTED
    db.session.add(
        RequestMessage(request_id=request.id, author_id=by.id, kind="maintenance.proposal_accepted")
    )
    db.session.flush()
    _announce(
        request,
        contractor_people(request.contractor),
        "maintenance.request_answered",
        by=by,
        status=request.status.value,
    )
    return request, clashes


def add_message(request: ChangeRequest, *, body: str, by: User) -> RequestMessage:
    if not permissions.can_write_in_request(by, request):
        raise NotAllowed(_("Only the club and the contractor write here."))
    if not body.strip():
        raise DomainError(_("Write a message."), field="body")
    message = RequestMessage(request_id=request.id, author_id=by.id, body=body.strip())
    db.session.add(message)
    request.updated_at = utcnow()
    db.session.flush()
    people = contractor_people(request.contractor) + _club_side(request)
    _announce(request, people, "maintenance.request_message", by=by, name=by.display_name)
    return message


def messages(request: ChangeRequest) -> list[RequestMessage]:
    return list(
        db.session.scalars(
            sa.select(RequestMessage)
            .where(RequestMessage.request_id == request.id)
            .order_by(RequestMessage.created_at, RequestMessage.id)
            .options(selectinload(RequestMessage.author))
        )
    )


def _listed(query: sa.Select, limit: int) -> list[ChangeRequest]:
    return list(
        db.session.scalars(
            query.order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc())
            .limit(limit)
            .options(
                selectinload(ChangeRequest.facility),
                selectinload(ChangeRequest.space),
                selectinload(ChangeRequest.contractor),
            )
        )
    )


def requests_of_club(club: Space, *, limit: int = 50) -> list[ChangeRequest]:
    return _listed(sa.select(ChangeRequest).where(ChangeRequest.space_id == club.id), limit)


def requests_to_contractor(contractor: Space, *, limit: int = 50) -> list[ChangeRequest]:
    return _listed(sa.select(ChangeRequest).where(ChangeRequest.contractor_space_id == contractor.id), limit)


def open_requests(municipality_id: int, *, limit: int = 200) -> list[ChangeRequest]:
    """Open requests of the municipality's facilities, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ChangeRequest)
            .join(Facility, Facility.id == ChangeRequest.facility_id)
            .where(
                Facility.municipality_id == municipality_id, ChangeRequest.status.in_(OPEN_REQUEST_STATUSES)
            )
            .order_by(ChangeRequest.created_at, ChangeRequest.id)
            .limit(limit)
            .options(
                selectinload(ChangeRequest.facility),
                selectinload(ChangeRequest.space),
                selectinload(ChangeRequest.contractor),
            )
        )
    )
