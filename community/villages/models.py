"""Posts and the conversation around them, and mutual help (the private conversations are in
``community.conversations``)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.db import SpaceScopedMixin, utcnow
from community.db import enum_column as _enum
from community.extensions import db
from community.i18n import _l
from community.moderation.models import ModeratableMixin
from community.spaces.models import Space


class PostKind(enum.StrEnum):
    DISCUSSION = "discussion"
    QUESTION = "question"
    NEWS = "news"
    EVENT = "event"
    POLL = "poll"
    HELP_REQUEST = "help_request"
    HELP_OFFER = "help_offer"


class HelpCategory(enum.StrEnum):
    TRANSPORT = "transport"
    SHOPPING = "shopping"
    GARDEN = "garden"
    PETS = "pets"
    TOOLS = "tools"
    DIGITAL = "digital"
    COMPANY = "company"
    OTHER = "other"


class HelpStatus(enum.StrEnum):
    OPEN = "open"
    OFFERED = "offered"
    RESOLVED = "resolved"


class Rsvp(enum.StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"


HELP_KINDS = (PostKind.HELP_REQUEST, PostKind.HELP_OFFER)

KIND_LABELS = {
    PostKind.DISCUSSION: _l("Discussion"),
    PostKind.QUESTION: _l("Question"),
    PostKind.NEWS: _l("News"),
    PostKind.EVENT: _l("Event"),
    PostKind.POLL: _l("Poll"),
    PostKind.HELP_REQUEST: _l("I need help"),
    PostKind.HELP_OFFER: _l("I can help"),
}
CATEGORY_LABELS = {
    HelpCategory.TRANSPORT: _l("Transport and lifts"),
    HelpCategory.SHOPPING: _l("Shopping"),
    HelpCategory.GARDEN: _l("Garden"),
    HelpCategory.PETS: _l("Pets"),
    HelpCategory.TOOLS: _l("Borrowing tools"),
    HelpCategory.DIGITAL: _l("Digital help"),
    HelpCategory.COMPANY: _l("Company"),
    HelpCategory.OTHER: _l("Other"),
}
STATUS_LABELS = {
    HelpStatus.OPEN: _l("Still open"),
    HelpStatus.OFFERED: _l("Someone offered to help"),
    HelpStatus.RESOLVED: _l("Resolved"),
}
RSVP_LABELS = {Rsvp.GOING: _l("Going"), Rsvp.MAYBE: _l("Maybe"), Rsvp.NOT_GOING: _l("Not going")}

post_tag = sa.Table(
    "post_tag",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(SpaceScopedMixin, db.Model):
    __tablename__ = "tag"
    __table_args__ = (sa.UniqueConstraint("space_id", "name", name="uq_tag_space_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))


class Post(ModeratableMixin, SpaceScopedMixin, db.Model):
    __tablename__ = "post"
    __table_args__ = (
        sa.Index("ix_post_space_created", "space_id", "created_at", "id"),
        sa.Index("ix_post_space_activity", "space_id", "last_activity_at", "id"),
        sa.Index("ix_post_help_geo", "help_status", "latitude", "longitude"),
        sa.Index("ix_post_space_pinned", "space_id", "pinned", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PostKind] = mapped_column(_enum(PostKind), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    excerpt: Mapped[str] = mapped_column(sa.String(240), default="")
    place_label: Mapped[str | None] = mapped_column(sa.String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    pinned: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]
    comment_count: Mapped[int] = mapped_column(default=0)
    thanks_count: Mapped[int] = mapped_column(default=0)
    accepted_comment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comment.id", ondelete="SET NULL", use_alter=True), index=True
    )
    # Mutual help
    help_category: Mapped[HelpCategory | None] = mapped_column(_enum(HelpCategory))
    help_status: Mapped[HelpStatus | None] = mapped_column(_enum(HelpStatus))
    help_when: Mapped[str | None] = mapped_column(sa.String(200))
    helper_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    resolved_at: Mapped[datetime | None]
    # Events
    starts_at: Mapped[datetime | None] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    capacity: Mapped[int | None]
    # Polls
    poll_multiple: Mapped[bool] = mapped_column(default=False)
    poll_closes_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id])
    space: Mapped[Space] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, order_by="Tag.name")
    images: Mapped[list[PostImage]] = relationship(
        order_by="PostImage.position", cascade="all, delete-orphan", back_populates="post"
    )
    options: Mapped[list[PollOption]] = relationship(
        order_by="PollOption.position", cascade="all, delete-orphan", back_populates="post"
    )

    @property
    def is_help(self) -> bool:
        return self.kind in HELP_KINDS

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_solved(self) -> bool:
        return self.accepted_comment_id is not None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def category_label(self) -> str | None:
        return str(CATEGORY_LABELS[self.help_category]) if self.help_category else None

    @property
    def status_label(self) -> str | None:
        return str(STATUS_LABELS[self.help_status]) if self.help_status else None

    def poll_is_open(self, now: datetime | None = None) -> bool:
        return self.poll_closes_at is None or self.poll_closes_at > (now or utcnow())


class PostImage(db.Model):
    __tablename__ = "post_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(80))
    thumbnail: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    position: Mapped[int] = mapped_column(default=0)

    post: Mapped[Post] = relationship(back_populates="images")


class Comment(ModeratableMixin, SpaceScopedMixin, db.Model):
    __tablename__ = "comment"
    __table_args__ = (sa.Index("ix_comment_post_created", "post_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    thanks_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User] = relationship(foreign_keys=[author_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostThanks(db.Model):
    __tablename__ = "post_thanks"

    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CommentThanks(db.Model):
    __tablename__ = "comment_thanks"

    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventRsvp(db.Model):
    __tablename__ = "event_rsvp"
    __table_args__ = (
        sa.UniqueConstraint("post_id", "user_id", name="uq_event_rsvp_post_user"),
        sa.Index("ix_event_rsvp_post_status", "post_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[Rsvp] = mapped_column(_enum(Rsvp))
    waitlisted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class PollOption(db.Model):
    __tablename__ = "poll_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)

    post: Mapped[Post] = relationship(back_populates="options")


class PollVote(db.Model):
    __tablename__ = "poll_vote"
    __table_args__ = (sa.UniqueConstraint("option_id", "user_id", name="uq_poll_vote_option_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(sa.ForeignKey("poll_option.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HelpAlert(db.Model):
    """A citizen's wish to hear about new help requests near home."""

    __tablename__ = "help_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    radius_km: Mapped[float] = mapped_column(default=5.0)
    categories: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
