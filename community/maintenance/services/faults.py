"""Fault reports from anyone: a place or a facility, a category, a description, a photo. Routed to
the contractor whose agreement covers the facility and category, else to the municipality; a public
status with updates, and followers who are told when it changes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from community import geo, signals
from community.accounts.models import User
from community.db import lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _
from community.maintenance import permissions
from community.maintenance.models import (
    OPEN_FAULT_STATUSES,
    Agreement,
    Facility,
    FaultCategory,
    FaultReport,
    FaultStatus,
    FaultUpdate,
)
from community.maintenance.services.common import municipality_staff, tell
from community.maintenance.services.crew import contractor_people
from community.media import save_image_sizes
from community.moderation.permissions import public_clause
from community.notifications import following
from community.notifications.mail import external_url, send_template
from community.notifications.models import Level
from community.spaces.models import Municipality
from community.spaces.tenancy import covers
from community.text import render_markdown

PHOTO_MAX_BYTES = 10 * 1024 * 1024
NEARBY_KM = 0.3
FACILITY_REACH_KM = 0.2  # a place this close to a facility is at that facility


@dataclass
class Contact:
    """How a reporter without an account may be reached; every part optional, seen only by whoever
    handles the report (and the reporter, through the private link)."""

    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class FaultInput:
    category: FaultCategory
    description: str
    facility: Facility | None = None
    latitude: float | None = None
    longitude: float | None = None
    place_label: str = ""
    photo: FileStorage | None = None


def _point(data: FaultInput) -> tuple[float, float, str]:
    if data.facility is not None:
        return data.facility.latitude, data.facility.longitude, data.facility.name
    if data.latitude is None or data.longitude is None:
        raise DomainError(
            _("Choose the facility, or give the place: a point on the map, an address or a town."),
            field="facility_id",
        )
    if not (54 <= data.latitude <= 58 and 7 <= data.longitude <= 16):
        raise DomainError(_("The place is not in Denmark. Check the coordinates."), field="latitude")
    return data.latitude, data.longitude, data.place_label


def nearest_facility(
    municipality_id: int, lat: float, lon: float, km: float = FACILITY_REACH_KM
) -> Facility | None:
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, km)
    candidates = db.session.scalars(
        sa.select(Facility).where(
            Facility.municipality_id == municipality_id,
            Facility.latitude.between(min_lat, max_lat),
            Facility.longitude.between(min_lon, max_lon),
        )
    ).all()
    ranked = sorted(
        ((geo.distance_km(lat, lon, f.latitude, f.longitude), f.id, f) for f in candidates),
        key=lambda t: t[:2],
    )
    return ranked[0][2] if ranked and ranked[0][0] <= km else None


def nearby(
    municipality_id: int,
    category: FaultCategory,
    *,
    lat: float,
    lon: float,
    facility_id: int | None = None,
    km: float = NEARBY_KM,
    limit: int = 5,
) -> list[FaultReport]:
    """Open reports of the same category at the same facility or within ``km`` ("is it this one?")."""
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, km)
    near = sa.and_(
        FaultReport.latitude.between(min_lat, max_lat), FaultReport.longitude.between(min_lon, max_lon)
    )
    where = sa.or_(near, FaultReport.facility_id == facility_id) if facility_id else near
    rows = db.session.scalars(
        sa.select(FaultReport)
        .where(
            FaultReport.municipality_id == municipality_id,
            FaultReport.category == category,
            FaultReport.status.in_(OPEN_FAULT_STATUSES),
            public_clause(FaultReport),
            where,
        )
        .options(selectinload(FaultReport.facility))
    ).all()
    ranked = sorted(
        (
            (geo.distance_km(lat, lon, r.latitude, r.longitude), r.id, r)
            for r in rows
            if (facility_id and r.facility_id == facility_id)
            or geo.distance_km(lat, lon, r.latitude, r.longitude) <= km
        ),
        key=lambda t: t[:2],
    )
    return [r for _d, _i, r in ranked[:limit]]


def route(municipality_id: int, facility: Facility | None, category: FaultCategory) -> int | None:
    """The contractor space whose agreement at the facility covers the category, or None (the
    municipality)."""
    if facility is None:
        return None
    for agreement in db.session.scalars(
        sa.select(Agreement).where(Agreement.facility_id == facility.id).order_by(Agreement.id)
    ):
        if category.value in (agreement.fault_categories or []):
            return agreement.contractor_space_id
    return None


def _file(
    municipality: Municipality, data: FaultInput, *, by: User | None, contact: Contact | None
) -> FaultReport:
    """The one path of every report, with or without an account: the place, the facility it is at,
    the photo, the routing to whoever fixes it, and telling them."""
    lat, lon, label = _point(data)
    if not covers(municipality, lat, lon):
        raise DomainError(
            _(
                "The place is outside %(municipality)s. Report it to the municipality it is in.",
                municipality=municipality.name,
            ),
            field="latitude",
        )
    if not data.description.strip():
        raise DomainError(
            _("Describe what is wrong, for example: the net in the north goal is torn."), field="description"
        )
    facility = data.facility or nearest_facility(municipality.id, lat, lon)
    photo = thumbnail = None
    if data.photo is not None and data.photo.filename:
        photo, thumbnail = save_image_sizes(
            data.photo, max_bytes=PHOTO_MAX_BYTES, sizes=((1600, 1600), (400, 400)), field="photo"
        )
    report = FaultReport(
        municipality_id=municipality.id,
        reporter_id=by.id if by is not None else None,
        reporter_name=(contact.name.strip() if contact else "")[:120],
        reporter_email=(contact.email.strip().lower() if contact and contact.email.strip() else None),
        reporter_phone=(contact.phone.strip() if contact else "")[:40],
        facility_id=facility.id if facility else None,
        place_label=(label or (facility.name if facility else ""))[:200],
        latitude=lat,
        longitude=lon,
        category=data.category,
        description=data.description.strip(),
        description_html=render_markdown(data.description.strip()),
        photo=photo,
        thumbnail=thumbnail,
        routed_space_id=route(municipality.id, facility, data.category),
    )
    db.session.add(report)
    db.session.flush()
    signals.fault_reported.send(report, by=by)  # the reporter follows it (``maintenance.following``)
    handlers = (
        contractor_people(report.routed_to)
        if report.routed_to is not None
        else municipality_staff(municipality.id)
    )
    tell(
        handlers,
        "maintenance.fault_new",
        skip=by,
        report_id=report.id,
        category=report.category.value,
        place=report.where,
    )
    return report


def report_fault(municipality: Municipality, data: FaultInput, *, by: User) -> FaultReport:
    """A report by someone with a confirmed account, who follows it."""
    if not permissions.can_report_fault(by):
        raise NotAllowed(_("Confirm your e-mail address first, then you can report faults."))
    return _file(municipality, data, by=by, contact=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def report_anonymously(
    municipality: Municipality, data: FaultInput, *, contact: Contact
) -> tuple[FaultReport, str]:
    """A report without an account (as Kolding's pothole app allowed): the same path as any report,
    and a private follow link whose token is returned once and stored only as its hash."""
    report = _file(municipality, data, by=None, contact=contact)
    token = secrets.token_urlsafe(32)
    report.follow_token_hash = token_hash(token)
    db.session.flush()
    return report, token


def by_follow_token(token: str) -> FaultReport | None:
    """The report behind a private follow link, or None for an unknown one."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(FaultReport).where(FaultReport.follow_token_hash == token_hash(token)))


def send_follow_link(report: FaultReport, token: str, *, locale: str | None) -> bool:
    """E-mails the private link to a reporter who gave an e-mail address (after the report is saved)."""
    if not report.reporter_email:
        return False
    send_template(
        report.reporter_email,
        "maintenance_fault_link",
        locale=locale,
        report=report,
        link=external_url("maintenance.fault_followed", token=token),
    )
    return True


def forget_contact(report: FaultReport) -> None:
    """The reporter's own wish, through the private link: their name, e-mail and phone are removed,
    and no more e-mails are sent."""
    report.reporter_name, report.reporter_email, report.reporter_phone = "", None, ""
    db.session.flush()


def _email_reporter(report: FaultReport, entry: FaultUpdate) -> None:
    """A reporter without an account who gave an e-mail address hears of each change."""
    if not report.reporter_email:
        return
    send_template(
        report.reporter_email,
        "maintenance_fault_status",
        locale=report.municipality.default_locale,
        report=report,
        entry=entry,
        link=external_url("maintenance.fault", report_id=report.id),
    )


def follow(report: FaultReport, user: User) -> None:
    """Follows the report through ``community.notifications`` (levels, digests, one-click unsubscribe
    as for anything followed); following it again is the same follow."""
    if not permissions.can_follow_fault(user, report):
        raise NotAllowed(_("Log in with a confirmed account to follow reports."))
    following.follow(user, "fault", report.id)


def unfollow(report: FaultReport, user: User) -> bool:
    return following.unfollow(user, "fault", report.id)


def is_following(report: FaultReport, user: User | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    found = following.follow_of(user, "fault", report.id)
    return found is not None and found.level != Level.MUTED


def update(
    report: FaultReport,
    *,
    by: User,
    status: FaultStatus | None,
    note: str = "",
    responsible_instead: str = "",
) -> FaultUpdate:
    """A status change and/or a note, shown publicly; followers are told."""
    lock(report)
    if not permissions.can_handle_fault(by, report):
        raise NotAllowed(_("Only whoever handles the report can change its status."))
    if status is None and not note.strip():
        raise DomainError(_("Choose a new status or write a note."), field="note")
    if status == FaultStatus.NOT_OURS and not responsible_instead.strip():
        raise DomainError(
            _("Say who is responsible instead, for example: the road authority (Vejdirektoratet)."),
            field="responsible_instead",
        )
    if status is not None and status == report.status and not note.strip():
        raise Conflict(_("The report already has this status."), field="status")
    entry = FaultUpdate(report_id=report.id, author_id=by.id, status=status, note=note.strip())
    db.session.add(entry)
    if status is not None:
        report.status = status
        report.fixed_at = utcnow() if status == FaultStatus.FIXED else None
        if status == FaultStatus.NOT_OURS:
            report.responsible_instead = responsible_instead.strip()[:300]
    report.updated_at = utcnow()
    db.session.flush()
    signals.fault_updated.send(report, by=by)  # its followers hear of it (``maintenance.following``)
    _email_reporter(report, entry)
    return entry


def updates(report: FaultReport) -> list[FaultUpdate]:
    return list(
        db.session.scalars(
            sa.select(FaultUpdate)
            .where(FaultUpdate.report_id == report.id)
            .order_by(FaultUpdate.created_at, FaultUpdate.id)
        )
    )


def public_reports(
    municipality_id: int, *, status: FaultStatus | None = None, open_only: bool = False, limit: int = 200
) -> list[FaultReport]:
    query = (
        sa.select(FaultReport)
        .where(FaultReport.municipality_id == municipality_id, public_clause(FaultReport))
        .order_by(FaultReport.created_at.desc(), FaultReport.id.desc())
        .limit(limit)
        .options(selectinload(FaultReport.facility), selectinload(FaultReport.routed_to))
    )
    if status is not None:
        query = query.where(FaultReport.status == status)
    elif open_only:
        query = query.where(FaultReport.status.in_(OPEN_FAULT_STATUSES))
    return list(db.session.scalars(query))


def routed_to(space_id: int, *, limit: int = 50) -> list[FaultReport]:
    return list(
        db.session.scalars(
            sa.select(FaultReport)
            .where(FaultReport.routed_space_id == space_id, FaultReport.status.in_(OPEN_FAULT_STATUSES))
            .order_by(FaultReport.created_at, FaultReport.id)
            .limit(limit)
            .options(selectinload(FaultReport.facility))
        )
    )
