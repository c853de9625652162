from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from community.extensions import db
from community.i18n import _
from community.notifications import bp
from community.notifications.kinds import sentence_and_url
from community.notifications.models import Notification
from community.notifications.services import mark_all_read, mark_read, recent


def _own(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


@bp.get("/")
@login_required
def index():
    items = [(n, *sentence_and_url(n.kind, n.context)) for n in recent(current_user)]
    return render_template("notifications/index.html", items=items, form=FlaskForm())


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    notification = _own(notification_id)
    if FlaskForm().validate_on_submit():
        mark_read(notification)
        db.session.commit()
    _text, url = sentence_and_url(notification.kind, notification.context)
    return redirect(url)


@bp.post("/read-all")
@login_required
def read_all():
    if FlaskForm().validate_on_submit():
        mark_all_read(current_user)
        db.session.commit()
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
