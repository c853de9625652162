from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from community.db import TimestampMixin, utcnow
from community.extensions import db

#: The text sizes a person can choose, and how much larger than the browser's own each is.
TEXT_SIZES = {"normal": 100, "large": 125, "largest": 150}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: The name people see; read and set it as ``display_name`` (a former member's reads "a former member").
    _display_name: Mapped[str] = mapped_column("display_name", sa.String(80))
    #: "da" or "en"; None follows the browser.
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    #: "large" or "largest" scales the whole site (see TEXT_SIZES); None is the normal size.
    text_size: Mapped[str | None] = mapped_column(sa.String(10))
    confirmed_at: Mapped[datetime | None]
    #: Rotated when the password changes, so every other session and remember-me cookie ends.
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    home_label: Mapped[str | None] = mapped_column(sa.String(120))
    home_latitude: Mapped[float | None]
    home_longitude: Mapped[float | None]
    email_notifications: Mapped[bool] = mapped_column(default=True)
    #: Set for municipality staff: the municipality whose console they may use.
    staff_municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    last_login_at: Mapped[datetime | None]
    #: Set when the person deleted their account: personal data erased, what they wrote kept (or not).
    deleted_at: Mapped[datetime | None]

    @hybrid_property
    def display_name(self) -> str:
        if self.deleted_at is not None:
            from community.i18n import _

            return _("a former member")
        return self._display_name

    @display_name.inplace.setter
    def _display_name_setter(self, value: str) -> None:
        self._display_name = value

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls) -> sa.ColumnElement[str]:
        return cls.__table__.c.display_name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_staff(self) -> bool:
        return self.staff_municipality_id is not None

    @property
    def has_home(self) -> bool:
        return self.home_latitude is not None and self.home_longitude is not None


class UserIdentity(db.Model):
    """An account at an OpenID Connect provider linked to a Fælled account: the provider's name (as
    configured) and its stable subject identifier. Nothing else from the provider is kept here; a
    national identifier (CPR) never is."""

    __tablename__ = "user_identity"
    __table_args__ = (sa.UniqueConstraint("provider", "subject", name="uq_user_identity_provider_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(40), info={"user_text": False})
    subject: Mapped[str] = mapped_column(sa.String(255), info={"user_text": False})
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
