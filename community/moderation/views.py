"""Reporting, the queues of a space and of the municipality, decisions and appeals, watched words,
protected names, the audit log, blocking, and a citizen's own data."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from community.accounts.models import User
from community.accounts.services import hasher, user_by_email
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm, flash_errors
from community.i18n import _, to_utc
from community.moderation import bp, content, kinds, permissions, privacy, registry, services  # noqa: F401
from community.moderation.forms import (
    ActForm,
    AppealForm,
    AuditFilterForm,
    DecideForm,
    DeleteAccountForm,
    PersonForm,
    ProtectedForm,
    ReportForm,
    SpaceActForm,
    StaffDeleteForm,
    WordForm,
)
from community.moderation.models import (
    ACTION_LABELS,
    REASON_LABELS,
    Action,
    ActionKind,
    AppealDecision,
    Case,
    ProtectedPerson,
    Reason,
    WatchedWord,
    WordAction,
)
from community.permissions import require
from community.spaces.models import Municipality, Space


def _attach(form: FlaskForm, exc: DomainError, default: str) -> None:
    name = exc.field if exc.field and exc.field in form else default
    form[name].errors = [*form[name].errors, str(exc)]


# --- reporting -------------------------------------------------------------------------------------


def _reportable(kind: str, item_id: int) -> tuple[registry.ContentType, Any]:
    content_type = registry.get(kind)
    obj = registry.load(kind, item_id) if content_type else None
    if content_type is None or obj is None:
        abort(404)
    if not content_type.can_view(current_user, obj) or not permissions.can_see_content(current_user, obj):
        abort(404)  # what one cannot see does not exist for them
    return content_type, obj


@bp.route("/report/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(kind: str, item_id: int):
    content_type, obj = _reportable(kind, item_id)
    space = content_type.space_of(obj)
    form = ReportForm()
    status = 200
    own = content_type.author_id_of(obj) == current_user.id
    if own:
        flash(_("You cannot report what you wrote yourself. You can edit or delete it instead."), "error")
        status = 400
    elif form.validate_on_submit():
        try:
            services.report(
                obj,
                by=current_user,
                reason=Reason(form.reason.data),
                note=form.note.data or "",
                hide_now=bool(form.hide_now.data),
            )
        except DomainError as exc:
            db.session.rollback()
            _attach(form, exc, "reason")
            status = 400
        else:
            db.session.commit()
            flash(_("Thank you. The moderators will look at it."), "success")
            target = (
                content_type.url_of(obj)
                if permissions.can_see_content(current_user, obj)
                else url_for("spaces.index")
            )
            return redirect(target)
    elif form.errors:
        status = 400
    return render_template(
        "moderation/report.html",
        form=form,
        content_type=content_type,
        obj=obj,
        title=content_type.title_of(obj),
        back=content_type.url_of(obj),
        is_moderator=permissions.can_moderate(current_user, space),
        own=own,
    ), status


# --- the queue and a case --------------------------------------------------------------------------


def _space_moderator() -> Space:
    space = g.space
    require(permissions.can_moderate(current_user, space), hide=True)
    return space


@bp.get("/s/<space_slug>/moderation/")
@login_required
def space_queue():
    space = _space_moderator()
    page = services.queue(space.municipality_id, space_id=space.id, cursor=request.args.get("cursor"))
    return render_template(
        "moderation/queue.html",
        space=space,
        page=page,
        staff=False,
        open_count=services.open_count(space.municipality_id, space.id),
    )


def _case_in_space(case_id: int, space: Space) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or case.space_id != space.id or case.content_type == "space":
        abort(404)  # a moderator of one space sees nothing of another's
    return case


def _act(case: Case, item: services.QueueItem, form: ActForm) -> str | None:
    """Runs the chosen action; returns None when it was done, else stays on the page."""
    obj, by = item.obj, current_user
    what, reason = form.action.data, form.reason.data or ""
    if what == "keep":
        services.keep(obj, by=by, reason=reason, case=case)
    elif what == "hide":
        services.hide(obj, by=by, reason=reason, case=case)
    elif what == "edit":
        services.edit_out(obj, by=by, text=form.text.data or "", reason=reason, case=case)
    elif what == "delete":
        services.delete(obj, by=by, reason=reason, case=case)
    elif what == "warn":
        services.warn(obj, by=by, reason=reason, case=case)
    elif what == "suspend":
        services.suspend(obj, by=by, reason=reason, days=form.days.data, case=case)
    elif what == "exclude":
        services.exclude(obj, by=by, reason=reason, case=case)
    return None


def _act_on_space(case: Case, space: Space, form: SpaceActForm) -> None:
    what, reason = form.action.data, form.reason.data or ""
    if what == "keep":
        services.keep(space, by=current_user, reason=reason, case=case)
    elif what in ("freeze", "unfreeze"):
        services.freeze(space, by=current_user, reason=reason, frozen=what == "freeze")
        services.close_case(case, by=current_user)
    elif what == "archive":
        services.archive(space, by=current_user, reason=reason)


def _case_page(case: Case, *, staff: bool, space: Space | None):
    item = services.case_item(case)
    is_space = case.content_type == "space"
    form: FlaskForm = SpaceActForm() if is_space else ActForm()
    if (
        request.method == "GET"
        and not is_space
        and item.content_type
        and item.content_type.text_attr
        and item.obj
    ):
        form.text.data = getattr(item.obj, item.content_type.text_attr) or ""
    status = 200
    if request.method == "POST":
        if item.obj is None:
            abort(404)
        if form.validate_on_submit():
            try:
                if is_space:
                    _act_on_space(case, item.obj, form)
                else:
                    _act(case, item, form)
            except DomainError as exc:
                db.session.rollback()
                _attach(form, exc, "reason")
                status = 400
            else:
                db.session.commit()
                flash(_("Done. The decision is in the audit log."), "success")
                if staff:
                    return redirect(url_for("moderation.staff_queue"))
                return redirect(url_for("moderation.space_queue", space_slug=space.slug))
        else:
            status = 400
    return render_template(
        "moderation/case.html",
        case=case,
        item=item,
        form=form,
        staff=staff,
        space=space,
        moderated_space=db.session.get(Space, case.space_id) if case.space_id else None,
        actions=services.actions_of(case),
        reason_labels=REASON_LABELS,
    ), status


@bp.route("/s/<space_slug>/moderation/cases/<int:case_id>", methods=["GET", "POST"])
@login_required
def space_case(case_id: int):
    space = _space_moderator()
    return _case_page(_case_in_space(case_id, space), staff=False, space=space)


# --- the municipality's console --------------------------------------------------------------------


def _staff() -> Municipality:
    require(permissions.can_use_moderation_console(current_user))
    municipality = db.session.get(Municipality, current_user.staff_municipality_id)
    if municipality is None:
        abort(403)
    return municipality


@bp.get("/admin/moderation/")
@login_required
def staff_queue():
    municipality = _staff()
    page = services.queue(municipality.id, cursor=request.args.get("cursor"))
    return render_template(
        "moderation/queue.html",
        space=None,
        page=page,
        staff=True,
        municipality=municipality,
        open_count=services.open_count(municipality.id),
        appeal_count=len(services.appeals(municipality.id)),
    )


@bp.route("/admin/moderation/cases/<int:case_id>", methods=["GET", "POST"])
@login_required
def staff_case(case_id: int):
    municipality = _staff()
    case = db.session.get(Case, case_id)
    if case is None or case.municipality_id != municipality.id:
        abort(404)
    return _case_page(case, staff=True, space=None)


@bp.get("/admin/moderation/appeals")
@login_required
def appeals():
    municipality = _staff()
    return render_template(
        "moderation/appeals.html",
        municipality=municipality,
        open=services.appeals(municipality.id),
        labels=ACTION_LABELS,
    )


# --- a decision, seen by its author (appeal) and by staff (decide) --------------------------------


@bp.route("/moderation/decisions/<int:action_id>", methods=["GET", "POST"])
@login_required
def action_detail(action_id: int):
    action = db.session.get(Action, action_id)
    if action is None:
        abort(404)
    is_author = action.author_id == current_user.id
    is_staff = permissions.is_staff_of(current_user, action.municipality_id)
    if not (is_author or is_staff):
        abort(404)
    appeal_form, decide_form = AppealForm(prefix="appeal"), DecideForm(prefix="decide")
    status = 200
    if request.method == "POST":
        form = appeal_form if "appeal-text" in request.form else decide_form
        if form.validate_on_submit():
            try:
                if form is appeal_form:
                    require(is_author, hide=True)
                    services.appeal(action, by=current_user, text=appeal_form.text.data)
                    message = _("Your appeal is sent. The municipality's staff will answer you.")
                else:
                    require(is_staff, hide=True)
                    services.decide_appeal(
                        action,
                        by=current_user,
                        decision=AppealDecision(decide_form.decision.data),
                        note=decide_form.note.data,
                    )
                    message = _("The appeal is decided and the author is told.")
            except DomainError as exc:
                db.session.rollback()
                _attach(form, exc, "text" if form is appeal_form else "note")
                flash(str(exc), "error")  # the form may no longer be on the page (appealed already)
                status = 400
            else:
                db.session.commit()
                flash(message, "success")
                return redirect(url_for("moderation.action_detail", action_id=action.id))
        else:
            status = 400
    content_type = registry.get(action.content_type)
    obj = registry.load(action.content_type, action.content_id)
    return render_template(
        "moderation/decision.html",
        action=action,
        content_type=content_type,
        obj=obj,
        title=content_type.title_of(obj) if content_type and obj is not None else "",
        excerpt=content_type.excerpt_of(obj) if content_type and obj is not None else "",
        space=db.session.get(Space, action.space_id) if action.space_id else None,
        deadline=permissions.appeal_deadline(action),
        appeal_form=appeal_form,
        decide_form=decide_form,
        is_author=is_author,
        is_staff=is_staff,
    ), status


@bp.get("/moderation/decisions/")
@login_required
def my_decisions():
    return render_template("moderation/my_decisions.html", actions=services.actions_about(current_user))


# --- watched words and protected names --------------------------------------------------------------


def _words_page(municipality_id: int, space: Space | None, template_space: Space | None, action_url: str):
    form = WordForm()
    if not permissions.is_staff_of(current_user, municipality_id):
        # /patterns/ are for the municipality's staff: a space's moderators write words and phrases.
        form.pattern.label.text = _("Word or phrase")
        form.pattern.description = _("Other forms of a word are caught too.")
    status = 200
    if form.validate_on_submit():
        try:
            services.add_word(
                municipality_id,
                pattern=form.pattern.data,
                action=WordAction(form.action.data),
                by=current_user,
                space=space,
            )
        except DomainError as exc:
            db.session.rollback()
            _attach(form, exc, "pattern")
            status = 400
        else:
            db.session.commit()
            flash(_("“%(word)s” is on the list.", word=form.pattern.data), "success")
            return redirect(action_url)
    elif form.errors:
        status = 400
    return render_template(
        "moderation/words.html",
        form=form,
        words=services.watched_words(municipality_id, space),
        space=template_space,
        scope_space=space,
        action_url=action_url,
        delete_form=ActionForm(),
    ), status


@bp.route("/admin/moderation/words", methods=["GET", "POST"])
@login_required
def staff_words():
    municipality = _staff()
    return _words_page(municipality.id, None, None, url_for("moderation.staff_words"))


@bp.route("/s/<space_slug>/moderation/words", methods=["GET", "POST"])
@login_required
def space_words():
    space = _space_moderator()
    return _words_page(
        space.municipality_id, space, space, url_for("moderation.space_words", space_slug=space.slug)
    )


@bp.post("/moderation/words/<int:word_id>/delete")
@login_required
def delete_word(word_id: int):
    word = db.session.get(WatchedWord, word_id)
    if word is None:
        abort(404)
    space = db.session.get(Space, word.space_id) if word.space_id else None
    allowed = permissions.is_staff_of(current_user, word.municipality_id) or (
        space is not None and permissions.can_moderate(current_user, space)
    )
    require(allowed, hide=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_word(word, by=current_user)
    db.session.commit()
    flash(_("“%(word)s” is off the list.", word=word.pattern), "success")
    if space is not None and not permissions.is_staff_of(current_user, word.municipality_id):
        return redirect(url_for("moderation.space_words", space_slug=space.slug))
    return redirect(
        url_for("moderation.staff_words")
        if space is None
        else url_for("moderation.space_words", space_slug=space.slug)
    )


@bp.route("/admin/moderation/protected", methods=["GET", "POST"])
@login_required
def protected():
    municipality = _staff()
    form = ProtectedForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.add_protected(
                municipality.id,
                name=form.name.data,
                variants=form.variants.data or "",
                email=form.email.data or "",
                by=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            _attach(form, exc, "name")
            status = 400
        else:
            db.session.commit()
            flash(_("%(name)s is protected.", name=form.name.data), "success")
            return redirect(url_for("moderation.protected"))
    elif form.errors:
        status = 400
    return render_template(
        "moderation/protected.html",
        form=form,
        people=services.protected_people(municipality.id),
        delete_form=ActionForm(),
    ), status


@bp.post("/admin/moderation/protected/<int:person_id>/delete")
@login_required
def delete_protected(person_id: int):
    municipality = _staff()
    person = db.session.get(ProtectedPerson, person_id)
    if person is None or person.municipality_id != municipality.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_protected(person, by=current_user)
    db.session.commit()
    return redirect(url_for("moderation.protected"))


# --- the audit log ---------------------------------------------------------------------------------


@bp.get("/admin/moderation/audit.csv", endpoint="audit_csv")
@bp.get("/admin/moderation/audit")
@login_required
def audit_log():
    municipality = _staff()
    form = AuditFilterForm(request.args)
    spaces = list(
        db.session.scalars(
            sa.select(Space).where(Space.municipality_id == municipality.id).order_by(Space.name)
        )
    )
    form.action.choices = [("", _("Every action"))] + [(k.value, str(ACTION_LABELS[k])) for k in ActionKind]
    form.space.choices = [("", _("Every space"))] + [(str(s.id), s.title) for s in spaces]
    action = ActionKind(form.action.data) if form.action.data in ActionKind._value2member_map_ else None
    space_id = int(form.space.data) if (form.space.data or "").isdigit() else None
    since, until = _audit_dates(form)
    f = services.AuditFilter(
        action=action, space_id=space_id, actor=(form.actor.data or "")[:80], since=since, until=until
    )
    if form.since.errors or form.until.errors:
        return render_template(
            "moderation/audit.html", form=form, page=services.Page([], None), spaces={}, args={}
        ), 400
    if request.endpoint == "moderation.audit_csv":
        return _audit_csv(
            services.audit_entries(municipality.id, f, limit=None).items, {s.id: s.title for s in spaces}
        )
    page = services.audit_entries(municipality.id, f, cursor=request.args.get("cursor"))
    return render_template(
        "moderation/audit.html",
        form=form,
        page=page,
        spaces={s.id: s.title for s in spaces},
        args={k: v for k, v in request.args.items() if k in ("action", "space", "actor", "since", "until")},
    )


def _audit_dates(form: AuditFilterForm) -> tuple[datetime | None, datetime | None]:
    """The filter's dates as Danish days in UTC: from the start of the first to the end of the last."""
    since = form.since.data if form.since.raw_data and form.since.validate(form) else None
    until = form.until.data if form.until.raw_data and form.until.validate(form) else None
    if since and until and until < since:
        form.until.errors = [_("The last day is before the first. Swap them, or change one.")]
        return None, None
    return (
        to_utc(datetime.combine(since, time.min)) if since else None,
        to_utc(datetime.combine(until + timedelta(days=1), time.min)) if until else None,
    )


