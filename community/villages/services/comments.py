"""Comments with one level of replies, thanks, and the accepted answer of a question."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from community import signals
from community.accounts.models import User
from community.db import bump, insert_new, lock, utcnow
from community.errors import DomainError, NotAllowed
from community.extensions import db
from community.formatting import format_number
from community.i18n import _
from community.notifications.services import notify
from community.spaces.mentions import link_mentions, mentioned
from community.spaces.models import Space
from community.text import render_markdown
from community.villages import permissions
from community.villages.following import person_path
from community.villages.models import Comment, CommentThanks, Post, PostThanks

MAX_COMMENT = 10_000


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write something first."), field="body")
    if len(body) > MAX_COMMENT:
        raise DomainError(_("Write at most %(n)s characters.", n=format_number(MAX_COMMENT)), field="body")
    return body


def add_comment(post: Post, space: Space, *, by: User, body: str, parent_id: int | None = None) -> Comment:
    lock(post)  # a reply and the deletion of what it answers never cross
    if not permissions.can_comment(by, post, space):
        if post.is_closed:
            raise NotAllowed(_("This post is closed for comments."))
        raise NotAllowed(_("Join %(space)s to write here.", space=space.title))
    body = _check_body(body)
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.post_id != post.id:
            raise DomainError(_("The comment you answer is gone. Write a new comment instead."), field="body")
        if parent.parent_id is not None:  # one level of replies: answer the thread
            parent = db.session.get(Comment, parent.parent_id)
    now = utcnow()
    comment = Comment(
        space_id=space.id,
        post_id=post.id,
        author_id=by.id,
        parent_id=parent.id if parent else None,
        body=body,
        created_at=now,
    )
    mentions = mentioned(body, space.id)
    comment.body_html = link_mentions(render_markdown(body), mentions, person_path)
    db.session.add(comment)
    bump(post, "comment_count", 1)
    post.last_activity_at = now
    db.session.flush()
    signals.comment_created.send(comment, post=post, space=space, parent=parent, mentioned=mentions, by=by)
    return comment


def edit_comment(comment: Comment, space: Space, *, by: User, body: str) -> Comment:
    if not permissions.can_edit_comment(by, comment, space):
        raise NotAllowed(_("Only the author and the space's moderators can change this comment."))
    comment.body = _check_body(body)
    comment.body_html = link_mentions(
        render_markdown(comment.body), mentioned(comment.body, space.id), person_path
    )
    if db.session.is_modified(comment):  # saved unchanged, it is not "edited"
        comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(comment: Comment, post: Post, space: Space, *, by: User) -> None:
    """A comment with replies leaves "deleted" in its place, so the replies keep their context."""
    lock(post)
    if not permissions.can_edit_comment(by, comment, space):
        raise NotAllowed(_("Only the author and the space's moderators can delete this comment."))
    if post.accepted_comment_id == comment.id:
        post.accepted_comment_id = None
    has_replies = db.session.scalar(
        sa.select(sa.func.count(Comment.id)).where(Comment.parent_id == comment.id)
    )
    # Deleted by its author and a moderator at the same moment, it is counted off once: by the
    # statement that found it still there.
    this = sa.and_(Comment.id == comment.id, Comment.deleted_at.is_(None))
    if has_replies:
        gone = sa.update(Comment).where(this).values(deleted_at=utcnow(), body="", body_html="")
    else:
        gone = sa.delete(Comment).where(this)
    bump(post, "comment_count", -db.session.execute(gone).rowcount)
    db.session.flush()


def accept_answer(post: Post, space: Space, *, comment_id: int, by: User) -> Post:
    if not permissions.can_accept_answer(by, post, space):
        raise NotAllowed(_("Only the one who asked can choose the answer."))
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.post_id != post.id or comment.is_deleted:
        raise DomainError(_("Choose one of the answers below."), field="comment_id")
    post.accepted_comment_id = comment.id
    db.session.flush()
    if comment.author_id != by.id:
        notify(comment.author, "villages.accepted", title=post.title, post_id=post.id, space_slug=space.slug)
    return post


def _toggle(model, key: dict, target, *, by: User) -> bool:
    """Thanks, or takes it back. The same click sent twice at once writes one row, and the count moves
    by what was written or deleted, not by what was read before."""
    row = {**key, "user_id": by.id}
    if db.session.get(model, row) is not None:
        removed = db.session.execute(
            sa.delete(model).where(*(getattr(model, name) == value for name, value in row.items()))
        ).rowcount
        bump(target, "thanks_count", -removed)
        db.session.flush()
        return False
    bump(target, "thanks_count", 1 if insert_new(model, **row) else 0)
    db.session.flush()
    return True


def _refuse_thanks(author_id: int | None, space: Space, *, by: User) -> NotAllowed:
    """Why ``by`` may not thank this: their own words, or they are not a member (the predicate decides)."""
    if author_id is not None and by.id == author_id:
        return NotAllowed(_("You cannot thank yourself. Thanks are for what others write."))
    return NotAllowed(_("Join %(space)s to say thanks.", space=space.title))


def thank_post(post: Post, space: Space, *, by: User) -> bool:
    """Says thanks (or takes it back); True when the thanks now stands."""
    if not permissions.can_thank(by, post.author_id, space):
        raise _refuse_thanks(post.author_id, space, by=by)
    return _toggle(PostThanks, {"post_id": post.id}, post, by=by)


def thank_comment(comment: Comment, space: Space, *, by: User) -> bool:
    if comment.is_deleted or not permissions.can_thank(by, comment.author_id, space):
        raise _refuse_thanks(comment.author_id, space, by=by)
    return _toggle(CommentThanks, {"comment_id": comment.id}, comment, by=by)


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


#: Conversations on a long post come in pages of this many threads (a comment with its replies).
THREADS_PER_PAGE = 50


@dataclass
class ThreadPage:
    """One page of a post's conversation: ``threads`` oldest first, numbered ``first``..``last`` of
    ``total`` threads; ``page`` of ``pages``."""

    threads: list[Thread]
    page: int
    pages: int
    total: int
    first: int
    last: int


def threads(post: Post, page: int = 1) -> ThreadPage:
    """A page of a post's comments, oldest first, each with its replies, and how many threads there
    are: two queries whatever the count (a page beyond the last is the last, one query more)."""
    per_page = THREADS_PER_PAGE
    top = sa.and_(Comment.post_id == post.id, Comment.parent_id.is_(None))
    total_q = sa.select(sa.func.count()).select_from(Comment).where(top).scalar_subquery()
    while True:
        on_page = (
            sa.select(Comment.id)
            .where(top)
            .order_by(Comment.created_at, Comment.id)
            .limit(per_page)
            .offset((max(1, page) - 1) * per_page)
        )
        rows = db.session.execute(
            sa.select(Comment, total_q)
            .where(
                Comment.post_id == post.id,
                sa.or_(Comment.id.in_(on_page), Comment.parent_id.in_(on_page)),
            )
            .order_by(Comment.created_at, Comment.id)
            .options(selectinload(Comment.author))
        ).all()
        total = rows[0][1] if rows else db.session.scalar(sa.select(total_q))
        pages = max(1, -(-total // per_page))
        if rows or page <= pages:
            break
        page = pages
    page = min(max(1, page), pages)
    by_id: dict[int, Thread] = {}
    for comment, _total in rows:
        if comment.parent_id is None:
            by_id[comment.id] = Thread(comment)
    for comment, _total in rows:
        if comment.parent_id is not None and comment.parent_id in by_id:
            by_id[comment.parent_id].replies.append(comment)
    first = (page - 1) * per_page + 1 if by_id else 0
    return ThreadPage(list(by_id.values()), page, pages, total, first, first + len(by_id) - 1 if by_id else 0)


def page_of(comment: Comment) -> int:
    """The page of its post's conversation that shows ``comment`` (a reply is on its thread's page)."""
    root = comment if comment.parent_id is None else db.session.get(Comment, comment.parent_id)
    if root is None:
        return 1
    before = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Comment)
        .where(
            Comment.post_id == root.post_id,
            Comment.parent_id.is_(None),
            sa.or_(
                Comment.created_at < root.created_at,
                sa.and_(Comment.created_at == root.created_at, Comment.id < root.id),
            ),
        )
    )
    return (before or 0) // THREADS_PER_PAGE + 1


def comment_url(comment: Comment, space_slug: str | None = None, **values) -> str:
    """The address of ``comment`` in its place: its post's page of the conversation that shows it."""
    page = page_of(comment)
    if space_slug is not None:
        values["space_slug"] = space_slug
    return url_for(
        "villages.post_detail",
        post_id=comment.post_id,
        comments=page if page > 1 else None,
        _anchor=f"comment-{comment.id}",
        **values,
    )


def thanked_by(user: User | None, post: Post) -> tuple[bool, set[int]]:
    """Whether ``user`` thanked the post, and which of its comments."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, set()
    # One statement: the comments' ids, and 0 when the post itself was thanked (no comment has id 0).
    post_mark = sa.select(sa.literal(0).label("id")).where(
        PostThanks.post_id == post.id, PostThanks.user_id == user.id
    )
    comment_marks = (
        sa.select(CommentThanks.comment_id.label("id"))
        .join(Comment, Comment.id == CommentThanks.comment_id)
        .where(Comment.post_id == post.id, CommentThanks.user_id == user.id)
    )
    ids = set(db.session.scalars(sa.union_all(post_mark, comment_marks)))
    return 0 in ids, ids - {0}
