"""Events: RSVP going / maybe / not going, a waiting list when full, and an .ics for the calendar."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from community import signals
from community.accounts.models import User
from community.db import lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _, ngettext
from community.notifications.services import notify
from community.spaces.models import Space
from community.villages import permissions
from community.villages.models import EventRsvp, Post, PostKind, Rsvp


@dataclass(frozen=True)
class Attendance:
    going: int
    maybe: int
    waiting: int
    capacity: int | None
    mine: EventRsvp | None

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going >= self.capacity

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.going)


def attendance(post: Post, user: User | None) -> Attendance:
    rows = db.session.execute(
        sa.select(EventRsvp.status, EventRsvp.waitlisted, sa.func.count(EventRsvp.id))
        .where(EventRsvp.post_id == post.id)
        .group_by(EventRsvp.status, EventRsvp.waitlisted)
    ).all()
    counts = {(status, waiting): n for status, waiting, n in rows}
    mine = None
    if user is not None and getattr(user, "is_authenticated", False):
        mine = db.session.scalar(
            sa.select(EventRsvp).where(EventRsvp.post_id == post.id, EventRsvp.user_id == user.id)
        )
    return Attendance(
        going=counts.get((Rsvp.GOING, False), 0),
        maybe=counts.get((Rsvp.MAYBE, False), 0),
        waiting=counts.get((Rsvp.GOING, True), 0),
        capacity=post.capacity,
        mine=mine,
    )


def rsvp(post: Post, space: Space, *, by: User, status: Rsvp, waitlist: bool = False) -> EventRsvp:
    """Answers an invitation. "Going" to a full event is refused unless ``waitlist`` is asked for;
    leaving a place frees it for the first on the waiting list, who is told."""
    lock(post)  # the seats are counted and taken by one answer at a time
    if post.kind != PostKind.EVENT:
        raise DomainError(_("Only events take answers."))
    if not permissions.can_take_part(by, post, space):
        raise NotAllowed(_("Join %(space)s to answer.", space=space.title))
    if post.ends_at is not None and post.ends_at < utcnow():
        raise Conflict(_("This event is over."))
    now = attendance(post, by)
    current = now.mine
    had_place = current is not None and current.status == Rsvp.GOING and not current.waitlisted
    waitlisted = False
    if status == Rsvp.GOING and not had_place and now.is_full:
        if not waitlist:
            raise Conflict(
                ngettext(
                    "The event is full: its one place is taken. Join the waiting list instead.",
                    "The event is full: all %(num)s places are taken. Join the waiting list instead.",
                    post.capacity or 0,
                ),
                field="status",
            )
        waitlisted = True
    if current is None:
        current = EventRsvp(post_id=post.id, user_id=by.id, status=status, waitlisted=waitlisted)
        db.session.add(current)
    else:
        if current.status != status or current.waitlisted != waitlisted:
            current.created_at = utcnow()  # a new answer queues anew
        current.status, current.waitlisted = status, waitlisted
    db.session.flush()
    if had_place and status != Rsvp.GOING:
        promote_waiting(post, space)
    signals.rsvp_changed.send(post, space=space, status=status, by=by)
    return current


def promote_waiting(post: Post, space: Space) -> EventRsvp | None:
    state = attendance(post, None)
    if state.is_full:
        return None
    first = db.session.scalar(
        sa.select(EventRsvp)
        .where(EventRsvp.post_id == post.id, EventRsvp.status == Rsvp.GOING, EventRsvp.waitlisted.is_(True))
        .order_by(EventRsvp.created_at, EventRsvp.id)
        .limit(1)
        .options(selectinload(EventRsvp.user))
    )
    if first is None:
        return None
    first.waitlisted = False
    db.session.flush()
    notify(first.user, "villages.event_place", title=post.title, post_id=post.id, space_slug=space.slug)
    return first


def fill_free_places(post: Post, space: Space) -> list[EventRsvp]:
    """Moves people up from the waiting list, first come first served, into every free place (all of
    them when the event no longer has a limit), and tells each. Called after the capacity changes; the
    event row is locked first, so answers arriving meanwhile wait and then count what is decided here."""
    db.session.execute(sa.select(Post.id).where(Post.id == post.id).with_for_update())
    free = attendance(post, None).places_left
    if free == 0:
        return []
    query = (
        sa.select(EventRsvp)
        .where(EventRsvp.post_id == post.id, EventRsvp.status == Rsvp.GOING, EventRsvp.waitlisted.is_(True))
        .order_by(EventRsvp.created_at, EventRsvp.id)
        .options(selectinload(EventRsvp.user))
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    for entry in promoted:
        entry.waitlisted = False
    db.session.flush()
    for entry in promoted:
        notify(entry.user, "villages.event_place", title=post.title, post_id=post.id, space_slug=space.slug)
    return promoted


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue on lines that start with a space."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def ics(post: Post, *, url: str, host: str) -> str:
    """The event as an iCalendar file (times in UTC)."""
    stamp = "%Y%m%dT%H%M%SZ"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Faelled//Faelled//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:post-{post.id}@{host}",
        f"DTSTAMP:{(post.edited_at or post.created_at).strftime(stamp)}",
        f"DTSTART:{post.starts_at.strftime(stamp)}",  # type: ignore[union-attr]
    ]
    if post.ends_at:
        lines.append(f"DTEND:{post.ends_at.strftime(stamp)}")
    lines += [f"SUMMARY:{_ics_text(post.title)}", f"DESCRIPTION:{_ics_text(post.excerpt)}", f"URL:{url}"]
    if post.place_label:
        lines.append(f"LOCATION:{_ics_text(post.place_label)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def upcoming(
    space_ids: list[int] | sa.Select,
    *,
    visible: sa.ColumnElement[bool],
    cursor: str | None = None,
    limit: int = 20,
    now=None,
):
    """Events that have not ended, soonest first, a keyset page (``visible`` is moderation's
    ``visible_clause`` for the viewer)."""
    from community.pagination import keyset_ascending, page_of

    now = now or utcnow()
    query = sa.select(Post).where(
        Post.space_id.in_(space_ids),
        Post.kind == PostKind.EVENT,
        Post.starts_at.is_not(None),
        sa.func.coalesce(Post.ends_at, Post.starts_at) >= now,
        visible,
    )
    # The author and the space joined into each post's row (one each), the tags in one more query.
    query = keyset_ascending(query, Post.starts_at, Post.id, cursor, limit).options(
        joinedload(Post.author), joinedload(Post.space), selectinload(Post.tags)
    )
    return page_of(list(db.session.scalars(query)), limit, "starts_at")
