from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.db import TimestampMixin
from community.db import enum_column as _enum
from community.extensions import db
from community.i18n import _l


class SpaceKind(enum.StrEnum):
    VILLAGE = "village"
    CLUB = "club"
    ASSOCIATION = "association"
    CONTRACTOR_NETWORK = "contractor_network"
    INTEREST_GROUP = "interest_group"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"


class JoinPolicy(enum.StrEnum):
    OPEN = "open"
    REQUEST = "request"
    INVITATION = "invitation"


class Role(enum.StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Official(enum.StrEnum):
    POLITICIAN = "politician"
    STAFF = "staff"


class MembershipStatus(enum.StrEnum):
    ACTIVE = "active"
    PENDING = "pending"
    #: Excluded by a moderator: not a member, and cannot join again.
    EXCLUDED = "excluded"


KIND_LABELS = {
    SpaceKind.VILLAGE: _l("Village"),
    SpaceKind.CLUB: _l("Sports club"),
    SpaceKind.ASSOCIATION: _l("Association"),
    SpaceKind.CONTRACTOR_NETWORK: _l("Contractor network"),
    SpaceKind.INTEREST_GROUP: _l("Interest group"),
}
VISIBILITY_LABELS = {Visibility.PUBLIC: _l("Public"), Visibility.MEMBERS: _l("Members only")}
JOIN_POLICY_LABELS = {
    JoinPolicy.OPEN: _l("Anyone can join"),
    JoinPolicy.REQUEST: _l("Ask to join"),
    JoinPolicy.INVITATION: _l("By invitation"),
}
ROLE_LABELS = {Role.MEMBER: _l("member"), Role.MODERATOR: _l("moderator"), Role.ADMIN: _l("admin")}
OFFICIAL_LABELS = {Official.POLITICIAN: _l("Politician"), Official.STAFF: _l("Municipality staff")}


class Municipality(TimestampMixin, db.Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    logo: Mapped[str | None] = mapped_column(sa.String(80))
    default_locale: Mapped[str] = mapped_column(sa.String(5), default="da")
    latitude: Mapped[float]
    longitude: Mapped[float]
    website: Mapped[str | None] = mapped_column(sa.String(255))


class Space(TimestampMixin, db.Model):
    __tablename__ = "space"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[SpaceKind] = mapped_column(_enum(SpaceKind), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    latitude: Mapped[float | None] = mapped_column(index=True)
    longitude: Mapped[float | None] = mapped_column(index=True)
    radius_km: Mapped[float] = mapped_column(default=5.0)
    postcode: Mapped[str | None] = mapped_column(sa.String(4))
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.PUBLIC, index=True)
    join_policy: Mapped[JoinPolicy] = mapped_column(_enum(JoinPolicy), default=JoinPolicy.OPEN)
    # The white-label theme.
    display_name: Mapped[str | None] = mapped_column(sa.String(120))
    primary_color: Mapped[str] = mapped_column(sa.String(7), default="#1f5f3a")
    logo: Mapped[str | None] = mapped_column(sa.String(80))
    header_image: Mapped[str | None] = mapped_column(sa.String(80))
    show_provider: Mapped[bool] = mapped_column(default=True)
    hostname: Mapped[str | None] = mapped_column(sa.String(253), unique=True)
    archived_at: Mapped[datetime | None]
    #: Frozen by moderation: everything stays readable, nobody writes (see ``permissions.can_contribute``).
    frozen_at: Mapped[datetime | None]

    municipality: Mapped[Municipality] = relationship(lazy="joined")

    @property
    def title(self) -> str:
        return self.display_name or self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_read_only(self) -> bool:
        return self.archived_at is not None or self.frozen_at is not None

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def join_policy_label(self) -> str:
        return str(JOIN_POLICY_LABELS[self.join_policy])


class Membership(TimestampMixin, db.Model):
    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("space_id", "user_id", name="uq_membership_space_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    official: Mapped[Official | None] = mapped_column(_enum(Official))
    status: Mapped[MembershipStatus] = mapped_column(_enum(MembershipStatus), default=MembershipStatus.ACTIVE)
    message: Mapped[str | None] = mapped_column(sa.String(500))
    #: Suspended from writing in the space by a moderator until then.
    suspended_until: Mapped[datetime | None]

    space: Mapped[Space] = relationship()
    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    def is_suspended(self, now: datetime | None = None) -> bool:
        from community.db import utcnow

        return self.suspended_until is not None and self.suspended_until > (now or utcnow())

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])

    @property
    def official_label(self) -> str | None:
        return str(OFFICIAL_LABELS[self.official]) if self.official else None


class Invitation(TimestampMixin, db.Model):
    """An invitation to a space by e-mail; it works for someone who has no account yet."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    space: Mapped[Space] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])


class MediaFile(db.Model):
    """Which space an uploaded file (``community.media``, stored under its content hash) belongs to, so
    the file is served under the space's visibility. ``space_id`` None: not a space's own (guides,
    photos of fault reports and visits), public. The same picture uploaded twice has a row per space."""

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), index=True)
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)
