"""Following at scale (issue 13), measured in-process on the benchmark's database:

- a comment on a post with 5,000 followers costs its author what a comment on a post without any does
  (the followers are told by a job after the commit, so the request never waits for them);
- the daily digest for 20,000 people is composed within ten minutes, and its memory does not grow with
  the number of people (they are read and sent in batches): the peak for 2,000 people and for 20,000
  are reported side by side.

Both leave the database as they found it (a rolled-back savepoint; the digest's own rows deleted).
"""

from __future__ import annotations

import time
import tracemalloc
from datetime import datetime

import sqlalchemy as sa

FOLLOWERS = 5_000
DIGEST_USERS = 20_000
#: 07:00 in Denmark in winter (the default digest hour), a Tuesday: only daily digests are due.
DIGEST_NOW = datetime(2026, 12, 8, 6, 0)
#: Notifications the benchmark adds carry this creation time, so they are found and removed afterwards.
MARKER = datetime(2000, 1, 1, 0, 0)


def _ms(func, runs: int = 30) -> list[float]:
    func()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def comment_fan_out_cost() -> dict[str, float] | None:
    """p50/p95 ms of writing a comment on a post with 5,000 followers, and on one with none (run in an
    app context). None when the database has too few people."""
    from community.accounts.models import User
    from community.extensions import db
    from community.notifications.models import Follow, Level
    from community.spaces.models import Membership, MembershipStatus
    from community.villages.models import Post
    from community.villages.services import comments

    newest = db.session.scalar(sa.select(Post).order_by(Post.id.desc()).limit(1))
    if newest is None:
        return None
    # Two posts of one space, commented on by a member of it.
    posts = list(
        db.session.scalars(
            sa.select(Post).where(Post.space_id == newest.space_id).order_by(Post.id.desc()).limit(2)
        )
    )
    writer = (
        sa.select(Membership.user_id)
        .where(Membership.space_id == newest.space_id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(Membership.id)
        .limit(1)
    )
    author = db.session.get(User, db.session.scalar(writer))
    if author is None:
        return None
    people = list(
        db.session.scalars(
            sa.select(User.id).where(User.id != author.id).order_by(User.id).limit(FOLLOWERS + 1)
        )
    )
    if len(people) <= FOLLOWERS or len(posts) < 2:
        return None
    followed, quiet = posts
    nested = db.session.begin_nested()
    try:
        db.session.execute(
            sa.delete(Follow).where(Follow.target == "post", Follow.target_id.in_([p.id for p in posts]))
        )
        db.session.execute(
            sa.insert(Follow),
            [
                {"user_id": uid, "target": "post", "target_id": followed.id, "level": Level.EVERYTHING,
                 "created_at": MARKER}
                for uid in people[1:]
            ],
        )  # fmt: skip

        def write(post):
            def once() -> None:
                inner = db.session.begin_nested()
                comments.add_comment(post, post.space, by=author, body="Jeg kan hjælpe på lørdag.")
                db.session.flush()
                inner.rollback()

            return once

        busy = _ms(write(followed))
        calm = _ms(write(quiet))
    finally:
        nested.rollback()
        db.session.rollback()
    n = len(busy)
    return {
        "p50": busy[n // 2],
        "p95": busy[int(n * 0.95) - 1],
        "none_p50": calm[n // 2],
        "none_p95": calm[int(n * 0.95) - 1],
    }


def _digest_run(users: list[int], post_ids: list[int]) -> tuple[float, int, int]:
    """(seconds, e-mails sent, peak bytes traced) of the digest job for ``users``, each with two news."""
    from community.extensions import db, huey
    from community.notifications.following import send_digests
    from community.notifications.models import Notification

    rows = [
        {"user_id": uid, "kind": "villages.comment", "item": f"post:{post_ids[(uid + k) % len(post_ids)]}",
         "digest": "daily", "created_at": MARKER,
         "context": {"name": "Anne", "title": "Hvem kan låne mig en stige?", "post_id": 0, "space_slug": "x"}}
        for uid in users
        for k in range(2)
    ]  # fmt: skip
    if not rows:
        return 0.0, 0, 0
    db.session.execute(sa.insert(Notification), rows)
    db.session.commit()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        sent = send_digests(DIGEST_NOW)
        db.session.commit()
    finally:
        seconds = time.perf_counter() - started
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.rollback()
        db.session.execute(sa.delete(Notification).where(Notification.created_at == MARKER))
        db.session.commit()
        huey.flush()  # the queued deliveries of the benchmark's e-mails
    return seconds, sent, peak


def _set_email(user_ids: list[int], *, on: bool) -> list[int]:
    """Turns e-mail on or off for ``user_ids``; returns the ids whose setting it changed."""
    from community.accounts.models import User
    from community.extensions import db

    changed = []
    for start in range(0, len(user_ids), 1000):
        batch = user_ids[start : start + 1000]
        changed += db.session.scalars(
            sa.select(User.id).where(User.id.in_(batch), User.email_notifications.is_not(on))
        )
        db.session.execute(sa.update(User).where(User.id.in_(batch)).values(email_notifications=on))
    db.session.commit()
    return changed


def digest_figures() -> dict[str, float] | None:
    """The daily digest for 20,000 people (and for 2,000, to compare memory), run in an app context."""
    from community.accounts.models import User
    from community.extensions import db
    from community.moderation.permissions import public_clause
    from community.notifications.models import Notification, NotificationSettings
    from community.spaces.models import Space, Visibility
    from community.villages.models import Post

    users = list(
        db.session.scalars(
            sa.select(User.id)
            .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
            .where(
                User.deleted_at.is_(None),
                User.confirmed_at.is_not(None),
                NotificationSettings.user_id.is_(None),
            )
            .order_by(User.id)
            .limit(DIGEST_USERS)
        )
    )
    # News about posts everyone may see (a public space, not held by moderation): the digest then has
    # something to send to each of them; posts in members-only spaces would be left out at sending time.
    post_ids = list(
        db.session.scalars(
            sa.select(Post.id)
            .join(Space, Space.id == Post.space_id)
            .where(Space.visibility == Visibility.PUBLIC, public_clause(Post))
            .order_by(Post.id.desc())
            .limit(50)
        )
    )
    if len(users) < DIGEST_USERS or not post_ids:
        return None
    waiting = db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(Notification.digest.is_not(None))
    )
    if waiting:
        return None  # someone's real digest is waiting: the benchmark would send it
    # The seeded people have e-mail turned off (the seed mails nobody): on for the run, off again after.
    was_off = _set_email(users, on=True)
    try:
        small_seconds, small_sent, small_peak = _digest_run(users[: DIGEST_USERS // 10], post_ids)
        seconds, sent, peak = _digest_run(users, post_ids)
    finally:
        _set_email(was_off, on=False)
    return {
        "seconds": seconds,
        "sent": sent,
        "peak_mb": peak / 1e6,
        "small_seconds": small_seconds,
        "small_sent": small_sent,
        "small_peak_mb": small_peak / 1e6,
    }
