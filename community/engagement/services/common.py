"""Pieces the engagement services share: who the officials and staff of a
municipality are, and the municipality's own numbers."""

from __future__ import annotations

import sqlalchemy as sa

from community import geo
from community.accounts.models import User
from community.engagement.models import DEFAULT_AREA_KM, DEFAULT_IDEA_THRESHOLD, EngagementSettings
from community.errors import DomainError
from community.extensions import db
from community.i18n import _, format_decimal
from community.spaces.models import Membership, MembershipStatus, Municipality, Space


def staff_of(municipality_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.staff_municipality_id == municipality_id, User.active.is_(True))
            .order_by(User.id)
        )
    )


def officials_of(municipality_id: int) -> list[User]:
    """Everyone who can host: staff, and whoever carries an official badge in one of its spaces."""
    badge_holders = (
        sa.select(Membership.user_id)
        .join(Space, Space.id == Membership.space_id)
        .where(
            Space.municipality_id == municipality_id,
            Membership.official.is_not(None),
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.active.is_(True),
                sa.or_(User.staff_municipality_id == municipality_id, User.id.in_(badge_holders)),
            )
            .order_by(User.display_name, User.id)
        )
    )


def settings_for(municipality_id: int) -> EngagementSettings:
    """The municipality's settings, or the defaults (not saved) when it has set none."""
    found = db.session.get(EngagementSettings, municipality_id)
    if found is None:
        return EngagementSettings(
            municipality_id=municipality_id, idea_threshold=DEFAULT_IDEA_THRESHOLD, area_km=DEFAULT_AREA_KM
        )
    return found


def check_in_area(municipality: Municipality, lat: float, lon: float, *, field: str) -> None:
    """Refuses a place outside the municipality (its centre and the radius it has set)."""
    area = settings_for(municipality.id).area_km
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DomainError(
            _("Give the place as latitude and longitude, for example 56.06, 9.93."), field=field
        )
    distance = geo.approx_km(municipality.latitude, municipality.longitude, lat, lon)
    if distance > area:
        raise DomainError(
            _(
                "The place is %(km)s km from the centre of %(municipality)s, outside the municipality "
                "(%(area)s km). Choose a place inside it.",
                km=format_decimal(round(distance)),
                municipality=municipality.name,
                area=format_decimal(round(area)),
            ),
            field=field,
        )


def clean_text(text: str | None, *, field: str, limit: int, empty: str, too_long: str | None = None) -> str:
    """Stripped text, refused when empty or over ``limit`` characters, with a message for the field."""
    value = (text or "").replace("\x00", "").strip()
    if not value:
        raise DomainError(empty, field=field)
    if len(value) > limit:
        raise DomainError(
            too_long or _("Write at most %(max)d characters (you wrote %(n)d).", max=limit, n=len(value)),
            field=field,
        )
    return value
