"""Digital help: topics and guides, volunteers, drop-in sessions with bookings, one-to-one requests
(also filed on someone's behalf, with their consent) and the matches that answer them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.db import TimestampMixin, utcnow
from community.db import enum_column as _enum
from community.extensions import db
from community.i18n import _l


class Mode(enum.StrEnum):
    DROP_IN = "drop_in"  # at the library or another drop-in place
    HOME = "home"
    PHONE = "phone"
    VIDEO = "video"


#: Ways of helping that happen at a place, so distance counts.
LOCATED = (Mode.HOME, Mode.DROP_IN)


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Answer(enum.StrEnum):
    """The two-click answer to "How did it go?"."""

    GOOD = "good"
    NOT_SO_GOOD = "not_so_good"


class EventKind(enum.StrEnum):
    """What happened to a request's volunteer, kept with who did it and why."""

    ACCEPTED = "accepted"  # a volunteer said yes
    ASSIGNED = "assigned"  # an organiser chose a volunteer for an open request
    REASSIGNED = "reassigned"  # an organiser gave it to another volunteer
    RELEASED = "released"  # an organiser took the volunteer off; the request is open again
    HANDED_BACK = "handed_back"  # the volunteer gave it back; the request is open again


MODE_LABELS = {
    Mode.DROP_IN: _l("At the library or a drop-in"),
    Mode.HOME: _l("At home"),
    Mode.PHONE: _l("On the phone"),
    Mode.VIDEO: _l("On a video call"),
}
STATUS_LABELS = {
    RequestStatus.OPEN: _l("Waiting for a volunteer"),
    RequestStatus.MATCHED: _l("A volunteer has said yes"),
    RequestStatus.SCHEDULED: _l("Time agreed"),
    RequestStatus.DONE: _l("Done"),
    RequestStatus.CANCELLED: _l("Cancelled"),
}
ANSWER_LABELS = {Answer.GOOD: _l("Good"), Answer.NOT_SO_GOOD: _l("Not so good")}
#: Guides are written in these languages (the interface's languages).
GUIDE_LANGUAGES = {"da": _l("Danish"), "en": _l("English")}
LANGUAGE_LABELS = {
    "da": _l("Danish"), "en": _l("English"), "de": _l("German"), "ar": _l("Arabic"), "uk": _l("Ukrainian"),
    "pl": _l("Polish"), "tr": _l("Turkish"), "so": _l("Somali"),
}  # fmt: skip

