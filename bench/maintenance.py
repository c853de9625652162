"""The conflict check of one full season: 100 facilities, 20 bookings a week each (recurring training
and one-off matches), weekly maintenance plans; built in a fresh temporary SQLite app and timed with
``time.perf_counter``. Target: under one second.

``python -m bench.maintenance`` prints the figures; ``conflict_check_season(scale)`` returns them."""

from __future__ import annotations

import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

WEEKS = 30  # April to October
RUNS = 3


def _config(folder: Path) -> dict:
    return {
        "COMMUNITY_ENV": "testing",
        "TESTING": True,
        "INSTANCE_PATH": str(folder),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'season.sqlite'}",
        "SECRET_KEY": "bench",
        "HUEY_IMMEDIATE": True,
        "REDIS_URL": None,
        "MAIL_URL": None,
        "GEOCODER": None,
        "LOG_LEVEL": "WARNING",
    }


def _build(scale: float) -> dict:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from community import geo
    from community.extensions import db
    from community.i18n import to_utc
    from community.maintenance.models import (
        Agreement,
        ClubFacility,
        Facility,
        Fixture,
        FixtureKind,
        TaskType,
        Visit,
    )
    from community.spaces import services as spaces
    from community.spaces.models import SpaceKind

    upgrade()
    rng = random.Random(6)
    municipality = spaces.create_municipality(name="Bench Kommune", place=geo.resolve("Skanderborg"))
    contractor = spaces.create_space(
        municipality, kind=SpaceKind.CONTRACTOR_NETWORK, name="Græs A/S", by=None
    )
    clubs = [
        spaces.create_space(municipality, kind=SpaceKind.CLUB, name=f"IF {n}", by=None) for n in range(10)
    ]
    count = max(1, round(100 * scale))
    facility_ids = list(
        db.session.scalars(
            sa.insert(Facility).returning(Facility.id, sort_by_parameter_order=True),
            [
                {
                    "municipality_id": municipality.id,
                    "name": f"Bane {n}",
                    "kind": "grass_pitch",
                    "description": "",
                    "latitude": 56.0 + n / 1000,
                    "longitude": 10.0 + n / 1000,
                    "created_at": datetime(2027, 1, 1),
                    "updated_at": datetime(2027, 1, 1),
                }
                for n in range(count)
            ],
        )
    )
    agreements = list(
        db.session.scalars(
            sa.insert(Agreement).returning(Agreement.id, sort_by_parameter_order=True),
            [
                {
                    "facility_id": fid,
                    "contractor_space_id": contractor.id,
                    "task": task,
                    "service_level": "",
                    "quiet_hours_before": 2 if task == TaskType.MOWING else 0,
                    "wanted_within_hours": 48 if task == TaskType.LINE_MARKING else None,
                    "fault_categories": [],
                    "created_at": datetime(2027, 1, 1),
                    "updated_at": datetime(2027, 1, 1),
                }
                for fid in facility_ids
                for task in (TaskType.MOWING, TaskType.LINE_MARKING)
            ],
        )
    )
    db.session.execute(
        sa.insert(ClubFacility),
        [{"space_id": clubs[i % len(clubs)].id, "facility_id": fid} for i, fid in enumerate(facility_ids)],
    )
    season = to_utc(datetime(2027, 4, 5, 0, 0))  # a Monday
    fixtures, visits = [], []
    for i, fid in enumerate(facility_ids):
        club = clubs[i % len(clubs)].id
        # 14 a week of recurring training, weekday evenings (one RRULE each), ...
        for n in range(14):
            day, hour = n % 5, 16 + (n // 5) * 2 if n < 10 else 16 + n - 10
            start = to_utc(datetime(2027, 4, 5 + day, min(hour, 21), 0))
            fixtures.append(
                {
                    "space_id": club,
                    "facility_id": fid,
                    "title": f"Træning {n}",
                    "kind": FixtureKind.TRAINING,
                    "starts_at": start,
                    "ends_at": start + timedelta(minutes=90),
                    "rrule": f"FREQ=WEEKLY;COUNT={WEEKS}",
                    "repeat_until": start + timedelta(weeks=WEEKS - 1, minutes=90),
                    "uid": f"t-{fid}-{n}",
                    "created_at": season,
                }
            )
        # ... and 6 one-off matches every weekend. A quarter of the mowing visits (17:00) collide
        # with training.
        for week in range(WEEKS):
            for n in range(6):
                start = to_utc(datetime(2027, 4, 10, 9 + n * 2, 0) + timedelta(weeks=week, days=n // 3))
                fixtures.append(
                    {
                        "space_id": club,
                        "facility_id": fid,
                        "title": f"Kamp {week}-{n}",
                        "kind": FixtureKind.MATCH,
                        "starts_at": start,
                        "ends_at": start + timedelta(minutes=105),
                        "rrule": None,
                        "repeat_until": start + timedelta(minutes=105),
                        "uid": f"m-{fid}-{week}-{n}",
                        "created_at": season,
                    }
                )
        mowing, lines = agreements[2 * i], agreements[2 * i + 1]
        for week in range(WEEKS):
            for agreement, weekday, hour in (
                (mowing, rng.choice((0, 2, 4)), rng.choice((7, 9, 13, 17))),
                (lines, 5, 7),
            ):
                start = to_utc(datetime(2027, 4, 5, hour, 0) + timedelta(weeks=week, days=weekday))
                visits.append(
                    {
                        "space_id": contractor.id,
                        "agreement_id": agreement,
                        "facility_id": fid,
                        "planned_at": start,
                        "ends_at": start + timedelta(hours=1),
                        "status": "planned",
                        "note": "",
                        "reason": "",
                    }
                )
    for chunk in range(0, len(fixtures), 5000):
        db.session.execute(sa.insert(Fixture), fixtures[chunk : chunk + 5000])
    for chunk in range(0, len(visits), 5000):
        db.session.execute(sa.insert(Visit), visits[chunk : chunk + 5000])
    db.session.commit()
    bookings = sum(WEEKS if f["rrule"] else 1 for f in fixtures)
    return {"facilities": count, "bookings": bookings, "visits": len(visits), "season": season}


def conflict_check_season(scale: float = 1.0) -> dict:
    """Builds the season and times one conflict check over all of it."""
    from community import create_app
    from community.maintenance.services import conflicts

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(_config(Path(folder)))
        with app.app_context():
            built = _build(scale)
            season = built.pop("season")
            from community.extensions import db

            timings, cpu = [], []
            for _run in range(RUNS):  # the best of a few, so other work on the machine counts less
                db.session.expire_all()
                started, cpu_started = time.perf_counter(), time.process_time()
                found = conflicts.find_clashes(
                    season, season + timedelta(weeks=WEEKS), now=season - timedelta(days=1)
                )
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            seconds = min(timings)
            db.session.remove()
            db.engine.dispose()
    return {**built, "conflicts": len(found), "seconds": round(seconds, 3), "cpu_seconds": round(min(cpu), 3)}


if __name__ == "__main__":
    print(conflict_check_season())
