from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community import geo
from community.conversations import services as conversations
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm, flash_errors
from community.helpdesk import bp, permissions
from community.helpdesk.forms import (
    CONSENT_TEXT,
    AssignForm,
    DoneForm,
    FeedbackForm,
    HandBackForm,
    PhoneForm,
    ReleaseForm,
    RequestForm,
    ScheduleForm,
)
from community.helpdesk.models import ANSWER_LABELS, EventKind, HelpRequest, Mode, VolunteerProfile
from community.helpdesk.services import feedback as feedback_service
from community.helpdesk.services import matches, requests, topics, volunteers
from community.helpdesk.services import overview as overview_service
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
                    phone=(form.phone.data if form.who.data == "other" else form.my_phone.data) or "",
                    consent=bool(form.consent.data),
                    consent_text=str(CONSENT_TEXT),
                ),
            )
        except DomainError as exc:
            db.session.rollback()
            field = {"windows": "window_1_start"}.get(exc.field or "", exc.field)
            if field == "phone" and form.who.data != "other":
                field = "my_phone"
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


def _assign_form(found: HelpRequest, form: AssignForm | None = None) -> AssignForm:
    form = form or AssignForm()
    current = found.match.volunteer_id if found.match else None
    form.volunteer_id.choices = [
        (p.id, p.user.display_name + (f" ({_('vetted')})" if p.is_vetted else ""))
        for p in volunteers.volunteers(found.municipality_id)
        if not p.paused and p.id != current
    ]
    return form


def _detail(found: HelpRequest, **forms):
    organiser = permissions.is_organiser(current_user, found.municipality_id)
    ranked = requests.rank_volunteers(found) if organiser and found.status.value == "open" else []
    thread = matches.thread(found)
    return render_template(
        "helpdesk/request.html",
        req=found,
        ranked=ranked,
        organiser=organiser,
        contact=permissions.can_see_contact(current_user, found),
        show_phone=permissions.can_see_phone(current_user, found),
        refusal=permissions.accept_refusal(current_user, found)
        if found.status.value == "open" and permissions.volunteer_of(current_user) is not None
        else None,
        thread=thread if thread is not None and conversations.member(thread, current_user) else None,
        history=matches.history(found) if organiser else [],
        event_kinds=EventKind,
        action_form=ActionForm(),
        schedule_form=ScheduleForm(),
        done_form=DoneForm(),
        phone_form=forms.get("phone_form") or PhoneForm(phone=found.phone or ""),
        assign_form=_assign_form(found, forms.get("assign_form"))
        if permissions.can_assign(current_user, found)
        else None,
        release_form=forms.get("release_form") or ReleaseForm(),
        hand_back_form=HandBackForm(),
    )


@bp.get("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    return _detail(_request(request_id))


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
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(
        request_id,
        lambda r: matches.accept(r, by=current_user),
        _("Thank you! Now agree a time: write to each other below, then save the time you agreed."),
    )


@bp.post("/requests/<int:request_id>/assign")
@login_required
def assign(request_id: int):
    found = _request(request_id)
    require(permissions.can_assign(current_user, found))
    form = _assign_form(found)
    if form.validate_on_submit():
        chosen = form.volunteer_id.data
        profile = db.session.get(VolunteerProfile, chosen) if chosen else None
        try:
            if profile is None or profile.municipality_id != found.municipality_id:
                raise DomainError(_("Choose a volunteer from the list."), field="volunteer_id")
            matches.assign(found, volunteer=profile, by=current_user, reason=form.assign_reason.data or "")
        except DomainError as exc:
            db.session.rollback()
            (form.assign_reason if exc.field == "reason" else form.volunteer_id).errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _("%(name)s now helps with this request. Both are told.", name=profile.user.display_name),
                "success",
            )
            return redirect(url_for("helpdesk.request_detail", request_id=found.id))
    return _detail(_request(request_id), assign_form=form), 400


@bp.post("/requests/<int:request_id>/release")
@login_required
def release(request_id: int):
    found = _request(request_id)
    require(permissions.can_release(current_user, found))
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            matches.release(found, by=current_user, reason=form.release_reason.data)
        except DomainError as exc:
            db.session.rollback()
            form.release_reason.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The volunteer is released and told why. The request is open again."), "success")
            return redirect(url_for("helpdesk.request_detail", request_id=found.id))
    return _detail(_request(request_id), release_form=form), 400


@bp.post("/requests/<int:request_id>/hand-back")
@login_required
def hand_back(request_id: int):
    found = _request(request_id)
    require(permissions.can_hand_back(current_user, found))
    form = HandBackForm()
    if form.validate_on_submit():
        try:
            matches.hand_back(found, by=current_user, reason=form.hand_back_reason.data or "")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("You have handed the request back. Thank you for saying so in time."), "success")
            return redirect(url_for("helpdesk.volunteer"))
    else:
        flash_errors(form)
    return redirect(url_for("helpdesk.request_detail", request_id=found.id))


@bp.post("/requests/<int:request_id>/phone")
@login_required
def share_phone(request_id: int):
    found = _request(request_id)
    require(permissions.can_share_phone(current_user, found))
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            requests.share_phone(found, by=current_user, phone=form.phone.data or "")
        except DomainError as exc:
            db.session.rollback()
            form.phone.errors.append(str(exc))
        else:
            db.session.commit()
            flash(
                _("The phone number is saved. Only the volunteer who helps sees it.")
                if found.phone
                else _("The phone number is removed."),
                "success",
            )
            return redirect(url_for("helpdesk.request_detail", request_id=found.id))
    return _detail(_request(request_id), phone_form=form), 400


@bp.route("/feedback/<token>", methods=["GET", "POST"])
def feedback(token: str):
    """ "How did it go?" from the link in the notification: two buttons, no login needed (the signed
    link is the permission; see ``services/feedback.py``)."""
    found = feedback_service.question(token)
    if found is None:
        return render_template(
            "helpdesk/feedback.html", question=None, form=None, answer_labels=ANSWER_LABELS
        ), 404
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            feedback_service.answer(found, form.answer.data)
        except DomainError as exc:
            db.session.rollback()
            form.answer.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Thank you for answering!"), "success")
            return redirect(url_for("helpdesk.feedback", token=token))
    return render_template(
        "helpdesk/feedback.html", question=found, form=form, answer_labels=ANSWER_LABELS
    ), 400 if form.errors else 200


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
    if not ActionForm().validate_on_submit():
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
        _("It went well"),
        _("It went not so well"),
        _("Did not come"),
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
