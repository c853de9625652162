"""The organisers' overview: open requests and their age, time to a match, sessions held, people
helped per topic and month, volunteer hours (per month and per volunteer: one-to-one hours as given
when the help was marked done, café hours from the sessions they hosted), the "how did it go?"
answers, and no-shows (booked seats the host marked as not come). Grouped here in Python over a
bounded window, so the numbers are the same on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.helpdesk.models import (
    Answer,
    Booking,
    BookingStatus,
    DropInSession,
    HelpRequest,
    HelpTopic,
    Match,
    RequestStatus,
    VolunteerProfile,
)

MONTHS = 12


def _month(moment: datetime) -> str:
    return moment.strftime("%Y-%m")


@dataclass
class MonthRow:
    month: str
    helped: int = 0
    sessions: int = 0
    visitors: int = 0
    hours: float = 0.0
    hours_to_match: float | None = None
    good: int = 0
    not_so_good: int = 0
    no_shows: int = 0
    by_topic: Counter = field(default_factory=Counter)


@dataclass
class VolunteerRow:
    name: str
    helped: int = 0
    help_hours: float = 0.0
    cafe_hours: float = 0.0
    good: int = 0
    not_so_good: int = 0

    @property
    def hours(self) -> float:
        return self.help_hours + self.cafe_hours


@dataclass
class Overview:
    open_requests: list[tuple[HelpRequest, float]]  # (request, age in days)
    months: list[MonthRow]
    topics: list[str]
    volunteers: list[VolunteerRow] = field(default_factory=list)

    @property
    def max_helped(self) -> int:
        return max((m.helped for m in self.months), default=0)


def overview(municipality_id: int, *, now: datetime | None = None) -> Overview:
    now = now or utcnow()
    since = (now.replace(day=1) - timedelta(days=31 * (MONTHS - 1))).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    months = {}
    cursor = since
    while cursor <= now:
        months[_month(cursor)] = MonthRow(_month(cursor))
        cursor = (cursor + timedelta(days=32)).replace(day=1)

    open_rows = db.session.scalars(
        sa.select(HelpRequest)
        .where(HelpRequest.municipality_id == municipality_id, HelpRequest.status == RequestStatus.OPEN)
        .order_by(HelpRequest.created_at)
        .limit(200)
        .options(selectinload(HelpRequest.topic))
    ).all()
    open_requests = [(r, (now - r.created_at).total_seconds() / 86400) for r in open_rows]

    topic_names = dict(
        db.session.execute(
            sa.select(HelpTopic.id, HelpTopic.name).where(HelpTopic.municipality_id == municipality_id)
        ).all()
    )
    people: dict[int, VolunteerRow] = {
        profile_id: VolunteerRow(name)
        for profile_id, name in db.session.execute(
            sa.select(VolunteerProfile.id, User.display_name)
            .join(User, User.id == VolunteerProfile.user_id)
            .where(VolunteerProfile.municipality_id == municipality_id)
        )
    }
    host_profiles = dict(
        db.session.execute(
            sa.select(VolunteerProfile.user_id, VolunteerProfile.id).where(
                VolunteerProfile.municipality_id == municipality_id
            )
        ).all()
    )
    done = db.session.execute(
        sa.select(HelpRequest.topic_id, HelpRequest.done_at, Match.hours, Match.volunteer_id, Match.outcome)
        .join(Match, Match.request_id == HelpRequest.id)
        .where(
            HelpRequest.municipality_id == municipality_id,
            HelpRequest.status == RequestStatus.DONE,
            HelpRequest.done_at >= since,
        )
    ).all()
    for topic_id, done_at, hours, volunteer_id, outcome in done:
        row = months.get(_month(done_at))
        if row is not None:
            row.helped += 1
            row.by_topic[topic_names.get(topic_id, "?")] += 1
            row.hours += hours or 0.0
            row.good += outcome == Answer.GOOD
            row.not_so_good += outcome == Answer.NOT_SO_GOOD
        person = people.get(volunteer_id)
        if person is not None:
            person.helped += 1
            person.help_hours += hours or 0.0
            person.good += outcome == Answer.GOOD
            person.not_so_good += outcome == Answer.NOT_SO_GOOD
    waits: dict[str, list[float]] = defaultdict(list)
    for created_at, matched_at in db.session.execute(
        sa.select(HelpRequest.created_at, HelpRequest.matched_at).where(
            HelpRequest.municipality_id == municipality_id, HelpRequest.matched_at >= since
        )
    ).all():
        waits[_month(matched_at)].append((matched_at - created_at).total_seconds() / 3600)
    for month, values in waits.items():
        if month in months:
            months[month].hours_to_match = median(values)
    sessions = db.session.execute(
        sa.select(
            DropInSession.id, DropInSession.starts_at, DropInSession.ends_at, DropInSession.host_id
        ).where(
            DropInSession.municipality_id == municipality_id,
            DropInSession.cancelled_at.is_(None),
            DropInSession.starts_at >= since,
            DropInSession.ends_at <= now,
        )
    ).all()
    visitors = (
        dict(
            db.session.execute(
                sa.select(Booking.session_id, sa.func.count(Booking.id))
                .where(
                    Booking.session_id.in_([s.id for s in sessions]), Booking.status == BookingStatus.BOOKED
                )
                .group_by(Booking.session_id)
            ).all()
        )
        if sessions
        else {}
    )
    starts = {s.id: s.starts_at for s in sessions}
    if sessions:
        for session_id, attended, answer in db.session.execute(
            sa.select(Booking.session_id, Booking.attended, Booking.feedback).where(
                Booking.session_id.in_(list(starts)), Booking.status == BookingStatus.BOOKED
            )
        ):
            row = months.get(_month(starts[session_id]))
            if row is not None:
                row.no_shows += attended is False
                row.good += answer == Answer.GOOD
                row.not_so_good += answer == Answer.NOT_SO_GOOD
    for session_id, starts_at, ends_at, host_id in sessions:
        row = months.get(_month(starts_at))
        if row is not None:
            row.sessions += 1
            row.visitors += visitors.get(session_id, 0)
        host = people.get(host_profiles.get(host_id, -1))
        if host is not None:
            host.cafe_hours += (ends_at - starts_at).total_seconds() / 3600
    helpers = sorted(
        (p for p in people.values() if p.helped or p.cafe_hours), key=lambda p: (-p.hours, p.name)
    )
    return Overview(open_requests, list(months.values()), sorted(set(topic_names.values())), helpers)


def as_csv(data: Overview, headers: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*headers, *data.topics])
    for m in data.months:
        writer.writerow(
            [
                m.month,
                m.helped,
                m.sessions,
                m.visitors,
                f"{m.hours:.2f}",
                "" if m.hours_to_match is None else f"{m.hours_to_match:.1f}",
                m.good,
                m.not_so_good,
                m.no_shows,
                *(m.by_topic.get(t, 0) for t in data.topics),
            ]
        )
    return out.getvalue()
