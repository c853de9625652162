"""Moderation's tables: the moderatable mixin features include, reports gathered into cases, actions
with their one appeal, the append-only audit log, watched words, protected names and blocks."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from community.accounts.models import User
from community.db import enum_column as _enum
from community.db import utcnow
from community.extensions import db
from community.i18n import _, _l


class ModerationState(enum.StrEnum):
    VISIBLE = "visible"
    HELD = "held"  # saved, seen by its author and the moderators until approved
    HIDDEN = "hidden"  # taken down by a moderator or by reports; the reason shows in its place


#: Stored as ``moderation_reason`` when reports from several people hid an item: a code, not words,
#: so each reader sees it in their own language (``hidden_notice``), not the third reporter's.
AUTO_HIDDEN = "[auto-hidden:reports]"


class ModeratableMixin:
    """Columns every piece of content people can report carries (posts, comments, messages, …)."""

    @declared_attr
    def moderation_state(cls) -> Mapped[ModerationState]:
        return mapped_column(
            _enum(ModerationState), default=ModerationState.VISIBLE, server_default="visible", index=True
        )

    @declared_attr
    def moderation_reason(cls) -> Mapped[str | None]:
        return mapped_column(sa.String(500), info={"user_text": False})

    @declared_attr
    def moderated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def moderated_at(cls) -> Mapped[datetime | None]:
        return mapped_column()

    @property
    def is_hidden(self) -> bool:
        return self.moderation_state == ModerationState.HIDDEN

    @property
    def is_held(self) -> bool:
        return self.moderation_state == ModerationState.HELD

    @property
    def is_visible_to_all(self) -> bool:
        return self.moderation_state in (None, ModerationState.VISIBLE)

    @property
    def moderation_reason_text(self) -> str:
        """Why it is hidden, in the reader's language."""
        if self.moderation_reason == AUTO_HIDDEN:
            return _("several people reported it")
        return self.moderation_reason or "-"

    @property
    def hidden_notice(self) -> str:
        """What is shown in place of a hidden item, in the reader's language."""
        if self.moderation_reason == AUTO_HIDDEN:
            return _("Hidden until a moderator looks at it: several people reported it.")
        return _("Hidden by a moderator: %(reason)s", reason=self.moderation_reason or "-")


class Reason(enum.StrEnum):
    SPAM = "spam"
    HARASSMENT = "harassment"
    NAMED_PERSON = "named_person"
    PERSONAL_DATA = "personal_data"
    HATE = "hate"
    OFF_TOPIC = "off_topic"
    OTHER = "other"
    # Raised by the machine, never chosen by a person:
    WATCHED_WORD = "watched_word"
    PROTECTED_NAME = "protected_name"


REASON_LABELS = {
    Reason.SPAM: _l("Spam or advertising"),
    Reason.HARASSMENT: _l("Harassment or bullying"),
    Reason.NAMED_PERSON: _l("A person is named or hung out"),
    Reason.PERSONAL_DATA: _l("Personal data, such as a CPR number"),
    Reason.HATE: _l("Hate or discrimination"),
    Reason.OFF_TOPIC: _l("Off-topic"),
    Reason.OTHER: _l("Something else"),
    Reason.WATCHED_WORD: _l("A watched word"),
    Reason.PROTECTED_NAME: _l("Names a protected employee"),
}
PERSON_REASONS = (
    Reason.SPAM,
    Reason.HARASSMENT,
    Reason.NAMED_PERSON,
    Reason.PERSONAL_DATA,
    Reason.HATE,
    Reason.OFF_TOPIC,
    Reason.OTHER,
)


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Case(db.Model):
    """One reported (or held, or flagged) item in the queue; its reports are gathered here."""

    __tablename__ = "moderation_case"
    __table_args__ = (
        sa.UniqueConstraint("content_type", "content_id", name="uq_moderation_case_content"),
        sa.Index("ix_moderation_case_queue", "municipality_id", "status", "last_reported_at", "id"),
        sa.Index("ix_moderation_case_space_queue", "space_id", "status", "last_reported_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(32), info={"user_text": False})
    content_id: Mapped[int]
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.OPEN)
    report_count: Mapped[int] = mapped_column(default=0)
    #: What the machine saw (a watched word, a protected name), shown to moderators.
    flagged: Mapped[str | None] = mapped_column(sa.String(500), info={"user_text": False})
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    reports: Mapped[list[Report]] = relationship(back_populates="case", order_by="Report.id")


class Report(db.Model):
    __tablename__ = "moderation_report"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "reporter_id", name="uq_moderation_report_case_reporter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("moderation_case.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reason: Mapped[Reason] = mapped_column(_enum(Reason))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="reports")
    reporter: Mapped[User | None] = relationship()

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS[self.reason])


class ActionKind(enum.StrEnum):
    KEEP = "keep"
    HIDE = "hide"
    RESTORE = "restore"
    APPROVE = "approve"
    EDIT = "edit"
    DELETE = "delete"
    WARN = "warn"
    SUSPEND = "suspend"
    EXCLUDE = "exclude"
    FREEZE = "freeze"
    UNFREEZE = "unfreeze"
    ARCHIVE = "archive"
    AUTO_HIDE = "auto_hide"
    HOLD = "hold"
    REPORT = "report"
    APPEAL = "appeal"
    APPEAL_UPHELD = "appeal_upheld"
    APPEAL_OVERTURNED = "appeal_overturned"
    WATCHED_WORD_ADDED = "watched_word_added"
    WATCHED_WORD_REMOVED = "watched_word_removed"
    PROTECTED_ADDED = "protected_added"
    PROTECTED_REMOVED = "protected_removed"
    ACCOUNT_DELETED = "account_deleted"
    DATA_EXPORTED = "data_exported"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"


ACTION_LABELS = {
    ActionKind.KEEP: _l("kept (reports dismissed)"),
    ActionKind.HIDE: _l("hidden"),
    ActionKind.RESTORE: _l("shown again"),
    ActionKind.APPROVE: _l("approved"),
    ActionKind.EDIT: _l("a passage edited out"),
    ActionKind.DELETE: _l("deleted"),
    ActionKind.WARN: _l("author warned"),
    ActionKind.SUSPEND: _l("author suspended"),
    ActionKind.EXCLUDE: _l("author excluded"),
    ActionKind.FREEZE: _l("space frozen"),
    ActionKind.UNFREEZE: _l("space opened again"),
    ActionKind.ARCHIVE: _l("space archived"),
    ActionKind.AUTO_HIDE: _l("hidden after reports"),
    ActionKind.HOLD: _l("held for approval"),
    ActionKind.REPORT: _l("reported"),
    ActionKind.APPEAL: _l("appealed"),
    ActionKind.APPEAL_UPHELD: _l("appeal turned down"),
    ActionKind.APPEAL_OVERTURNED: _l("appeal granted"),
    ActionKind.WATCHED_WORD_ADDED: _l("watched word added"),
    ActionKind.WATCHED_WORD_REMOVED: _l("watched word removed"),
    ActionKind.PROTECTED_ADDED: _l("protected person added"),
    ActionKind.PROTECTED_REMOVED: _l("protected person removed"),
    ActionKind.ACCOUNT_DELETED: _l("account deleted"),
    ActionKind.DATA_EXPORTED: _l("data exported"),
    ActionKind.TOKEN_CREATED: _l("access token created"),
    ActionKind.TOKEN_REVOKED: _l("access token revoked"),
}


class AppealDecision(enum.StrEnum):
    UPHELD = "upheld"
    OVERTURNED = "overturned"


class Action(db.Model):
    """What a moderator did about an item or its author; the author may appeal it once."""

    __tablename__ = "moderation_action"
    __table_args__ = (sa.Index("ix_moderation_action_appeals", "municipality_id", "appealed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("moderation_case.id", ondelete="SET NULL"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(sa.String(32), info={"user_text": False})
    content_id: Mapped[int]
    kind: Mapped[ActionKind] = mapped_column(_enum(ActionKind))
    reason: Mapped[str] = mapped_column(sa.String(500), default="", info={"user_text": False})
    until: Mapped[datetime | None]
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    appeal_text: Mapped[str | None] = mapped_column(sa.String(2000))
    appealed_at: Mapped[datetime | None]
    appeal_decision: Mapped[AppealDecision | None] = mapped_column(_enum(AppealDecision))
    appeal_note: Mapped[str | None] = mapped_column(sa.String(1000), info={"user_text": False})
    appeal_decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    appeal_decided_at: Mapped[datetime | None]

    by: Mapped[User | None] = relationship(foreign_keys=[by_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self.kind])


class AuditEntry(db.Model):
    """Append-only: every moderation action, who, what, when, why, and before/after for edits."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_municipality_created", "municipality_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("space.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(120), default="", info={"user_text": False})
    action: Mapped[ActionKind] = mapped_column(_enum(ActionKind), index=True)
    content_type: Mapped[str | None] = mapped_column(sa.String(32), info={"user_text": False})
    content_id: Mapped[int | None]
    target_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, default="", info={"user_text": False})
    before: Mapped[str | None] = mapped_column(sa.Text, info={"user_text": False})
    after: Mapped[str | None] = mapped_column(sa.Text, info={"user_text": False})

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self.action])


class WordAction(enum.StrEnum):
    BLOCK = "block"
    HOLD = "hold"
    FLAG = "flag"


WORD_ACTION_LABELS = {
    WordAction.BLOCK: _l("Block: refuse the text"),
    WordAction.HOLD: _l("Hold for approval"),
    WordAction.FLAG: _l("Flag: publish and queue"),
}


class WatchedWord(db.Model):
    __tablename__ = "watched_word"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "space_id", "pattern", name="uq_watched_word_scope_pattern"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    #: None: the whole municipality.
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    pattern: Mapped[str] = mapped_column(sa.String(200), info={"user_text": False})
    is_regex: Mapped[bool] = mapped_column(default=False)
    action: Mapped[WordAction] = mapped_column(_enum(WordAction))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def action_label(self) -> str:
        return str(WORD_ACTION_LABELS[self.action])


class ProtectedPerson(db.Model):
    """An employee (a caseworker) whose name is not discussed in the spaces."""

    __tablename__ = "protected_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120), info={"user_text": False})
    #: Other ways people write the name, one per line ("Mette S.", "sagsbehandler Mette").
    variants: Mapped[str] = mapped_column(sa.Text, default="", info={"user_text": False})
    #: Their account, when they take part under an official badge: talking *to* them is fine there.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()

    def all_names(self) -> list[str]:
        return [n.strip() for n in [self.name, *self.variants.splitlines()] if n.strip()]


class ListVersion(db.Model):
    """Changes whenever a municipality's watched words or protected names change, so every process
    recompiles its cached lists."""

    __tablename__ = "moderation_list_version"

    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(sa.String(32), info={"user_text": False})


class Block(db.Model):
    __tablename__ = "user_block"

    blocker_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])


def _append_only(_mapper: Any, _connection: Any, _target: Any) -> None:
    raise RuntimeError("the audit log is append-only")


sa.event.listen(AuditEntry, "before_update", _append_only)
sa.event.listen(AuditEntry, "before_delete", _append_only)
