"""The response-time promise: the municipality promises to answer a kind of item within a number of
Danish working days. Each item it must answer is tracked with its deadline; an overdue one is
escalated to staff once; the public figures say, per month and kind, the median time to answer and
the share answered within the promise."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from community import signals
from community.accounts.models import User
from community.db import insert_new, utcnow
from community.engagement import permissions
from community.engagement.models import (
    DEFAULT_PROMISE_DAYS,
    EngagementSettings,
    Promise,
    PromiseKind,
    TrackedItem,
)
from community.engagement.services.common import settings_for
from community.engagement.workdays import add_working_days, local_date, working_days_between
from community.errors import DomainError, NotAllowed
from community.extensions import db
from community.i18n import _

MAX_WORKING_DAYS = 120


@dataclass(frozen=True)
class PromiseTerms:
    kind: PromiseKind
    working_days: int
    active: bool


def terms(municipality_id: int) -> dict[PromiseKind, PromiseTerms]:
    """Every kind's promise: what the municipality has set, else the default."""
    saved = {
        p.kind: p
        for p in db.session.scalars(sa.select(Promise).where(Promise.municipality_id == municipality_id))
    }
    return {
        kind: PromiseTerms(kind, saved[kind].working_days, saved[kind].active)
        if kind in saved
        else PromiseTerms(kind, DEFAULT_PROMISE_DAYS[kind], True)
        for kind in PromiseKind
    }


def save_settings(
    municipality_id: int,
    *,
    by: User,
    idea_threshold: int,
    area_km: float,
    promises: dict[PromiseKind, tuple[int, bool]],
) -> None:
    if not permissions.can_manage_promises(by, municipality_id):
        raise NotAllowed(_("Only municipality staff set the promises."))
    if not 1 <= idea_threshold <= 100_000:
        raise DomainError(_("Give a number of supporters between 1 and 100,000."), field="idea_threshold")
    if not 1 <= area_km <= 200:
        raise DomainError(_("Give a distance between 1 and 200 km."), field="area_km")
    for kind, (days, _active) in promises.items():
        if not 1 <= days <= MAX_WORKING_DAYS:
            raise DomainError(
                _("Promise between 1 and %(max)d working days.", max=MAX_WORKING_DAYS),
                field=f"{kind.value}_days",
            )
    settings = db.session.get(EngagementSettings, municipality_id)
    if settings is None:
        settings = EngagementSettings(municipality_id=municipality_id)
        db.session.add(settings)
    settings.idea_threshold = idea_threshold
    settings.area_km = area_km
    existing = {
        p.kind: p
        for p in db.session.scalars(sa.select(Promise).where(Promise.municipality_id == municipality_id))
    }
    for kind, (days, active) in promises.items():
        promise = existing.get(kind) or Promise(municipality_id=municipality_id, kind=kind)
        promise.working_days = days
        promise.active = active
        db.session.add(promise)
    db.session.flush()


def idea_threshold(municipality_id: int) -> int:
    return settings_for(municipality_id).idea_threshold


# --- tracking -------------------------------------------------------------------------------------------


def track(
    kind: PromiseKind, ref_id: int, *, municipality_id: int, title: str, started_at: datetime
) -> TrackedItem | None:
    """Starts the clock for an item (once: a second call changes nothing). None when the municipality
    has switched this promise off."""
    promise = terms(municipality_id)[kind]
    if not promise.active:
        return None
    insert_new(
        TrackedItem,
        municipality_id=municipality_id,
        kind=kind,
        ref_id=ref_id,
        title=(title or "")[:200],
        working_days=promise.working_days,
        started_at=started_at,
        due_at=add_working_days(started_at, promise.working_days),
    )
    return tracked(kind, ref_id)


def tracked(kind: PromiseKind, ref_id: int) -> TrackedItem | None:
    return db.session.scalar(
        sa.select(TrackedItem).where(TrackedItem.kind == kind, TrackedItem.ref_id == ref_id)
    )


def mark_answered(kind: PromiseKind, ref_id: int, *, at: datetime | None = None) -> bool:
    """Stops the clock at the first answer; later answers change nothing."""
    result = db.session.execute(
        sa.update(TrackedItem)
        .where(TrackedItem.kind == kind, TrackedItem.ref_id == ref_id, TrackedItem.answered_at.is_(None))
        .values(answered_at=at or utcnow())
        .execution_options(synchronize_session=False)
    )
    _expire_tracked()
    return (result.rowcount or 0) == 1


