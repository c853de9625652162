"""The idea portal: the list (keyset pages, filters, Danish search), a new idea with similar ones shown
before it is saved, support, comments, official responses and merging."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community import geo
from community.engagement import bp, permissions
from community.engagement.forms import (
    ActionForm,
    CommentForm,
    IdeaForm,
    IdeaMergeForm,
    IdeaResponseForm,
)
from community.engagement.models import (
    IDEA_CATEGORY_LABELS,
    IDEA_STATE_LABELS,
    IDEA_TRANSITIONS,
    Idea,
    IdeaCategory,
    IdeaComment,
    IdeaState,
    PromiseKind,
)
from community.engagement.moderation import visible
from community.engagement.services import ideas as service
from community.engagement.services import promises
from community.engagement.services.common import settings_for
from community.engagement.views import (
    attach_error,
    chosen_space,
    load,
    municipality,
    municipality_visible,
    space_choices,
    visible_space_ids,
)
from community.errors import DomainError
from community.extensions import db
from community.forms import Kept, flash_errors
from community.i18n import _
from community.permissions import require


@bp.get("/ideas/")
def idea_list():
    place = municipality()
    state_arg = request.args.get("state")
    state = IdeaState(state_arg) if state_arg in IdeaState._value2member_map_ else None
    category_arg = request.args.get("category")
    category = IdeaCategory(category_arg) if category_arg in IdeaCategory._value2member_map_ else None
    order = "support" if request.args.get("order") == "support" else "new"
    query = (request.args.get("q") or "").strip()[:200]
    if query:
        items, next_cursor = service.found(place.id, query, visible=municipality_visible(Idea, place)), None
    else:
        page = service.listed(
            place.id,
            state=state,
            category=category,
            order=order,
            cursor=request.args.get("cursor"),
            space_ids=visible_space_ids(),
            visible=municipality_visible(Idea, place),
        )
        items, next_cursor = page.items, page.next_cursor
    return render_template(
        "engagement/ideas.html",
        items=[i for i in items if permissions.can_view(current_user, i)] if query else items,
        next_cursor=next_cursor,
        state=state,
        category=category,
        order=order,
        query=query,
        states=IDEA_STATE_LABELS,
        categories=IDEA_CATEGORY_LABELS,
        threshold=settings_for(place.id).idea_threshold,
        can_submit=permissions.can_submit_idea(current_user, place.id),
    )


@bp.route("/ideas/new", methods=["GET", "POST"])
@login_required
def idea_new():
    place = municipality()
    require(permissions.can_submit_idea(current_user, place.id))
    form = IdeaForm()
    form.space_id.choices = space_choices(place)
    similar = []
    if form.validate_on_submit():
        try:
            lat = lon = None
            label = ""
            if (form.place.data or "").strip():
                try:
                    found = geo.resolve(form.place.data)
                except DomainError as exc:
                    raise DomainError(str(exc), field="place") from exc
                lat, lon, label = found.lat, found.lon, found.label
            if form.confirmed.data != "1":
                similar = service.similar(
                    place.id, form.title.data, form.body.data, visible=municipality_visible(Idea, place)
                )
            if not similar:
                idea = service.submit(
                    place,
                    service.IdeaInput(
                        title=form.title.data,
                        body=form.body.data,
                        category=IdeaCategory(form.category.data),
                        place_label=label,
                        latitude=lat,
                        longitude=lon,
                        image=request.files.get(form.image.name),
                        image_alt=form.image_alt.data or "",
                        space=chosen_space(place, form.space_id.data),
                    ),
                    by=current_user,
                )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "body")
        else:
            if not similar:
                db.session.commit()
                flash(_("Thank you. Your idea is published."), "success")
                return redirect(url_for("engagement.idea_detail", idea_id=idea.id))
            form.confirmed.data = "1"
    return render_template(
        "engagement/idea_new.html", form=form, similar=similar, places=geo.place_labels(), municipality=place
    ), (400 if form.errors else 200)


def _page(idea: Idea, *, kept: Kept | None = None, response_form=None, merge_form=None, status: int = 200):
    response_form = response_form or IdeaResponseForm()
    response_form.state.choices = [(s.value, str(IDEA_STATE_LABELS[s])) for s in IDEA_TRANSITIONS[idea.state]]
    merged_into = db.session.get(Idea, idea.merged_into_id) if idea.merged_into_id else None
    return render_template(
        "engagement/idea_detail.html",
        idea=idea,
        space=idea.space,
        merged_into=merged_into,
        comments=service.comments(idea, visible=visible(IdeaComment, current_user, idea)),
        responses=service.responses(idea),
        supporting=service.supports(idea, current_user),
        promise=promises.tracked(PromiseKind.IDEA, idea.id),
        threshold=settings_for(idea.municipality_id).idea_threshold,
        can_support=permissions.can_support(current_user, idea),
        can_comment=permissions.can_comment_idea(current_user, idea),
        can_respond=permissions.can_respond(current_user, idea) and bool(IDEA_TRANSITIONS[idea.state]),
        can_merge=permissions.can_merge_idea(current_user, idea),
        comment_form=CommentForm(formdata=None),
        kept=kept,
        response_form=response_form,
        merge_form=merge_form or IdeaMergeForm(),
        action_form=ActionForm(),
    ), status


@bp.get("/ideas/<int:idea_id>")
def idea_detail(idea_id: int):
    return _page(load(Idea, idea_id))


def _back(idea: Idea, anchor: str | None = None):
    return redirect(url_for("engagement.idea_detail", idea_id=idea.id, _anchor=anchor))


@bp.post("/ideas/<int:idea_id>/<any(support, unsupport):action>")
@login_required
def idea_support(idea_id: int, action: str):
    idea = load(Idea, idea_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back(idea)
    try:
        if action == "support":
            reached = service.support(idea, by=current_user)
        else:
            service.unsupport(idea, by=current_user)
            reached = False
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if action == "unsupport":
            flash(_("You no longer support the idea."), "info")
        elif reached:
            flash(
                _(
                    "Thank you. Your support brought the idea to the threshold: "
                    "the municipality now promises an answer."
                ),
                "success",
            )
        else:
            flash(_("Thank you for your support."), "success")
    return _back(idea, "support")


@bp.post("/ideas/<int:idea_id>/comment")
@login_required
def idea_comment(idea_id: int):
    idea = load(Idea, idea_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            entry = service.comment(idea, body=form.body.data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "body")
        else:
            db.session.commit()
            flash(_("Your comment is published."), "success")
            return _back(idea, f"c-{entry.id}")
    kept = Kept(form, "comment")
    return _page(load(Idea, idea_id), kept=kept, status=kept.status)


@bp.post("/ideas/<int:idea_id>/respond")
@login_required
def idea_respond(idea_id: int):
    idea = load(Idea, idea_id)
    require(permissions.can_respond(current_user, idea))
    form = IdeaResponseForm()
    form.state.choices = [(s.value, str(IDEA_STATE_LABELS[s])) for s in IDEA_TRANSITIONS[idea.state]]
    if form.validate_on_submit():
        if form.state.data not in IdeaState._value2member_map_:
            form.state.errors.append(_("Choose the new state."))
        else:
            try:
                service.respond(
                    idea, to_state=IdeaState(form.state.data), text=form.text.data, by=current_user
                )
            except DomainError as exc:
                db.session.rollback()
                attach_error(form, exc, "text")
            else:
                db.session.commit()
                flash(_("The response is published, and the supporters are told."), "success")
                return _back(idea, "responses")
    return _page(idea, response_form=form, status=400)


@bp.post("/ideas/<int:idea_id>/merge")
@login_required
def idea_merge(idea_id: int):
    idea = load(Idea, idea_id)
    require(permissions.can_merge_idea(current_user, idea))
    form = IdeaMergeForm()
    if form.validate_on_submit():
        try:
            target = service.merge(idea, into_id=form.into.data, text=form.text.data or "", by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "into")
        else:
            db.session.commit()
            flash(_("The ideas are merged; the supporters moved along."), "success")
            return redirect(url_for("engagement.idea_detail", idea_id=target.id))
    return _page(idea, merge_form=form, status=400)
