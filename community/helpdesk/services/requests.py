"""One-to-one help: filing a request (also for someone else, with their consent), matching it with
a volunteer, agreeing a time, the reminder the day before, done with feedback, and the organisers'
nudge when nobody has said yes within three days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.conversations import services as conversations
from community.db import lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.geo import Place, approx_km, bounding_box, distance_km
from community.helpdesk import permissions
from community.helpdesk.models import (
    LOCATED,
    Answer,
    HelpRequest,
    HelpTopic,
    Match,
    Mode,
    RequestStatus,
    VolunteerProfile,
    volunteer_topic,
)
from community.helpdesk.services.matches import organisers, parties, tell, thread
from community.i18n import _
from community.notifications.services import notify

#: A Danish number: eight digits, the first not 0 or 1, after an optional +45 or 0045.
PHONE = re.compile(r"^(?:\+45|0045)?([2-9]\d{7})$")
MAX_WINDOWS = 3
ESCALATE_AFTER = timedelta(days=3)
REMIND_BEFORE = timedelta(days=1)
MAX_RADIUS_KM = 50.0


def normalize_phone(phone: str) -> str:
    return re.sub(r"[\s\-().]", "", phone or "")


def danish_phone(phone: str) -> str | None:
    """The eight digits of a Danish phone number written in any usual way ("86 12 34 56",
    "+45 86-12-34-56", "0045 86123456"); None when it is not one."""
    found = PHONE.match(normalize_phone(phone))
    return found.group(1) if found else None


def _own_phone(phone: str) -> str:
    found = danish_phone(phone)
    if found is None:
        raise DomainError(
            _("Write your phone number with 8 digits, for example 20 12 34 56, or leave it empty."),
            field="phone",
        )
    return found


@dataclass
class RequestInput:
    topic: HelpTopic
    mode: Mode
    description: str
    windows: list[tuple[datetime, datetime]]
    place: Place | None = None
    assisted: bool = False
    person_name: str = ""
    phone: str = ""
    consent: bool = False
    consent_text: str = ""


def file_request(municipality_id: int, *, by: User, data: RequestInput) -> HelpRequest:
    now = utcnow()
    if not data.windows:
        raise DomainError(_("Give at least one time that suits, so a volunteer can plan."), field="windows")
    if len(data.windows) > MAX_WINDOWS:
        raise DomainError(_("Give at most %(n)s times.", n=MAX_WINDOWS), field="windows")
    for start, end in data.windows:
        if start <= now:
            raise DomainError(
                _("A time you gave has already passed. Choose a time in the future."), field="windows"
            )
        if end <= start:
            raise DomainError(
                _("A time must end after it starts. Check the times you gave."), field="windows"
            )
    request = HelpRequest(
        municipality_id=municipality_id,
        filed_by_id=by.id,
        topic_id=data.topic.id,
        mode=data.mode,
        description=data.description.strip(),
        windows=[[s.isoformat(), e.isoformat()] for s, e in sorted(data.windows)],
    )
    if data.assisted:
        name = data.person_name.strip()
        phone = danish_phone(data.phone)
        if not name:
            raise DomainError(_("Write the name of the person who needs help."), field="person_name")
        if phone is None:
            raise DomainError(
                _(
                    "Write their phone number with 8 digits, for example 86 12 34 56, "
                    "so the volunteer can call."
                ),
                field="phone",
            )
        if not data.consent:
            raise DomainError(
                _(
                    "Ask the person first: tick the box only when they agree "
                    "that we pass on their name and number."
                ),
                field="consent",
            )
        request.assisted = True
        request.person_name, request.phone = name, phone
        request.consent_text, request.consent_at = data.consent_text, now
    else:
        request.requester_id = by.id
        if data.phone.strip():
            request.phone = _own_phone(data.phone)
    place = data.place
    if place is None and not data.assisted and by.has_home:
        place = Place(
            key="home",
            name=by.home_label or "",
            lat=by.home_latitude,
            lon=by.home_longitude,  # type: ignore[arg-type]
            label=by.home_label or "",
        )
    if data.mode in LOCATED and place is None:
        raise DomainError(_("Write the town or postcode where the help should happen."), field="place")
    if place is not None:
        request.place_label, request.latitude, request.longitude = place.label, place.lat, place.lon
    db.session.add(request)
    db.session.flush()
    best = {c.profile.user: "helpdesk.request_for_you" for c in rank_volunteers(request, limit=3)}
    tell(request, "helpdesk.new_request", by=by, told=best, joining=(by,))
    return request


# --- matching --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    profile: VolunteerProfile
    distance_km: float | None
    speaks_language: bool
    load: int

    @property
    def sort_key(self) -> tuple:
        return (
            not self.speaks_language,
            self.load,
            self.distance_km if self.distance_km is not None else 0.0,
        )


def _request_language(request: HelpRequest) -> str:
    if request.requester is not None and request.requester.locale:
        return request.requester.locale
    return "da"


def rank_volunteers(request: HelpRequest, *, limit: int = 10) -> list[Candidate]:
    """Volunteers for ``request``, best first: those who coach the topic in the way asked, within their
    own distance (home visits: vetted only), preferring the person's language and fewer open tasks.

    Light rows first (no objects for thousands of volunteers): a bounding box as wide as the largest
    radius any volunteer gives, an equirectangular estimate against each one's own radius, the load
    counted in the same query; objects and the geodesic distance only for the ones returned."""
    load = (
        sa.select(Match.volunteer_id, sa.func.count(Match.id).label("n"))
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(HelpRequest.status.in_([RequestStatus.MATCHED, RequestStatus.SCHEDULED]))
        .group_by(Match.volunteer_id)
        .subquery()
    )
    query = (
        sa.select(
            VolunteerProfile.id,
            VolunteerProfile.latitude,
            VolunteerProfile.longitude,
            VolunteerProfile.radius_km,
            VolunteerProfile.modes,
            VolunteerProfile.languages,
            sa.func.coalesce(load.c.n, 0),
        )
        .join(volunteer_topic, volunteer_topic.c.volunteer_id == VolunteerProfile.id)
        .outerjoin(load, load.c.volunteer_id == VolunteerProfile.id)
        .where(
            volunteer_topic.c.topic_id == request.topic_id,
            VolunteerProfile.paused.is_(False),
            VolunteerProfile.municipality_id == request.municipality_id,
            VolunteerProfile.user_id != request.filed_by_id,
        )
    )
    located = request.mode in LOCATED and request.latitude is not None
    if located:
        widest = (
            db.session.scalar(
                sa.select(sa.func.max(VolunteerProfile.radius_km)).where(
                    VolunteerProfile.municipality_id == request.municipality_id
                )
            )
            or 0.0
        )
        lat0, lat1, lon0, lon1 = bounding_box(request.latitude, request.longitude, min(widest, MAX_RADIUS_KM))  # type: ignore[arg-type]
        query = query.where(
            VolunteerProfile.latitude.between(lat0, lat1), VolunteerProfile.longitude.between(lon0, lon1)
        )
    if request.mode == Mode.HOME:
        query = query.where(VolunteerProfile.vetted_at.is_not(None))
    language = _request_language(request)
    scored = []
    for profile_id, lat, lon, radius, modes, languages, carrying in db.session.execute(query):
        if request.mode.value not in (modes or []):
            continue
        km = None
        if located and lat is not None:
            km = approx_km(request.latitude, request.longitude, lat, lon)  # type: ignore[arg-type]
            if km > radius:
                continue
        scored.append(
            (
                language not in (languages or []),
                carrying,
                km if km is not None else 0.0,
                profile_id,
                language in (languages or []),
                km,
            )
        )
    scored.sort()
    best = scored[:limit]
    profiles = {
        p.id: p
        for p in db.session.scalars(
            sa.select(VolunteerProfile)
            .where(VolunteerProfile.id.in_([row[3] for row in best]))
            .options(selectinload(VolunteerProfile.user))
        )
    }
    found = []
    for _lang, carrying, _key, profile_id, speaks, km in best:
        profile = profiles[profile_id]
        if km is not None:
            km = distance_km(request.latitude, request.longitude, profile.latitude, profile.longitude)  # type: ignore[arg-type]
        found.append(Candidate(profile, km, speaks, carrying))
    return found


@dataclass(frozen=True)
class Opening:
    request: HelpRequest
    distance_km: float | None


def requests_for(profile: VolunteerProfile, *, limit: int = 50) -> list[Opening]:
    """Open requests this volunteer could take, nearest and oldest first."""
    topic_ids = [t.id for t in profile.topics]
    if not topic_ids or profile.paused:
        return []
    modes = [Mode(m) for m in profile.modes or []]
    if not profile.is_vetted:
        modes = [m for m in modes if m != Mode.HOME]
    query = (
        sa.select(HelpRequest)
        .where(
            HelpRequest.status == RequestStatus.OPEN,
            HelpRequest.municipality_id == profile.municipality_id,
            HelpRequest.topic_id.in_(topic_ids),
            HelpRequest.mode.in_(modes),
            HelpRequest.filed_by_id != profile.user_id,
        )
        .options(selectinload(HelpRequest.topic))
    )
    remote = [m for m in modes if m not in LOCATED]
    if profile.latitude is not None:
        lat0, lat1, lon0, lon1 = bounding_box(profile.latitude, profile.longitude, profile.radius_km)  # type: ignore[arg-type]
        nearby = sa.and_(HelpRequest.latitude.between(lat0, lat1), HelpRequest.longitude.between(lon0, lon1))
        query = query.where(sa.or_(HelpRequest.mode.in_(remote), nearby))
    else:
        query = query.where(HelpRequest.mode.in_(remote))
    found = []
    for request in db.session.scalars(query.order_by(HelpRequest.created_at).limit(2000)):
        km = None
        if request.latitude is not None and profile.latitude is not None:
            km = distance_km(profile.latitude, profile.longitude, request.latitude, request.longitude)  # type: ignore[arg-type]
            if request.mode in LOCATED and km > profile.radius_km:
                continue
        found.append(Opening(request, km))
    found.sort(key=lambda o: (o.distance_km if o.distance_km is not None else 0.0, o.request.created_at))
    return found[:limit]


# --- the life of a request -------------------------------------------------------------------------


def schedule(request: HelpRequest, *, by: User, at: datetime) -> Match:
    if not permissions.can_schedule(by, request):
        raise NotAllowed(_("Only the volunteer and the person helped agree the time."))
    if at <= utcnow():
        raise DomainError(_("Choose a time in the future."), field="agreed_at")
    match = request.match
    match.agreed_at = at  # type: ignore[union-attr]
    match.reminded_at = None  # type: ignore[union-attr]
    request.status = RequestStatus.SCHEDULED
    db.session.flush()
    conversation = thread(request)
    if conversation is not None:
        conversations.add_system(
            conversation, "helpdesk.scheduled", about=by, name=by.display_name, when=at.isoformat()
        )
    volunteer = match.volunteer.user  # type: ignore[union-attr]
    told = dict.fromkeys([*parties(request), volunteer], "helpdesk.scheduled")
    tell(request, "helpdesk.scheduled", by=by, told=told, when=at.isoformat())
    return match  # type: ignore[return-value]


def send_due_reminders(now: datetime | None = None) -> int:
    """Reminds both sides the day before an agreed time (run hourly). Returns how many were sent.
    Each match is claimed with a conditional UPDATE first, so two runs at once remind once."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Match)
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(
            HelpRequest.status == RequestStatus.SCHEDULED,
            Match.reminded_at.is_(None),
            Match.agreed_at > now,
            Match.agreed_at <= now + REMIND_BEFORE,
        )
        .options(selectinload(Match.request), selectinload(Match.volunteer))
    ).all()
    sent = 0
    for match in due:
        claimed = db.session.execute(
            sa.update(Match)
            .where(Match.id == match.id, Match.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        request = match.request
        for person in [*parties(request), match.volunteer.user]:
            notify(
                person,
                "helpdesk.reminder",
                when=match.agreed_at.isoformat(),  # type: ignore[union-attr]
                topic=request.topic.name,
                request_id=request.id,
            )
        sent += 1
    db.session.flush()
    return sent


#: A rating on the done form as the two-click answer: 4 and 5 went well, 1 and 2 not so well.
RATING_OUTCOMES = {5: Answer.GOOD, 4: Answer.GOOD, 2: Answer.NOT_SO_GOOD, 1: Answer.NOT_SO_GOOD}


def complete(
    request: HelpRequest, *, by: User, hours: float | None, rating: int | None, feedback: str
) -> Match:
    from community.helpdesk.services import feedback as asking

    not_yet = permissions.done_refusal(request)
    if not_yet is not None:
        raise Conflict(not_yet)
    if not permissions.can_complete(by, request):
        raise NotAllowed(_("Only the volunteer and the person helped mark the help as done."))
    if hours is not None and not 0 < hours <= 24:
        raise DomainError(_("Give the time spent in hours, between 0.25 and 24."), field="hours")
    if rating is not None and not 1 <= rating <= 5:
        raise DomainError(_("Choose from 1 to 5."), field="rating")
    match = request.match
    now = utcnow()
    request.status = RequestStatus.DONE
    request.done_at = now
    match.done_at = now  # type: ignore[union-attr]
    match.hours = hours if hours is not None else match.hours  # type: ignore[union-attr]
    if rating is not None or feedback.strip():
        match.feedback_rating, match.feedback_text, match.feedback_by_id = (  # type: ignore[union-attr]
            rating,
            feedback.strip() or None,
            by.id,
        )
    # The person helped (or who asked for them) who marks it done answers "how did it go?" with their
    # rating, and it counts in the overview as the two-click answer does; "so-so" or no rating, and
    # they are asked the two-click question like anyone else.
    outcome = RATING_OUTCOMES.get(rating) if rating is not None else None
    answered = outcome is not None and by.id in {p.id for p in parties(request)}
    if answered:
        match.outcome, match.outcome_at = outcome, now  # type: ignore[union-attr]
    db.session.flush()
    asking.ask_after_help(match, answered=by if answered else None)  # type: ignore[arg-type]
    return match  # type: ignore[return-value]


def cancel(request: HelpRequest, *, by: User) -> None:
    lock(request)  # never cancelled while a volunteer says yes without them being told
    if not permissions.can_cancel(by, request):
        raise NotAllowed(_("Only the one who asked, and organisers, can cancel a request."))
    request.status = RequestStatus.CANCELLED
    db.session.flush()
    conversation = thread(request)
    if conversation is not None:
        conversations.add_system(conversation, "helpdesk.cancelled", about=by, name=by.display_name)
    volunteer = [request.match.volunteer.user] if request.match is not None else []
    told = dict.fromkeys(volunteer, "helpdesk.cancelled")
    tell(request, "helpdesk.cancelled", by=by, told=told)


def share_phone(request: HelpRequest, *, by: User, phone: str) -> HelpRequest:
    """The person helped (or who asked for them) gives the matched volunteer a number to call, or
    takes it away. Only they and the volunteer see it (``permissions.can_see_phone``)."""
    if not permissions.can_share_phone(by, request):
        raise NotAllowed(_("Only the one who asked can change the phone number."))
    if not (phone or "").strip():
        if request.assisted:
            raise DomainError(
                _("The volunteer needs a number to call the person you asked for. Write it here."),
                field="phone",
            )
        request.phone = None
        db.session.flush()
        return request
    had = request.phone
    request.phone = _own_phone(phone)
    db.session.flush()
    conversation = thread(request)
    if conversation is not None and request.phone != had:
        conversations.add_system(conversation, "helpdesk.phone_shared", about=by, name=by.display_name)
    return request


def escalate_unmatched(now: datetime | None = None) -> int:
    """Requests nobody said yes to within three days go to the organisers (run hourly)."""
    now = now or utcnow()
    stale = db.session.scalars(
        sa.select(HelpRequest)
        .where(
            HelpRequest.status == RequestStatus.OPEN,
            HelpRequest.escalated_at.is_(None),
            HelpRequest.created_at <= now - ESCALATE_AFTER,
        )
        .options(selectinload(HelpRequest.topic))
    ).all()
    by_municipality: dict[int, list[User]] = {}
    for request in stale:
        people = by_municipality.setdefault(request.municipality_id, organisers(request.municipality_id))
        for person in people:
            notify(person, "helpdesk.unmatched", topic=request.topic.name, request_id=request.id)
        request.escalated_at = now
    db.session.flush()
    return len(stale)


def visible_requests(user: User, municipality_id: int) -> list[HelpRequest]:
    """What an organiser sees: every request that is not closed, oldest first; others their own."""
    query = sa.select(HelpRequest).where(HelpRequest.municipality_id == municipality_id)
    if permissions.is_organiser(user, municipality_id):
        query = query.where(
            HelpRequest.status.in_([RequestStatus.OPEN, RequestStatus.MATCHED, RequestStatus.SCHEDULED])
        )
    else:
        query = query.where(sa.or_(HelpRequest.requester_id == user.id, HelpRequest.filed_by_id == user.id))
    return list(
        db.session.scalars(
            query.order_by(HelpRequest.created_at)
            .limit(500)
            .options(selectinload(HelpRequest.topic), selectinload(HelpRequest.match))
        )
    )
