from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.i18n import _, format_datetime, ngettext, to_utc
from community.maintenance import bp, permissions
from community.maintenance.forms import FixtureForm, ImportForm, RequestForm
from community.maintenance.models import FIXTURE_LABELS, Facility, FeedScope, Fixture, FixtureKind, TaskType
from community.maintenance.services import calendars, conflicts, fixtures, plans
from community.maintenance.services import facilities as facility_service
from community.maintenance.services import requests as request_service
from community.maintenance.views.common import attach_error, space
from community.permissions import require
from community.spaces.tenancy import get_in_space_or_404

WEEKS_SHOWN = 4


def _club_only() -> None:
    if not permissions.is_club(space()):
        abort(404)


def _facility_choices() -> list[tuple[str, str]]:
    return [(str(f.id), f.name) for f in facility_service.facilities_of_club(space())]


def _facility_from(value: str | None) -> Facility | None:
    return db.session.get(Facility, int(value)) if (value or "").isdigit() else None


def _flash_clashes(clashes: list[conflicts.Clash]) -> None:
    if not clashes:
        return
    first = clashes[0]
    when = first.visit.starts_at if first.visit else first.booking.starts_at  # type: ignore[union-attr]
    text = ngettext(
        "%(num)s conflict with the contractor's plan: %(task)s on %(when)s. Both sides are told.",
        "%(num)s conflicts with the contractor's plan, the first: %(task)s on %(when)s. Both sides are told.",
        len(clashes),
        task=first.task_label.lower(),
        when=format_datetime(when, "short"),
    )
    if first.suggested is not None:
        text += " " + _("Suggested instead: %(when)s.", when=format_datetime(first.suggested, "short"))
    flash(text, "error")


@bp.get("/s/<space_slug>/pitches/")
def club_calendar():
    """The club's calendar: its facilities, the coming weeks' bookings and the contractor's visits,
    the conflicts between them, the requests, and the private feed."""
    _club_only()
    require(permissions.can_view_club_calendar(current_user, space()), hide=True)
    now = utcnow()
    until = now + timedelta(weeks=WEEKS_SHOWN)
    used = facility_service.facilities_of_club(space())
    ids = [f.id for f in used]
    bookings = fixtures.upcoming_bookings(space(), days=WEEKS_SHOWN * 7)
    clashes = (
        [
            c
            for c in conflicts.find_clashes(now, until, facility_ids=ids)
            if c.booking is not None and c.booking.space_id == space().id
        ]
        if ids
        else []
    )
    return render_template(
        "maintenance/club_calendar.html",
        space=space(),
        facilities=used,
        names={f.id: f.name for f in used},
        kind_labels=FIXTURE_LABELS,
        bookings=bookings,
        visits=plans.visits_at(ids, start=now - timedelta(days=7), end=until),
        clashes=clashes,
        requests=request_service.requests_of_club(space()),
        fixture_list=fixtures.fixtures_of_club(space()),
        can_edit=permissions.can_edit_fixtures(current_user, space()),
        can_ask=permissions.can_manage_club(current_user, space()),
        feed=calendars.active_token(current_user, FeedScope.CLUB, space().id),
        action_form=FlaskForm(),
    )


@bp.route("/s/<space_slug>/pitches/fixtures/new", methods=["GET", "POST"])
@login_required
def fixture_new():
    _club_only()
    require(permissions.can_edit_fixtures(current_user, space()))
    form = FixtureForm()
    form.facility_id.choices = _facility_choices()
    if request.method == "GET" and request.args.get("kind") in FixtureKind._value2member_map_:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        facility = _facility_from(form.facility_id.data)
        require(facility is not None and permissions.can_book(current_user, space(), facility))
        try:
            fixture = fixtures.add_fixture(
                space(),
                fixtures.FixtureInput(
                    facility_id=facility.id,
                    title=form.title.data,
                    kind=FixtureKind(form.kind.data),
                    starts_at=to_utc(form.starts_at.data),
                    ends_at=to_utc(form.ends_at.data),
                    rrule=form.rrule.data,
                ),
                by=current_user,
            )
            clashes = conflicts.find_clashes(
                fixture.starts_at - timedelta(days=1),
                (fixture.repeat_until or fixture.starts_at + timedelta(days=366)) + timedelta(days=1),
                facility_ids=[facility.id],
                fixture_ids=[fixture.id],
            )
            conflicts.flag(clashes, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("“%(title)s” is in the calendar.", title=fixture.title), "success")
            _flash_clashes(clashes)
            return redirect(url_for("maintenance.club_calendar"))
    return render_template(
        "maintenance/fixture_new.html", space=space(), form=form
    ), 400 if form.errors else 200


