"""Demo data for maintenance: Stilling Stadion with two grass pitches, Grønne Områder's agreements and
weekly plans, Stilling IF's training and Saturday matches, a pending request from the club, a conflict
for the contractor to resolve (Friday's mowing in the quiet hours before Saturday's match), some weeks
of past visits for the compliance chart, and a citizen's fault report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from community import geo, signals
from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.i18n import to_local, to_utc
from community.maintenance.models import FacilityKind, FaultCategory, FixtureKind, TaskType, VisitStatus
from community.maintenance.services import crew, facilities, faults, fixtures, plans, requests
from community.spaces.models import Municipality, Space


def next_weekday(weekday: int, *, at: time, after: date | None = None, min_days: int = 2) -> datetime:
    """Naive UTC of the next ``weekday`` (0 = Monday) at least ``min_days`` ahead, at ``at`` Danish time."""
    today = after or to_local(utcnow()).date()
    days = (weekday - today.weekday()) % 7
    if days < min_days:
        days += 7
    return to_utc(datetime.combine(today + timedelta(days=days), at))


@signals.demo_seeded.connect
def seed_maintenance(municipality: Municipality, *, users: dict[str, User], spaces: dict[str, Space]) -> None:
    club, network = spaces["stilling-if"], spaces["groenne-omraader"]
    lars, peter = users["klub@example.org"], users["entreprenor@example.org"]
    jens = users["borger@example.org"]
    stilling = geo.resolve("Stilling")
    # Peter acts for the network; Lars (the club) and Mette (the municipality) only read along.
    crew.grant(network, peter, by=None)

    pitch1 = facilities.create_facility(
        municipality,
        facilities.FacilityInput(
            name="Stilling Stadion, bane 1",
            kind=FacilityKind.GRASS_PITCH,
            latitude=stilling.lat + 0.004,
            longitude=stilling.lon - 0.006,
            surface="Græs",
            description="Opvisningsbanen med lys og tribune.",
            space_id=spaces["stilling"].id,
        ),
        by=None,
    )
    pitch2 = facilities.create_facility(
        municipality,
        facilities.FacilityInput(
            name="Stilling Stadion, bane 2",
            kind=FacilityKind.GRASS_PITCH,
            latitude=stilling.lat + 0.005,
            longitude=stilling.lon - 0.004,
            surface="Græs",
            description="Træningsbanen bag klubhuset.",
            space_id=spaces["stilling"].id,
        ),
        by=None,
    )
    mowing, lines = {}, {}
    for pitch in (pitch1, pitch2):
        mowing[pitch.id] = facilities.add_agreement(
            pitch,
            facilities.AgreementInput(
                contractor=network,
                task=TaskType.MOWING,
                service_level="Slås hver uge i sæsonen (april–oktober) til 30 mm; "
                "ikke de sidste 18 timer før kamp",
                height_mm=30,
                quiet_hours_before=18,
            ),
            by=None,
        )
        lines[pitch.id] = facilities.add_agreement(
            pitch,
            facilities.AgreementInput(
                contractor=network,
                task=TaskType.LINE_MARKING,
                service_level="Kridtes inden for 48 timer før kamp",
            ),
            by=None,
        )
        facilities.link_club(pitch, club, by=None)
    facilities.add_agreement(
        pitch1,
        facilities.AgreementInput(
            contractor=network,
            task=TaskType.GOAL_NET_REPAIR,
            service_level="Net og mål repareres inden for en uge",
        ),
        by=None,
    )

    saturday = next_weekday(5, at=time(10, 0))
    friday_evening = saturday - timedelta(hours=17)  # Friday 17:00, in the 18 hours before kick-off
    tuesday = next_weekday(1, at=time(17, 0), min_days=0)
    fixtures.add_fixture(
        club,
        fixtures.FixtureInput(
            facility_id=pitch1.id,
            title="Træning, senior",
            kind=FixtureKind.TRAINING,
            starts_at=tuesday,
            ends_at=tuesday + timedelta(minutes=90),
            rrule="FREQ=WEEKLY;BYDAY=TU,TH",
        ),
        by=lars,
    )
    match = fixtures.add_fixture(
        club,
        fixtures.FixtureInput(
            facility_id=pitch1.id,
            title="Serie 2: Stilling IF – Hørning IF",
            kind=FixtureKind.MATCH,
            starts_at=saturday,
            ends_at=saturday + timedelta(hours=2),
            rrule="FREQ=WEEKLY;BYDAY=SA;COUNT=12",
        ),
        by=lars,
    )
    plans.create_plan(
        network,
        plans.PlanInput(
            agreement=mowing[pitch1.id], rrule="FREQ=WEEKLY", starts_at=friday_evening, duration_minutes=90
        ),
        by=peter,
    )
    plans.create_plan(
        network,
        plans.PlanInput(
            agreement=mowing[pitch2.id],
            rrule="FREQ=WEEKLY",
            starts_at=friday_evening - timedelta(hours=9),
            duration_minutes=60,
        ),
        by=peter,
    )

    plans.create_plan(
        network,
        plans.PlanInput(
            agreement=lines[pitch1.id],
            rrule="FREQ=WEEKLY",
            starts_at=friday_evening - timedelta(hours=5),
            duration_minutes=60,
        ),
        by=peter,
    )

    # Some weeks behind us, for the compliance chart: most visits done on time, one late, one skipped.
    now = utcnow()
    for weeks in range(1, 9):
        at = friday_evening - timedelta(weeks=weeks + 1)
        if at > now - timedelta(days=2):
            continue
        visit = plans.add_visit(mowing[pitch1.id], at=at, length=timedelta(minutes=90))
        if weeks == 3:
            visit.status, visit.reason, visit.done_at = VisitStatus.SKIPPED, "For vådt til at slå", at
        else:
            visit.status = VisitStatus.DONE
            visit.done_at = at + (timedelta(days=3) if weeks == 5 else timedelta(hours=2))
            visit.done_by_id = peter.id
    db.session.flush()

    requests.create_request(
        club,
        requests.RequestInput(
            facility=pitch1,
            task=TaskType.MOWING,
            wanted_before=saturday,
            fixture_id=match.id,
            message="Vi spiller kl. 10 lørdag. Kan I slå bane 1 fredag formiddag i stedet for om aftenen?",
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
