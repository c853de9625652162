from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community import geo
from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm, small_int
from community.i18n import _, to_utc
from community.maintenance import bp, permissions
from community.maintenance.forms import AgreementForm, ClosureForm, ClubLinkForm, FacilityForm, TermsForm
from community.maintenance.models import Agreement, Facility, FacilityKind, FaultCategory, FeedScope, TaskType
from community.maintenance.services import calendars, faults, fixtures, plans, service_level
from community.maintenance.services import facilities as service
from community.maintenance.views.common import attach_error, municipality
from community.permissions import require
from community.spaces.models import Membership, MembershipStatus, Space, SpaceKind
from community.spaces.services import spaces_near


def _my_spaces() -> tuple[list[Space], list[Space]]:
    if not current_user.is_authenticated:
        return [], []
    spaces = db.session.scalars(
        sa.select(Space)
        .join(Membership, Membership.space_id == Space.id)
        .where(
            Membership.user_id == current_user.id,
            Membership.status == MembershipStatus.ACTIVE,
            Space.kind.in_((SpaceKind.CLUB, SpaceKind.CONTRACTOR_NETWORK)),
        )
        .order_by(Space.name)
    ).all()
    return (
        [s for s in spaces if s.kind == SpaceKind.CLUB],
        [s for s in spaces if s.kind == SpaceKind.CONTRACTOR_NETWORK],
    )


@bp.get("/maintenance/")
def index():
    """The clubs and contractor networks that look after the municipality's pitches and green areas,
    and the way in to each part: calendars, plans, fault reports and the overview."""
    place = municipality()
    found = spaces_near(place.latitude, place.longitude, user=current_user)
    clubs = [n for n in found if n.space.kind == SpaceKind.CLUB]
    networks = [n for n in found if n.space.kind == SpaceKind.CONTRACTOR_NETWORK]
    my_clubs, my_networks = _my_spaces()
    return render_template(
        "maintenance/index.html",
        clubs=clubs,
        networks=networks,
        municipality=place,
        my_clubs=my_clubs,
        my_networks=my_networks,
        recent=faults.public_reports(place.id, open_only=True, limit=5),
    )


def _points(items: list[Facility]) -> list[dict]:
    return [
        {
            "lat": f.latitude,
            "lon": f.longitude,
            "title": f.name,
            "kind": f.kind_label,
            "url": url_for("maintenance.facility", facility_id=f.id),
        }
        for f in items
    ]


@bp.get("/maintenance/facilities/")
def facilities():
    place = municipality()
    items = service.facilities_of(place.id)
    return render_template(
        "maintenance/facilities.html",
        items=items,
        points=_points(items),
        centre=(place.latitude, place.longitude),
        tile_url=current_app.config.get("TILE_URL") or "",
        can_add=permissions.can_manage_facilities(current_user, place.id),
    )


@bp.route("/maintenance/facilities/new", methods=["GET", "POST"])
@login_required
def facility_new():
    place = municipality()
    require(permissions.can_manage_facilities(current_user, place.id))
    form = FacilityForm()
    if form.validate_on_submit():
        try:
            if form.latitude.data is not None and form.longitude.data is not None:
                lat, lon = float(form.latitude.data), float(form.longitude.data)
            elif form.place.data:
                found = geo.resolve(form.place.data)
                lat, lon = found.lat, found.lon
            else:
                raise DomainError(_("Give the town or postcode, or the coordinates."), field="place")
            facility = service.create_facility(
                place,
                service.FacilityInput(
                    name=form.name.data,
                    kind=FacilityKind(form.kind.data),
                    latitude=lat,
                    longitude=lon,
                    surface=form.surface.data,
                    description=form.description.data or "",
                ),
                by=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "place")
        else:
            db.session.commit()
            flash(_("%(name)s is added.", name=facility.name), "success")
            return redirect(url_for("maintenance.facility", facility_id=facility.id))
    return render_template(
        "maintenance/facility_new.html", form=form, places=geo.place_labels()
    ), 400 if form.errors else 200


def _facility(facility_id: int) -> Facility:
    facility = db.session.get(Facility, facility_id)
    if facility is None:
        abort(404)
    return facility


def _choices(municipality_id: int, kind: SpaceKind) -> list[tuple[str, str]]:
    spaces = db.session.scalars(
        sa.select(Space)
        .where(Space.municipality_id == municipality_id, Space.kind == kind, Space.archived_at.is_(None))
        .order_by(Space.name)
    ).all()
    return [(str(s.id), s.title) for s in spaces]


def _facility_page(facility: Facility, *, agreement_form=None, link_form=None, closure_form=None, status=200):
    now = utcnow()
    staff = permissions.can_manage_facilities(current_user, facility.municipality_id)
    agreement_form = agreement_form or AgreementForm(formdata=None)
    agreement_form.contractor.choices = _choices(facility.municipality_id, SpaceKind.CONTRACTOR_NETWORK)
    link_form = link_form or ClubLinkForm(formdata=None)
    link_form.club.choices = _choices(facility.municipality_id, SpaceKind.CLUB)
    sees_bookings = permissions.can_see_bookings(current_user, facility)
    agreements = service.agreements_at([facility.id])
    return render_template(
        "maintenance/facility.html",
        facility=facility,
        agreements=agreements,
        terms={a.id: service_level.terms(a) for a in agreements},
        clubs=service.clubs_at(facility),
        closures=service.closures_at([facility.id], now, now + timedelta(days=365)),
        reports=[
            r
            for r in faults.public_reports(facility.municipality_id, open_only=True)
            if r.facility_id == facility.id
        ],
        bookings=fixtures.bookings_between([facility.id], now, now + timedelta(days=14))
        if sees_bookings
        else [],
        visits=plans.visits_at([facility.id], start=now, end=now + timedelta(days=14))
        if sees_bookings
        else [],
        sees_bookings=sees_bookings,
        staff=staff,
        agreement_form=agreement_form,
        link_form=link_form,
        closure_form=closure_form or ClosureForm(formdata=None),
        can_close=permissions.can_close_facility(current_user, facility),
        feed=calendars.active_token(current_user, FeedScope.FACILITY, facility.id)
        if permissions.can_follow_facility_feed(current_user, facility)
        else None,
        can_feed=permissions.can_follow_facility_feed(current_user, facility),
        action_form=ActionForm(),
    ), status


