"""The idea portal: citizens submit ideas, support them (once each) and comment; similar ideas are shown
before a new one is saved, and staff merge duplicates. An idea moves new → under consideration →
accepted / rejected → done, each step a public official response that its supporters are told of. An
idea whose support reaches the municipality's threshold is promised an answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from community import signals
from community.accounts.models import User
from community.db import insert_new, utcnow
from community.engagement import permissions
from community.engagement.models import (
    COMMENT_MAX,
    IDEA_BODY_MAX,
    IDEA_TITLE_MAX,
    IDEA_TRANSITIONS,
    Idea,
    IdeaCategory,
    IdeaComment,
    IdeaResponse,
    IdeaState,
    IdeaSupport,
)
from community.engagement.services import search
from community.engagement.services.common import check_in_area, clean_text, settings_for
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _
from community.media import save_image_sizes
from community.moderation.permissions import public_clause
from community.pagination import Page
from community.spaces.models import Municipality, Space
from community.text import render_markdown

IMAGE_MAX_BYTES = 10 * 1024 * 1024
PAGE_SIZE = 20


@dataclass
class IdeaInput:
    title: str
    body: str
    category: IdeaCategory = IdeaCategory.OTHER
    place_label: str = ""
    latitude: float | None = None
    longitude: float | None = None
    image: FileStorage | None = None
    image_alt: str = ""
    space: Space | None = None


def submit(municipality: Municipality, data: IdeaInput, *, by: User) -> Idea:
    if not permissions.can_submit_idea(by, municipality.id, data.space):
        raise NotAllowed(_("Log in with a confirmed account to submit ideas."))
    title = clean_text(
        data.title, field="title", limit=IDEA_TITLE_MAX, empty=_("Give your idea a short title.")
    )
    body = clean_text(
        data.body, field="body", limit=IDEA_BODY_MAX, empty=_("Describe your idea: what, where and why.")
    )
    if data.space is not None and data.space.municipality_id != municipality.id:
        raise DomainError(_("Choose a space of this municipality."), field="space_id")
    if (data.latitude is None) != (data.longitude is None):
        raise DomainError(_("Give both latitude and longitude, or a town or address."), field="place")
    if data.latitude is not None and data.longitude is not None:
        check_in_area(municipality, data.latitude, data.longitude, field="place")
    image = thumbnail = None
    if data.image is not None and data.image.filename:
        if not data.image_alt.strip():
            raise DomainError(_("Describe the picture for those who cannot see it."), field="image_alt")
        image, thumbnail = save_image_sizes(  # an idea of a members-only space: its picture as well
            data.image,
            max_bytes=IMAGE_MAX_BYTES,
            sizes=((1600, 1600), (480, 480)),
            field="image",
            space_id=data.space.id if data.space else None,
        )
    idea = Idea(
        municipality_id=municipality.id,
        space_id=data.space.id if data.space else None,
        created_by_id=by.id,
        title=title,
        body=body,
        body_html=render_markdown(body),
        category=data.category,
        place_label=(data.place_label or "").strip()[:200],
        latitude=data.latitude,
        longitude=data.longitude,
        image=image,
        thumbnail=thumbnail,
        image_alt=data.image_alt.strip()[:300] if image else "",
    )
    db.session.add(idea)
    db.session.flush()
    search.index_idea(idea)
    signals.idea_submitted.send(idea, by=by)
    return idea


def similar(
    municipality_id: int,
    title: str,
    body: str = "",
    *,
    exclude: int | None = None,
    visible: sa.ColumnElement[bool] | None = None,
) -> list[Idea]:
    """``visible``: moderation's clause for the viewer (None: only what everyone may see)."""
    ids = search.similar(municipality_id, title, body, exclude=exclude, visible=visible)
    return _by_ids(ids)


def _by_ids(ids: list[int]) -> list[Idea]:
    if not ids:
        return []
    found = {
        i.id: i
        for i in db.session.scalars(
            sa.select(Idea).where(Idea.id.in_(ids)).options(selectinload(Idea.author))
        )
    }
    return [found[i] for i in ids if i in found]


# --- support and comments --------------------------------------------------------------------------------


