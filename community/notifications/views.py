from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.extensions import csrf, db
from community.forms import ActionForm
from community.i18n import _
from community.notifications import bp, following
from community.notifications.forms import FollowForm, FollowRowForm, SettingsForm, UndoForm
from community.notifications.kinds import sentence_and_url
from community.notifications.models import Follow, Frequency, Level, Notification
from community.notifications.services import grouped, mark_all_read, mark_read, recent


def _own(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


@bp.get("/")
@login_required
def index():
    groups = [
        [(n, *sentence_and_url(n.kind, n.context)) for n in group] for group in grouped(recent(current_user))
    ]
    return render_template("notifications/index.html", groups=groups, form=ActionForm())


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    notification = _own(notification_id)
    if ActionForm().validate_on_submit():
        mark_read(notification)
        db.session.commit()
    _text, url = sentence_and_url(notification.kind, notification.context)
    return redirect(url)


@bp.post("/read-all")
@login_required
def read_all():
    if ActionForm().validate_on_submit():
        mark_all_read(current_user)
        db.session.commit()
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


# --- following ----------------------------------------------------------------------------------------


def _target_url(name: str, obj) -> str:
    endpoint, values = following.TARGETS[name].url(obj)
    return url_for(endpoint, **values)


@bp.post("/follow/<name>/<int:target_id>")
@login_required
def follow(name: str, target_id: int):
    """The follow button on a space or a post: follow at a level, or stop following (``stop``)."""
    form = FollowForm()
    obj = following.visible_target(current_user, name, target_id)
    if obj is None:
        abort(404)  # nothing to follow there, or nothing this person may see
    if not form.validate_on_submit():
        flash(_("Choose what should reach you."), "error")
    elif "stop" in request.form:
        following.unfollow(current_user, name, target_id)
        db.session.commit()
        flash(_("You no longer follow this."), "success")
    else:
        level = Level(form.level.data)
        following.follow(current_user, name, target_id, level=level)
        db.session.commit()
        flash(
            _("You follow this. Change how often e-mail comes under Following.")
            if level != Level.MUTED
            else _("Muted: nothing about this reaches you."),
            "success",
        )
    return redirect(_target_url(name, obj))


@bp.route("/following", methods=["GET", "POST"])
@login_required
def following_page():
    settings = following.settings_of(current_user)
    form = SettingsForm(obj=None if request.method == "POST" else settings)
    if request.method == "GET":
        form.frequency.data = settings.frequency.value
    if form.validate_on_submit():
        following.save_settings(
            current_user,
            frequency=Frequency(form.frequency.data),
            digest_hour=form.digest_hour.data,
            auto_follow=form.auto_follow.data,
        )
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.following_page"))
    rows = []
    for row, target, obj in following.follows_of(current_user):
        row_form = FollowRowForm(formdata=None, prefix=f"f{row.id}")
        row_form.level.data = row.level.value
        row_form.frequency.data = row.frequency.value if row.frequency else ""
        rows.append((row, target, obj, row_form, _target_url(row.target, obj)))
    return render_template(
        "notifications/following.html", form=form, rows=rows, action_form=ActionForm()
    ), 400 if form.errors else 200


@bp.post("/following/<int:follow_id>")
@login_required
def change_follow(follow_id: int):
    row = db.session.get(Follow, follow_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    form = FollowRowForm(prefix=f"f{row.id}")
    if "stop" in request.form and ActionForm().validate_on_submit():
        db.session.delete(row)
        db.session.commit()
        flash(_("You no longer follow this."), "success")
    elif form.validate_on_submit():
        row.level = Level(form.level.data)
        row.frequency = Frequency(form.frequency.data) if form.frequency.data else None
        db.session.commit()
        flash(_("Your choices are saved."), "success")
    else:
        flash(_("Choose what should reach you."), "error")
    return redirect(url_for("notifications.following_page"))


# --- one-click unsubscribe (RFC 8058) -------------------------------------------------------------------


def _token_problem(problem: following.TokenProblem):
    return render_template("notifications/unsubscribe.html", problem=problem.reason), 400


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """The link in an e-mail's footer. A GET changes nothing (mail scanners open links): the page asks
    with one button; a mail client's one-click POST unsubscribes at once."""
    try:
        user, row = following.read_unsubscribe_token(token)
    except following.TokenProblem as problem:
        return _token_problem(problem)
    already = (row.level == Level.MUTED) if row else not user.email_notifications
    return render_template(
        "notifications/unsubscribe.html",
        token=token,
        row=row,
        title=_title(row),
        already=already,
        form=UndoForm(),
    )


def _title(row: Follow | None) -> str | None:
    if row is None:
        return None
    target = following.TARGETS.get(row.target)
    obj = target.load(row.target_id) if target else None
    return target.title(obj) if target and obj is not None else None


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # a mail client posts "List-Unsubscribe=One-Click" without any page: the token is the proof
def unsubscribe_post(token: str):
    try:
        user, row = following.read_unsubscribe_token(token)
    except following.TokenProblem as problem:
        return _token_problem(problem)
    previous = None
    if row is not None:
        already = row.level == Level.MUTED
        previous = row.level.value
        row.level = Level.MUTED
    else:
        already = not user.email_notifications
        user.email_notifications = False
    db.session.commit()
    return render_template(
        "notifications/unsubscribe.html",
        token=token,
        row=row,
        title=_title(row),
        done=True,
        already=already,
        previous=None if already else previous,
        form=UndoForm(),
    )


@bp.post("/unsubscribe/<token>/undo")
def unsubscribe_undo(token: str):
    try:
        user, row = following.read_unsubscribe_token(token)
    except following.TokenProblem as problem:
        return _token_problem(problem)
    form = UndoForm()
    if not form.validate_on_submit():
        abort(400)
    if row is not None:
        row.level = form.previous_level() or Level.EVERYTHING
    else:
        user.email_notifications = True
    db.session.commit()
    return render_template(
        "notifications/unsubscribe.html", token=token, row=row, title=_title(row), undone=True
    )
