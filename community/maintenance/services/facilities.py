"""Facilities, the agreements that say who looks after them, the clubs that use them, and closures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.db import lock
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _
from community.maintenance import permissions
from community.maintenance.models import (
    DEFAULT_FAULT_CATEGORIES,
    DEFAULT_QUIET_HOURS,
    DEFAULT_WANTED_HOURS,
    Agreement,
    Closure,
    ClubFacility,
    Facility,
    FacilityKind,
    FaultCategory,
    TaskType,
)
from community.maintenance.services.common import iso, tell
from community.spaces.models import Municipality, Space, SpaceKind
from community.spaces.services import space_admins


@dataclass
class FacilityInput:
    name: str
    kind: FacilityKind
    latitude: float
    longitude: float
    surface: str | None = None
    description: str = ""
    space_id: int | None = None


@dataclass
class AgreementInput:
    contractor: Space
    task: TaskType
    service_level: str = ""
    season_start_month: int | None = None
    season_end_month: int | None = None
    height_mm: int | None = None
    quiet_hours_before: int | None = None
    wanted_within_hours: int | None = None
    fault_categories: list[FaultCategory] | None = field(default=None)
    #: the grass is never to grow taller than this (mm)
    max_height_mm: int | None = None
    #: at most this many days between two visits in the season
    interval_days: int | None = None


def _check_terms(data: AgreementInput) -> None:
    for month in (data.season_start_month, data.season_end_month):
        if month is not None and not 1 <= month <= 12:
            raise DomainError(_("A month is a number from 1 to 12."), field="season_start_month")
    if (data.season_start_month is None) != (data.season_end_month is None):
        raise DomainError(
            _("Give both the first and the last month of the season, or neither for all year."),
            field="season_end_month",
        )
    if data.interval_days is not None and not 1 <= data.interval_days <= 366:
        raise DomainError(_("Give a number of days from 1 to 366."), field="interval_days")
    if data.max_height_mm is not None and data.height_mm is not None and data.max_height_mm <= data.height_mm:
        raise DomainError(
            _("The most the grass may grow to must be above the height it is cut to."), field="max_height_mm"
        )


def _apply_terms(agreement: Agreement, data: AgreementInput) -> None:
    agreement.service_level = data.service_level.strip()
    agreement.season_start_month = data.season_start_month
    agreement.season_end_month = data.season_end_month
    agreement.height_mm = data.height_mm
    agreement.max_height_mm = data.max_height_mm
    agreement.interval_days = data.interval_days
    agreement.quiet_hours_before = (
        data.quiet_hours_before
        if data.quiet_hours_before is not None
        else DEFAULT_QUIET_HOURS.get(agreement.task, 0)
    )
    agreement.wanted_within_hours = (
        data.wanted_within_hours
        if data.wanted_within_hours is not None
        else DEFAULT_WANTED_HOURS.get(agreement.task)
    )
    agreement.fault_categories = (
        [c.value for c in data.fault_categories]
        if data.fault_categories is not None
        else list(DEFAULT_FAULT_CATEGORIES.get(agreement.task, []))
    )


def create_facility(municipality: Municipality, data: FacilityInput, *, by: User | None) -> Facility:
    if by is not None and not permissions.can_manage_facilities(by, municipality.id):
        raise NotAllowed(_("Only the municipality's staff add facilities."))
    if not data.name.strip():
        raise DomainError(_("Give the facility a name."), field="name")
    if not (-90 <= data.latitude <= 90 and -180 <= data.longitude <= 180):
        raise DomainError(_("Give a place in Denmark for the facility."), field="place")
    facility = Facility(
        municipality_id=municipality.id,
        name=data.name.strip(),
        kind=data.kind,
        latitude=data.latitude,
        longitude=data.longitude,
        surface=(data.surface or "").strip() or None,
        description=data.description.strip(),
        space_id=data.space_id,
    )
    db.session.add(facility)
    db.session.flush()
    return facility


def facilities_of(municipality_id: int) -> list[Facility]:
    return list(
        db.session.scalars(
            sa.select(Facility)
            .where(Facility.municipality_id == municipality_id)
            .order_by(Facility.name, Facility.id)
        )
    )


def add_agreement(facility: Facility, data: AgreementInput, *, by: User | None) -> Agreement:
    if by is not None and not permissions.can_manage_facilities(by, facility.municipality_id):
        raise NotAllowed(_("Only the municipality's staff make agreements."))
    if data.contractor.kind != SpaceKind.CONTRACTOR_NETWORK:
        raise DomainError(_("Choose a contractor network."), field="contractor")
    lock(facility)  # one agreement per task, also when two of the staff add it at once
    taken = db.session.scalar(
        sa.select(Agreement).where(Agreement.facility_id == facility.id, Agreement.task == data.task)
    )
    if taken is not None:
        raise Conflict(
            _(
                "%(facility)s already has an agreement for %(task)s with %(contractor)s. Change that one "
                "instead.",
                facility=facility.name,
                task=taken.task_label,
                contractor=taken.contractor.title,
            ),
            field="task",
        )
    _check_terms(data)
    agreement = Agreement(facility_id=facility.id, contractor_space_id=data.contractor.id, task=data.task)
    _apply_terms(agreement, data)
    db.session.add(agreement)
    db.session.flush()
    return agreement


def update_agreement(agreement: Agreement, data: AgreementInput, *, by: User | None) -> Agreement:
    """Changes the terms (season, service level, windows, fault categories); who and what stay."""
    if by is not None and not permissions.can_manage_facilities(by, agreement.facility.municipality_id):
        raise NotAllowed(_("Only the municipality's staff make agreements."))
    _check_terms(data)
    _apply_terms(agreement, data)
    db.session.flush()
    return agreement


def agreements_at(facility_ids: list[int]) -> list[Agreement]:
    if not facility_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Agreement)
            .where(Agreement.facility_id.in_(facility_ids))
            .order_by(Agreement.facility_id, Agreement.task)
            .options(selectinload(Agreement.contractor), selectinload(Agreement.facility))
        )
    )


def agreements_of(contractor: Space) -> list[Agreement]:
    return list(
        db.session.scalars(
            sa.select(Agreement)
            .join(Facility, Facility.id == Agreement.facility_id)
            .where(Agreement.contractor_space_id == contractor.id)
            .order_by(Facility.name, Agreement.task)
            .options(selectinload(Agreement.facility))
        )
    )


def agreement_for(facility_id: int, task: TaskType) -> Agreement | None:
    return db.session.scalar(
        sa.select(Agreement).where(Agreement.facility_id == facility_id, Agreement.task == task)
    )


def link_club(facility: Facility, club: Space, *, by: User | None) -> ClubFacility:
    if by is not None and not permissions.can_manage_facilities(by, facility.municipality_id):
        raise NotAllowed(_("Only the municipality's staff link clubs to facilities."))
    if club.kind != SpaceKind.CLUB:
        raise DomainError(_("Choose a sports club."), field="club")
    lock(facility)
    existing = db.session.scalar(
        sa.select(ClubFacility).where(
            ClubFacility.space_id == club.id, ClubFacility.facility_id == facility.id
        )
    )
    if existing is not None:
        raise Conflict(
            _("%(club)s already uses %(facility)s.", club=club.title, facility=facility.name), field="club"
        )
    link = ClubFacility(space_id=club.id, facility_id=facility.id)
    db.session.add(link)
    db.session.flush()
    return link


def clubs_at(facility: Facility) -> list[Space]:
    return list(
        db.session.scalars(
            sa.select(Space)
            .join(ClubFacility, ClubFacility.space_id == Space.id)
            .where(ClubFacility.facility_id == facility.id)
            .order_by(Space.name)
        )
    )


def facilities_of_club(club: Space) -> list[Facility]:
    return list(
        db.session.scalars(
            sa.select(Facility)
            .join(ClubFacility, ClubFacility.facility_id == Facility.id)
            .where(ClubFacility.space_id == club.id)
            .order_by(Facility.name)
        )
    )


def facility_ids_of_contractor(contractor: Space) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Agreement.facility_id).where(Agreement.contractor_space_id == contractor.id).distinct()
        )
    )


def close_facility(
    facility: Facility, *, starts_at: datetime, ends_at: datetime, reason: str, by: User
) -> tuple[Closure, list[Space]]:
    """Closes a facility for a period; every club with a booking in it is told at once. Returns the
    closure and the clubs told."""
    from community.maintenance.services.fixtures import bookings_between

    if not permissions.can_close_facility(by, facility):
        raise NotAllowed(_("Only the contractor who looks after it or the municipality can close it."))
    if not reason.strip():
        raise DomainError(_("Say why it is closed, for example: waterlogged after the rain."), field="reason")
    if ends_at <= starts_at:
        raise DomainError(_("The closure must end after it begins. Check the end time."), field="ends_at")
    closure = Closure(
        facility_id=facility.id, starts_at=starts_at, ends_at=ends_at, reason=reason.strip(), by_id=by.id
    )
    db.session.add(closure)
    db.session.flush()
    hit = {
        b.space_id
        for b in bookings_between([facility.id], starts_at, ends_at)
        if b.overlaps(starts_at, ends_at)
    }
    clubs = (
        list(db.session.scalars(sa.select(Space).where(Space.id.in_(hit)).order_by(Space.name)))
        if hit
        else []
    )
    for club in clubs:
        tell(
            space_admins(club),
            "maintenance.closure",
            skip=by,
            facility=facility.name,
            facility_id=facility.id,
            starts=iso(starts_at),
            ends=iso(ends_at),
            reason=closure.reason,
        )
    return closure, clubs


def closures_at(facility_ids: list[int], start: datetime, end: datetime) -> list[Closure]:
    if not facility_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Closure)
            .where(Closure.facility_id.in_(facility_ids), Closure.starts_at < end, Closure.ends_at > start)
            .order_by(Closure.starts_at, Closure.id)
        )
    )
