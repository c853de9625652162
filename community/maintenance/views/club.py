from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm, choices, small_int
from community.i18n import _, format_datetime, ngettext, to_utc
from community.maintenance import bp, permissions
from community.maintenance.forms import FixtureForm, ImportForm, RequestForm
from community.maintenance.models import FIXTURE_LABELS, Facility, FeedScope, Fixture, FixtureKind, TaskType
from community.maintenance.services import calendars, conflicts, fixtures, plans, recurrence, repeat
from community.maintenance.services import facilities as facility_service
from community.maintenance.services import requests as request_service
from community.maintenance.services.repeat import FREQUENCY_LABELS, Frequency
from community.maintenance.views.common import attach_error, local, space
from community.permissions import require
from community.spaces.tenancy import get_in_space_or_404

WEEKS_SHOWN = 4


def _club_only() -> None:
    if not permissions.is_club(space()):
        abort(404)


def _facility_choices() -> list[tuple[str, str]]:
    return [(str(f.id), f.name) for f in facility_service.facilities_of_club(space())]


def _facility_from(value: str | None) -> Facility | None:
    return db.session.get(Facility, n) if (n := small_int(value)) else None


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


OCCURRENCE_DAYS = 90
MAX_OCCURRENCES = 200
_OCCURRENCE_FORMAT = "%Y%m%dT%H%M"


def _occurrence_value(fixture_id: int, starts_at) -> str:
    """One occurrence of a fixture as a form value: "12@20260411T0800" (its start in UTC)."""
    return f"{fixture_id}@{starts_at.strftime(_OCCURRENCE_FORMAT)}"


def _occurrence_from(value: str | None):
    """(fixture id, start) from a form value, or None when it is not one."""
    fixture, _sep, moment = (value or "").partition("@")
    fixture_id = small_int(fixture)
    if fixture_id is None:
        return None
    try:
        return fixture_id, datetime.strptime(moment, _OCCURRENCE_FORMAT)
    except ValueError:
        return None


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
    fixture_list = fixtures.fixtures_of_club(space())
    return render_template(
        "maintenance/club_calendar.html",
        space=space(),
        facilities=used,
        names={f.id: f.name for f in used},
        kind_labels=FIXTURE_LABELS,
        bookings=bookings,
        occurrence_value=_occurrence_value,
        visits=plans.visits_at(ids, start=now - timedelta(days=7), end=until),
        clashes=clashes,
        requests=request_service.requests_of_club(space()),
        fixture_list=fixture_list,
        fixture_words={
            f.id: repeat.describe(
                f.rrule,
                f.starts_at,
                repeat_until=f.repeat_until,
                exdates=sorted(recurrence.as_dates(f.exdates)),
                skip_holidays=f.skip_holidays,
            )
            for f in fixture_list
        },
        can_edit=permissions.can_edit_fixtures(current_user, space()),
        can_ask=permissions.can_manage_club(current_user, space()),
        feed=calendars.active_token(current_user, FeedScope.CLUB, space().id),
        action_form=ActionForm(),
    )


def _fixture_input(form: FixtureForm, facility: Facility, kept_rule: str | None) -> fixtures.FixtureInput:
    """What the form says, with the RRULE written underneath (or a rule the form cannot say, kept)."""
    value = form.repeat.data
    frequency = Frequency(value) if value in Frequency._value2member_map_ else Frequency.ONCE
    if frequency == Frequency.CUSTOM and kept_rule is None:
        frequency = Frequency.ONCE
    skipped = repeat.parse_dates(form.skipped_dates.data or "")
    if frequency == Frequency.CUSTOM:
        rule = kept_rule
    else:
        rule = repeat.build_rule(
            repeat.Repeat(
                frequency=frequency,
                weekdays=tuple(int(d) for d in form.weekdays.data or [] if d.isdigit() and int(d) < 7),
                until=form.until.data,
            ),
            form.starts_at.data,
        )
    return fixtures.FixtureInput(
        facility_id=facility.id,
        title=form.title.data,
        kind=FixtureKind(form.kind.data),
        starts_at=to_utc(form.starts_at.data),
        ends_at=to_utc(form.ends_at.data),
        rrule=rule,
        exdates=skipped,
        skip_holidays=bool(form.skip_holidays.data),
    )


def _preview(data: fixtures.FixtureInput) -> dict:
    """The timing in words and the next dates, as the club chair checks them before saving."""
    fixtures.check(data)
    return {
        "words": repeat.describe(
            data.rrule, data.starts_at, exdates=data.exdates, skip_holidays=data.skip_holidays
        ),
        "dates": [
            (repeat.occurrence_words(o.starts_at), o.skipped_because)
            for o in repeat.preview(
                data.rrule,
                data.starts_at,
                exdates=data.exdates,
                skip_holidays=data.skip_holidays,
                after=utcnow(),
            )
        ],
    }


def _flag_fixture(fixture: Fixture) -> list[conflicts.Clash]:
    clashes = conflicts.find_clashes(
        fixture.starts_at - timedelta(days=1),
        (fixture.repeat_until or fixture.starts_at + timedelta(days=366)) + timedelta(days=1),
        facility_ids=[fixture.facility_id],
        fixture_ids=[fixture.id],
    )
    conflicts.flag(clashes, by=current_user)
    return clashes


