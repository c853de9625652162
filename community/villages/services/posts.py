"""Writing posts of every kind, editing, pinning, closing and deleting them, and the feeds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import defer, joinedload, selectinload
from werkzeug.datastructures import FileStorage

from community import signals
from community.accounts.models import User
from community.db import insert_new, lock, utcnow
from community.errors import DomainError, NotAllowed
from community.extensions import db
from community.formatting import format_number
from community.geo import Place
from community.i18n import _
from community.media import save_image_sizes
from community.moderation.permissions import public_clause
from community.pagination import Page, keyset, page_of
from community.spaces.mentions import link_mentions, mentioned
from community.spaces.models import Space
from community.text import plain_excerpt, render_markdown
from community.villages import permissions
from community.villages.following import person_path
from community.villages.models import (
    HELP_KINDS,
    HelpCategory,
    HelpStatus,
    PollOption,
    Post,
    PostImage,
    PostKind,
    Tag,
    post_tag,
)
from community.villages.services import events, search

MAX_BODY = 20_000
MAX_IMAGES = 4
MAX_TAGS = 5
MAX_POLL_OPTIONS = 10
IMAGE_MAX_BYTES = 10 * 1024 * 1024
TAG = re.compile(r"^[\wæøåÆØÅ][\w\-æøåÆØÅ]{0,29}$")


@dataclass
class PostInput:
    kind: PostKind
    title: str
    body: str = ""
    tags: list[str] = field(default_factory=list)
    place: Place | None = None
    help_category: HelpCategory | None = None
    help_when: str | None = None
    starts_at: datetime | None = None  # naive UTC
    ends_at: datetime | None = None
    capacity: int | None = None
    poll_options: list[str] = field(default_factory=list)
    poll_multiple: bool = False
    poll_closes_at: datetime | None = None
    images: list[tuple[FileStorage, str]] = field(default_factory=list)
    remove_image_ids: list[int] = field(default_factory=list)


def parse_tags(text: str) -> list[str]:
    """ "græs, #Arrangement  loppemarked" -> ["græs", "arrangement", "loppemarked"], checked."""
    tags: list[str] = []
    for raw in re.split(r"[,\s]+", text or ""):
        tag = raw.strip().lstrip("#").lower()
        if not tag:
            continue
        if not TAG.match(tag):
            raise DomainError(
                _("A tag is one word of letters, digits and dashes, at most 30 characters: %(tag)s", tag=raw),
                field="tags",
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise DomainError(_("Use at most %(n)s tags.", n=MAX_TAGS), field="tags")
    return tags


def _check(space: Space, data: PostInput, *, by: User, post: Post | None = None) -> None:
    if space.is_read_only:
        raise NotAllowed(_("This space is archived and read-only."))
    if post is None and not permissions.can_post(by, space, data.kind):
        if data.kind == PostKind.NEWS:
            raise NotAllowed(_("News is written by the space's admins and officials."), field="kind")
        raise NotAllowed(_("Join %(space)s to write here.", space=space.title))
    if not data.title.strip():
        raise DomainError(_("Give the post a title."), field="title")
    if len(data.body) > MAX_BODY:
        raise DomainError(_("Write at most %(n)s characters.", n=format_number(MAX_BODY)), field="body")
    if data.kind in HELP_KINDS and data.help_category is None:
        raise DomainError(_("Choose what kind of help it is."), field="help_category")
    if data.kind == PostKind.EVENT:
        if data.starts_at is None:
            raise DomainError(_("Give the time the event starts."), field="starts_at")
        if data.ends_at is not None and data.ends_at <= data.starts_at:
            raise DomainError(_("The event must end after it starts. Check the end time."), field="ends_at")
        if data.capacity is not None and data.capacity < 1:
            raise DomainError(
                _("Give a number of places of at least 1, or leave it empty."), field="capacity"
            )
    if data.kind == PostKind.POLL and post is None:
        options = [o.strip() for o in data.poll_options if o.strip()]
        if len(options) < 2:
            raise DomainError(_("A poll needs at least two options."), field="poll_options")
        if len(options) > MAX_POLL_OPTIONS:
            raise DomainError(
                _("A poll can have at most %(n)s options.", n=MAX_POLL_OPTIONS), field="poll_options"
            )
        if len({o.casefold() for o in options}) != len(options):
            raise DomainError(
                _("Two options are the same. Make each option different."), field="poll_options"
            )
        if data.poll_closes_at is not None and data.poll_closes_at <= utcnow():
            raise DomainError(_("The poll must close in the future."), field="poll_closes_at")
    existing = len(post.images) - len(data.remove_image_ids) if post is not None else 0
    if existing + len(data.images) > MAX_IMAGES:
        raise DomainError(_("A post can have at most %(n)s pictures.", n=MAX_IMAGES), field="images")


def tag_named(space: Space, name: str) -> Tag | None:
    return db.session.scalar(sa.select(Tag).where(Tag.space_id == space.id, Tag.name == name))


def _tags(space: Space, names: list[str]) -> list[Tag]:
    if not names:
        return []

    def existing() -> dict[str, Tag]:
        query = sa.select(Tag).where(Tag.space_id == space.id, Tag.name.in_(names))
        return {t.name: t for t in db.session.scalars(query)}

    found = existing()
    if missing := [name for name in names if name not in found]:
        for name in missing:  # two posts bringing the same new tag at once share one
            insert_new(Tag, space_id=space.id, name=name)
        found = existing()
    return [found[name] for name in names]


def _apply(post: Post, space: Space, data: PostInput) -> None:
    post.title = data.title.strip()
    post.body = data.body
    post.body_html = link_mentions(render_markdown(data.body), mentioned(data.body, space.id), person_path)
    post.excerpt = plain_excerpt(data.body)
    post.tags = _tags(space, data.tags)
    if data.place is not None:
        post.place_label, post.latitude, post.longitude = data.place.label, data.place.lat, data.place.lon
    elif post.kind in HELP_KINDS and post.latitude is None:
        # A help post without a place is where its village is, so the nearest-help list finds it.
        post.latitude, post.longitude = space.latitude, space.longitude
    if post.kind in HELP_KINDS:
        post.help_category = data.help_category
        post.help_when = (data.help_when or "").strip() or None
    if post.kind == PostKind.EVENT:
        post.starts_at, post.ends_at, post.capacity = data.starts_at, data.ends_at, data.capacity
    for image in [i for i in post.images if i.id in set(data.remove_image_ids)]:
        post.images.remove(image)
    position = max((i.position for i in post.images), default=-1)
    for upload, description in data.images:
        big, thumb = save_image_sizes(
            upload,
            max_bytes=current_app.config.get("POST_IMAGE_MAX_BYTES", IMAGE_MAX_BYTES),
            sizes=((1600, 1600), (480, 480)),
            field="images",
            space_id=space.id,
        )
        position += 1
        post.images.append(
            PostImage(filename=big, thumbnail=thumb, description=description.strip()[:300], position=position)
        )


def create_post(space: Space, *, by: User, data: PostInput) -> Post:
    _check(space, data, by=by)
    post = Post(space_id=space.id, author_id=by.id, kind=data.kind)
    if data.kind in HELP_KINDS:
        post.help_status = HelpStatus.OPEN
    if data.kind == PostKind.POLL:
        post.poll_multiple = data.poll_multiple
        post.poll_closes_at = data.poll_closes_at
        post.options = [
            PollOption(label=o.strip()[:200], position=i)
            for i, o in enumerate(o for o in data.poll_options if o.strip())
        ]
    _apply(post, space, data)
    db.session.add(post)
    db.session.flush()
    search.index_post(post)
    signals.post_created.send(post, space=space, mentioned=mentioned(data.body, space.id), by=by)
    return post


def edit_post(post: Post, space: Space, *, by: User, data: PostInput) -> Post:
    lock(post)  # the author and a moderator editing at once: one after the other (tags, pictures)
    if not permissions.can_edit_post(by, post, space):
        raise NotAllowed(_("Only the author and the space's moderators can change this post."))
    data.kind = post.kind  # the kind of a post does not change
    _check(space, data, by=by, post=post)
    capacity_before = post.capacity
    with db.session.no_autoflush:  # a flush inside would hide the changes from is_modified
        _apply(post, space, data)
    if db.session.is_modified(post):  # saved unchanged, it is not "edited"
        post.edited_at = utcnow()
    db.session.flush()
    search.index_post(post)
    if post.kind == PostKind.EVENT and _more_places(capacity_before, post.capacity):
        events.fill_free_places(post, space)
    return post


def _more_places(before: int | None, after: int | None) -> bool:
    """None is "no limit": going from a limit to none, or to a higher one, opens places."""
    return before is not None and (after is None or after > before)


def delete_post(post: Post, space: Space, *, by: User) -> None:
    if not permissions.can_edit_post(by, post, space):
        raise NotAllowed(_("Only the author and the space's moderators can delete this post."))
    search.unindex_post(post)
    post.accepted_comment_id = None
    db.session.flush()
    db.session.delete(post)
    db.session.flush()


def set_pinned(post: Post, space: Space, *, pinned: bool, by: User) -> None:
    if not permissions.can_pin(by, space):
        raise NotAllowed(_("Only the space's moderators can pin posts."))
    post.pinned = pinned
    db.session.flush()


def set_closed(post: Post, space: Space, *, closed: bool, by: User) -> None:
    if not permissions.can_pin(by, space):
        raise NotAllowed(_("Only the space's moderators can close posts."))
    post.closed_at = utcnow() if closed else None
    db.session.flush()


# --- feeds -----------------------------------------------------------------------------------------

FEED_ORDERS = {"active": "last_activity_at", "new": "created_at"}
#: A card shows the excerpt: a list leaves the post's text and its HTML in the database.
WITHOUT_BODY = (defer(Post.body), defer(Post.body_html))


#: A feed of up to this many spaces is merged from each space's own newest posts (``feed``).
MERGED_SPACES = 100


def feed(
    space_ids: list[int] | sa.Select,
    *,
    order: str = "active",
    kind: PostKind | None = None,
    tag: str | None = None,
    unanswered: bool = False,
    cursor: str | None = None,
    limit: int = 20,
    exclude_pinned: bool = False,
    with_space: bool = False,
    visible: sa.ColumnElement[bool] | None = None,
    with_body: bool = False,
) -> Page[Post]:
    """A page of posts from the given spaces, newest or most recently active first. ``visible`` is
    moderation's ``visible_clause`` for the viewer; without it only what everyone may see (Atom).
    A list shows cards, not bodies: the text and its HTML are loaded only ``with_body`` (Atom)."""
    attr = FEED_ORDERS.get(order, "last_activity_at")
    sort = getattr(Post, attr)
    where = [visible if visible is not None else public_clause(Post)]
    if kind is not None:
        where.append(Post.kind == kind)
    if tag:
        where.append(Post.id.in_(sa.select(post_tag.c.post_id).join(Tag).where(Tag.name == tag.lower())))
    if unanswered:
        where.extend((Post.kind == PostKind.QUESTION, Post.comment_count == 0))
    if exclude_pinned:
        where.append(Post.pinned.is_(False))
    if isinstance(space_ids, sa.Select):
        space_ids = list(db.session.scalars(space_ids))
    if 1 < len(space_ids) <= MERGED_SPACES:
        # Several spaces (a person's home page): each space's newest through its own index, then the
        # page from those few. "space_id IN (…) ORDER BY …" would read every post of every space and
        # sort them (seconds for a member of a space with 400,000 posts).
        parts = [
            sa.select(
                keyset(
                    sa.select(Post.id).where(Post.space_id == space_id, *where), sort, Post.id, cursor, limit
                )
                .subquery()
                .c.id
            )
            for space_id in space_ids
        ]
        query = sa.select(Post).where(Post.id.in_(sa.union_all(*parts)))
    else:
        query = sa.select(Post).where(Post.space_id.in_(space_ids), *where)
    query = keyset(query, sort, Post.id, cursor, limit).options(
        joinedload(Post.author), selectinload(Post.tags), selectinload(Post.images)
    )
    if with_space:
        query = query.options(joinedload(Post.space))
    if not with_body:
        query = query.options(*WITHOUT_BODY)
    return page_of(list(db.session.scalars(query)), limit, attr)


def pinned_posts(
    space: Space, *, limit: int = 5, visible: sa.ColumnElement[bool] | None = None
) -> list[Post]:
    return list(
        db.session.scalars(
            sa.select(Post)
            .where(Post.space_id == space.id, Post.pinned.is_(True))
            .where(visible if visible is not None else public_clause(Post))
            .order_by(Post.created_at.desc())
            .limit(limit)
            .options(
                selectinload(Post.author), selectinload(Post.tags), selectinload(Post.images), *WITHOUT_BODY
            )
        )
    )


def posts_by(user: User, space_ids: sa.Select, *, limit: int = 10) -> list[Post]:
    return list(
        db.session.scalars(
            sa.select(Post)
            .where(Post.author_id == user.id, Post.space_id.in_(space_ids), public_clause(Post))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )
