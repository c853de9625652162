from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm, small_int
from community.i18n import _, _l, format_datetime, to_utc
from community.maintenance import bp, permissions
from community.maintenance.forms import DoneForm, MoveForm, PlanForm, SkipForm
from community.maintenance.models import Agreement, FeedScope, Visit
from community.maintenance.services import calendars, conflicts, crew, faults, plans, service_level
from community.maintenance.services import facilities as facility_service
from community.maintenance.services import overview as overview_service
from community.maintenance.services import requests as request_service
from community.maintenance.views.common import attach_error, local, space
from community.permissions import require
from community.spaces.models import Membership
from community.spaces.services import members
from community.spaces.tenancy import get_in_space_or_404

DAYS_SHOWN = 14
#: Reasons to skip a visit the crew can choose with one tap on today's list.
SKIP_REASONS = (
    _l("Too wet to work"),
    _l("The pitch was in use"),
    _l("The machine broke down"),
    _l("Frost or snow"),
)


def _contractor_only() -> None:
    if not permissions.is_contractor(space()):
        abort(404)


@bp.get("/s/<space_slug>/plan/")
def plan():
    """The contractor's plan: conflicts to resolve first, open requests, the next two weeks' visits."""
    _contractor_only()
    require(permissions.can_view_plan(current_user, space()), hide=True)
    now = utcnow()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    until = now + timedelta(days=DAYS_SHOWN)
    clashes = conflicts.find_clashes(now, now + timedelta(days=28), contractor_id=space().id)
    agreements = facility_service.agreements_of(space())
    return render_template(
        "maintenance/plan.html",
        space=space(),
        agreements=agreements,
        terms={a.id: service_level.terms(a) for a in agreements},
        names={a.facility_id: a.facility.name for a in agreements},
        clashes=clashes,
        requests=request_service.requests_to_contractor(space()),
        visits=plans.visits_of(space(), start=start, end=until),
        overdue=plans.overdue_visits(contractor=space()),
        reports=faults.routed_to(space().id),
        can_act=permissions.can_act_for_contractor(current_user, space()),
        can_manage_crew=permissions.can_manage_crew(current_user, space()),
        feed=calendars.active_token(current_user, FeedScope.CONTRACTOR, space().id),
        move_form=MoveForm(formdata=None),
        local=local,
    )


@bp.route("/s/<space_slug>/plan/new", methods=["GET", "POST"])
@login_required
def plan_new():
    _contractor_only()
    require(permissions.can_act_for_contractor(current_user, space()))
    agreements = facility_service.agreements_of(space())
    form = PlanForm()
    form.agreement.choices = [(str(a.id), f"{a.facility.name}: {a.task_label}") for a in agreements]
    if form.validate_on_submit():
        agreement = db.session.get(Agreement, n) if (n := small_int(form.agreement.data)) else None
        require(agreement is not None and agreement.contractor_space_id == space().id)
        try:
            _plan, visits = plans.create_plan(
                space(),
                plans.PlanInput(
                    agreement=agreement,
                    rrule=form.rrule.data,
                    starts_at=to_utc(form.starts_at.data),
                    duration_minutes=form.duration_minutes.data,
                    note=form.note.data or "",
                ),
                by=current_user,
            )
            clashes = conflicts.find_clashes(
                visits[0].planned_at, visits[-1].ends_at, visit_ids=[v.id for v in visits]
            )
            conflicts.flag(clashes, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "rrule")
        else:
            db.session.commit()
            flash(_("The plan is saved with %(n)s visits.", n=len(visits)), "success")
            if clashes:
                flash(
                    _(
                        "%(n)s of them collide with the clubs' bookings; they are flagged at the top of the "
                        "plan.",
                        n=len(clashes),
                    ),
                    "error",
                )
            return redirect(url_for("maintenance.plan"))
    return render_template(
        "maintenance/plan_new.html", space=space(), form=form, has_agreements=bool(agreements)
    ), 400 if form.errors else 200


def _visit(visit_id: int) -> Visit:
    _contractor_only()
    visit = get_in_space_or_404(Visit, visit_id, space())
    require(permissions.can_view_plan(current_user, space()), hide=True)
    return visit


def _visit_page(visit: Visit, *, done_form=None, skip_form=None, move_form=None, status=200):
    clashes = (
        conflicts.find_clashes(
            visit.planned_at - timedelta(hours=1), visit.ends_at + timedelta(hours=1), visit_ids=[visit.id]
        )
        if visit.is_planned
        else []
    )
    move_form = move_form or MoveForm(formdata=None)
    if move_form.to.data is None:
        move_form.to.data = local(
            clashes[0].suggested if clashes and clashes[0].suggested else visit.planned_at
        )
    return render_template(
        "maintenance/visit.html",
        space=space(),
        visit=visit,
        clashes=clashes,
        done_form=done_form or DoneForm(formdata=None),
        skip_form=skip_form or SkipForm(formdata=None),
        move_form=move_form,
        can_work=permissions.can_work_visit(current_user, visit),
        terms=service_level.terms(visit.agreement),
    ), status


