"""One predicate per action in a village space; views require() them and templates ask the same."""

from __future__ import annotations

from community.accounts.models import User
from community.moderation.permissions import is_blocked_between
from community.spaces.models import Role, Space
from community.spaces.permissions import (
    can_contribute,
    can_view_space,
    has_role,
    is_staff_for,
    membership_of,
)
from community.villages.models import Comment, Post, PostKind


def _authenticated(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_moderate(user: User | None, space: Space) -> bool:
    return has_role(user, space, Role.MODERATOR, Role.ADMIN) or is_staff_for(user, space)


def is_official(user: User | None, space: Space) -> bool:
    m = membership_of(user, space)
    return bool(m is not None and m.is_active and m.official is not None)


def can_post(user: User | None, space: Space, kind: PostKind | None = None) -> bool:
    if not can_contribute(user, space):
        return False
    if kind == PostKind.NEWS:
        return has_role(user, space, Role.ADMIN) or is_official(user, space) or is_staff_for(user, space)
    return True


def can_edit_post(user: User | None, post: Post, space: Space) -> bool:
    if space.is_read_only or not _authenticated(user):
        return False
    return post.author_id == user.id or can_moderate(user, space)  # type: ignore[union-attr]


def can_comment(user: User | None, post: Post, space: Space) -> bool:
    return can_contribute(user, space) and not post.is_closed


def can_edit_comment(user: User | None, comment: Comment, space: Space) -> bool:
    if space.is_read_only or comment.is_deleted or not _authenticated(user):
        return False
    return comment.author_id == user.id or can_moderate(user, space)  # type: ignore[union-attr]


def can_thank(user: User | None, author_id: int, space: Space) -> bool:
    return can_contribute(user, space) and user.id != author_id  # type: ignore[union-attr]


def can_accept_answer(user: User | None, post: Post, space: Space) -> bool:
    if post.kind != PostKind.QUESTION or space.is_read_only or not _authenticated(user):
        return False
    return post.author_id == user.id or can_moderate(user, space)  # type: ignore[union-attr]


def can_respond_to_help(user: User | None, post: Post, space: Space) -> bool:
    """ "I can help" / "I'd like this": any confirmed citizen who can see the space, across villages;
    the answer is a private conversation, not a post in the space. Never between people who blocked
    one another."""
    return (
        not is_blocked_between(user, post.author_id)
        and post.is_help
        and _authenticated(user)
        and user.is_confirmed  # type: ignore[union-attr]
        and user.id != post.author_id  # type: ignore[union-attr]
        and not space.is_read_only
        and post.help_status is not None
        and post.help_status.value != "resolved"
        and can_view_space(user, space)
    )


def can_resolve_help(user: User | None, post: Post, space: Space) -> bool:
    return post.is_help and can_edit_post(user, post, space) and post.help_status is not None


def can_pin(user: User | None, space: Space) -> bool:
    return not space.is_read_only and can_moderate(user, space)


def can_take_part(user: User | None, post: Post, space: Space) -> bool:
    """RSVP to an event, vote in a poll: members of a space that is not archived."""
    return can_contribute(user, space)
