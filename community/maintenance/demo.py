"""Demo data for maintenance: Stilling Stadion with two grass pitches (mowing weekly April to October,
never over 6 cm; lines within 48 hours before a match) and an artificial pitch (brushed weekly all
year), two playgrounds and a green area near Stilling on the crew's daily inspection round (today's
list, in route order from the depot in Skanderborg), Grønne Områder's crew (Peter; Lars and Mette read
along), Stilling IF's training and Saturday matches entered through the form (weekly, to a last
date, not on public holidays), a pending request from the club, a conflict for the contractor to
resolve (Friday's brushing in the quiet hours before Saturday's match), some weeks of past visits for
the compliance overview, and a citizen's fault report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from community import geo, signals
from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.i18n import to_local, to_utc
from community.maintenance.models import (
    Agreement,
    FacilityKind,
    FaultCategory,
    FixtureKind,
    TaskType,
    VisitStatus,
)
from community.maintenance.services import crew, facilities, faults, fixtures, plans, repeat, requests
from community.spaces.models import Municipality, Space

PAST_WEEKS = 10


def next_weekday(weekday: int, *, at: time, after: date | None = None, min_days: int = 2) -> datetime:
    """Naive UTC of the next ``weekday`` (0 = Monday) at least ``min_days`` ahead, at ``at`` Danish time."""
    today = after or to_local(utcnow()).date()
    days = (weekday - today.weekday()) % 7
    if days < min_days:
        days += 7
    return to_utc(datetime.combine(today + timedelta(days=days), at))


def _weekly(first: datetime, *, weekdays: tuple[int, ...], weeks: int) -> str:
    """The RRULE the fixture form writes for "every week on these days, for ``weeks`` weeks"."""
    local = to_local(first)
    return repeat.build_rule(
        repeat.Repeat(repeat.Frequency.WEEKLY, weekdays, (local + timedelta(weeks=weeks)).date()), local
    )  # type: ignore[return-value]


def _since(agreement: Agreement, weeks: int) -> None:
    """The agreement has been running for some weeks, so the compliance overview has months to show."""
    agreement.created_at = utcnow() - timedelta(weeks=weeks)


@signals.demo_seeded.connect
def seed_maintenance(municipality: Municipality, *, users: dict[str, User], spaces: dict[str, Space]) -> None:
    club, network = spaces["stilling-if"], spaces["groenne-omraader"]
    lars, peter = users["klub@example.org"], users["entreprenor@example.org"]
    jens = users["borger@example.org"]
    stilling = geo.resolve("Stilling")
    # Peter acts for the network; Lars (the club) and Mette (the municipality) only read along.
    crew.grant(network, peter, by=None)

    def facility(name: str, kind: FacilityKind, lat: float, lon: float, description: str = "", surface=None):
        return facilities.create_facility(
            municipality,
            facilities.FacilityInput(
                name=name,
                kind=kind,
                latitude=lat,
                longitude=lon,
                surface=surface,
                description=description,
                space_id=spaces["stilling"].id,
            ),
            by=None,
        )

    pitch1 = facility(
        "Stilling Stadion, bane 1",
        FacilityKind.GRASS_PITCH,
        stilling.lat + 0.004,
        stilling.lon - 0.006,
        "Opvisningsbanen med lys og tribune.",
        "Græs",
    )
    pitch2 = facility(
        "Stilling Stadion, bane 2",
        FacilityKind.GRASS_PITCH,
        stilling.lat + 0.0065,
        stilling.lon - 0.0025,
        "Træningsbanen bag klubhuset.",
        "Græs",
    )
    turf = facility(
        "Stilling Stadion, kunstgræs",
        FacilityKind.ARTIFICIAL_PITCH,
        stilling.lat + 0.0015,
        stilling.lon - 0.0005,
        "Kunstgræsbanen med lys; vinterens kampe spilles her.",
        "Kunstgræs",
    )
    round_places = [
        facility(
            "Legepladsen ved Stilling Skole",
            FacilityKind.PLAYGROUND,
            stilling.lat - 0.003,
            stilling.lon + 0.004,
        ),
        facility(
            "Stilling Sø, grønt område", FacilityKind.GREEN_AREA, stilling.lat - 0.010, stilling.lon + 0.012
        ),
        facility(
            "Legepladsen ved Stilling Hallen",
            FacilityKind.PLAYGROUND,
            stilling.lat + 0.012,
            stilling.lon + 0.008,
        ),
    ]

    def agree(place, task: TaskType, **terms) -> Agreement:
        agreement = facilities.add_agreement(
            place, facilities.AgreementInput(contractor=network, task=task, **terms), by=None
        )
        _since(agreement, PAST_WEEKS + 2)
        return agreement

    mowing = {
        pitch.id: agree(
            pitch,
            TaskType.MOWING,
            interval_days=7,
            season_start_month=4,
            season_end_month=10,
            height_mm=30,
            max_height_mm=60,
            quiet_hours_before=18,
            service_level="Opsamling af græs på opvisningsbanen efter hver slåning.",
        )
        for pitch in (pitch1, pitch2)
    }
    lines = agree(
        pitch1, TaskType.LINE_MARKING, season_start_month=3, season_end_month=11, wanted_within_hours=48
    )
    agree(pitch1, TaskType.GOAL_NET_REPAIR, service_level="Net og mål repareres inden for en uge.")
    brushing = agree(turf, TaskType.BRUSHING, interval_days=7, quiet_hours_before=18)
    inspections = [agree(place, TaskType.INSPECTION, interval_days=7) for place in round_places]
    for place in (pitch1, pitch2, turf):
        facilities.link_club(place, club, by=None)

    # The club's fixtures, entered as the form writes them: training every Tuesday and Thursday on
    # pitch 1 until the end of October (not on public holidays), the Saturday matches on the artificial
    # pitch for twelve weeks (not on public holidays, nor on the club's party day).
    saturday = next_weekday(5, at=time(10, 0))
    tuesday = next_weekday(1, at=time(17, 0), min_days=0)
    training_until = date(to_local(tuesday).year + (1 if to_local(tuesday).month > 10 else 0), 10, 31)
    fixtures.add_fixture(
        club,
        fixtures.FixtureInput(
            facility_id=pitch1.id,
            title="Træning, senior",
            kind=FixtureKind.TRAINING,
            starts_at=tuesday,
            ends_at=tuesday + timedelta(minutes=90),
            rrule=repeat.build_rule(
                repeat.Repeat(repeat.Frequency.WEEKLY, (1, 3), training_until), to_local(tuesday)
            ),
            skip_holidays=True,
        ),
        by=lars,
    )
    party = to_local(saturday + timedelta(weeks=6)).date()
    match = fixtures.add_fixture(
        club,
        fixtures.FixtureInput(
            facility_id=turf.id,
            title="Serie 2: Stilling IF – Hørning IF",
            kind=FixtureKind.MATCH,
            starts_at=saturday,
            ends_at=saturday + timedelta(hours=2),
            rrule=_weekly(saturday, weekdays=(5,), weeks=11),
            skip_holidays=True,
            exdates=[party],
        ),
        by=lars,
    )

    # The contractor's plans: brushing the artificial pitch on Friday at 17:00 (in the 18 hours before
    # Saturday's kick-off: a conflict), mowing and lines in their season only, the daily round.
    friday_evening = saturday - timedelta(hours=17)

    def plan(agreement: Agreement, rule: str, first: datetime, minutes: int = 60) -> None:
        plans.create_plan(
            network,
            plans.PlanInput(agreement=agreement, rrule=rule, starts_at=first, duration_minutes=minutes),
            by=peter,
        )

    plan(brushing, "FREQ=WEEKLY", friday_evening, 90)
    plan(mowing[pitch1.id], "FREQ=WEEKLY", friday_evening - timedelta(hours=8), 90)
    plan(mowing[pitch2.id], "FREQ=WEEKLY", friday_evening - timedelta(hours=9))
    plan(lines, "FREQ=WEEKLY", friday_evening - timedelta(hours=5))
    today = to_local(utcnow()).date()
    for n, agreement in enumerate(inspections):
        first = to_utc(datetime.combine(today, time(7, 30)) + timedelta(minutes=50 * n))
        plan(agreement, "FREQ=DAILY;COUNT=60", first, 30)

    # Some weeks behind us, for the compliance overview: most visits done on time, one late, one
    # skipped; grass heights noted on the mowing visits in season (one too tall).
    now = utcnow()
    for weeks in range(1, PAST_WEEKS + 1):
        at = friday_evening - timedelta(weeks=weeks + 1)
        if at > now - timedelta(days=2):
            continue
        visit = plans.add_visit(brushing, at=at, length=timedelta(minutes=90))
        if weeks == 3:
            visit.status, visit.reason, visit.done_at = VisitStatus.SKIPPED, "Frost i kunstgræsset", at
        else:
            visit.status = VisitStatus.DONE
            visit.done_at = at + (timedelta(days=3) if weeks == 5 else timedelta(hours=2))
            visit.done_by_id = peter.id
        mowed_at = at - timedelta(hours=8)
        if mowing[pitch1.id].in_season(to_local(mowed_at).month):
            mowed = plans.add_visit(mowing[pitch1.id], at=mowed_at, length=timedelta(minutes=90))
            mowed.status, mowed.done_at, mowed.done_by_id = VisitStatus.DONE, mowed_at, peter.id
            mowed.height_mm = 75 if weeks == 4 else 50
    db.session.flush()

    requests.create_request(
        club,
        requests.RequestInput(
            facility=turf,
            task=TaskType.BRUSHING,
            wanted_before=None,
            fixture_id=match.id,
            occurrence_at=match.starts_at,
            message="Vi spiller kl. 10 lørdag. Kan I børste kunstgræsset fredag formiddag i stedet for om "
            "aftenen?",
        ),
        by=lars,
    )
    faults.report_fault(
        municipality,
        faults.FaultInput(
            category=FaultCategory.GOAL_NET,
            description="Nettet i det nordlige mål på bane 1 er revet i stykker i venstre side.",
            facility=pitch1,
        ),
        by=jens,
    )
