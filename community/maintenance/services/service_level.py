"""An agreement's season and service level as data (how often, how tall the grass may grow, how soon
before a match), in words, and how the visits measure up to it per agreement and month: the
compliance the municipality and the contractor see, not only "done within a day"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from babel.dates import get_month_names
from sqlalchemy.orm import selectinload

from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.i18n import _, _l, current_language, format_datetime, ngettext, to_local, to_utc
from community.maintenance.models import Agreement, Facility, Visit, VisitStatus
from community.spaces.models import Space

#: A visit done within a day of its planned end is on time.
GRACE = timedelta(hours=24)
#: The frequencies the agreement form offers: at most this many days between two visits.
INTERVALS = {
    4: _l("Twice a week"),
    7: _l("Every week"),
    14: _l("Every other week"),
    31: _l("Every month"),
}


def month_name(month: int) -> str:
    return get_month_names("wide", locale=current_language())[month]


def season_words(agreement: Agreement) -> str:
    if not agreement.has_season:
        return _("all year")
    return _(
        "%(first)s to %(last)s",
        first=month_name(agreement.season_start_month),  # type: ignore[arg-type]
        last=month_name(agreement.season_end_month),  # type: ignore[arg-type]
    )


def interval_words(days: int) -> str:
    if days in INTERVALS:
        return str(INTERVALS[days]).lower()
    return ngettext("at least every %(num)s day", "at least every %(num)s days", days)


def terms(agreement: Agreement) -> list[str]:
    """The service level in words, one phrase each: "every week", "April to October", "cut to 30 mm",
    "never taller than 60 mm", "within 48 hours before a match"."""
    found = []
    if agreement.interval_days:
        found.append(interval_words(agreement.interval_days))
    found.append(
        _("in season %(season)s", season=season_words(agreement)) if agreement.has_season else _("all year")
    )
    if agreement.height_mm:
        found.append(_("cut to %(mm)s mm", mm=agreement.height_mm))
    if agreement.max_height_mm:
        found.append(_("never taller than %(mm)s mm", mm=agreement.max_height_mm))
    if agreement.wanted_within_hours:
        found.append(_("within %(n)s hours before a match", n=agreement.wanted_within_hours))
    if agreement.quiet_hours_before:
        found.append(_("not in the last %(n)s hours before kick-off", n=agreement.quiet_hours_before))
    return found


def require_in_season(agreement: Agreement, moment: datetime, *, field: str) -> None:
    """``DomainError`` when ``moment`` (naive UTC) falls outside the agreement's season."""
    if agreement.in_season(to_local(moment).month):
        return
    raise DomainError(
        _(
            "%(task)s at %(facility)s is agreed for %(season)s; %(when)s is outside the season. Ask the "
            "municipality about work outside it.",
            task=agreement.task_label,
            facility=agreement.facility.name,
            season=season_words(agreement),
            when=format_datetime(moment, "short"),
        ),
        field=field,
    )


# --- measured against the service level ------------------------------------------------------------


@dataclass
class MonthLevel:
    """How one agreement's visits in one month (Danish time) measure up to its service level."""

    agreement: Agreement
    month: str  # YYYY-MM
    required: int | None  # visits the frequency asks for; None: no frequency agreed
    done: int = 0
    on_time: int = 0
    matches: int | None = None  # matches that wanted the task in time; None: not agreed
    served: int = 0
    measured: int = 0  # done visits with a grass height measured
    too_tall: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def kept(self) -> bool | None:
        """True when every agreed measure is met, False when one is not, None when nothing is agreed
        that visits can be measured against."""
        if self.required is None and self.matches is None and not self.agreement.max_height_mm:
            return None
        return not self.problems

    @property
    def contractor(self) -> str:
        return self.agreement.contractor.title

    @property
    def facility(self) -> str:
        return self.agreement.facility.name


