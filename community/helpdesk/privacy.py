"""Digital help's share of a citizen's own data: their requests, bookings and volunteer profile in the
export; on account deletion requests and consents are anonymised (the organisers' numbers still add
up) and a volunteer profile is paused and emptied."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from community import signals
from community.extensions import db
from community.helpdesk.models import Booking, HelpRequest, VolunteerProfile


def _row(obj: Any, *columns: str) -> dict[str, Any]:
    from community.moderation.privacy import row

    return row(obj, *columns)


def _theirs() -> Any:
    return lambda user: sa.or_(HelpRequest.requester_id == user.id, HelpRequest.filed_by_id == user.id)


@signals.account_exporting.connect
def _export(user: Any, **_kw: Any) -> dict[str, Any]:
    return {
        "help_requests": [
            _row(
                r,
                "id",
                "assisted",
                "person_name",
                "phone",
                "consent_text",
                "consent_at",
                "mode",
                "description",
                "windows",
                "place_label",
                "status",
                "created_at",
                "done_at",
            )
            for r in db.session.scalars(sa.select(HelpRequest).where(_theirs()(user)))
        ],
        "drop_in_bookings": [
            _row(b, "session_id", "created_at")
            for b in db.session.scalars(sa.select(Booking).where(Booking.booked_by_id == user.id))
        ],
        "volunteer_profile": [
            _row(p, "about", "languages", "modes", "radius_km", "availability", "paused", "vetted_at")
            for p in db.session.scalars(
                sa.select(VolunteerProfile).where(VolunteerProfile.user_id == user.id)
            )
        ],
    }


@signals.account_deleting.connect
def _delete(user: Any, **_kw: Any) -> None:
    db.session.execute(
        sa.update(HelpRequest)
        .where(_theirs()(user))
        .values(
            person_name=None,
            phone=None,
            consent_text=None,
            description="",
            place_label=None,
            latitude=None,
            longitude=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(VolunteerProfile)
        .where(VolunteerProfile.user_id == user.id)
        .values(about="", availability="", paused=True, latitude=None, longitude=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Booking)
        .where(Booking.booked_by_id == user.id)
        .values(attendee_name=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