@bp.get("/maintenance/facilities/<int:facility_id>")
def facility(facility_id: int):
    return _facility_page(_facility(facility_id))


def _terms(form: TermsForm, contractor: Space, task: TaskType) -> service.AgreementInput:
    return service.AgreementInput(
        contractor=contractor,
        task=task,
        service_level=form.service_level.data or "",
        season_start_month=form.season_start_month.data,
        season_end_month=form.season_end_month.data,
        height_mm=form.height_mm.data,
        max_height_mm=form.max_height_mm.data,
        interval_days=form.interval_days.data,
        quiet_hours_before=form.quiet_hours_before.data,
        wanted_within_hours=form.wanted_within_hours.data,
        fault_categories=[FaultCategory(c) for c in form.fault_categories.data]
        if form.fault_categories.data
        else None,
    )


@bp.route("/maintenance/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def agreement_edit(agreement_id: int):
    """The municipality's staff change an agreement's season and service level."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    require(permissions.can_manage_facilities(current_user, agreement.facility.municipality_id))
    form = TermsForm(obj=agreement if request.method == "GET" else None)
    if request.method == "GET":
        form.fault_categories.data = list(agreement.fault_categories or [])
    if form.validate_on_submit():
        try:
            service.update_agreement(
                agreement, _terms(form, agreement.contractor, agreement.task), by=current_user
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "service_level")
        else:
            db.session.commit()
            flash(
                _(
                    "The agreement for %(task)s at %(facility)s is changed.",
                    task=agreement.task_label.lower(),
                    facility=agreement.facility.name,
                ),
                "success",
            )
            return redirect(
                url_for("maintenance.facility", facility_id=agreement.facility_id, _anchor="agreements")
            )
    return render_template(
        "maintenance/agreement_edit.html", agreement=agreement, form=form
    ), 400 if form.errors else 200


@bp.post("/maintenance/facilities/<int:facility_id>/agreements")
@login_required
def agreement_new(facility_id: int):
    found = _facility(facility_id)
    require(permissions.can_manage_facilities(current_user, found.municipality_id))
    form = AgreementForm()
    form.contractor.choices = _choices(found.municipality_id, SpaceKind.CONTRACTOR_NETWORK)
    if form.validate_on_submit():
        contractor = db.session.get(Space, n) if (n := small_int(form.contractor.data)) else None
        try:
            if contractor is None or contractor.municipality_id != found.municipality_id:
                raise DomainError(_("Choose a contractor network."), field="contractor")
            agreement = service.add_agreement(
                found, _terms(form, contractor, TaskType(form.task.data)), by=current_user
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "task")
        else:
            db.session.commit()
            flash(
                _(
                    "%(contractor)s now does %(task)s here.",
                    contractor=contractor.title,
                    task=agreement.task_label.lower(),
                ),
                "success",
            )
            return redirect(url_for("maintenance.facility", facility_id=found.id, _anchor="agreements"))
    return _facility_page(found, agreement_form=form, status=400)


@bp.post("/maintenance/facilities/<int:facility_id>/clubs")
@login_required
def club_link(facility_id: int):
    found = _facility(facility_id)
    require(permissions.can_manage_facilities(current_user, found.municipality_id))
    form = ClubLinkForm()
    form.club.choices = _choices(found.municipality_id, SpaceKind.CLUB)
    if form.validate_on_submit():
        club = db.session.get(Space, n) if (n := small_int(form.club.data)) else None
        try:
            if club is None or club.municipality_id != found.municipality_id:
                raise DomainError(_("Choose a sports club."), field="club")
            service.link_club(found, club, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "club")
        else:
            db.session.commit()
            flash(_("%(club)s now uses %(facility)s.", club=club.title, facility=found.name), "success")
            return redirect(url_for("maintenance.facility", facility_id=found.id, _anchor="clubs"))
    return _facility_page(found, link_form=form, status=400)


@bp.post("/maintenance/facilities/<int:facility_id>/close")
@login_required
def facility_close(facility_id: int):
    found = _facility(facility_id)
    require(permissions.can_close_facility(current_user, found))
    form = ClosureForm()
    if form.validate_on_submit():
        try:
            _closure, clubs = service.close_facility(
                found,
                starts_at=to_utc(form.starts_at.data),
                ends_at=to_utc(form.ends_at.data),
                reason=form.reason.data,
                by=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "reason")
        else:
            db.session.commit()
            if clubs:
                flash(
                    _(
                        "%(facility)s is closed. Told at once: %(clubs)s.",
                        facility=found.name,
                        clubs=", ".join(c.title for c in clubs),
                    ),
                    "success",
                )
            else:
                flash(
                    _("%(facility)s is closed. No club had a booking then.", facility=found.name), "success"
                )
            return redirect(url_for("maintenance.facility", facility_id=found.id, _anchor="closures"))
    return _facility_page(found, closure_form=form, status=400)