def _fixture_form_page(form: FixtureForm, *, fixture: Fixture | None, preview: dict | None = None):
    status = 400 if form.errors else 200
    return render_template(
        "maintenance/fixture_new.html",
        space=space(),
        form=form,
        fixture=fixture,
        preview=preview,
        now_words=(
            repeat.describe(
                fixture.rrule,
                fixture.starts_at,
                repeat_until=fixture.repeat_until,
                exdates=sorted(recurrence.as_dates(fixture.exdates)),
                skip_holidays=fixture.skip_holidays,
            )
            if fixture is not None
            else None
        ),
        custom=fixture is not None and fixture.rrule and form.repeat.data == Frequency.CUSTOM.value,
    ), status


def _save_fixture(form: FixtureForm, fixture: Fixture | None):
    """Preview or save the form (new fixture when ``fixture`` is None); a response, or None to show
    the form again."""
    facility = _facility_from(form.facility_id.data)
    require(facility is not None and permissions.can_book(current_user, space(), facility))
    preview = None
    try:
        data = _fixture_input(form, facility, fixture.rrule if fixture is not None else None)
        if request.form.get("preview"):
            preview = _preview(data)
        else:
            if fixture is None:
                fixture = fixtures.add_fixture(space(), data, by=current_user)
                done = _("“%(title)s” is in the calendar.", title=fixture.title)
            else:
                fixtures.update_fixture(fixture, space(), data, by=current_user)
                done = _("“%(title)s” is changed.", title=fixture.title)
            clashes = _flag_fixture(fixture)
    except DomainError as exc:
        db.session.rollback()
        attach_error(form, exc, "title")
        return _fixture_form_page(form, fixture=fixture)
    if preview is not None:
        return _fixture_form_page(form, fixture=fixture, preview=preview)
    db.session.commit()
    flash(done, "success")
    _flash_clashes(clashes)
    return redirect(url_for("maintenance.club_calendar", _anchor="fixtures"))


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
        return _save_fixture(form, None)
    return _fixture_form_page(form, fixture=None)


def _fill(form: FixtureForm, fixture: Fixture) -> None:
    """The form as the fixture is now: its RRULE read back into the form's words, or kept."""
    form.facility_id.data = str(fixture.facility_id)
    form.title.data = fixture.title
    form.kind.data = fixture.kind.value
    form.starts_at.data = local(fixture.starts_at)
    form.ends_at.data = local(fixture.ends_at)
    form.skip_holidays.data = fixture.skip_holidays
    form.skipped_dates.data = repeat.format_dates(sorted(recurrence.as_dates(fixture.exdates)))
    parsed = repeat.parse_rule(fixture.rrule, fixture.starts_at)
    if parsed is None:
        form.repeat.data = Frequency.CUSTOM.value
        return
    form.repeat.data = parsed.frequency.value
    form.weekdays.data = [str(d) for d in parsed.weekdays]
    form.until.data = parsed.until


@bp.route("/s/<space_slug>/pitches/fixtures/<int:fixture_id>/edit", methods=["GET", "POST"])
@login_required
def fixture_edit(fixture_id: int):
    _club_only()
    fixture = get_in_space_or_404(Fixture, fixture_id, space())
    require(permissions.can_edit_fixtures(current_user, space()))
    form = FixtureForm()
    form.facility_id.choices = _facility_choices()
    if fixture.rrule and repeat.parse_rule(fixture.rrule, fixture.starts_at) is None:
        form.repeat.choices = [
            *form.repeat.choices,
            *choices([(Frequency.CUSTOM.value, FREQUENCY_LABELS[Frequency.CUSTOM])]),
        ]
    if request.method == "GET":
        _fill(form, fixture)
    if form.validate_on_submit():
        return _save_fixture(form, fixture)
    return _fixture_form_page(form, fixture=fixture)


@bp.post("/s/<space_slug>/pitches/fixtures/<int:fixture_id>/delete")
@login_required
def fixture_delete(fixture_id: int):
    _club_only()
    fixture = get_in_space_or_404(Fixture, fixture_id, space())
    require(permissions.can_edit_fixtures(current_user, space()))
    if not ActionForm().validate_on_submit():
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
    upcoming = fixtures.upcoming_bookings(space(), days=OCCURRENCE_DAYS)[:MAX_OCCURRENCES]
    names = {f.id: f.name for f in facility_service.facilities_of_club(space())}
    form.occurrence.choices = [("", _("None in particular"))] + [
        (
            _occurrence_value(b.fixture_id, b.starts_at),
            f"{b.title} · {repeat.occurrence_words(b.starts_at)} · {names.get(b.facility_id, '')}",
        )
        for b in upcoming
    ]
    if request.method == "GET":
        if (wanted := request.args.get("facility")) is not None:
            facility = _facility_from(wanted)
            # Asking about a facility the club does not use is refused, not silently changed.
            require(facility is not None and permissions.can_ask(current_user, space(), facility))
            form.facility_id.data = str(facility.id)
        if request.args.get("task") in TaskType._value2member_map_:
            form.task.data = request.args["task"]
        if (chosen := request.args.get("occurrence")) and _occurrence_from(chosen):
            form.occurrence.data = chosen
    if form.validate_on_submit():
        facility = _facility_from(form.facility_id.data)
        require(facility is not None and permissions.can_ask(current_user, space(), facility))
        picked = _occurrence_from(form.occurrence.data)
        try:
            if form.occurrence.data and picked is None:
                raise DomainError(_("Choose one of the listed times, or none."), field="occurrence")
            made = request_service.create_request(
                space(),
                request_service.RequestInput(
                    facility=facility,
                    task=TaskType(form.task.data),
                    wanted_before=to_utc(form.wanted_before.data) if form.wanted_before.data else None,
                    message=form.message.data or "",
                    fixture_id=picked[0] if picked else None,
                    occurrence_at=picked[1] if picked else None,
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
