"""The live Q&A hour: scheduling, the page with its live fragment (polled by htmx every 5 seconds, a
204 when nothing changed, an ETag for plain conditional requests), the presenter view, asking, voting,
moderating and answering, and the archive."""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_login import current_user, login_required
from flask_login.config import COOKIE_NAME
from markupsafe import Markup

from community.accounts.models import User
from community.db import utcnow
from community.engagement import bp, permissions
from community.engagement.forms import ActionForm, AnswerForm, AskForm, MergeForm, QASessionForm, ReasonForm
from community.engagement.models import QARole, QASession, Question, QuestionState
from community.engagement.moderation import visible
from community.engagement.services import qa as service
from community.engagement.services.common import officials_of
from community.engagement.views import attach_error, chosen_space, load, municipality, space_choices
from community.errors import DomainError
from community.extensions import db
from community.forms import Kept, attention_status, flash_errors
from community.i18n import _, current_language, request_locale, to_utc
from community.moderation.permissions import can_see_content
from community.permissions import require
from community.spaces.models import Space, Visibility
from community.text import plain_excerpt

PRESENTER_TOP = 5
#: The live fragment as anonymous viewers see it, by its tag (session, version, phase, language, view):
#: hundreds of viewers polling the same version cost one rendering per worker. Per-viewer fragments
#: (votes, moderation) are never kept; an old version is never asked for again, so a small LRU is enough.
_ANONYMOUS_FRAGMENTS: OrderedDict[str, dict[Any, Any]] = OrderedDict()
_FRAGMENTS_KEPT = 32


@bp.route("/qa/new", methods=["GET", "POST"])
@login_required
def qa_new():
    place = municipality()
    require(permissions.can_create(current_user, place.id))
    form = QASessionForm()
    form.space_id.choices = space_choices(place)
    officials = officials_of(place.id)
    form.hosts.choices = [(u.id, u.display_name) for u in officials]
    if form.validate_on_submit():
        try:
            data = service.SessionInput(
                title=form.title.data,
                description=form.description.data or "",
                starts_at=to_utc(form.starts_at.data),
                ends_at=to_utc(form.ends_at.data),
                host_ids=list(form.hosts.data or []),
                open_hours_before=form.open_hours_before.data,
                premoderated=form.premoderated.data,
                space=chosen_space(place, form.space_id.data),
                helper_emails=[e for e in (form.helpers.data or "").split(",") if e.strip()],
            )
            session = service.create_session(place, data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("The Q&A hour is scheduled."), "success")
            return redirect(url_for("engagement.qa_detail", session_id=session.id))
    return render_template("engagement/qa_new.html", form=form), (400 if form.errors else 200)


def _session(session_id: int) -> QASession:
    return load(QASession, session_id)


def _tag(
    session_id: int, created_at: datetime, version: int, phase: str, viewer: int, language: str, view: str
) -> str:
    """What the viewer's copy of the fragment depends on: the session (``created_at``: ids can come
    back in a restored database), its version and phase, the viewer (0: signed out), the language and
    the view (the page or the presenter's screen)."""
    made = created_at.strftime("%y%m%d%H%M%S%f")
    return f"qa{session_id}.{made}-v{version}-{phase}-u{viewer}-{language}-{view}"


def _live_tag(session: QASession, view: str) -> str:
    viewer = current_user.id if current_user.is_authenticated else 0
    return _tag(
        session.id, session.created_at, session.version, session.phase(), viewer, current_language(), view
    )


@functools.cache
def _version_row(*, signed_in: bool) -> sa.Select:
    """The one row ``_unchanged`` reads (built once: it is asked hundreds of times a second): the
    session's version, times and visibility, and with ``signed_in`` the id and language of the account
    whose session token the cookie carries, as Flask-Login's loader finds it (``load_user``)."""
    query = (
        sa.select(
            QASession.version,
            QASession.created_at,
            QASession.opens_at,
            QASession.starts_at,
            QASession.ends_at,
            QASession.space_id,
            Space.visibility,
        )
        .select_from(QASession)
        .outerjoin(Space, Space.id == QASession.space_id)
        .where(QASession.id == sa.bindparam("session_id"))
    )
    if signed_in:
        query = query.add_columns(User.id, User.locale).outerjoin(
            User, sa.and_(User.session_token == sa.bindparam("token"), User.active)
        )
    return query


