"""Volunteer profiles: what they coach, in which languages, how and where; pausing; vetting."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.db import insert_new, lock, utcnow
from community.errors import DomainError, NotAllowed
from community.extensions import db
from community.helpdesk import permissions
from community.helpdesk.models import LANGUAGE_LABELS, HelpTopic, Mode, VolunteerProfile
from community.i18n import _
from community.notifications.services import notify


def save_profile(
    user: User,
    municipality_id: int,
    *,
    topics: list[HelpTopic],
    languages: list[str],
    modes: list[Mode],
    radius_km: float,
    availability: str,
    about: str,
    paused: bool,
) -> VolunteerProfile:
    if not topics:
        raise DomainError(_("Choose at least one topic you can help with."), field="topics")
    if not modes:
        raise DomainError(_("Choose at least one way you can help."), field="modes")
    if not languages or any(code not in LANGUAGE_LABELS for code in languages):
        raise DomainError(_("Choose the languages you speak."), field="languages")
    if (Mode.HOME in modes or Mode.DROP_IN in modes) and not user.has_home:
        raise DomainError(
            _("Set your home village on your profile, so we know who is near you."), field="modes"
        )
    if not 0.5 <= radius_km <= 50:
        raise DomainError(_("Choose a distance between 0.5 and 50 km."), field="radius_km")
    # One profile per person, changed by one request at a time (the form sent twice at once).
    insert_new(VolunteerProfile, user_id=user.id, municipality_id=municipality_id)
    profile = lock(permissions.volunteer_of(user))  # type: ignore[type-var]
    profile.topics = topics
    profile.languages = list(dict.fromkeys(languages))
    profile.modes = [m.value for m in modes]
    profile.radius_km = radius_km
    profile.availability = availability.strip()
    profile.about = about.strip()
    profile.paused = paused
    profile.latitude, profile.longitude = user.home_latitude, user.home_longitude
    db.session.add(profile)
    db.session.flush()
    return profile


def set_vetted(profile: VolunteerProfile, *, by: User, vetted: bool) -> VolunteerProfile:
    if not permissions.is_organiser(by, profile.municipality_id):
        raise NotAllowed(_("Only organisers vet volunteers."))
    if vetted:
        profile.vetted_by_id = by.id
        profile.vetted_by_name = permissions.organising_name(by, profile.municipality_id)
        profile.vetted_at = utcnow()
        notify(profile.user, "helpdesk.vetted", org=profile.vetted_by_name)
    else:
        profile.vetted_by_id = profile.vetted_by_name = profile.vetted_at = None
    db.session.flush()
    return profile


def volunteers(municipality_id: int) -> list[VolunteerProfile]:
    return list(
        db.session.scalars(
            sa.select(VolunteerProfile)
            .join(User, User.id == VolunteerProfile.user_id)
            .where(VolunteerProfile.municipality_id == municipality_id)
            .order_by(VolunteerProfile.paused, User.display_name)
            .options(selectinload(VolunteerProfile.user), selectinload(VolunteerProfile.topics))
        )
    )
