"""Polls: single or multiple choice, a closing time, results after voting or after closing."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.db import lock
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _
from community.spaces.models import Space
from community.villages import permissions
from community.villages.models import PollOption, PollVote, Post, PostKind


@dataclass(frozen=True)
class Results:
    counts: dict[int, int]  # option id -> votes
    voters: int
    mine: set[int]

    def share(self, option_id: int) -> int:
        return round(100 * self.counts.get(option_id, 0) / self.voters) if self.voters else 0


def results(post: Post, user: User | None) -> Results:
    counts = dict(
        db.session.execute(
            sa.select(PollVote.option_id, sa.func.count(PollVote.id))
            .where(PollVote.post_id == post.id)
            .group_by(PollVote.option_id)
        ).all()
    )
    voters = (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(PollVote.user_id))).where(PollVote.post_id == post.id)
        )
        or 0
    )
    mine: set[int] = set()
    if user is not None and getattr(user, "is_authenticated", False):
        mine = set(
            db.session.scalars(
                sa.select(PollVote.option_id).where(PollVote.post_id == post.id, PollVote.user_id == user.id)
            )
        )
    return Results(counts, voters, mine)


def vote(post: Post, space: Space, *, by: User, option_ids: list[int]) -> None:
    """Records (or changes) a vote while the poll is open."""
    lock(post)  # one person's votes are replaced by one request at a time
    if post.kind != PostKind.POLL:
        raise DomainError(_("Only polls take votes."))
    if not permissions.can_take_part(by, post, space):
        raise NotAllowed(_("Join %(space)s to vote.", space=space.title))
    if not post.poll_is_open():
        raise Conflict(_("The poll is closed."))
    chosen = set(option_ids)
    valid = {o.id for o in db.session.scalars(sa.select(PollOption).where(PollOption.post_id == post.id))}
    if not chosen or not chosen <= valid:
        raise DomainError(_("Choose an option."), field="options")
    if not post.poll_multiple and len(chosen) > 1:
        raise DomainError(_("Choose only one option."), field="options")
    db.session.execute(sa.delete(PollVote).where(PollVote.post_id == post.id, PollVote.user_id == by.id))
    for option_id in sorted(chosen):
        db.session.add(PollVote(post_id=post.id, option_id=option_id, user_id=by.id))
    db.session.flush()


def shows_results(post: Post, result: Results) -> bool:
    return bool(result.mine) or not post.poll_is_open()
