from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from community import geo
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm, Kept, small_int
from community.i18n import _, to_local
from community.moderation.permissions import can_see_content, visible_clause
from community.notifications.mail import external_url
from community.permissions import require
from community.spaces.permissions import can_contribute
from community.spaces.tenancy import get_in_space_or_404
from community.villages import bp, permissions
from community.villages.forms import (
    AcceptForm,
    CommentForm,
    EditPostForm,
    PostForm,
    ReplyForm,
    ResolveForm,
    RespondForm,
    RsvpForm,
    VoteForm,
)
from community.villages.models import KIND_LABELS, RSVP_LABELS, Comment, Post, PostKind, Rsvp
from community.villages.services import comments, events, help, polls, posts
from community.villages.views.common import attach_error, feed_filters, official_badges, post_input, space


def _post(post_id: int, options: tuple = ()) -> Post:
    post = get_in_space_or_404(Post, post_id, space(), options)
    if not can_see_content(current_user, post):
        abort(404)  # hidden or held: only its author and the space's moderators reach it
    return post


def _detail_url(post: Post, anchor: str | None = None) -> str:
    return url_for("villages.post_detail", post_id=post.id, _anchor=anchor)


@bp.get("/s/<space_slug>/posts/")
def feed():
    filters = feed_filters(request.args)
    page = posts.feed([space().id], **filters, visible=visible_clause(Post, current_user, space()))
    badges = official_badges(space(), [p.author_id for p in page.items])
    return render_template(
        "villages/feed.html",
        space=space(),
        page=page,
        filters=filters,
        badges=badges,
        kinds=KIND_LABELS,
        can_write=permissions.can_post(current_user, space()),
        followed_tag=posts.tag_named(space(), filters["tag"]) if filters.get("tag") else None,
    )


@bp.route("/s/<space_slug>/posts/new", methods=["GET", "POST"])
@login_required
def write():
    require(can_contribute(current_user, space()))
    kind_value = request.args.get("kind", "")
    if kind_value not in PostKind._value2member_map_:
        allowed = [k for k in PostKind if permissions.can_post(current_user, space(), k)]
        return render_template("villages/choose_kind.html", space=space(), kinds=allowed, labels=KIND_LABELS)
    kind = PostKind(kind_value)
    require(permissions.can_post(current_user, space(), kind))
    form = PostForm()
    if form.validate_on_submit() and (data := post_input(form, kind)) is not None:
        try:
            post = posts.create_post(space(), by=current_user, data=data)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("Your post is published."), "success")
            return redirect(_detail_url(post))
    return render_template(
        "villages/write.html",
        space=space(),
        form=form,
        kind=kind,
        label=KIND_LABELS[kind],
        places=geo.place_labels(),
    ), 400 if form.errors else 200


@bp.get("/s/<space_slug>/posts/<int:post_id>")
def post_detail(post_id: int):
    # The post with its author, pictures and tags in one statement (a handful of rows: one per picture
    # and tag pair).
    return _detail_page(
        _post(post_id, (joinedload(Post.author), joinedload(Post.images), joinedload(Post.tags)))
    )


def _detail_page(post: Post, kept: Kept | None = None) -> str:
    """The post with its comments; ``kept``: a comment, reply or answer to a help post the person just
    sent that needs their attention, shown again in its place (see ``community.forms.Kept``)."""
    page = request.args.get("comments", 1, type=small_int) or 1
    slot = kept.slot if kept is not None else None
    if isinstance(slot, tuple) and (parent := db.session.get(Comment, slot[1])) is not None:
        page = comments.page_of(parent)  # a reply shown again on its thread's page
    conversation = comments.threads(post, page)
    threads = conversation.threads
    authors = [post.author_id, *(c.author_id for t in threads for c in [t.comment, *t.replies])]
    badges = official_badges(space(), authors)
    post_thanked, comment_thanked = comments.thanked_by(current_user, post)
    context = {
        "space": space(),
        "post": post,
        "threads": threads,
        "conversation": conversation,
        "best_answer_url": _best_answer_elsewhere(post, threads),
        "badges": badges,
        "post_thanked": post_thanked,
        "comment_thanked": comment_thanked,
        "comment_form": CommentForm(formdata=None),
        "kept": kept,
        "action_form": ActionForm(),
        "accept_form": AcceptForm(),
    }
    if post.kind == PostKind.EVENT:
        context["attendance"] = events.attendance(post, current_user)
        context.update(rsvp_form=RsvpForm(), rsvp_labels=RSVP_LABELS)
    if post.kind == PostKind.POLL:
        result = polls.results(post, current_user)
        vote_form = VoteForm()
        vote_form.options.choices = [(o.id, o.label) for o in post.options]
        context.update(results=result, vote_form=vote_form, show_results=polls.shows_results(post, result))
    if post.is_help:
        context["respond_form"] = (kept.at("respond") if kept else None) or RespondForm(formdata=None)
        helpers = help.helpers_of(post) if permissions.can_resolve_help(current_user, post, space()) else []
        resolve_form = ResolveForm()
        resolve_form.helper_id.choices = [
            ("", _("Nobody in particular")),
            *((str(u.id), u.display_name) for u in helpers),
        ]
        context.update(resolve_form=resolve_form, helpers=helpers)
    return render_template("villages/post.html", **context)


