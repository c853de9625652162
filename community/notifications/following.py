"""Following: what a person follows, at which level and how often e-mail comes; how a feature's news
reaches the followers (``announce``, fanned out by a background job after the commit); daily and
weekly digests; and one-click unsubscribe tokens.

Features register what can be followed (``register_target``) and say what happened through
``community.signals``; their receivers call ``announce``. Core never imports a feature.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from community.accounts.models import User
from community.db import after_commit, insert_new, upsert, utcnow
from community.extensions import db
from community.i18n import local_zone
from community.notifications.models import Follow, Frequency, Level, Notification, NotificationSettings

# --- what can be followed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """Someone a thing reaches through a follow of theirs that is not a parent by id (an area around
    their home reaches the help requests made inside it): the follow (``via``, target and id), and how
    they hear of it (``kind``, ``context`` added to the announcement's)."""

    user_id: int
    via: tuple[str, int]
    kind: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Target:
    """A kind of thing people follow. ``load`` finds it by id (None when gone); ``can_see`` is the
    feature's own permission predicate; ``space_id`` names the space it lives in (digests group by
    it); ``parents`` what else its news reaches the followers of, who follow everything there (by
    default its space; a post's tags too); ``url`` is (endpoint, values); ``reach`` who else it reaches
    through follows that match it by place rather than by id (run in the fan-out job)."""

    label: Any
    load: Callable[[int], Any | None]
    can_see: Callable[[User, Any], bool]
    title: Callable[[Any], str]
    url: Callable[[Any], tuple[str, dict[str, Any]]]
    space_id: Callable[[Any], int | None] = lambda obj: None
    parents: Callable[[Any], list[tuple[str, int]]] | None = None
    reach: Callable[[Any], list[Reach]] | None = None

    def parents_of(self, obj: Any) -> list[tuple[str, int]]:
        if self.parents is not None:
            return self.parents(obj)
        space_id = self.space_id(obj)
        return [("space", space_id)] if space_id else []


TARGETS: dict[str, Target] = {}


def register_target(name: str, target: Target) -> None:
    TARGETS[name] = target


def item_key(target: str, target_id: int) -> str:
    return f"{target}:{target_id}"


def resolve(key: str | None) -> tuple[str, Target, Any] | None:
    """``("post", Target, the post)`` for an item key, or None when it is unknown or gone."""
    if not key or ":" not in key:
        return None
    name, _, raw = key.partition(":")
    target = TARGETS.get(name)
    if target is None or not raw.isdigit():
        return None
    obj = target.load(int(raw))
    return (name, target, obj) if obj is not None else None


def visible_target(user: User, name: str, target_id: int) -> Any:
    """The followed thing, or None when it is unknown, gone or hidden from ``user`` (a 404 to them)."""
    target = TARGETS.get(name)
    if target is None:
        return None
    obj = target.load(target_id)
    if obj is None or not target.can_see(user, obj):
        return None
    return obj


# --- a person's choices ------------------------------------------------------------------------------


def settings_of(user: User, *, look: bool = True) -> NotificationSettings:
    """The person's defaults; a fresh (unsaved) row with the platform defaults if they chose none
    (``look=False``: the caller knows there is no row)."""
    found = db.session.get(NotificationSettings, user.id) if look else None
    return found or NotificationSettings(
        user_id=user.id, frequency=Frequency.INSTANT, digest_hour=7, auto_follow=True
    )


def save_settings(user: User, *, frequency: Frequency, digest_hour: int, auto_follow: bool) -> None:
    if not 0 <= digest_hour <= 23:
        raise ValueError(digest_hour)
    current = settings_of(user)
    chosen = (frequency, digest_hour, auto_follow)
    if (current.frequency, current.digest_hour, current.auto_follow) == chosen:
        return  # saved unchanged (the platform's defaults need no row)
    upsert(
        NotificationSettings,
        ["user_id"],
        user_id=user.id,
        frequency=frequency,
        digest_hour=digest_hour,
        auto_follow=auto_follow,
    )
    db.session.expire_all()


def follow_of(user: User, target: str, target_id: int) -> Follow | None:
    return db.session.scalar(
        sa.select(Follow).where(
            Follow.user_id == user.id, Follow.target == target, Follow.target_id == target_id
        )
    )


def follow(
    user: User,
    target: str,
    target_id: int,
    *,
    level: Level = Level.EVERYTHING,
    frequency: Frequency | None = None,
) -> Follow:
    """The person's explicit choice: one row per thing, the latest choice wins (also when two clicks
    race)."""
    upsert(
        Follow,
        ["user_id", "target", "target_id"],
        user_id=user.id,
        target=target,
        target_id=target_id,
        level=level,
        frequency=frequency,
        created_at=utcnow(),
    )
    found = follow_of(user, target, target_id)
    db.session.refresh(found)
    return found  # type: ignore[return-value]


def auto_follow(user: User, target: str, target_id: int) -> None:
    """Writing, RSVPing or supporting follows the thing, unless the person turned that off; it never
    overrides a choice they made (a muted post stays muted)."""
    if settings_of(user).auto_follow:
        insert_new(Follow, user_id=user.id, target=target, target_id=target_id, level=Level.EVERYTHING)


def unfollow(user: User, target: str, target_id: int) -> bool:
    gone = db.session.execute(
        sa.delete(Follow).where(
            Follow.user_id == user.id, Follow.target == target, Follow.target_id == target_id
        )
    )
    return bool(gone.rowcount)


def follows_of(user: User) -> list[tuple[Follow, Target, Any]]:
    """Everything the person follows that still exists and that they may still see, newest first."""
    rows = db.session.scalars(
        sa.select(Follow)
        .where(Follow.user_id == user.id)
        .order_by(Follow.created_at.desc(), Follow.id.desc())
    )
    shown = []
    for row in rows:
        target = TARGETS.get(row.target)
        obj = target.load(row.target_id) if target else None
        if obj is not None and target.can_see(user, obj):  # type: ignore[union-attr]
            shown.append((row, target, obj))
    return shown


# --- news to the followers ---------------------------------------------------------------------------


def announce(
    kind: str,
    target: str,
    target_id: int,
    *,
    by: User | None,
    context: dict[str, Any],
    direct: dict[int, str] | None = None,
) -> None:
    """Tells the followers of ``target:target_id`` (and of its space, where they follow everything)
    that ``kind`` happened, once the transaction commits; the fan-out is a background job, so a post
    with 5,000 followers answers its author as fast as one with none. ``direct`` ({user id: kind})
    names people it concerns personally (a reply to them, their question answered): they hear of it
    unless they muted the thing, and in their own words."""
    after_commit(
        functools.partial(
            _enqueue_fan_out, kind, target, target_id, by.id if by else None, context, dict(direct or {})
        )
    )


def _enqueue_fan_out(*args: Any) -> None:
    from community.notifications.tasks import fan_out

    fan_out(*args)


BATCH = 500


def fan_out_now(
    kind: str,
    target: str,
    target_id: int,
    actor_id: int | None,
    context: dict[str, Any],
    direct: dict[Any, str],
) -> int:
    """The job's work: one notification per follower who may see the thing, in batches. Returns how
    many were told."""
    from community.moderation.permissions import blocked_ids
    from community.notifications.services import notify

    registered = TARGETS.get(target)
    obj = registered.load(target_id) if registered else None
    if obj is None:
        return 0
    direct = {int(k): v for k, v in direct.items()}
    actor = db.session.get(User, actor_id) if actor_id else None
    shunned = blocked_ids(actor) if actor else frozenset()
    reached = {r.user_id: r for r in (registered.reach(obj) if registered.reach else [])}  # type: ignore[union-attr]
    parents: dict[str, set[int]] = {}
    for name, ident in [*registered.parents_of(obj), *(r.via for r in reached.values())]:  # type: ignore[union-attr]
        parents.setdefault(name, set()).add(ident)
    on_item = sa.and_(Follow.target == target, Follow.target_id == target_id)
    on_parents = [
        sa.and_(Follow.target == name, Follow.target_id.in_(sorted(idents)))
        for name, idents in parents.items()
    ]
    # One row per person: the item's own follow wins (a muted post stays quiet even when its space is
    # followed); else a parent followed for everything, else any.
    rows = db.session.execute(
        sa.select(Follow).where(sa.or_(on_item, *on_parents)).order_by(Follow.id)
    ).scalars()
    chosen: dict[int, Follow] = {}
    for row in rows:
        held = chosen.get(row.user_id)
        if held is None or row.target == target or (held.target != target and row.level == Level.EVERYTHING):
            chosen[row.user_id] = row
        how = reached.get(row.user_id)
        if how is not None and row.level == Level.MUTED and (row.target, row.target_id) == how.via:
            del reached[row.user_id]  # they muted that area: no "near you" from it
    for user_id in direct:
        chosen.setdefault(user_id, None)  # type: ignore[arg-type]
    told = 0
    key = item_key(target, target_id)
    ids = [uid for uid in chosen if uid != actor_id and uid not in shunned]
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        users = db.session.scalars(
            sa.select(User).where(User.id.in_(batch), User.deleted_at.is_(None), User.active.is_(True))
        ).all()
        chosen_settings = {
            s.user_id: s
            for s in db.session.scalars(
                sa.select(NotificationSettings).where(NotificationSettings.user_id.in_(batch))
            )
        }
        for user in users:
            row = chosen[user.id]
            personal = user.id in direct
            if row is not None and row.level == Level.MUTED:
                continue
            if row is not None and row.target != target and row.level != Level.EVERYTHING and not personal:
                continue
            if row is not None and row.level == Level.REPLIES and not personal:
                continue
            if not registered.can_see(user, obj):  # type: ignore[union-attr]
                continue
            settings = chosen_settings.get(user.id) or settings_of(user, look=False)
            how = reached.get(user.id)
            said = direct.get(user.id) or (how.kind if how else kind)
            extra = how.context if how and said == how.kind else {}
            notify(user, said, item=key, follow=row, settings=settings, **{**context, **extra})
            told += 1
        db.session.commit()
    return told


# --- digests ------------------------------------------------------------------------------------------


def _due(now: datetime) -> tuple[int, list[str]]:
    """(the hour in Denmark now, which digests are due in it: daily every day, weekly on Mondays)."""
    local = now.replace(tzinfo=UTC).astimezone(local_zone())
    kinds = [Frequency.DAILY.value]
    if local.weekday() == 0:
        kinds.append(Frequency.WEEKLY.value)
    return local.hour, kinds


def digest_recipients(now: datetime) -> Iterator[list[int]]:
    """Ids of people whose digest is due this hour and who have something in it, in batches (the
    daily run over 20,000 people never holds them all)."""
    hour, kinds = _due(now)
    chosen_hour = sa.func.coalesce(NotificationSettings.digest_hour, 7)
    query = (
        sa.select(Notification.user_id)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == Notification.user_id)
        .where(Notification.digest.in_(kinds), chosen_hour == hour)
        .group_by(Notification.user_id)
        .order_by(Notification.user_id)
    )
    last = 0
    while True:
        ids = list(db.session.scalars(query.where(Notification.user_id > last).limit(200)))
        if not ids:
            return
        yield ids
        last = ids[-1]


