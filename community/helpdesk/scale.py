"""The helpdesk's share of benchmark data: 10,000 volunteers and 100,000 open requests at scale 1,
for the matching figure (one request against them all in under 50 ms)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from community import signals
from community.db import utcnow
from community.extensions import db
from community.helpdesk.models import (
    HelpRequest,
    HelpTopic,
    Mode,
    RequestStatus,
    VolunteerProfile,
    volunteer_topic,
)

BATCH = 5_000


@signals.demo_scaling.connect
def seed_helpdesk_scale(municipality, *, scale: float, user_ids: list[int], space_ids, progress, rng) -> dict:
    topic_ids = list(
        db.session.scalars(sa.select(HelpTopic.id).where(HelpTopic.municipality_id == municipality.id))
    )
    if not topic_ids:
        return {}
    n_volunteers = min(len(user_ids), max(100, round(10_000 * scale)))
    n_requests = max(1_000, round(100_000 * scale))
    lat0, lon0 = municipality.latitude, municipality.longitude
    now = utcnow()
    modes = [m.value for m in Mode]
    advance = progress("volunteers", n_volunteers)
    for first in range(0, n_volunteers, BATCH):
        rows = [
            {
                "user_id": uid,
                "municipality_id": municipality.id,
                "about": "",
                "availability": "",
                "languages": ["da"] if rng.random() < 0.8 else ["da", "en"],
                "modes": rng.sample(modes, k=2),
                "radius_km": rng.choice([5.0, 10.0, 15.0]),
                "paused": rng.random() < 0.05,
                "latitude": lat0 + rng.uniform(-0.27, 0.27),
                "longitude": lon0 + rng.uniform(-0.45, 0.45),
                "vetted_at": now if rng.random() < 0.5 else None,
                "vetted_by_name": "Bench",
                "created_at": now,
                "updated_at": now,
            }
            for uid in user_ids[first : min(n_volunteers, first + BATCH)]
        ]
        ids = list(
            db.session.scalars(
                sa.insert(VolunteerProfile).returning(VolunteerProfile.id, sort_by_parameter_order=True), rows
            )
        )
        db.session.execute(
            sa.insert(volunteer_topic),
            [{"volunteer_id": vid, "topic_id": tid} for vid in ids for tid in rng.sample(topic_ids, k=2)],
        )
        advance(len(rows))
    advance = progress("open help requests", n_requests)
    for first in range(0, n_requests, BATCH):
        rows: list[dict[str, Any]] = []
        for _ in range(first, min(n_requests, first + BATCH)):
            start = now + timedelta(days=rng.randint(1, 20), hours=rng.randint(8, 16))
            rows.append(
                {
                    "municipality_id": municipality.id,
                    "requester_id": rng.choice(user_ids),
                    "filed_by_id": rng.choice(user_ids),
                    "assisted": False,
                    "topic_id": rng.choice(topic_ids),
                    "mode": rng.choice(modes),
                    "description": "",
                    "windows": [[start.isoformat(), (start + timedelta(hours=2)).isoformat()]],
                    "latitude": lat0 + rng.uniform(-0.27, 0.27),
                    "longitude": lon0 + rng.uniform(-0.45, 0.45),
                    "place_label": "Bench",
                    "status": RequestStatus.OPEN,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(sa.insert(HelpRequest), rows)
        advance(len(rows))
    db.session.flush()
    return {"volunteers": n_volunteers, "open help requests": n_requests}
