"""Conversations between a few people, with unread counts and system messages. E-mail addresses are
never shown to the others. Features start a conversation about their own subject and add or remove
people; the reading and writing is the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.conversations.models import Conversation, ConversationMember, Message
from community.conversations.subjects import SubjectLink, link_of, resolve
from community.db import utcnow
from community.errors import DomainError, NotAllowed
from community.extensions import db
from community.formatting import format_number
from community.i18n import _
from community.moderation.permissions import is_blocked_between
from community.notifications.services import notify

MAX_MESSAGE = 5_000


def about(kind: str, subject_id: int, *, starter: User | None = None) -> Conversation | None:
    """The conversation about a subject (started by ``starter``, when a subject has one per person)."""
    query = sa.select(Conversation).where(
        Conversation.subject_kind == kind, Conversation.subject_id == subject_id
    )
    if starter is not None:
        query = query.where(Conversation.starter_id == starter.id)
    return db.session.scalar(query.order_by(Conversation.id).limit(1))


def start(kind: str, subject_id: int, *, starter: User, others: list[User]) -> Conversation:
    """The conversation about the subject between ``starter`` and ``others`` (made once per starter)."""
    if any(is_blocked_between(starter, person.id) for person in others):
        raise NotAllowed(_("You cannot write to this person."))
    existing = about(kind, subject_id, starter=starter)
    if existing is not None:
        return existing
    conversation = Conversation(subject_kind=kind, subject_id=subject_id, starter_id=starter.id)
    seen = {starter.id}
    conversation.members = [ConversationMember(user_id=starter.id, last_read_at=utcnow())]
    for person in others:
        if person.id not in seen:
            seen.add(person.id)
            conversation.members.append(ConversationMember(user_id=person.id))
    db.session.add(conversation)
    db.session.flush()
    return conversation


def member(conversation: Conversation, user: User) -> ConversationMember | None:
    if not getattr(user, "is_authenticated", True):
        return None
    return next((m for m in conversation.members if m.user_id == user.id), None)


def others(conversation: Conversation, user: User) -> list[User]:
    return sorted(
        (m.user for m in conversation.members if m.user_id != user.id), key=lambda u: u.display_name
    )


def subject(conversation: Conversation) -> SubjectLink | None:
    return link_of(conversation.subject_kind, conversation.subject_id)


def add_system(conversation: Conversation, kind: str, *, about: User | None = None, **params: Any) -> Message:
    """A system message ("Anne joined the conversation"): a kind and parameters, worded when shown."""
    now = utcnow()
    message = Message(
        conversation_id=conversation.id,
        sender_id=about.id if about is not None else None,
        kind=kind,
        params=params,
        body="",
        created_at=now,
    )
    db.session.add(message)
    conversation.last_message_at = now
    db.session.flush()
    return message


def add_member(conversation: Conversation, user: User, *, announce: bool = True) -> ConversationMember:
    """Adds ``user`` (they read what was written before they came); says so in the conversation."""
    existing = member(conversation, user)
    if existing is not None:
        return existing
    joined = ConversationMember(conversation_id=conversation.id, user_id=user.id)
    conversation.members.append(joined)
    db.session.flush()
    if announce:
        add_system(conversation, "joined", about=user, name=user.display_name)
    return joined


def remove_member(conversation: Conversation, user: User, *, announce: bool = True) -> None:
    """``user`` no longer sees the conversation (a volunteer released from a request)."""
    found = member(conversation, user)
    if found is None:
        return
    conversation.members.remove(found)
    db.session.flush()
    if announce:
        add_system(conversation, "left", about=user, name=user.display_name)


def _has_unread_from_people(conversation: Conversation, them: ConversationMember) -> bool:
    query = sa.select(sa.func.count(Message.id)).where(
        Message.conversation_id == conversation.id,
        Message.kind.is_(None),
        Message.sender_id != them.user_id,
    )
    if them.last_read_at is not None:
        query = query.where(Message.created_at > them.last_read_at)
    return bool(db.session.scalar(query))


def send(conversation: Conversation, *, sender: User, body: str) -> Message:
    me = member(conversation, sender)
    if me is None:
        raise NotAllowed(_("You are not part of this conversation."))
    if any(is_blocked_between(sender, m.user_id) for m in conversation.members if m.user_id != sender.id):
        raise NotAllowed(_("You cannot write to this person."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message first."), field="body")
    if len(body) > MAX_MESSAGE:
        raise DomainError(_("Write at most %(n)s characters.", n=format_number(MAX_MESSAGE)), field="body")
    now = utcnow()
    # one nudge per unread stretch, not one per message
    nudge = [
        m.user
        for m in conversation.members
        if m.user_id != sender.id and not _has_unread_from_people(conversation, m)
    ]
    message = Message(conversation_id=conversation.id, sender_id=sender.id, body=body, created_at=now)
    db.session.add(message)
    conversation.last_message_at = now
    me.last_read_at = now
    db.session.flush()
    link = subject(conversation)
    if not message.is_visible_to_all:
        nudge = []  # held for a moderator: nobody is told until it is approved
    for person in nudge:
        notify(
            person,
            "conversations.message",
            name=sender.display_name,
            conversation_id=conversation.id,
            title=link.title if link else "",
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
    others: list[User]
    subject: SubjectLink | None
    unread: int


def unread_query(user: User, *columns) -> sa.Select:
    """Messages to ``user`` that arrived after they last read their conversation, as a query of
    ``columns`` (the header counts them together with the other counts)."""
    mine = sa.orm.aliased(ConversationMember)
    return (
        sa.select(*columns)
        .join(mine, sa.and_(mine.conversation_id == Message.conversation_id, mine.user_id == user.id))
        .where(
            sa.or_(Message.sender_id.is_(None), Message.sender_id != user.id),
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
            .options(selectinload(Conversation.members).selectinload(ConversationMember.user))
        )
    )
    counts: dict[int, int] = {}
    if conversations:
        rows = db.session.execute(
            unread_query(user, Message.conversation_id, sa.func.count(Message.id))
            .where(Message.conversation_id.in_([c.id for c in conversations]))
            .group_by(Message.conversation_id)
        )
        counts = {conversation_id: n for conversation_id, n in rows}
    links = resolve((c.subject_kind, c.subject_id) for c in conversations)
    return [
        Summary(
            c,
            others(c, user),
            links.get((c.subject_kind, c.subject_id)),  # type: ignore[arg-type]
            counts.get(c.id, 0),
        )
        for c in conversations
    ]


def unread_total(user: User) -> int:
    return db.session.scalar(unread_query(user, sa.func.count(Message.id))) or 0
