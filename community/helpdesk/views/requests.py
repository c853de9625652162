from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from community import geo
from community.errors import DomainError
from community.extensions import db
from community.forms import flash_errors
from community.helpdesk import bp, permissions
from community.helpdesk.forms import CONSENT_TEXT, DoneForm, RequestForm, ScheduleForm
from community.helpdesk.models import HelpRequest, Mode
from community.helpdesk.services import overview as overview_service
from community.helpdesk.services import requests, topics
from community.helpdesk.services.requests import RequestInput
from community.helpdesk.views import municipality
from community.i18n import _, to_utc
from community.permissions import require


def _windows(form: RequestForm) -> list[tuple]:
    pairs = []
    for n in (1, 2, 3):
        start, end = getattr(form, f"window_{n}_start").data, getattr(form, f"window_{n}_end").data
        if start or end:
            if not (start and end):
                raise DomainError(
                    _("Give both the start and the end of each time."), field=f"window_{n}_start"
                )
            pairs.append((to_utc(start), to_utc(end)))
    return pairs


@bp.route("/ask", methods=["GET", "POST"])
@login_required
def ask():
    """Ask for one-to-one help, for yourself or for someone without e-mail."""
    place = municipality()
    form = RequestForm()
    all_topics = topics.topics(place.id)
    form.topic.choices = [(t.id, t.name) for t in all_topics]
    if request.method == "GET" and request.args.get("topic"):
        form.topic.data = next((t.id for t in all_topics if t.slug == request.args["topic"]), None)
    if form.validate_on_submit():
        chosen = next((t for t in all_topics if t.id == form.topic.data), None)
        try:
            if chosen is None:
                raise DomainError(_("Choose what you need help with."), field="topic")
            where = geo.resolve(form.place.data) if (form.place.data or "").strip() else None
            filed = requests.file_request(
                place.id,
                by=current_user,
                data=RequestInput(
                    topic=chosen,
                    mode=Mode(form.mode.data),
                    description=form.description.data or "",
                    windows=_windows(form),
                    place=where,
                    assisted=form.who.data == "other",
                    person_name=form.person_name.data or "",
                    phone=form.phone.data or "",
                    consent=bool(form.consent.data),
                    consent_text=str(CONSENT_TEXT),
                ),
            )
        except DomainError as exc:
            db.session.rollback()
            field = {"windows": "window_1_start"}.get(exc.field or "", exc.field)
            getattr(form, field if field and hasattr(form, field) else "topic").errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your request is sent. A volunteer will answer, and you will be told."), "success")
            return redirect(url_for("helpdesk.request_detail", request_id=filed.id))
    return render_template(
        "helpdesk/ask.html", form=form, places=geo.place_labels()
    ), 400 if form.errors else 200


def _request(request_id: int) -> HelpRequest:
    found = db.session.get(HelpRequest, request_id)
    if (
        found is None
        or found.municipality_id != municipality().id
        or not permissions.can_see_request(current_user, found)
    ):
        abort(404)
    return found


@bp.get("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    found = _request(request_id)
    organiser = permissions.is_organiser(current_user, found.municipality_id)
    ranked = requests.rank_volunteers(found) if organiser and found.status.value == "open" else []
    return render_template(
        "helpdesk/request.html",
        req=found,
        ranked=ranked,
        organiser=organiser,
        contact=permissions.can_see_contact(current_user, found),
        action_form=FlaskForm(),
        schedule_form=ScheduleForm(),
        done_form=DoneForm(),
    )


def _act(request_id: int, do, message: str):
    found = _request(request_id)
    try:
        do(found)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("helpdesk.request_detail", request_id=found.id))


@bp.post("/requests/<int:request_id>/accept")
@login_required
def accept(request_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    return _act(
        request_id,
        lambda r: requests.accept(r, by=current_user),
        _("Thank you! Now agree a time: write it below when you have talked together."),
    )


@bp.post("/requests/<int:request_id>/schedule")
@login_required
def schedule(request_id: int):
    form = ScheduleForm()
    if not form.validate_on_submit():
        flash(_("Write the agreed date and time."), "error")
        return redirect(url_for("helpdesk.request_detail", request_id=request_id))
    return _act(
        request_id,
        lambda r: requests.schedule(r, by=current_user, at=to_utc(form.agreed_at.data)),
        _("The time is saved. You will both be reminded the day before."),
    )


@bp.post("/requests/<int:request_id>/done")
@login_required
def done(request_id: int):
    form = DoneForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("helpdesk.request_detail", request_id=request_id))
    return _act(
        request_id,
        lambda r: requests.complete(
            r,
            by=current_user,
            hours=float(form.hours.data) if form.hours.data else None,
            rating=int(form.rating.data) if form.rating.data else None,
            feedback=form.feedback.data or "",
        ),
        _("Marked as done. Thank you for the feedback!"),
    )


@bp.post("/requests/<int:request_id>/cancel")
@login_required
def cancel(request_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    return _act(request_id, lambda r: requests.cancel(r, by=current_user), _("The request is cancelled."))


@bp.get("/requests")
@login_required
def request_list():
    place = municipality()
    return render_template(
        "helpdesk/requests.html",
        items=requests.visible_requests(current_user, place.id),
        organiser=permissions.is_organiser(current_user, place.id),
    )


def _overview_headers() -> list[str]:
    return [
        _("Month"),
        _("People helped"),
        _("Drop-in sessions held"),
        _("Visitors at drop-ins"),
        _("Volunteer hours"),
        _("Median hours from request to volunteer"),
    ]


@bp.get("/overview")
@login_required
def overview():
    place = municipality()
    require(permissions.is_organiser(current_user, place.id))
    data = overview_service.overview(place.id)
    return render_template("helpdesk/overview.html", data=data, headers=_overview_headers())


@bp.get("/overview.csv")
@login_required
def overview_csv():
    place = municipality()
    require(permissions.is_organiser(current_user, place.id))
    body = overview_service.as_csv(overview_service.overview(place.id), _overview_headers())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="digital-help-overview.csv"'},
    )