def _expire_tracked() -> None:
    """Items already loaded in this session read the row again (the UPDATE went straight to SQL)."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, TrackedItem):
            db.session.expire(obj)


def untrack(kind: PromiseKind, ref_id: int) -> None:
    """An item that no longer waits for an answer (a question hidden or merged)."""
    db.session.execute(
        sa.delete(TrackedItem)
        .where(TrackedItem.kind == kind, TrackedItem.ref_id == ref_id, TrackedItem.answered_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    _expire_tracked()


def retime(item: TrackedItem, *, started_at: datetime, answered_at: datetime | None) -> None:
    """Moves an item in time (the demo's past), keeping its deadline true to the working days."""
    item.started_at = started_at
    item.due_at = add_working_days(started_at, item.working_days)
    item.answered_at = answered_at
    db.session.flush()


def escalate_overdue(*, now: datetime | None = None) -> int:
    """Tells staff, once per item, about every item past its deadline without an answer."""
    now = now or utcnow()
    candidates = list(
        db.session.scalars(
            sa.select(TrackedItem)
            .where(
                TrackedItem.answered_at.is_(None),
                TrackedItem.escalated_at.is_(None),
                TrackedItem.due_at < now,
            )
            .order_by(TrackedItem.due_at, TrackedItem.id)
            .limit(500)
        )
    )
    escalated = 0
    for item in candidates:
        claimed = db.session.execute(
            sa.update(TrackedItem)
            .where(TrackedItem.id == item.id, TrackedItem.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if (claimed.rowcount or 0) == 1:
            item.escalated_at = now
            signals.promise_overdue.send(item)
            escalated += 1
    db.session.flush()
    return escalated


def overdue(municipality_id: int, *, limit: int = 50) -> list[TrackedItem]:
    return list(
        db.session.scalars(
            sa.select(TrackedItem)
            .where(
                TrackedItem.municipality_id == municipality_id,
                TrackedItem.answered_at.is_(None),
                TrackedItem.due_at < utcnow(),
            )
            .order_by(TrackedItem.due_at, TrackedItem.id)
            .limit(limit)
        )
    )


def waiting(municipality_id: int, *, limit: int = 200) -> list[TrackedItem]:
    """Items still waiting for an answer, the nearest deadline first (staff's list)."""
    return list(
        db.session.scalars(
            sa.select(TrackedItem)
            .where(TrackedItem.municipality_id == municipality_id, TrackedItem.answered_at.is_(None))
            .order_by(TrackedItem.due_at, TrackedItem.id)
            .limit(limit)
        )
    )


# --- the public figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: str  # "2026-11"
    kind: PromiseKind
    items: int  # answered, or past the deadline without an answer
    answered: int
    within: int
    median_days: float | None  # working days to answer, of those answered

    @property
    def share_within(self) -> float | None:
        return self.within / self.items if self.items else None


def monthly(municipality_id: int, *, months: int = 12, now: datetime | None = None) -> list[MonthFigures]:
    """Per month (when the clock started) and kind, newest month first. Items still inside their
    deadline without an answer are not counted yet: they can still keep the promise."""
    now = now or utcnow()
    year, month = now.year, now.month - (months - 1)
    while month <= 0:
        year, month = year - 1, month + 12
    since = datetime(year, month, 1) - timedelta(days=1)  # a day early: months are Danish, times UTC
    rows = db.session.execute(
        sa.select(
            TrackedItem.kind, TrackedItem.started_at, TrackedItem.due_at, TrackedItem.answered_at
        ).where(TrackedItem.municipality_id == municipality_id, TrackedItem.started_at >= since)
    ).all()
    groups: dict[tuple[str, PromiseKind], list[tuple[datetime, datetime, datetime | None]]] = defaultdict(
        list
    )
    for kind, started, due, answered in rows:
        if answered is None and due >= now:
            continue
        groups[(local_date(started).strftime("%Y-%m"), kind)].append((started, due, answered))
    figures = []
    for (label, kind), items in groups.items():
        answered = [(s, d, a) for s, d, a in items if a is not None]
        days = [working_days_between(s, a) for s, _d, a in answered]
        figures.append(
            MonthFigures(
                month=label,
                kind=kind,
                items=len(items),
                answered=len(answered),
                within=sum(1 for _s, d, a in answered if a <= d),
                median_days=statistics.median(days) if days else None,
            )
        )
    first = f"{year:04d}-{month:02d}"
    order = list(PromiseKind)
    figures = [f for f in figures if f.month >= first]
    return sorted(figures, key=lambda f: (f.month, -order.index(f.kind)), reverse=True)
