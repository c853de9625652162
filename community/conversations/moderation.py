"""Private messages are reportable (to the municipality's staff, as they belong to no space), and a
citizen's messages are part of their data: exported, and deleted with the account."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for

from community import signals
from community.conversations.models import Conversation, ConversationMember, Message
from community.extensions import db
from community.i18n import _l
from community.moderation.registry import ContentType, register
from community.text import plain_excerpt


def _case_municipality(message: Message) -> int | None:
    from community.moderation.models import Case

    return db.session.scalar(
        sa.select(Case.municipality_id).where(Case.content_type == "message", Case.content_id == message.id)
    )


def _municipality_of(message: Message) -> int | None:
    """The municipality whose staff moderate a message: the one its case was reported to (a
    conversation belongs to no space), else, before any report, the request's."""
    from community.moderation.guard import scope_of

    found = _case_municipality(message)
    return found if found is not None else scope_of(None)[0]


def _in_conversation(user: Any, message: Message) -> bool:
    """Only the conversation's members see a message; the municipality's staff see it only once it
    was reported to their municipality (through its case), never by being staff alone."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if db.session.get(ConversationMember, (message.conversation_id, user.id)) is not None:
        return True
    if user.staff_municipality_id is None:
        return False
    return _case_municipality(message) == user.staff_municipality_id


def _delete_message(message: Message, _by: Any) -> None:
    db.session.delete(message)


register(
    ContentType(
        name="message",
        label=_l("private message"),
        model=Message,
        space_of=lambda m: None,  # private: reported to the municipality's staff
        author_id_of=lambda m: m.sender_id,
        url_of=lambda m: url_for("conversations.show", conversation_id=m.conversation_id),
        title_of=lambda m: plain_excerpt(m.body)[:80] or "…",
        excerpt_of=lambda m: m.body[:600],
        can_view=_in_conversation,
        delete=_delete_message,
        author_attr="sender_id",
        text_attr="body",
        municipality_of=_municipality_of,
    )
)


@signals.account_exporting.connect
def _export(user: Any, **_kw: Any) -> dict[str, Any]:
    from community.moderation.privacy import row

    return {
        "messages": [
            row(m, "id", "conversation_id", "body", "created_at")
            for m in db.session.scalars(
                sa.select(Message).where(Message.sender_id == user.id, Message.kind.is_(None))
            )
        ]
    }


@signals.account_deleting.connect
def _delete(user: Any, **_kw: Any) -> None:
    """Private messages are deleted; the others keep the conversation, with a former member in it."""
    db.session.execute(sa.delete(Message).where(Message.sender_id == user.id, Message.kind.is_(None)))
    db.session.execute(
        sa.delete(Conversation).where(
            ~sa.exists().where(
                ConversationMember.conversation_id == Conversation.id, ConversationMember.user_id != user.id
            )
        )
    )
    db.session.flush()