def _unchanged(session_id: int, view: str) -> Response | None:
    """The poll's usual answer, "your copy is current" (204 for htmx's ``X-Live-Tag``, 304 for a
    matching ``If-None-Match``), from one Core SELECT: the session's version, times and visibility, and
    the signed-in viewer's id and language by the session cookie's token (what Flask-Login's loader
    would read), before the session object, Flask-Login's user or any permission is loaded. None: the
    fragment must be looked at properly (``qa_live`` goes on). Only a session everyone may see
    (``can_view_space``: the whole municipality's, or a public space's) is answered here; one in a
    members-only space always goes the whole way, through ``load`` and its 404, so nobody who may not
    see it learns anything of it from this shortcut."""
    claimed = request.headers.get("X-Live-Tag")
    if not claimed and not request.if_none_match:
        return None
    token = flask_session.get("_user_id")
    if token is None and request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)):
        return None  # Flask-Login would sign them in from the remember-me cookie: let it
    if token is not None and current_app.config.get("SESSION_PROTECTION") == "strong":
        return None  # a changed address could sign them out: let Flask-Login decide
    if token is None:
        row = db.session.execute(_version_row(signed_in=False), {"session_id": session_id}).first()
    else:
        row = db.session.execute(
            _version_row(signed_in=True), {"session_id": session_id, "token": str(token)}
        ).first()
    if row is None or (row.space_id is not None and row.visibility != Visibility.PUBLIC):
        return None
    viewer = row.id if token is not None and row.id is not None else 0
    own_language = row.locale if viewer else None
    phase = QASession.phase_of(row.opens_at, row.starts_at, row.ends_at)
    tag = _tag(session_id, row.created_at, row.version, phase, viewer, request_locale(own_language), view)
    if claimed == tag:
        return Response(status=204)
    if request.if_none_match.contains(tag):
        unchanged = Response(status=304)
        unchanged.set_etag(tag)
        return unchanged
    return None


def _status_text(items: list[Question]) -> str:
    now = next((q for q in items if q.answering_since is not None and not q.is_answered), None)
    if now is None:
        return ""
    return _("Answering now: %(question)s", question=plain_excerpt(now.body, 120))


def _live_context(session: QASession, *, screen: bool = False) -> dict[str, Any]:
    """What the live page shows this viewer; ``screen``: the presenter's view for the room, which shows
    only what everyone may see."""
    moderator = permissions.can_moderate(current_user, session)
    items = service.questions(
        session,
        moderator=moderator and not screen,
        visible=None if screen else visible(Question, current_user, session),
    )
    status = _status_text(items)
    return {
        "session": session,
        "items": items,
        "mine": service.my_votes(session, current_user),
        "moderator": moderator,
        "answerer": permissions.can_answer(current_user, session),
        "figures": service.figures(session),
        "deadlines": service.deadlines(session),
        "now": utcnow(),
        "status": status,
        "status_digest": hashlib.sha1(status.encode()).hexdigest()[:10],
        "published": [q for q in items if q.state == QuestionState.PUBLISHED and q.is_visible_to_all],
    }


@bp.get("/qa/<int:session_id>")
def qa_detail(session_id: int):
    return _detail(_session(session_id))


def _detail(session: QASession, *, form: AskForm | None = None, kept: Kept | None = None) -> str:
    """The Q&A hour's page; ``form``: the question the person just asked, ``kept``: an answer that
    needs its author's attention (see ``community.forms.Kept``), both shown again in place."""
    context = _live_context(session)
    return render_template(
        "engagement/qa_detail.html",
        **context,
        space=session.space,
        hosts=service.people(session, QARole.HOST),
        live_tag=_live_tag(session, "page"),
        form=form or AskForm(formdata=None),
        kept=kept,
        can_ask=permissions.can_ask(current_user, session),
        merged=service.merged_into(session) if session.is_closed else {},
    )


@bp.get("/qa/<int:session_id>/live")
def qa_live(session_id: int):
    """The part of the page that changes: a 204 when the viewer's copy is current (htmx then swaps
    nothing), a 304 for a matching ETag, else the fragment."""
    view = "presenter" if request.args.get("view") == "presenter" else "page"
    unchanged = _unchanged(session_id, view)
    if unchanged is not None:
        return unchanged
    session = _session(session_id)
    tag = _live_tag(session, view)
    if request.headers.get("X-Live-Tag") == tag:
        return Response(status=204)
    if request.if_none_match.contains(tag):
        unchanged = Response(status=304)
        unchanged.set_etag(tag)
        return unchanged
    # Anonymous viewers of one version see the same fragment (with or without the status line for
    # screen readers, which depends only on what their copy said): rendered once per worker.
    anonymous = not current_user.is_authenticated
    entry: dict[Any, Any] = (_ANONYMOUS_FRAGMENTS.get(tag) if anonymous else None) or {}
    context = None
    screen = view == "presenter"
    if "digest" not in entry:
        context = _live_context(session, screen=screen)
        entry["digest"] = context["status_digest"]
    oob = request.headers.get("X-Live-Status") not in (None, entry["digest"])
    html = entry.get(oob)
    if html is None:
        context = context or _live_context(session, screen=screen)
        template = "engagement/_qa_presenter.html" if view == "presenter" else "engagement/_qa_live.html"
        html = entry[oob] = render_template(template, **context, live_tag=tag, oob_status=oob)
    if anonymous:
        _ANONYMOUS_FRAGMENTS[tag] = entry
        _ANONYMOUS_FRAGMENTS.move_to_end(tag)
        while len(_ANONYMOUS_FRAGMENTS) > _FRAGMENTS_KEPT:
            _ANONYMOUS_FRAGMENTS.popitem(last=False)
    response = Response(html, mimetype="text/html")
    response.set_etag(tag)
    response.cache_control.no_cache = True
    response.cache_control.private = True
    response.vary.update(("Cookie", "Accept-Language", "X-Live-Tag"))
    return response