def support(idea: Idea, *, by: User) -> bool:
    """One support per person, held by the database; the count is updated in SQL. Returns True when this
    support brought the idea to the threshold (which happens once)."""
    if not idea.is_open:
        raise Conflict(_("This idea is %(state)s and takes no more support.", state=idea.state_label.lower()))
    if not permissions.can_support(by, idea):
        raise NotAllowed(_("Log in with a confirmed account to support ideas."))
    if not insert_new(IdeaSupport, idea_id=idea.id, user_id=by.id, created_at=utcnow()):
        raise Conflict(_("You already support this idea."))
    count = db.session.execute(
        sa.update(Idea)
        .where(Idea.id == idea.id)
        .values(support_count=Idea.support_count + 1)
        .returning(Idea.support_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(idea, ["support_count"])
    signals.idea_supported.send(idea, by=by)
    return _check_threshold(idea, count, by=by)


def _check_threshold(idea: Idea, count: int, *, by: User) -> bool:
    if count < settings_for(idea.municipality_id).idea_threshold:
        return False
    claimed = db.session.execute(
        sa.update(Idea)
        .where(Idea.id == idea.id, Idea.threshold_reached_at.is_(None))
        .values(threshold_reached_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:
        return False
    db.session.expire(idea, ["threshold_reached_at"])
    signals.idea_threshold_reached.send(idea, by=by)
    return True


def unsupport(idea: Idea, *, by: User) -> None:
    removed = db.session.execute(
        sa.delete(IdeaSupport)
        .where(IdeaSupport.idea_id == idea.id, IdeaSupport.user_id == by.id)
        .execution_options(synchronize_session=False)
    )
    if not removed.rowcount:
        raise Conflict(_("You do not support this idea."))
    db.session.execute(
        sa.update(Idea)
        .where(Idea.id == idea.id)
        .values(support_count=Idea.support_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(idea, ["support_count"])


def supports(idea: Idea, user: User | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(IdeaSupport, (idea.id, user.id)) is not None


def supporters(idea: Idea) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(IdeaSupport, IdeaSupport.user_id == User.id)
            .where(IdeaSupport.idea_id == idea.id)
            .order_by(User.id)
        )
    )


def comment(idea: Idea, *, body: str, by: User) -> IdeaComment:
    if not permissions.can_comment_idea(by, idea):
        if idea.state == IdeaState.MERGED:
            raise Conflict(_("This idea was merged; comment on the idea it joined."))
        raise NotAllowed(_("Log in with a confirmed account to comment."))
    text = clean_text(body, field="body", limit=COMMENT_MAX, empty=_("Write your comment first."))
    entry = IdeaComment(idea_id=idea.id, author_id=by.id, body=text, body_html=render_markdown(text))
    db.session.add(entry)
    db.session.flush()
    db.session.execute(
        sa.update(Idea)
        .where(Idea.id == idea.id)
        .values(comment_count=Idea.comment_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(idea, ["comment_count"])
    signals.idea_commented.send(idea, comment=entry, by=by)
    return entry


def comments(idea: Idea, *, visible: sa.ColumnElement[bool] | None = None) -> list[IdeaComment]:
    return list(
        db.session.scalars(
            sa.select(IdeaComment)
            .where(
                IdeaComment.idea_id == idea.id, visible if visible is not None else public_clause(IdeaComment)
            )
            .order_by(IdeaComment.created_at, IdeaComment.id)
            .options(selectinload(IdeaComment.author))
        )
    )


# --- official responses and merging ---------------------------------------------------------------------


def respond(idea: Idea, *, to_state: IdeaState, text: str, by: User) -> IdeaResponse:
    """Moves the idea on, with a public official response (a reason, when it is rejected)."""
    if not permissions.can_respond(by, idea):
        raise NotAllowed(_("Only municipality staff answer ideas on the municipality's behalf."))
    if to_state not in IDEA_TRANSITIONS[idea.state]:
        raise DomainError(
            _("An idea that is %(state)s cannot move to that state.", state=idea.state_label.lower()),
            field="state",
        )
    empty = (
        _("Give the reason for rejecting the idea: the supporters are told.")
        if to_state == IdeaState.REJECTED
        else _("Write the response: the supporters are told.")
    )
    body = clean_text(text, field="text", limit=IDEA_BODY_MAX, empty=empty)
    response = IdeaResponse(
        idea_id=idea.id,
        by_id=by.id,
        from_state=idea.state,
        to_state=to_state,
        text=body,
        text_html=render_markdown(body),
    )
    idea.state = to_state
    db.session.add(response)
    db.session.flush()
    signals.idea_state_changed.send(idea, response=response, by=by)
    return response


def merge(idea: Idea, *, into_id: int, text: str, by: User) -> Idea:
    """A duplicate joins the idea it repeats: its supporters move there (once each)."""
    if not permissions.can_merge_idea(by, idea):
        raise NotAllowed(_("Only municipality staff merge ideas."))
    target = db.session.get(Idea, into_id) if into_id else None
    if target is None or target.municipality_id != idea.municipality_id or target.id == idea.id:
        raise DomainError(_("Choose another idea of this municipality to merge into."), field="into")
    if target.state == IdeaState.MERGED:
        raise DomainError(_("That idea was itself merged; merge into the idea it joined."), field="into")
    body = clean_text(
        text or _("Merged with “%(title)s”, which says the same.", title=target.title),
        field="text",
        limit=IDEA_BODY_MAX,
        empty="",
    )
    moved = list(db.session.scalars(sa.select(IdeaSupport.user_id).where(IdeaSupport.idea_id == idea.id)))
    for user_id in moved:
        insert_new(IdeaSupport, idea_id=target.id, user_id=user_id, created_at=utcnow())
    count = (
        sa.select(sa.func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == target.id)
    ).scalar_subquery()
    db.session.execute(
        sa.update(Idea)
        .where(Idea.id == target.id)
        .values(support_count=count)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(target, ["support_count"])
    response = IdeaResponse(
        idea_id=idea.id,
        by_id=by.id,
        from_state=idea.state,
        to_state=IdeaState.MERGED,
        text=body,
        text_html=render_markdown(body),
    )
    idea.state = IdeaState.MERGED
    idea.merged_into_id = target.id
    db.session.add(response)
    db.session.flush()
    signals.idea_state_changed.send(idea, response=response, by=by)
    if target.is_open:
        _check_threshold(target, target.support_count, by=by)
    return target


def responses(idea: Idea) -> list[IdeaResponse]:
    return list(
        db.session.scalars(
            sa.select(IdeaResponse)
            .where(IdeaResponse.idea_id == idea.id)
            .order_by(IdeaResponse.created_at, IdeaResponse.id)
            .options(selectinload(IdeaResponse.by))
        )
    )


# --- the list ---------------------------------------------------------------------------------------------


def _cursor(value: int | datetime, ident: int) -> str:
    if isinstance(value, datetime):
        return f"t{value.strftime('%Y%m%dT%H%M%S%f')}_{ident}"
    return f"n{value}_{ident}"


def _decode(cursor: str | None) -> tuple[int | datetime, int] | None:
    if not cursor or len(cursor) > 40 or cursor[0] not in "tn":
        return None
    head, _sep, ident = cursor[1:].partition("_")
    try:
        value: int | datetime = datetime.strptime(head, "%Y%m%dT%H%M%S%f") if cursor[0] == "t" else int(head)
        return value, int(ident)
    except ValueError:
        return None


def listed(
    municipality_id: int,
    *,
    state: IdeaState | None = None,
    category: IdeaCategory | None = None,
    order: str = "new",
    cursor: str | None = None,
    space_ids: list[int] | None = None,
    limit: int = PAGE_SIZE,
    visible: sa.ColumnElement[bool] | None = None,
) -> Page[Idea]:
    """A page of ideas, newest or most supported first, with keyset pagination: ``WHERE (sort, id) <
    (:cursor)`` on an index, so the 500th page costs what the first does; two queries a page.
    ``visible``: moderation's clause for the viewer (None: only what everyone may see)."""
    sort = Idea.support_count if order == "support" else Idea.created_at
    query = sa.select(Idea).where(
        Idea.municipality_id == municipality_id, visible if visible is not None else public_clause(Idea)
    )
    query = (
        query.where(Idea.state == state) if state is not None else query.where(Idea.state != IdeaState.MERGED)
    )
    if category is not None:
        query = query.where(Idea.category == category)
    if space_ids is not None:
        query = query.where(sa.or_(Idea.space_id.is_(None), Idea.space_id.in_(space_ids)))
    position = _decode(cursor)
    if position is not None and isinstance(position[0], datetime) == (order != "support"):
        query = query.where(
            sa.tuple_(sort, Idea.id) < sa.tuple_(sa.literal(position[0]), sa.literal(position[1]))
        )
    rows = list(
        db.session.scalars(
            query.order_by(sort.desc(), Idea.id.desc()).limit(limit + 1).options(selectinload(Idea.author))
        )
    )
    if len(rows) > limit:
        last = rows[limit - 1]
        return Page(
            rows[:limit], _cursor(last.support_count if order == "support" else last.created_at, last.id)
        )
    return Page(rows, None)


def found(municipality_id: int, query: str, *, visible: sa.ColumnElement[bool] | None = None) -> list[Idea]:
    return _by_ids(search.search(municipality_id, query, visible=visible))
