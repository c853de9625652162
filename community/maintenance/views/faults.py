from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from community import geo
from community.errors import DomainError
from community.extensions import db, limiter
from community.forms import ActionForm, small_int
from community.i18n import _, current_language
from community.maintenance import bp, permissions
from community.maintenance.forms import FaultForm, FaultUpdateForm
from community.maintenance.models import FAULT_STATUS_LABELS, FaultCategory, FaultReport, FaultStatus
from community.maintenance.services import faults as service
from community.maintenance.services.facilities import facilities_of
from community.maintenance.views.common import attach_error, fault_points, municipality
from community.moderation.permissions import can_see_content
from community.notifications.mail import external_url
from community.permissions import require


@bp.get("/maintenance/faults/")
def faults():
    """Every fault report and its public status, on a map and in a table; anyone may look."""
    place = municipality()
    wanted = request.args.get("status")
    status = FaultStatus(wanted) if wanted in FaultStatus._value2member_map_ else None
    items = service.public_reports(place.id, status=status)
    points = fault_points(items)
    return render_template(
        "maintenance/faults.html",
        items=items,
        points=points,
        centre=(place.latitude, place.longitude),
        tile_url=current_app.config.get("TILE_URL") or "",
        status=status,
        statuses=FAULT_STATUS_LABELS,
        can_report=permissions.can_report_fault(current_user),
    )


def _report_input(form: FaultForm, facilities) -> service.FaultInput | None:
    wanted = small_int(form.facility_id.data)
    facility = next((f for f in facilities if f.id == wanted), None)
    lat = float(form.latitude.data) if form.latitude.data is not None else None
    lon = float(form.longitude.data) if form.longitude.data is not None else None
    label = ""
    if facility is None and (lat is None or lon is None) and form.place.data:
        try:
            found = geo.resolve(form.place.data)
        except DomainError as exc:
            form.place.errors.append(str(exc))
            return None
        lat, lon, label = found.lat, found.lon, found.label
    elif facility is None and lat is not None and lon is not None:
        label = form.place.data or _("Point on the map")
    return service.FaultInput(
        category=FaultCategory(form.category.data),
        description=form.description.data or "",
        facility=facility,
        latitude=lat,
        longitude=lon,
        place_label=label,
        photo=request.files.get(form.photo.name),
    )


def _with_account() -> bool:
    """A report from a confirmed account is followed from that account; anyone else reports
    without one, with optional contact details and a private link."""
    return permissions.can_report_fault(current_user)


def _limit() -> str:
    return current_app.config["FAULT_REPORT_LIMIT"]


@bp.errorhandler(429)
def _too_many(_exc):
    """A clear answer when one connection sends too many reports (spam protection)."""
    if request.endpoint == "maintenance.fault_new":
        return render_template("maintenance/fault_limited.html"), 429
    return render_template("errors/error.html", code=429, bare=False), 429


@bp.route("/maintenance/faults/new", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], exempt_when=_with_account)
def fault_new():
    """Anyone may report a fault, with an account or without (name, e-mail or phone optional)."""
    place = municipality()
    facilities = facilities_of(place.id)
    form = FaultForm()
    form.facility_id.choices = [("", _("No facility: I give the place below"))] + [
        (str(f.id), f"{f.name} ({f.kind_label})") for f in facilities
    ]
    if request.method == "GET" and (wanted := small_int(request.args.get("facility"))) is not None:
        form.facility_id.data = str(wanted)
    with_account = _with_account()
    similar = []
    if form.validate_on_submit() and (data := _report_input(form, facilities)) is not None:
        token = None
        try:
            lat, lon, _label = service._point(data)
            if form.confirmed.data != "1":
                similar = service.nearby(
                    place.id,
                    data.category,
                    lat=lat,
                    lon=lon,
                    facility_id=data.facility.id if data.facility else None,
                )
            if not similar:
                if with_account:
                    report = service.report_fault(place, data, by=current_user)
                else:
                    report, token = service.report_anonymously(
                        place,
                        data,
                        contact=service.Contact(
                            name=form.reporter_name.data or "",
                            email=form.reporter_email.data or "",
                            phone=form.reporter_phone.data or "",
                        ),
                    )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "description")
        else:
            if not similar:
                if token is not None:  # the e-mail leaves with the commit, never without it
                    service.send_follow_link(report, token, locale=current_language())
                db.session.commit()
                if token is None:
                    flash(_("Thank you. Your report is sent, and you follow it."), "success")
                    return redirect(url_for("maintenance.fault", report_id=report.id))
                session[SENT_KEY] = {"report": report.id, "token": token}
                return redirect(url_for("maintenance.fault_sent", report_id=report.id))
            form.confirmed.data = "1"
    return render_template(
        "maintenance/fault_new.html",
        form=form,
        similar=similar,
        with_account=with_account,
        places=geo.place_labels(),
        action_form=ActionForm(),
    ), 400 if form.errors else 200