@bp.route("/s/<space_slug>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post = _post(post_id)
    require(permissions.can_edit_post(current_user, post, space()))
    form = EditPostForm(obj=post)
    form.remove_images.choices = [
        (i.id, i.description or _("Picture %(n)s", n=n)) for n, i in enumerate(post.images, 1)
    ]
    if request.method == "GET":
        form.tags.data = ", ".join(t.name for t in post.tags)
        form.place.data = post.place_label or ""
        form.help_category.data = post.help_category.value if post.help_category else ""
        form.starts_at.data = to_local(post.starts_at) if post.starts_at else None
        form.ends_at.data = to_local(post.ends_at) if post.ends_at else None
    if form.validate_on_submit() and (data := post_input(form, post.kind)) is not None:
        if not (form.place.data or "").strip() and post.place_label:
            data.place = None
        try:
            posts.edit_post(post, space(), by=current_user, data=data)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("Your changes are saved."), "success")
            return redirect(_detail_url(post))
    return render_template(
        "villages/write.html",
        space=space(),
        form=form,
        kind=post.kind,
        post=post,
        label=KIND_LABELS[post.kind],
        places=geo.place_labels(),
    ), 400 if form.errors else 200


def _action(post_id: int, do, message: str | None, *, anchor: str | None = None, url=None):
    """A button that POSTs: load, check the CSRF form, call the service, commit, go back to the post
    (at ``anchor``, or to what ``url()`` names, e.g. a comment on its page of the conversation)."""
    post = _post(post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = do(post)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if message:
            flash(message, "success")
        if result == "deleted":
            return redirect(url_for("spaces.front"))
    return redirect((url and url()) or _detail_url(post, anchor))


@bp.post("/s/<space_slug>/posts/<int:post_id>/delete")
@login_required
def delete(post_id: int):
    def do(post):
        posts.delete_post(post, space(), by=current_user)
        return "deleted"

    return _action(post_id, do, _("The post is deleted."))


@bp.post("/s/<space_slug>/posts/<int:post_id>/pin")
@login_required
def pin(post_id: int):
    return _action(
        post_id, lambda p: posts.set_pinned(p, space(), pinned=not p.pinned, by=current_user), None
    )


@bp.post("/s/<space_slug>/posts/<int:post_id>/close")
@login_required
def close(post_id: int):
    return _action(
        post_id, lambda p: posts.set_closed(p, space(), closed=not p.is_closed, by=current_user), None
    )


@bp.post("/s/<space_slug>/posts/<int:post_id>/thanks")
@login_required
def thank(post_id: int):
    return _action(
        post_id, lambda p: comments.thank_post(p, space(), by=current_user), None, anchor="post-actions"
    )


@bp.post("/s/<space_slug>/posts/<int:post_id>/comments")
@login_required
def comment(post_id: int):
    post = _post(post_id)
    form = CommentForm() if not request.form.get("parent_id") else ReplyForm()
    parent = small_int(form.parent_id.data)
    if form.validate_on_submit():
        try:
            new = comments.add_comment(post, space(), by=current_user, body=form.body.data, parent_id=parent)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "body")
        else:
            db.session.commit()
            return redirect(comments.comment_url(new))
    kept = Kept(form, ("reply", parent) if parent else "comment")
    return _detail_page(_post(post_id), kept), kept.status


def _best_answer_elsewhere(post: Post, threads) -> str | None:
    """Where a question's best answer is when this page of its conversation does not show it."""
    if post.accepted_comment_id is None:
        return None
    if any(c.id == post.accepted_comment_id for t in threads for c in [t.comment, *t.replies]):
        return None
    return _comment_url_in(post.id, post.accepted_comment_id)


