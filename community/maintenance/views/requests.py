from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm
from community.i18n import _, to_utc
from community.maintenance import bp, permissions
from community.maintenance.forms import DeclineForm, ProposeForm, ThreadForm
from community.maintenance.models import ChangeRequest
from community.maintenance.services import conflicts
from community.maintenance.services import requests as service
from community.maintenance.views.common import attach_error, local
from community.permissions import require


def _request(request_id: int) -> ChangeRequest:
    found = db.session.get(ChangeRequest, request_id)
    # Someone else's request does not exist for you.
    if found is None or not permissions.can_view_request(current_user, found):
        abort(404)
    return found


def _page(found: ChangeRequest, *, propose_form=None, decline_form=None, thread_form=None, status=200):
    nearby = service.nearby_visits(found)
    clashes = {}
    if nearby:
        for clash in conflicts.find_clashes(
            nearby[0].planned_at, nearby[-1].ends_at, visit_ids=[v.id for v in nearby]
        ):
            clashes.setdefault(clash.visit.id, clash)  # type: ignore[union-attr]
    answering = permissions.can_answer_request(current_user, found)
    propose_form = propose_form or ProposeForm(formdata=None)
    suggested = service.suggested_time(found) if answering else None
    if answering and propose_form.at.data is None and suggested is not None:
        propose_form.at.data = local(suggested)
    return render_template(
        "maintenance/request.html",
        req=found,
        messages=service.messages(found),
        nearby=nearby,
        clashes=clashes,
        suggested=suggested,
        can_answer=answering,
        can_accept_proposal=permissions.can_accept_proposal(current_user, found),
        can_write=permissions.can_write_in_request(current_user, found),
        propose_form=propose_form,
        decline_form=decline_form or DeclineForm(formdata=None),
        thread_form=thread_form or ThreadForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.get("/maintenance/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    return _page(_request(request_id))


def _back(found: ChangeRequest, anchor: str | None = None):
    return redirect(url_for("maintenance.request_detail", request_id=found.id, _anchor=anchor))


@bp.post("/maintenance/requests/<int:request_id>/accept")
@login_required
def request_accept(request_id: int):
    found = _request(request_id)
    require(permissions.can_answer_request(current_user, found))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.accept(found, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Accepted. The club is told."), "success")
    return _back(found)


@bp.post("/maintenance/requests/<int:request_id>/propose")
@login_required
def request_propose(request_id: int):
    found = _request(request_id)
    require(permissions.can_answer_request(current_user, found))
    form = ProposeForm()
    if form.validate_on_submit():
        try:
            _req, clashes = service.propose(
                found, at=to_utc(form.at.data), note=form.note.data or "", by=current_user
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "at")
        else:
            db.session.commit()
            flash(_("Your proposal is sent to %(club)s.", club=found.space.title), "success")
            if clashes:
                flash(_("The proposed time collides: %(what)s", what=clashes[0].describe()), "error")
            return _back(found)
    return _page(found, propose_form=form, status=400)


@bp.post("/maintenance/requests/<int:request_id>/decline")
@login_required
def request_decline(request_id: int):
    found = _request(request_id)
    require(permissions.can_answer_request(current_user, found))
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            service.decline(found, reason=form.reason.data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "reason")
        else:
            db.session.commit()
            flash(_("Declined. The club is told why."), "success")
            return _back(found)
    return _page(found, decline_form=form, status=400)


@bp.post("/maintenance/requests/<int:request_id>/agree")
@login_required
def request_accept_proposal(request_id: int):
    found = _request(request_id)
    require(permissions.can_accept_proposal(current_user, found))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        _req, clashes = service.accept_proposal(found, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("You accepted the proposed time. The contractor's visit is moved there."), "success")
        if clashes:
            flash(_("The agreed time still collides: %(what)s", what=clashes[0].describe()), "error")
    return _back(found)


@bp.post("/maintenance/requests/<int:request_id>/messages")
@login_required
def request_message(request_id: int):
    found = _request(request_id)
    require(permissions.can_write_in_request(current_user, found))
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            service.add_message(found, body=form.body.data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "body")
        else:
            db.session.commit()
            return _back(found, "latest")
    return _page(found, thread_form=form, status=400)