SENT_KEY = "maintenance_fault_link"


@bp.get("/maintenance/faults/<int:report_id>/sent")
def fault_sent(report_id: int):
    """Thanks, and the private follow link, shown this once (it is not stored, only its hash)."""
    found = _report(report_id)
    kept = session.get(SENT_KEY) or {}
    token = kept.get("token") if kept.get("report") == found.id else None
    if token is not None:
        session.pop(SENT_KEY, None)
    return render_template(
        "maintenance/fault_sent.html",
        report=found,
        link=external_url("maintenance.fault_followed", token=token) if token else None,
    )


def _followed(token: str) -> FaultReport:
    found = service.by_follow_token(token)
    if found is None:
        abort(404)
    return found


@bp.get("/maintenance/faults/follow/<token>")
def fault_followed(token: str):
    """The reporter's private page: the status and history of their report, and what they told us."""
    found = _followed(token)
    response = make_response(
        render_template(
            "maintenance/fault_followed.html",
            report=found,
            updates=service.updates(found),
            token=token,
            action_form=ActionForm(),
        )
    )
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/maintenance/faults/follow/<token>/forget")
def fault_forget(token: str):
    found = _followed(token)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.forget_contact(found)
    db.session.commit()
    flash(
        _("Your name, e-mail and phone are removed from the report. You get no more e-mails about it."),
        "success",
    )
    return redirect(url_for("maintenance.fault_followed", token=token))


def _report(report_id: int) -> FaultReport:
    found = db.session.get(FaultReport, report_id)
    if found is None or not can_see_content(current_user, found):
        abort(404)  # hidden or held by moderation: only its reporter and the staff reach it
    return found


def _page(found: FaultReport, *, form=None, status=200):
    return render_template(
        "maintenance/fault.html",
        report=found,
        updates=service.updates(found),
        can_follow=permissions.can_follow_fault(current_user, found),
        can_handle=permissions.can_handle_fault(current_user, found),
        sees_reporter=permissions.can_see_reporter(current_user, found),
        form=form or FaultUpdateForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.get("/maintenance/faults/<int:report_id>")
def fault(report_id: int):
    return _page(_report(report_id))


@bp.post("/maintenance/faults/<int:report_id>/follow")
@login_required
def fault_follow(report_id: int):
    found = _report(report_id)
    require(permissions.can_follow_fault(current_user, found))
    if not ActionForm().validate_on_submit():
        abort(400)
    service.follow(found, current_user)
    db.session.commit()
    flash(_("You follow this report and will be told when it changes."), "success")
    return redirect(url_for("maintenance.fault", report_id=found.id))


@bp.post("/maintenance/faults/<int:report_id>/unfollow")
@login_required
def fault_unfollow(report_id: int):
    found = _report(report_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.unfollow(found, current_user)
    db.session.commit()
    flash(_("You no longer follow this report."), "info")
    return redirect(url_for("maintenance.fault", report_id=found.id))


@bp.post("/maintenance/faults/<int:report_id>/update")
@login_required
def fault_update(report_id: int):
    found = _report(report_id)
    require(permissions.can_handle_fault(current_user, found))
    form = FaultUpdateForm()
    if form.validate_on_submit():
        value = form.status.data
        try:
            service.update(
                found,
                by=current_user,
                status=FaultStatus(value) if value in FaultStatus._value2member_map_ else None,
                note=form.note.data or "",
                responsible_instead=form.responsible_instead.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "note")
        else:
            db.session.commit()
            flash(_("The report is updated, and its followers are told."), "success")
            return redirect(url_for("maintenance.fault", report_id=found.id))
    return _page(found, form=form, status=400)