def _audit_csv(entries, spaces: dict[int, str]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "when_utc",
            "who",
            "action",
            "space",
            "content_type",
            "content_id",
            "about_user_id",
            "reason",
            "before",
            "after",
        ]
    )
    for e in entries:
        writer.writerow(
            [
                e.id,
                e.created_at.isoformat(timespec="seconds"),
                e.actor_name,
                e.action.value,
                spaces.get(e.space_id, "") if e.space_id else "",
                e.content_type or "",
                e.content_id or "",
                e.target_user_id or "",
                _csv_safe(e.reason),
                _csv_safe(e.before or ""),
                _csv_safe(e.after or ""),
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# --- blocking --------------------------------------------------------------------------------------


def _other(user_id: int) -> User:
    other = db.session.get(User, user_id)
    if other is None or other.is_deleted:
        abort(404)
    return other


@bp.post("/people/<int:user_id>/block")
@login_required
def block(user_id: int):
    other = _other(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.block(current_user, other)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _(
                "You blocked %(name)s. You will not meet in private conversations, help offers or "
                "mentions, and their posts are collapsed for you.",
                name=other.display_name,
            ),
            "success",
        )
    return redirect(url_for("moderation.blocked"))


@bp.post("/people/<int:user_id>/unblock")
@login_required
def unblock(user_id: int):
    other = _other(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.unblock(current_user, other.id)
    db.session.commit()
    flash(_("%(name)s is no longer blocked.", name=other.display_name), "success")
    return redirect(url_for("moderation.blocked"))


@bp.get("/profile/blocked")
@login_required
def blocked():
    return render_template(
        "moderation/blocked.html", blocks=services.blocked_by(current_user), form=ActionForm()
    )


# --- a citizen's own data ------------------------------------------------------------------------------


@bp.route("/profile/data", methods=["GET", "POST"])
@login_required
def my_data():
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        privacy.export_data(current_user.id)
        flash(
            _("We are putting your data together. You get an e-mail with a download link when it is ready."),
            "success",
        )
        return redirect(url_for("moderation.my_data"))
    return render_template("moderation/my_data.html", form=form, days=privacy.export_days())


@bp.get("/profile/data/<token>")
@login_required
def download_data(token: str):
    try:
        user_id, path = privacy.read_download_token(token)
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("moderation.my_data"))
    if user_id != current_user.id:
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name="faelled-data.zip")


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            hasher().verify(current_user.password_hash, form.password.data)
        except Exception:
            form.password.errors = [_("The password is not right. Try again.")]
        else:
            from flask_login import logout_user

            user = current_user._get_current_object()
            privacy.delete_account(user, by=user, keep_content=form.content.data != "delete")
            db.session.commit()
            logout_user()
            flash(_("Your account is deleted. Thank you for the time you spent with us."), "success")
            return redirect(url_for("spaces.index"))
    return render_template("moderation/delete_account.html", form=form), 400 if form.errors else 200


@bp.route("/admin/moderation/people", methods=["GET", "POST"])
@login_required
def staff_person():
    """Staff act on a citizen's request (by letter, at the desk): their data, or deleting the account."""
    municipality = _staff()
    find = PersonForm(prefix="find")
    person = None
    email = request.values.get("find-email", "")
    if email:
        person = user_by_email(email)
        if person is None or person.is_deleted:
            find.email.errors = [_("No account has this e-mail address.")]
            person = None
        elif not privacy.linked_to(person, municipality):
            # Staff act for their own municipality's people only: another's citizen is not theirs.
            find.email.errors = [privacy.not_linked_message(municipality)]
            person = None
    delete_form = StaffDeleteForm(prefix="delete")
    if request.method == "POST" and person is not None:
        what = request.form.get("what")
        if what == "export" and ActionForm().validate_on_submit():
            privacy.export_data(person.id, current_user.id)
            flash(
                _("The data is being put together; the link goes to %(email)s.", email=person.email),
                "success",
            )
            return redirect(url_for("moderation.staff_person"))
        if what == "delete":
            if delete_form.validate_on_submit():
                privacy.delete_account(
                    person, by=current_user, keep_content=delete_form.content.data != "delete"
                )
                db.session.commit()
                flash(_("The account is deleted and the audit log says so."), "success")
                return redirect(url_for("moderation.staff_person"))
            flash_errors(delete_form)
    return render_template(
        "moderation/staff_person.html",
        find=find,
        person=person,
        delete_form=delete_form,
        action_form=ActionForm(),
    ), 400 if find.email.errors else 200