def _months(now: datetime, count: int) -> list[tuple[str, datetime, datetime]]:
    """The last ``count`` months as (YYYY-MM, start, end), naive UTC, oldest first."""
    local = to_local(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    found = []
    for _n in range(count):
        following = (local + timedelta(days=32)).replace(day=1)
        found.append((local.strftime("%Y-%m"), to_utc(local), to_utc(following)))
        local = (local - timedelta(days=1)).replace(day=1)
    return found[::-1]


def _agreements(municipality_id: int | None, contractor: Space | None) -> list[Agreement]:
    query = (
        sa.select(Agreement)
        .join(Facility, Facility.id == Agreement.facility_id)
        .order_by(Facility.name, Agreement.task, Agreement.id)
        .options(selectinload(Agreement.facility), selectinload(Agreement.contractor))
    )
    if municipality_id is not None:
        query = query.where(Facility.municipality_id == municipality_id)
    if contractor is not None:
        query = query.where(Agreement.contractor_space_id == contractor.id)
    return list(db.session.scalars(query))


def service_levels(
    *,
    municipality_id: int | None = None,
    contractor: Space | None = None,
    months: int = 6,
    now: datetime | None = None,
) -> list[MonthLevel]:
    """Per agreement and month of the last ``months`` (in its season, since it was made): visits done
    against the frequency, matches with the task done in the window before them, grass heights
    against the most agreed. The current month counts up to a day ago."""
    from community.maintenance.services.fixtures import bookings_between

    now = now or utcnow()
    agreements = _agreements(municipality_id, contractor)
    periods = _months(now, months)
    if not agreements:
        return []
    first = periods[0][1]
    cutoff = now - GRACE
    visits: dict[int, list[tuple]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(
            Visit.agreement_id, Visit.planned_at, Visit.ends_at, Visit.status, Visit.done_at, Visit.height_mm
        ).where(
            Visit.agreement_id.in_([a.id for a in agreements]),
            Visit.status == VisitStatus.DONE,
            Visit.planned_at >= first,
            Visit.planned_at < now,
        )
    ):
        visits[row[0]].append(row[1:])
    wanting = [a for a in agreements if a.wanted_within_hours]
    kickoffs: dict[int, list[datetime]] = defaultdict(list)
    if wanting:
        for b in bookings_between(sorted({a.facility_id for a in wanting}), first, cutoff):
            if b.has_kickoff and first <= b.starts_at < cutoff:
                kickoffs[b.facility_id].append(b.starts_at)
    found: list[MonthLevel] = []
    for agreement in agreements:
        made = agreement.created_at
        done_here = visits.get(agreement.id, [])
        for key, start, end in periods:
            month = int(key[5:])
            if not agreement.in_season(month):
                continue
            since, until = max(start, made), min(end, cutoff)
            if since >= until:
                continue
            required = None
            if agreement.interval_days:
                days = (until - since).days
                whole = since == start and until == end
                required = max(1 if whole else 0, days // agreement.interval_days)
            level = MonthLevel(agreement, key, required)
            in_month = [v for v in done_here if start <= v[0] < end]
            level.done = len(in_month)
            level.on_time = sum(
                1 for _p, ends_at, _s, done_at, _h in in_month if done_at and done_at <= ends_at + GRACE
            )
            if agreement.max_height_mm:
                heights = [h for *_rest, h in in_month if h is not None]
                level.measured = len(heights)
                level.too_tall = sum(1 for h in heights if h > agreement.max_height_mm)
            if agreement.wanted_within_hours:
                window = timedelta(hours=agreement.wanted_within_hours)
                matches = [k for k in kickoffs.get(agreement.facility_id, []) if since <= k < until]
                level.matches = len(matches)
                level.served = sum(1 for k in matches if any(k - window <= v[0] < k for v in done_here))
            _judge(level)
            found.append(level)
    return found


def _judge(level: MonthLevel) -> None:
    if level.required is not None and level.done < level.required:
        level.problems.append(
            ngettext(
                "%(num)s visit short of the frequency",
                "%(num)s visits short of the frequency",
                level.required - level.done,
            )
        )
    if level.matches and level.served < level.matches:
        level.problems.append(
            _(
                "%(missing)s of %(matches)s matches without it in time",
                missing=level.matches - level.served,
                matches=level.matches,
            )
        )
    if level.too_tall:
        level.problems.append(
            ngettext(
                "the grass too tall on %(num)s visit", "the grass too tall on %(num)s visits", level.too_tall
            )
        )