volunteer_topic = sa.Table(
    "volunteer_topic",
    db.metadata,
    sa.Column("volunteer_id", sa.ForeignKey("volunteer_profile.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("help_topic.id", ondelete="CASCADE"), primary_key=True, index=True),
)
session_topic = sa.Table(
    "session_topic",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("drop_in_session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("help_topic.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class HelpTopic(TimestampMixin, db.Model):
    __tablename__ = "help_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    position: Mapped[int] = mapped_column(default=0)

    guides: Mapped[list[Guide]] = relationship(back_populates="topic", order_by="Guide.title")


class Guide(TimestampMixin, db.Model):
    __tablename__ = "guide"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("help_topic.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    #: The language the guide is written in ("da" or "en"); a topic shows the reader's own first.
    language: Mapped[str] = mapped_column(sa.String(5), default="da", server_default="da", index=True)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    topic: Mapped[HelpTopic] = relationship(back_populates="guides")
    steps: Mapped[list[GuideStep]] = relationship(
        order_by="GuideStep.position", cascade="all, delete-orphan", back_populates="guide"
    )


class GuideStep(db.Model):
    __tablename__ = "guide_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(sa.ForeignKey("guide.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.Text)
    text_html: Mapped[str] = mapped_column(sa.Text)
    image: Mapped[str | None] = mapped_column(sa.String(80))
    image_alt: Mapped[str] = mapped_column(sa.String(300), default="")

    guide: Mapped[Guide] = relationship(back_populates="steps")


class VolunteerProfile(TimestampMixin, db.Model):
    __tablename__ = "volunteer_profile"
    __table_args__ = (sa.Index("ix_volunteer_profile_geo", "latitude", "longitude"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    about: Mapped[str] = mapped_column(sa.String(1000), default="")
    languages: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    modes: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    radius_km: Mapped[float] = mapped_column(default=5.0)
    availability: Mapped[str] = mapped_column(sa.String(300), default="")
    paused: Mapped[bool] = mapped_column(default=False, index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    vetted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    vetted_by_name: Mapped[str | None] = mapped_column(sa.String(200))
    vetted_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    topics: Mapped[list[HelpTopic]] = relationship(secondary=volunteer_topic, order_by="HelpTopic.position")

    @property
    def is_vetted(self) -> bool:
        return self.vetted_at is not None


class DropInSession(TimestampMixin, db.Model):
    """An IT café: a time and place where volunteers help whoever comes, with a number of seats."""

    __tablename__ = "drop_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    place_label: Mapped[str] = mapped_column(sa.String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    seats: Mapped[int]
    series: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    notes: Mapped[str] = mapped_column(sa.String(1000), default="")
    cancelled_at: Mapped[datetime | None]

    host: Mapped[User] = relationship()
    topics: Mapped[list[HelpTopic]] = relationship(secondary=session_topic, order_by="HelpTopic.position")


class Booking(db.Model):
    __tablename__ = "booking"
    __table_args__ = (sa.Index("ix_booking_session_status", "session_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("drop_in_session.id", ondelete="CASCADE"))
    booked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: Set when the seat is for someone else (a parent, a neighbour); None when it is for the booker.
    attendee_name: Mapped[str | None] = mapped_column(sa.String(120))
    status: Mapped[BookingStatus] = mapped_column(_enum(BookingStatus), default=BookingStatus.BOOKED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    #: When the reminder the day before was sent (sent once, however often the job runs).
    reminded_at: Mapped[datetime | None]
    #: Marked by the host after the café: True came, False did not come (a no-show), None not marked.
    attended: Mapped[bool | None]
    feedback_asked_at: Mapped[datetime | None]
    feedback: Mapped[Answer | None] = mapped_column(_enum(Answer))
    feedback_at: Mapped[datetime | None]

    session: Mapped[DropInSession] = relationship()
    booked_by: Mapped[User] = relationship()

    @property
    def attendee(self) -> str:
        return self.attendee_name or self.booked_by.display_name


class HelpRequest(TimestampMixin, db.Model):
    """A wish for one-to-one help. ``assisted`` requests are filed by a relative or a municipality
    employee for someone without e-mail, with that person's consent (the wording is kept)."""

    __tablename__ = "help_request"
    __table_args__ = (
        sa.Index("ix_help_request_geo", "status", "latitude", "longitude"),
        sa.Index("ix_help_request_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    requester_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    assisted: Mapped[bool] = mapped_column(default=False)
    person_name: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    consent_text: Mapped[str | None] = mapped_column(sa.String(500))
    consent_at: Mapped[datetime | None]
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("help_topic.id", ondelete="RESTRICT"), index=True)
    mode: Mapped[Mode] = mapped_column(_enum(Mode))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    windows: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)  # [[start, end], …] ISO, naive UTC
    place_label: Mapped[str | None] = mapped_column(sa.String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), default=RequestStatus.OPEN)
    escalated_at: Mapped[datetime | None]
    matched_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]

    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id])
    filed_by: Mapped[User] = relationship(foreign_keys=[filed_by_id])
    topic: Mapped[HelpTopic] = relationship()
    match: Mapped[Match | None] = relationship(back_populates="request", uselist=False)

    @property
    def who(self) -> str:
        """The person helped, as the matched volunteer and organisers may see them."""
        if self.person_name:
            return self.person_name
        return self.requester.display_name if self.requester else ""

    @property
    def mode_label(self) -> str:
        return str(MODE_LABELS[self.mode])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


class Match(TimestampMixin, db.Model):
    __tablename__ = "help_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("help_request.id", ondelete="CASCADE"), unique=True)
    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteer_profile.id", ondelete="CASCADE"), index=True
    )
    agreed_at: Mapped[datetime | None] = mapped_column(index=True)  # when the help happens
    reminded_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    hours: Mapped[float | None]
    feedback_rating: Mapped[int | None]
    feedback_text: Mapped[str | None] = mapped_column(sa.String(1000))
    feedback_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: "How did it go?", asked of the person helped (or who asked for them) once the help is done.
    outcome_asked_at: Mapped[datetime | None]
    outcome: Mapped[Answer | None] = mapped_column(_enum(Answer))
    outcome_at: Mapped[datetime | None]

    request: Mapped[HelpRequest] = relationship(back_populates="match")
    volunteer: Mapped[VolunteerProfile] = relationship()


class RequestEvent(db.Model):
    """A change of volunteer on a request (said yes, assigned, reassigned, released, handed back), with
    who made it and the reason they gave: the organisers' record of why."""

    __tablename__ = "help_request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("help_request.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: The volunteer who has the request after the change (accepted, assigned, reassigned).
    volunteer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("volunteer_profile.id", ondelete="SET NULL"), index=True
    )
    #: The volunteer who had it before (reassigned, released, handed back).
    previous_volunteer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("volunteer_profile.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
    volunteer: Mapped[VolunteerProfile | None] = relationship(foreign_keys=[volunteer_id])
    previous_volunteer: Mapped[VolunteerProfile | None] = relationship(foreign_keys=[previous_volunteer_id])