def send_digests(now: datetime | None = None) -> int:
    """Composes and sends the digests due this hour; returns how many e-mails left."""
    from community.notifications.services import send_digest

    now = now or utcnow()
    _hour, kinds = _due(now)
    sent = 0
    for ids in digest_recipients(now):
        for user in db.session.scalars(
            sa.select(User).where(User.id.in_(ids), User.deleted_at.is_(None), User.active.is_(True))
        ):
            sent += send_digest(user, kinds)
        db.session.commit()  # the identity map holds its rows weakly: memory stays flat over 20,000 people
    return sent


# --- one-click unsubscribe -----------------------------------------------------------------------------

UNSUBSCRIBE_SALT = "community.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, follow: Follow | None) -> str:
    """Signed, per follow (or, without one, for all notification e-mail of the person)."""
    return _serializer().dumps({"u": user.id, "f": follow.id if follow else None})


class TokenProblem(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def read_unsubscribe_token(token: str) -> tuple[User, Follow | None]:
    """The person and the follow a token names; ``TokenProblem`` when it is forged, expired, or names
    an account or a follow that is gone."""
    try:
        data = _serializer().loads(token, max_age=int(UNSUBSCRIBE_MAX_AGE.total_seconds()))
    except SignatureExpired as exc:
        raise TokenProblem("expired") from exc
    except BadSignature as exc:
        raise TokenProblem("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenProblem("invalid")
    user = db.session.get(User, data["u"])
    if user is None or user.deleted_at is not None:
        raise TokenProblem("invalid")
    follow_id = data.get("f")
    if follow_id is None:
        return user, None
    found = db.session.get(Follow, follow_id) if isinstance(follow_id, int) else None
    if found is None or found.user_id != user.id:
        raise TokenProblem("invalid")
    return user, found
