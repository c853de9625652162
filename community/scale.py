"""Benchmark data at municipal scale: ``flask demo seed --scale N``. At N = 1 a city like Aarhus:
about 50 spaces and 20,000 users here, and (from the feature packages, through the
``demo_scaling`` signal) 1,000,000 posts, 3,000,000 comments and 100,000 located help requests.

Rows go in with bulk INSERTs in batches, not through the ORM one by one; every account shares one
password hash (``faelled-demo``), since hashing 20,000 Argon2 passwords would take minutes."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

import click
import sqlalchemy as sa

from community import geo, signals
from community.accounts.models import User
from community.accounts.services import hash_password
from community.db import utcnow
from community.extensions import db
from community.spaces.models import (
    JoinPolicy,
    Membership,
    MembershipStatus,
    Municipality,
    Role,
    Space,
    SpaceKind,
    Visibility,
)

BATCH = 5_000
Progress = Callable[[str, int], Callable[[int], None]]


def batched(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def bulk_insert(model: Any, rows: Iterator[dict[str, Any]], *, advance: Callable[[int], None]) -> None:
    for chunk in batched(rows):
        db.session.execute(sa.insert(model), chunk)
        advance(len(chunk))


def click_progress(label: str, total: int) -> Callable[[int], None]:
    bar = click.progressbar(
        length=total, label=label.ljust(26), show_pos=True, file=click.get_text_stream("stderr")
    )
    bar.__enter__()
    done = {"n": 0}

    def advance(n: int) -> None:
        bar.update(n)
        done["n"] += n
        if done["n"] >= total:
            bar.__exit__(None, None, None)

    if total == 0:
        bar.__exit__(None, None, None)
    return advance


def seed_scale(scale: float, *, progress: Progress = click_progress, seed: int = 7) -> dict[str, int]:
    """Adds scale data to the demo municipality (which must exist). Returns what was made."""
    rng = random.Random(seed)
    municipality = db.session.scalar(sa.select(Municipality).order_by(Municipality.id).limit(1))
    if municipality is None:
        raise click.ClickException("Seed the demo first: flask demo seed")
    n_spaces = max(8, round(50 * scale))
    n_users = max(200, round(20_000 * scale))
    places = [
        p
        for p in geo._gazetteer()[0]
        if geo.distance_km(municipality.latitude, municipality.longitude, p.lat, p.lon) < 40
    ]
    now = utcnow()

    kinds = [SpaceKind.VILLAGE] * 6 + [SpaceKind.CLUB, SpaceKind.ASSOCIATION, SpaceKind.INTEREST_GROUP]
    space_rows = []
    for i in range(n_spaces):
        place = places[i % len(places)]
        space_rows.append(
            {
                "municipality_id": municipality.id,
                "slug": f"bench-{i:03d}",
                "name": f"{place.name} {i}",
                "kind": kinds[i % len(kinds)],
                "description": "Benchmark space.",
                "latitude": place.lat,
                "longitude": place.lon,
                "radius_km": 5.0,
                "visibility": Visibility.PUBLIC,
                "join_policy": JoinPolicy.OPEN,
                "primary_color": "#1f5f3a",
                "show_provider": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    bulk_insert(Space, iter(space_rows), advance=progress("spaces", len(space_rows)))
    space_ids = list(
        db.session.scalars(sa.select(Space.id).where(Space.slug.like("bench-%")).order_by(Space.id))
    )

    password = hash_password("faelled-demo")

    def users() -> Iterator[dict[str, Any]]:
        for i in range(n_users):
            place = places[rng.randrange(len(places))]
            yield {
                "email": f"bench{i}@example.org",
                "password_hash": password,
                "_display_name": f"Borger {i}",
                "session_token": f"bench-{i}-{rng.getrandbits(64):016x}",
                "confirmed_at": now,
                "active": True,
                "home_label": place.label,
                "home_latitude": place.lat + rng.uniform(-0.02, 0.02),
                "home_longitude": place.lon + rng.uniform(-0.03, 0.03),
                "email_notifications": False,
                "created_at": now,
                "updated_at": now,
            }

    bulk_insert(User, users(), advance=progress("users", n_users))
    user_ids = list(
        db.session.scalars(sa.select(User.id).where(User.email.like("bench%@example.org")).order_by(User.id))
    )

    def memberships() -> Iterator[dict[str, Any]]:
        for user_id in user_ids:
            for space_id in rng.sample(space_ids, k=min(3, len(space_ids))):
                yield {
                    "space_id": space_id,
                    "user_id": user_id,
                    "role": Role.MEMBER,
                    "status": MembershipStatus.ACTIVE,
                    "created_at": now,
                    "updated_at": now,
                }

    bulk_insert(
        Membership, memberships(), advance=progress("memberships", len(user_ids) * min(3, len(space_ids)))
    )
    db.session.flush()
    made = {"spaces": len(space_ids), "users": len(user_ids)}
    for _receiver, result in signals.demo_scaling.send(
        municipality, scale=scale, user_ids=user_ids, space_ids=space_ids, progress=progress, rng=rng
    ):
        made.update(result or {})
    if db.session.get_bind().dialect.name == "postgresql":
        # As after any bulk load: statistics for the planner, and the dead rows the seeding's updates
        # left behind gone, now rather than when autovacuum comes round (never, where it is off).
        # Without statistics PostgreSQL plans a full-text search as a read of every post, GIN index or
        # not (issue 15: 500 ms a search at scale 0.05).
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return made