def _back():
    """Back to where the crew marked it: today's list (``back=today``) or the plan."""
    if request.form.get("back") == "today":
        return redirect(url_for("maintenance.today", _anchor="route"))
    return redirect(url_for("maintenance.plan"))


@bp.get("/s/<space_slug>/plan/today")
@login_required
def today():
    """Today's visits in the order a crew drives them (nearest next from the depot), each with a big
    Done and Skipped button that works without JavaScript: for a phone, with gloves on."""
    _contractor_only()
    require(permissions.can_view_plan(current_user, space()), hide=True)
    stops, finished = plans.today(space())
    return render_template(
        "maintenance/today.html",
        space=space(),
        stops=stops,
        finished=finished,
        can_act=permissions.can_act_for_contractor(current_user, space()),
        skip_reasons=SKIP_REASONS,
        action_form=ActionForm(),
    )


@bp.get("/s/<space_slug>/plan/compliance")
@login_required
def compliance():
    """The contractor's own compliance: its visits measured against each agreement's service level,
    per agreement and month, and the share done on time."""
    _contractor_only()
    require(permissions.can_view_plan(current_user, space()), hide=True)
    return render_template(
        "maintenance/compliance.html",
        space=space(),
        levels=service_level.service_levels(contractor=space()),
        on_time=overview_service.compliance(None, contractor_id=space().id),
    )


@bp.get("/s/<space_slug>/plan/visits/<int:visit_id>")
def visit(visit_id: int):
    return _visit_page(_visit(visit_id))


@bp.post("/s/<space_slug>/plan/visits/<int:visit_id>/done")
@login_required
def visit_done(visit_id: int):
    found = _visit(visit_id)
    require(permissions.can_work_visit(current_user, found))
    form = DoneForm()
    if form.validate_on_submit():
        upload = request.files.get(form.photo.name)
        try:
            plans.mark_done(
                found, by=current_user, note=form.note.data or "", photo=upload, height_mm=form.height_mm.data
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "note")
        else:
            db.session.commit()
            flash(_("Marked done. Thank you!"), "success")
            return _back()
    return _visit_page(found, done_form=form, status=400)


@bp.post("/s/<space_slug>/plan/visits/<int:visit_id>/skip")
@login_required
def visit_skip(visit_id: int):
    found = _visit(visit_id)
    require(permissions.can_work_visit(current_user, found))
    form = SkipForm()
    if form.validate_on_submit():
        try:
            plans.mark_skipped(found, by=current_user, reason=form.reason.data)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "reason")
        else:
            db.session.commit()
            flash(_("Marked skipped."), "success")
            return _back()
    return _visit_page(found, skip_form=form, status=400)


@bp.post("/s/<space_slug>/plan/visits/<int:visit_id>/move")
@login_required
def visit_move(visit_id: int):
    found = _visit(visit_id)
    require(permissions.can_work_visit(current_user, found))
    form = MoveForm()
    if form.validate_on_submit():
        try:
            _moved, clashes = plans.move_visit(found, to=to_utc(form.to.data), by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "to")
        else:
            db.session.commit()
            flash(
                _("The visit is moved to %(when)s.", when=format_datetime(found.planned_at, "short")),
                "success",
            )
            if clashes:
                flash(_("It still collides: %(what)s", what=clashes[0].describe()), "error")
            return redirect(url_for("maintenance.plan"))
    return _visit_page(found, move_form=form, status=400)


# --- the crew: who acts for the contractor ---------------------------------------------------------


@bp.get("/s/<space_slug>/plan/crew")
@login_required
def crew_page():
    """The network's members, and which of them act for the contractor (plan, mark visits, answer
    requests); the others read along."""
    _contractor_only()
    require(permissions.can_manage_crew(current_user, space()))
    crew_ids = crew.crew_user_ids(space())
    return render_template(
        "maintenance/crew.html",
        space=space(),
        memberships=members(space()),
        crew_ids=crew_ids,
        action_form=ActionForm(),
    )


def _crew_change(membership_id: int, grant: bool):
    _contractor_only()
    require(permissions.can_manage_crew(current_user, space()))
    membership = get_in_space_or_404(Membership, membership_id, space())
    if not ActionForm().validate_on_submit():
        abort(400)
    name = membership.user.display_name
    try:
        if grant:
            crew.grant(space(), membership.user, by=current_user)
        else:
            crew.revoke(space(), membership.user, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if grant:
            flash(_("%(name)s now acts for %(contractor)s.", name=name, contractor=space().title), "success")
        else:
            flash(_("%(name)s now reads along only.", name=name), "success")
    return redirect(url_for("maintenance.crew_page"))


@bp.post("/s/<space_slug>/plan/crew/<int:membership_id>/grant")
@login_required
def crew_grant(membership_id: int):
    return _crew_change(membership_id, True)


@bp.post("/s/<space_slug>/plan/crew/<int:membership_id>/revoke")
@login_required
def crew_revoke(membership_id: int):
    return _crew_change(membership_id, False)
