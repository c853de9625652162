"""Digital help's share of a citizen's own data: their requests, bookings and volunteer profile in the
export; on account deletion requests and consents are anonymised (the organisers' numbers still add
up) and a volunteer profile is paused and emptied.

A request someone filed for another person (an employee or a relative asking for a senior without
e-mail) is that senior's data, not the filer's: the filer's export says only that they filed it, and
deleting the filer's account leaves it as it is, handed to an organiser of its municipality (the
column cannot be empty), so the senior still gets their help."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from community import signals
from community.extensions import db
from community.helpdesk.models import Booking, HelpRequest, VolunteerProfile


def _row(obj: Any, *columns: str) -> dict[str, Any]:
    from community.moderation.privacy import row

    return row(obj, *columns)


def _theirs(user: Any) -> Any:
    """The person's own requests: asked for themselves, never those filed for someone else."""
    return HelpRequest.requester_id == user.id


def _filed_for_others(user: Any) -> Any:
    return sa.and_(
        HelpRequest.filed_by_id == user.id,
        sa.or_(HelpRequest.requester_id.is_(None), HelpRequest.requester_id != user.id),
    )


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
            for r in db.session.scalars(sa.select(HelpRequest).where(_theirs(user)))
        ],
        # That they asked for help for someone, and when: nothing about the person helped.
        "help_requests_filed_for_others": [
            _row(r, "id", "created_at", "status")
            for r in db.session.scalars(sa.select(HelpRequest).where(_filed_for_others(user)))
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


def _hand_over(user: Any, by: Any) -> None:
    """Requests the person filed for others stay as they are; the filer's link goes to an organiser
    of the request's municipality (the staff member deleting the account on request, if they are
    one), or, with no organiser, stays on the emptied account, which names and reaches nobody."""
    from community.helpdesk.services.matches import organisers

    filed = list(
        db.session.execute(
            sa.select(HelpRequest.id, HelpRequest.municipality_id).where(_filed_for_others(user))
        )
    )
    successor: dict[int, int | None] = {}
    for request_id, municipality_id in filed:
        if municipality_id not in successor:
            people = [p for p in organisers(municipality_id) if p.id != user.id and p.active]
            chosen = next((p for p in people if by is not None and p.id == by.id), None)
            if chosen is None and people:
                chosen = min(people, key=lambda p: (p.staff_municipality_id != municipality_id, p.id))
            successor[municipality_id] = chosen.id if chosen is not None else None
        if successor[municipality_id] is not None:
            db.session.execute(
                sa.update(HelpRequest)
                .where(HelpRequest.id == request_id)
                .values(filed_by_id=successor[municipality_id])
                .execution_options(synchronize_session=False)
            )


@signals.account_deleting.connect
def _delete(user: Any, *, by: Any = None, **_kw: Any) -> None:
    _hand_over(user, by)
    db.session.execute(
        sa.update(HelpRequest)
        .where(_theirs(user))
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
