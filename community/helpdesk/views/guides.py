from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.errors import DomainError
from community.extensions import db
from community.helpdesk import bp, permissions
from community.helpdesk.forms import GuideForm, TopicForm
from community.helpdesk.models import GUIDE_LANGUAGES, Guide
from community.helpdesk.services import sessions, topics
from community.helpdesk.services.topics import StepInput, split_steps
from community.helpdesk.views import municipality
from community.i18n import _
from community.permissions import require


@bp.get("/")
def index():
    """Where to get help with Digital Post, MitID and borger.dk, and the rules that keep it safe."""
    place = municipality()
    upcoming = sessions.upcoming(place.id, limit=6)
    return render_template(
        "helpdesk/index.html",
        municipality=place,
        topics=topics.topics(place.id),
        upcoming=upcoming,
        seats=sessions.seats_for(upcoming),
        profile=permissions.volunteer_of(current_user),
        organiser=permissions.is_organiser(current_user, place.id),
    )


def _topic(slug: str):
    found = topics.topic_by_slug(slug)
    if found is None or found.municipality_id != municipality().id:
        abort(404)
    return found


@bp.get("/topics/<slug>")
def topic(slug: str):
    return render_template(
        "helpdesk/topic.html",
        topic=_topic(slug),
        guide_languages=GUIDE_LANGUAGES,
        can_edit=permissions.can_edit_guides(current_user, municipality().id),
    )


@bp.route("/topics/new", methods=["GET", "POST"])
@bp.route("/topics/<slug>/edit", methods=["GET", "POST"])
@login_required
def topic_edit(slug: str | None = None):
    place = municipality()
    require(permissions.can_edit_guides(current_user, place.id))
    found = _topic(slug) if slug else None
    form = TopicForm(obj=found)
    if form.validate_on_submit():
        try:
            saved = topics.save_topic(
                place.id, name=form.name.data, summary=form.summary.data or "", topic=found
            )
        except DomainError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The topic is saved."), "success")
            return redirect(url_for("helpdesk.topic", slug=saved.slug))
    return render_template("helpdesk/topic_edit.html", form=form, topic=found), 400 if form.errors else 200


def _guide(guide_id: int) -> Guide:
    found = db.session.get(Guide, guide_id)
    if found is None or found.topic.municipality_id != municipality().id:
        abort(404)
    return found


@bp.get("/guides/<int:guide_id>")
def guide(guide_id: int):
    found = _guide(guide_id)
    return render_template(
        "helpdesk/guide.html",
        guide=found,
        large=False,
        can_edit=permissions.can_edit_guides(current_user, municipality().id),
    )


@bp.get("/guides/<int:guide_id>/print")
def guide_print(guide_id: int):
    """Large print, made for paper: one step at a time, big letters, no navigation."""
    return render_template("helpdesk/guide_print.html", guide=_guide(guide_id))


@bp.route("/topics/<slug>/guides/new", methods=["GET", "POST"])
@bp.route("/guides/<int:guide_id>/edit", methods=["GET", "POST"])
@login_required
def guide_edit(slug: str | None = None, guide_id: int | None = None):
    require(permissions.can_edit_guides(current_user, municipality().id))
    found = _guide(guide_id) if guide_id else None
    parent = found.topic if found else _topic(slug)  # type: ignore[arg-type]
    form = GuideForm(obj=found)
    if request.method == "GET" and found is not None:
        form.steps.data = "\n\n".join(s.text for s in found.steps)
        form.image_alts.data = "\n".join(s.image_alt for s in found.steps if s.image)
    if form.validate_on_submit():
        texts = split_steps(form.steps.data)
        uploads = [f for f in request.files.getlist(form.images.name) if f and f.filename]
        alts = [line.strip() for line in (form.image_alts.data or "").splitlines()]
        steps = [
            StepInput(text, uploads[i] if i < len(uploads) else None, alts[i] if i < len(alts) else "")
            for i, text in enumerate(texts)
        ]
        try:
            saved = topics.save_guide(
                parent,
                title=form.title.data,
                summary=form.summary.data or "",
                language=form.language.data,
                steps=steps,
                by=current_user,
                guide=found,
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field if exc.field in ("steps", "images") else "title").errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The guide is saved."), "success")
            return redirect(url_for("helpdesk.guide", guide_id=saved.id))
    return render_template("helpdesk/guide_edit.html", form=form, guide=found, topic=parent), (
        400 if form.errors else 200
    )
