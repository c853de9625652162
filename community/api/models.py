"""Access tokens for the API and Open311, and which fault reports came in through Open311."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.db import enum_column as _enum
from community.db import utcnow
from community.extensions import db
from community.i18n import _l
from community.spaces.models import Municipality


class TokenKind(enum.StrEnum):
    #: A person's own token: acts as that person, with the scopes they chose.
    PERSONAL = "personal"
    #: A municipality's read token for its own website: reads what everyone may read, counted apart.
    SITE = "site"
    #: An Open311 API key a member of staff issued to an application (e.g. a pothole app).
    OPEN311 = "open311"


class Scope(enum.StrEnum):
    READ = "read"
    WRITE = "write"
    OPEN311 = "open311"


KIND_LABELS = {
    TokenKind.PERSONAL: _l("Personal token"),
    TokenKind.SITE: _l("Website read token"),
    TokenKind.OPEN311: _l("Open311 API key"),
}
SCOPE_LABELS = {
    Scope.READ: _l("Read"),
    Scope.WRITE: _l("Write (posts, comments, answers, fault reports)"),
    Scope.OPEN311: _l("Report faults through Open311"),
}


class ApiToken(db.Model):
    """A bearer token. The token itself is shown once and stored only as its SHA-256 (it carries 256
    random bits, so the hash cannot be reversed by guessing, and a fast hash lets a request find its
    token by one indexed lookup); the first characters stay visible so people can tell tokens apart."""

    __tablename__ = "api_token"
    __table_args__ = (sa.Index("ix_api_token_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(_enum(TokenKind))
    #: What the person calls it ("my calendar script", "skanderborg.dk").
    name: Mapped[str] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(16), info={"user_text": False})
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: The person a personal token acts for.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    #: The municipality a website token or an Open311 key belongs to.
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    municipality: Mapped[Municipality | None] = relationship()

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def allows(self, scope: Scope) -> bool:
        return scope.value in (self.scopes or [])


class Open311Request(db.Model):
    """A fault report that came in through Open311: the public token the client may look it up by
    (``tokens/{token}``) and the API key that sent it."""

    __tablename__ = "open311_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(40), unique=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("fault_report.id", ondelete="CASCADE"), unique=True)
    api_token_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("api_token.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