@bp.get("/qa/<int:session_id>/presenter")
def qa_presenter(session_id: int):
    session = _session(session_id)
    return render_template(
        "engagement/qa_presenter.html",
        **_live_context(session, screen=True),
        space=session.space,
        live_tag=_live_tag(session, "presenter"),
    )


def _back(session: QASession, question: Question | None = None):
    anchor = f"q-{question.id}" if question is not None else None
    return redirect(url_for("engagement.qa_detail", session_id=session.id, _anchor=anchor))


@bp.post("/qa/<int:session_id>/ask")
@login_required
def qa_ask(session_id: int):
    session = _session(session_id)
    form = AskForm()
    if form.validate_on_submit():
        try:
            question = service.ask(
                session, body=form.body.data, anonymous=form.anonymous.data, by=current_user
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "body")
        else:
            db.session.commit()
            if question.state == QuestionState.PENDING:
                flash(_("Thank you. A moderator publishes your question shortly."), "success")
            else:
                flash(_("Your question is published."), "success")
            return _back(session, question)
    return _detail(_session(session_id), form=form), attention_status(form)


def _question(question_id: int, *, voting: bool = False) -> tuple[QASession, Question]:
    """The question and its session, for its moderators and, while it is published, for everyone who
    may see the session; a waiting or hidden one is a 404 for others, except that its asker and its
    voters (who know it exists) reach a vote on it, which the service refuses with a message."""
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    session = _session(question.session_id)
    if (
        question.state in (QuestionState.PENDING, QuestionState.HIDDEN)
        and not permissions.can_moderate(current_user, session)
        and not (voting and permissions.knows_of_question(current_user, question))
    ):
        abort(404)
    if not can_see_content(current_user, question):
        abort(404)  # hidden or held by moderation: only its asker and its moderators reach it
    return session, question


def _act(question_id: int, action, message: str, form: Any = None, *, voting: bool = False):
    """Loads the question, validates the form (by default only its CSRF token), runs the service,
    commits once and goes back to the question; a refusal is flashed."""
    session, question = _question(question_id, voting=voting)
    form = form if form is not None else ActionForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(session, question)
    try:
        action(question, form)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return _back(session, question)


@bp.post("/qa/questions/<int:question_id>/vote")
@login_required
def qa_vote(question_id: int):
    return _act(
        question_id, lambda q, f: service.vote(q, by=current_user), _("Your vote is counted."), voting=True
    )


@bp.post("/qa/questions/<int:question_id>/unvote")
@login_required
def qa_unvote(question_id: int):
    return _act(
        question_id,
        lambda q, f: service.unvote(q, by=current_user),
        _("Your vote is withdrawn."),
        voting=True,
    )


def _moderation(question_id: int) -> None:
    session, _question_found = _question(question_id)
    require(permissions.can_moderate(current_user, session))


@bp.post("/qa/questions/<int:question_id>/publish")
@login_required
def qa_publish(question_id: int):
    _moderation(question_id)
    return _act(
        question_id, lambda q, f: service.publish(q, by=current_user), _("The question is published.")
    )


@bp.post("/qa/questions/<int:question_id>/hide")
@login_required
def qa_hide(question_id: int):
    _moderation(question_id)
    return _act(
        question_id,
        lambda q, f: service.hide(q, reason=f.reason.data, by=current_user),
        _("The question is hidden."),
        ReasonForm(),
    )


@bp.post("/qa/questions/<int:question_id>/merge")
@login_required
def qa_merge(question_id: int):
    _moderation(question_id)

    def merge(question: Question, form: MergeForm) -> None:
        service.merge(question, into_id=form.into.data, by=current_user)

    return _act(question_id, merge, _("The question is merged; its votes moved along."), MergeForm())


@bp.post("/qa/questions/<int:question_id>/answering")
@login_required
def qa_answering(question_id: int):
    _moderation(question_id)
    return _act(
        question_id, lambda q, f: service.mark_answering(q, by=current_user), _("Marked as answering now.")
    )


@bp.post("/qa/questions/<int:question_id>/answer")
@login_required
def qa_answer(question_id: int):
    session, question = _question(question_id)
    require(permissions.can_answer(current_user, session))
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            service.answer(question, text=form.answer.data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "answer")
        else:
            db.session.commit()
            flash(_("Your answer is published."), "success")
            return _back(session, question)
    kept = Kept(form, ("answer", question_id))
    return _detail(_session(session.id), kept=kept), kept.status


@bp.app_template_filter("share")
def _share(value: float | None) -> str:
    from community.i18n import format_decimal

    if value is None:
        return "–"
    return format_decimal(round(value * 100)) + " %"


@bp.app_template_global("asker")
def _asker(question: Question) -> Markup | str:
    """Who asked, as this viewer may see it."""
    if question.author is None:
        return _("Deleted account")
    if not permissions.can_see_asker(current_user, question):
        return _("Anonymous")
    if question.anonymous:
        return Markup('%s <span class="meta">(%s)</span>') % (
            question.author.display_name,
            _("anonymous to citizens"),
        )
    return question.author.display_name
