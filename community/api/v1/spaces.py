"""Municipalities, spaces, posts of every kind, comments, events and answers to them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from community import geo
from community.api import schemas
from community.api.v1 import bp, domain_problem, page_response, space_or_404, visible_or_404
from community.errors import DomainError
from community.extensions import db
from community.moderation.permissions import visible_clause
from community.pagination import keyset, keyset_ascending, page_of
from community.spaces.models import Municipality, Space
from community.villages.models import Comment, Post, PostKind
from community.villages.services import comments as comment_service
from community.villages.services import events as event_service
from community.villages.services import help as help_service
from community.villages.services import posts as post_service


@bp.get("/municipalities")
@bp.etag
@bp.response(200, schemas.MunicipalitySchema(many=True))
def municipalities():
    """Every municipality on this installation."""
    return db.session.scalars(sa.select(Municipality).order_by(Municipality.name, Municipality.id)).all()


@bp.get("/municipalities/<slug>")
@bp.etag
@bp.response(200, schemas.MunicipalitySchema)
def municipality(slug: str):
    found = db.session.scalar(sa.select(Municipality).where(Municipality.slug == slug))
    if found is None:
        abort(404)
    return found


@bp.get("/spaces")
@bp.etag
@bp.arguments(schemas.SpaceListArgs, location="query")
@bp.response(200, schemas.SpacePageSchema)
def spaces(args: dict[str, Any]):
    """The spaces the caller may see (public ones, and members-only ones they are a member of), newest
    first."""
    query = sa.select(Space).where(Space.id.in_(help_service.visible_space_ids(current_user)))
    if args.get("municipality"):
        query = query.join(Municipality).where(Municipality.slug == args["municipality"])
    rows = db.session.scalars(keyset(query, Space.created_at, Space.id, args.get("cursor"), args["limit"]))
    return page_response(page_of(list(rows), args["limit"], "created_at"))


@bp.get("/spaces/<slug>")
@bp.etag
@bp.response(200, schemas.SpaceSchema)
def space(slug: str):
    return space_or_404(slug)


def _with_poll_options(items: list[Post]) -> list[Post]:
    """The options of the polls on a page, in one query for them all."""
    polls = [p.id for p in items if p.kind == PostKind.POLL]
    if polls:
        db.session.scalars(
            sa.select(Post).where(Post.id.in_(polls)).options(selectinload(Post.options))
        ).all()
    return items


@bp.get("/spaces/<slug>/posts")
@bp.etag
@bp.arguments(schemas.PostListArgs, location="query")
@bp.response(200, schemas.PostPageSchema)
def posts(args: dict[str, Any], slug: str):
    """The space's posts, newest first (``order=active``: most recently active first), as the feed on
    its front page shows them to the caller."""
    found = space_or_404(slug)
    page = post_service.feed(
        [found.id],
        order=args["order"],
        kind=args.get("kind"),
        tag=args.get("tag"),
        cursor=args.get("cursor"),
        limit=args["limit"],
        visible=visible_clause(Post, current_user, found),
        with_body=True,  # the API gives each post whole
    )
    _with_poll_options(page.items)
    return page_response(page)


@bp.post("/spaces/<slug>/posts")
@bp.arguments(schemas.PostInSchema)
@bp.response(201, schemas.PostDetailSchema)
def post_create(data: dict[str, Any], slug: str):
    """Write a post of any kind the caller may write here (news: admins and officials). Needs a
    personal token with ``write``."""
    found = space_or_404(slug)
    try:
        place = geo.resolve(data["place"]) if (data.get("place") or "").strip() else None
        post = post_service.create_post(
            found,
            by=current_user,
            data=post_service.PostInput(
                kind=data["kind"],
                title=data["title"],
                body=data.get("body") or "",
                tags=post_service.parse_tags(" ".join(data.get("tags") or [])),
                place=place,
                help_category=data.get("help_category"),
                help_when=data.get("help_when"),
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
                capacity=data.get("capacity"),
                poll_options=data.get("poll_options") or [],
                poll_multiple=data.get("poll_multiple", False),
                poll_closes_at=data.get("poll_closes_at"),
            ),
        )
    except DomainError as exc:
        return domain_problem(exc)
    db.session.commit()
    post.attendance = event_service.attendance(post, current_user) if post.kind == PostKind.EVENT else None
    return post


@bp.get("/spaces/<slug>/posts/<int:post_id>")
@bp.etag
@bp.response(200, schemas.PostDetailSchema)
def post(slug: str, post_id: int):
    """One post; an event also has its attendance (and the caller's own answer)."""
    found = visible_or_404(Post, post_id, space_or_404(slug))
    found.attendance = event_service.attendance(found, current_user) if found.kind == PostKind.EVENT else None
    return found


@bp.get("/spaces/<slug>/posts/<int:post_id>/comments")
@bp.etag
@bp.arguments(schemas.PageArgs, location="query")
@bp.response(200, schemas.CommentPageSchema)
def comments(args: dict[str, Any], slug: str, post_id: int):
    """The post's comments, oldest first (replies carry their ``parent_id``)."""
    where = space_or_404(slug)
    found = visible_or_404(Post, post_id, where)
    query = sa.select(Comment).where(
        Comment.post_id == found.id, visible_clause(Comment, current_user, where)
    )
    query = keyset_ascending(query, Comment.created_at, Comment.id, args.get("cursor"), args["limit"])
    rows = list(db.session.scalars(query.options(selectinload(Comment.author))))
    return page_response(page_of(rows, args["limit"], "created_at"))


@bp.post("/spaces/<slug>/posts/<int:post_id>/comments")
@bp.arguments(schemas.CommentInSchema)
@bp.response(201, schemas.CommentSchema)
def comment_create(data: dict[str, Any], slug: str, post_id: int):
    """Comment on a post, or answer a comment (``parent_id``). Needs a personal token with ``write``."""
    where = space_or_404(slug)
    found = visible_or_404(Post, post_id, where)
    try:
        new = comment_service.add_comment(
            found, where, by=current_user, body=data["body"], parent_id=data.get("parent_id")
        )
    except DomainError as exc:
        return domain_problem(exc)
    db.session.commit()
    return new


@bp.put("/spaces/<slug>/posts/<int:post_id>/rsvp")
@bp.arguments(schemas.RsvpInSchema)
@bp.response(200, schemas.AttendanceSchema)
def rsvp(data: dict[str, Any], slug: str, post_id: int):
    """Answer an event: going, maybe or not going (``waitlist: true`` to queue for a full one)."""
    where = space_or_404(slug)
    found = visible_or_404(Post, post_id, where)
    try:
        event_service.rsvp(found, where, by=current_user, status=data["status"], waitlist=data["waitlist"])
    except DomainError as exc:
        return domain_problem(exc)
    db.session.commit()
    return event_service.attendance(found, current_user)


@bp.get("/spaces/<slug>/events")
@bp.etag
@bp.arguments(schemas.PageArgs, location="query")
@bp.response(200, schemas.PostPageSchema)
def events(args: dict[str, Any], slug: str):
    """Events that have not ended, soonest first, each with its ``ical`` link."""
    found = space_or_404(slug)
    page = event_service.upcoming(
        [found.id],
        visible=visible_clause(Post, current_user, found),
        cursor=args.get("cursor"),
        limit=args["limit"],
    )
    return page_response(page)
