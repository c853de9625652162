"""Private one-to-one conversations, started from a post, with unread counts; e-mail addresses are
never shown to the other person."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.db import utcnow
from community.errors import DomainError, NotAllowed
from community.extensions import db
from community.formatting import format_number
from community.i18n import _
from community.notifications.services import notify
from community.text import refuse_cpr
from community.villages.models import Conversation, ConversationMember, Message, Post

MAX_MESSAGE = 5_000


def between(post: Post, starter: User) -> Conversation | None:
    return db.session.scalar(
        sa.select(Conversation).where(Conversation.post_id == post.id, Conversation.starter_id == starter.id)
    )


def start(post: Post, *, starter: User) -> Conversation:
    """The conversation between ``starter`` and the post's author about the post (made once)."""
    existing = between(post, starter)
    if existing is not None:
        return existing
    conversation = Conversation(post_id=post.id, starter_id=starter.id)
    conversation.members = [
        ConversationMember(user_id=starter.id, last_read_at=utcnow()),
        ConversationMember(user_id=post.author_id),
    ]
    db.session.add(conversation)
    db.session.flush()
    return conversation


def member(conversation: Conversation, user: User) -> ConversationMember | None:
    return next((m for m in conversation.members if m.user_id == user.id), None)


def other(conversation: Conversation, user: User) -> User:
    return next(m.user for m in conversation.members if m.user_id != user.id)


def send(conversation: Conversation, *, sender: User, body: str) -> Message:
    me = member(conversation, sender)
    if me is None:
        raise NotAllowed(_("You are not part of this conversation."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message first."), field="body")
    if len(body) > MAX_MESSAGE:
        raise DomainError(_("Write at most %(n)s characters.", n=format_number(MAX_MESSAGE)), field="body")
    refuse_cpr(body, field="body")
    now = utcnow()
    recipient = other(conversation, sender)
    them = member(conversation, recipient)
    already_unread = them is not None and (
        them.last_read_at is None or them.last_read_at < conversation.last_message_at
    )
    had_messages = db.session.scalar(
        sa.select(sa.func.count(Message.id)).where(Message.conversation_id == conversation.id)
    )
    message = Message(conversation_id=conversation.id, sender_id=sender.id, body=body, created_at=now)
    db.session.add(message)
    conversation.last_message_at = now
    me.last_read_at = now
    db.session.flush()
    if not (had_messages and already_unread):  # one nudge per unread stretch, not one per message
        notify(
            recipient,
            "villages.message",
            name=sender.display_name,
            conversation_id=conversation.id,
            title=conversation.post.title if conversation.post else "",
        )
    return message


def mark_read(conversation: Conversation, user: User) -> None:
    me = member(conversation, user)
    if me is not None:
        me.last_read_at = utcnow()
        db.session.flush()


def messages(conversation: Conversation) -> list[Message]:
    return list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.conversation_id == conversation.id)
            .order_by(Message.created_at, Message.id)
            .options(selectinload(Message.sender))
        )
    )


@dataclass(frozen=True)
class Summary:
    conversation: Conversation
    other: User
    unread: int


def _unread(user: User, *columns) -> sa.Select:
    """Messages to ``user`` that arrived after they last read their conversation."""
    mine = sa.orm.aliased(ConversationMember)
    return (
        sa.select(*columns)
        .join(mine, sa.and_(mine.conversation_id == Message.conversation_id, mine.user_id == user.id))
        .where(
            Message.sender_id != user.id,
            sa.or_(mine.last_read_at.is_(None), Message.created_at > mine.last_read_at),
        )
    )


def for_user(user: User) -> list[Summary]:
    conversations = list(
        db.session.scalars(
            sa.select(Conversation)
            .join(ConversationMember)
            .where(ConversationMember.user_id == user.id)
            .order_by(Conversation.last_message_at.desc())
            .options(
                selectinload(Conversation.members).selectinload(ConversationMember.user),
                selectinload(Conversation.post),
            )
        )
    )
    counts: dict[int, int] = {}
    if conversations:
        rows = db.session.execute(
            _unread(user, Message.conversation_id, sa.func.count(Message.id))
            .where(Message.conversation_id.in_([c.id for c in conversations]))
            .group_by(Message.conversation_id)
        )
        counts = {conversation_id: n for conversation_id, n in rows}
    return [Summary(c, other(c, user), counts.get(c.id, 0)) for c in conversations]


def unread_total(user: User) -> int:
    return db.session.scalar(_unread(user, sa.func.count(Message.id))) or 0