def _comment_url_in(post_id: int, comment_id: int) -> str | None:
    """Where a comment of this post is shown, if ``comment_id`` names one."""
    item = db.session.get(Comment, comment_id)
    return comments.comment_url(item) if item is not None and item.post_id == post_id else None


def _comment(comment_id: int) -> Comment:
    return get_in_space_or_404(Comment, comment_id, space())


@bp.route("/s/<space_slug>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    item = _comment(comment_id)
    require(permissions.can_edit_comment(current_user, item, space()))
    form = CommentForm(obj=item)
    if form.validate_on_submit():
        try:
            comments.edit_comment(item, space(), by=current_user, body=form.body.data)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "body")
        else:
            db.session.commit()
            return redirect(comments.comment_url(item))
    post = _post(item.post_id)
    return render_template(
        "villages/edit_comment.html",
        space=space(),
        post=post,
        comment=item,
        back_url=comments.comment_url(item),
        form=form,
        delete_form=ActionForm(),
    ), 400 if form.errors else 200


@bp.post("/s/<space_slug>/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    item = _comment(comment_id)
    return _action(
        item.post_id,
        lambda p: comments.delete_comment(item, p, space(), by=current_user),
        _("The comment is deleted."),
        anchor="comments",
        url=lambda: _comment_url_in(item.post_id, item.id),
    )


@bp.post("/s/<space_slug>/comments/<int:comment_id>/thanks")
@login_required
def thank_comment(comment_id: int):
    item = _comment(comment_id)
    return _action(
        item.post_id,
        lambda p: comments.thank_comment(item, space(), by=current_user),
        None,
        url=lambda: comments.comment_url(item),
    )


@bp.post("/s/<space_slug>/posts/<int:post_id>/accept")
@login_required
def accept(post_id: int):
    form = AcceptForm()
    comment_id = small_int(form.comment_id.data) or -1
    return _action(
        post_id,
        lambda p: comments.accept_answer(p, space(), comment_id=comment_id, by=current_user),
        _("Marked as solved."),
        url=lambda: _comment_url_in(post_id, comment_id),
    )


@bp.post("/s/<space_slug>/posts/<int:post_id>/rsvp")
@login_required
def rsvp(post_id: int):
    form = RsvpForm()
    status = Rsvp(form.status.data) if form.status.data in Rsvp._value2member_map_ else None
    if status is None:
        abort(400)
    return _action(
        post_id,
        lambda p: events.rsvp(p, space(), by=current_user, status=status, waitlist=form.waitlist.data == "1"),
        _("Your answer is saved."),
        anchor="event",
    )


@bp.post("/s/<space_slug>/posts/<int:post_id>/vote")
@login_required
def vote(post_id: int):
    form = VoteForm()
    choice = [n for v in request.form.getlist(form.options.name) if (n := small_int(v)) is not None]
    return _action(
        post_id,
        lambda p: polls.vote(p, space(), by=current_user, option_ids=choice),
        _("Your vote is counted."),
        anchor="poll",
    )


@bp.get("/s/<space_slug>/posts/<int:post_id>/event.ics")
def event_ics(post_id: int):
    post = _post(post_id)
    if post.kind != PostKind.EVENT or post.starts_at is None:
        abort(404)
    url = external_url("villages.post_detail", space_slug=space().slug, post_id=post.id)
    body = events.ics(post, url=url, host=request.host.split(":")[0])
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="event-{post.id}.ics"'},
    )


@bp.post("/s/<space_slug>/posts/<int:post_id>/respond")
@login_required
def respond(post_id: int):
    post = _post(post_id)
    form = RespondForm()
    if form.validate_on_submit():
        try:
            conversation = help.respond(post, space(), by=current_user, message=form.message.data)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "message")
        else:
            db.session.commit()
            flash(_("Your message is sent. Continue the conversation here."), "success")
            return redirect(url_for("conversations.show", conversation_id=conversation.id))
    kept = Kept(form, "respond")
    return _detail_page(_post(post_id), kept), kept.status


@bp.post("/s/<space_slug>/posts/<int:post_id>/resolve")
@login_required
def resolve(post_id: int):
    form = ResolveForm()
    helper_id = small_int(form.helper_id.data)
    return _action(
        post_id,
        lambda p: help.resolve(p, space(), by=current_user, helper_id=helper_id),
        _("Marked as resolved. Thank you for letting the village know!"),
        anchor="help",
    )
