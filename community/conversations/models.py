"""A conversation, its members and its messages. A conversation may be about a subject that a feature
package owns, named by kind and id (no foreign key from core to a feature's table); a feature
registers how to show its subjects in ``subjects.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.moderation.models import ModeratableMixin


class Conversation(db.Model):
    """A private conversation between two or more people ("I can help", a help request's thread)."""

    __tablename__ = "conversation"
    __table_args__ = (sa.Index("ix_conversation_subject", "subject_kind", "subject_id", "starter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What it is about, e.g. ("villages.post", 12) or ("helpdesk.request", 3); None when the subject
    #: is gone or there never was one.
    subject_kind: Mapped[str | None] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None]
    starter_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    members: Mapped[list[ConversationMember]] = relationship(
        cascade="all, delete-orphan", back_populates="conversation"
    )


class ConversationMember(db.Model):
    __tablename__ = "conversation_member"

    conversation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conversation.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Message(ModeratableMixin, db.Model):
    """Written by a person (``kind`` is None, ``body`` their words), or a system message ("Anne joined
    the conversation"): a ``kind`` and its ``params``, put into words in the reader's language when
    shown (``kinds.py``). ``sender`` is the person a system message is about, if any."""

    __tablename__ = "message"
    __table_args__ = (sa.Index("ix_message_conversation_created", "conversation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(sa.ForeignKey("conversation.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str | None] = mapped_column(sa.String(40))
    params: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id])

    @property
    def is_system(self) -> bool:
        return self.kind is not None