@bp.post("/s/<space_slug>/pitches/fixtures/<int:fixture_id>/delete")
@login_required
def fixture_delete(fixture_id: int):
    _club_only()
    fixture = get_in_space_or_404(Fixture, fixture_id, space())
    require(permissions.can_edit_fixtures(current_user, space()))
    if not FlaskForm().validate_on_submit():
        abort(400)
    fixtures.delete_fixture(fixture, space(), by=current_user)
    db.session.commit()
    flash(_("“%(title)s” is removed from the calendar.", title=fixture.title), "success")
    return redirect(url_for("maintenance.club_calendar", _anchor="fixtures"))


@bp.route("/s/<space_slug>/pitches/import", methods=["GET", "POST"])
@login_required
def calendar_import():
    _club_only()
    require(permissions.can_edit_fixtures(current_user, space()))
    form = ImportForm()
    form.facility_id.choices = _facility_choices()
    if form.validate_on_submit():
        facility = _facility_from(form.facility_id.data)
        require(facility is not None and permissions.can_book(current_user, space(), facility))
        try:
            result = fixtures.import_ics(
                space(),
                form.file.data.read(fixtures.MAX_IMPORT_BYTES + 1),
                facility_id=facility.id,
                default_kind=FixtureKind(form.kind.data),
                by=current_user,
            )
            now = utcnow()
            clashes = [
                c
                for c in conflicts.find_clashes(now, now + timedelta(days=366), facility_ids=[facility.id])
                if c.booking is not None and c.booking.space_id == space().id
            ]
            conflicts.flag(clashes, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "file")
        else:
            db.session.commit()
            flash(result.message(), "success")
            _flash_clashes(clashes)
            return redirect(url_for("maintenance.club_calendar"))
    return render_template("maintenance/import.html", space=space(), form=form), 400 if form.errors else 200


@bp.get("/s/<space_slug>/pitches/calendar.ics")
@login_required
def calendar_export():
    _club_only()
    require(permissions.can_view_club_calendar(current_user, space()), hide=True)
    body = calendars.club_ics(space(), host=request.host.split(":")[0])
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{space().slug}.ics"'},
    )


@bp.route("/s/<space_slug>/pitches/requests/new", methods=["GET", "POST"])
@login_required
def request_new():
    _club_only()
    require(permissions.can_manage_club(current_user, space()))
    form = RequestForm()
    form.facility_id.choices = _facility_choices()
    upcoming = [b for b in fixtures.upcoming_bookings(space(), days=60) if b.has_kickoff][:50]
    form.fixture_id.choices = [("", _("None in particular"))] + [
        (str(b.fixture_id), f"{b.title} · {format_datetime(b.starts_at, 'short')}") for b in upcoming
    ]
    if request.method == "GET":
        if (wanted := request.args.get("facility")) is not None:
            facility = _facility_from(wanted)
            # Asking about a facility the club does not use is refused, not silently changed.
            require(facility is not None and permissions.can_ask(current_user, space(), facility))
            form.facility_id.data = str(facility.id)
        if request.args.get("task") in TaskType._value2member_map_:
            form.task.data = request.args["task"]
    if form.validate_on_submit():
        facility = _facility_from(form.facility_id.data)
        require(facility is not None and permissions.can_ask(current_user, space(), facility))
        try:
            made = request_service.create_request(
                space(),
                request_service.RequestInput(
                    facility=facility,
                    task=TaskType(form.task.data),
                    wanted_before=to_utc(form.wanted_before.data),
                    message=form.message.data or "",
                    fixture_id=int(form.fixture_id.data) if (form.fixture_id.data or "").isdigit() else None,
                ),
                by=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "message")
        else:
            db.session.commit()
            flash(_("Your request is sent to %(contractor)s.", contractor=made.contractor.title), "success")
            return redirect(url_for("maintenance.request_detail", request_id=made.id))
    return render_template(
        "maintenance/request_new.html", space=space(), form=form
    ), 400 if form.errors else 200
