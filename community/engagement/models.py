"""Engagement: where citizens talk with the municipality and its politicians. A live Q&A hour, digital
citizen meetings, consultations on a map, the idea portal, and the municipality's promise to answer in
time (tracked items with a deadline in Danish working days).

Every engagement belongs to a municipality and, optionally, to one space (then only those who may see
the space see it)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from community.accounts.models import User
from community.db import TimestampMixin, utcnow
from community.db import enum_column as _enum
from community.extensions import db
from community.i18n import _l
from community.moderation.models import ModeratableMixin
from community.spaces.models import Municipality, Official, Space

# --- limits (characters), shared by forms and services ---------------------------------------------------

QUESTION_MAX = 300
ANSWER_MAX = 4000
REASON_MAX = 300
COMMENT_MAX = 2000
SUMMARY_MAX = 10000
IDEA_TITLE_MAX = 120
IDEA_BODY_MAX = 4000
TITLE_MAX = 200
DESCRIPTION_MAX = 8000


class Scoped:
    """The municipality an engagement belongs to, and the space it is held in (None: everyone)."""

    @declared_attr
    def municipality_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def space_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def space(cls) -> Mapped[Space | None]:
        return relationship(Space)

    @declared_attr
    def municipality(cls) -> Mapped[Municipality]:
        """Its municipality (for "where to go instead" of writing a personal case here: its website)."""
        return relationship(Municipality, viewonly=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)


# --- the live Q&A hour ---------------------------------------------------------------------------------


class QuestionState(enum.StrEnum):
    PENDING = "pending"  # waits for a moderator (pre-moderated sessions)
    PUBLISHED = "published"
    HIDDEN = "hidden"
    MERGED = "merged"


class QARole(enum.StrEnum):
    HOST = "host"
    HELPER = "helper"


class QASession(Scoped, TimestampMixin, db.Model):
    """A live Q&A hour ("digital spørgetime"): questions open ``opens_at``, the hour runs from
    ``starts_at`` to ``ends_at``; afterwards it is an archive. ``version`` goes up (in SQL) with every
    change a viewer could see, so the live fragment answers "nothing new" from one row."""

    __tablename__ = "qa_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    opens_at: Mapped[datetime]
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    premoderated: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    people: Mapped[list[QAPerson]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="QAPerson.user_id"
    )

    def phase(self, now: datetime | None = None) -> str:
        """ "scheduled" (questions not open yet), "open" (asking before the start), "live", "closed"."""
        return self.phase_of(self.opens_at, self.starts_at, self.ends_at, now)

    @staticmethod
    def phase_of(
        opens_at: datetime, starts_at: datetime, ends_at: datetime, now: datetime | None = None
    ) -> str:
        """``phase`` from the three times alone (the live fragment's check reads them as a row)."""
        now = now or utcnow()
        if now >= ends_at:
            return "closed"
        if now >= starts_at:
            return "live"
        if now >= opens_at:
            return "open"
        return "scheduled"

    @property
    def accepts_questions(self) -> bool:
        return self.phase() in ("open", "live")

    @property
    def is_closed(self) -> bool:
        return self.phase() == "closed"


class QAPerson(db.Model):
    """A host (an official who answers) or a helper (who moderates for the host) of a session."""

    __tablename__ = "qa_person"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("qa_session.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[QARole] = mapped_column(_enum(QARole))

    session: Mapped[QASession] = relationship(back_populates="people")
    user: Mapped[User] = relationship()


class Question(ModeratableMixin, db.Model):
    __tablename__ = "qa_question"
    __table_args__ = (sa.Index("ix_qa_question_session_state", "session_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("qa_session.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: Hidden from other citizens; moderators always see who asked.
    anonymous: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(sa.String(QUESTION_MAX))
    state: Mapped[QuestionState] = mapped_column(_enum(QuestionState), default=QuestionState.PUBLISHED)
    hidden_reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="")
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("qa_question.id", ondelete="SET NULL"), index=True
    )
    vote_count: Mapped[int] = mapped_column(default=0)
    answering_since: Mapped[datetime | None]
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answer_html: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    session: Mapped[QASession] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_visible(self) -> bool:
        return self.state == QuestionState.PUBLISHED


class QuestionVote(db.Model):
    __tablename__ = "qa_vote"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("qa_question.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("qa_session.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- the digital citizen meeting -----------------------------------------------------------------------


class CitizenMeeting(Scoped, TimestampMixin, db.Model):
    """A time-boxed debate on an agenda of topics; afterwards a summary and the figures."""

    __tablename__ = "citizen_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    opens_at: Mapped[datetime] = mapped_column(index=True)
    closes_at: Mapped[datetime] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    summary_html: Mapped[str] = mapped_column(sa.Text, default="")
    summary_at: Mapped[datetime | None]

    topics: Mapped[list[MeetingTopic]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingTopic.position"
    )

    def phase(self, now: datetime | None = None) -> str:
        now = now or utcnow()
        if now >= self.closes_at:
            return "closed"
        return "open" if now >= self.opens_at else "scheduled"

    @property
    def is_open(self) -> bool:
        return self.phase() == "open"


class MeetingTopic(db.Model):
    __tablename__ = "meeting_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("citizen_meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")

    meeting: Mapped[CitizenMeeting] = relationship(back_populates="topics")


class MeetingComment(ModeratableMixin, db.Model):
    """A comment on a topic, or a reply to one (one level). ``official`` is the badge the author carried
    when writing (politician or municipality staff), so the figures stay true afterwards."""

    __tablename__ = "meeting_comment"
    __table_args__ = (sa.Index("ix_meeting_comment_topic_created", "topic_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("citizen_meeting.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_topic.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_comment.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    official: Mapped[Official | None] = mapped_column(_enum(Official), index=True)
    body: Mapped[str] = mapped_column(sa.String(COMMENT_MAX))
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    topic: Mapped[MeetingTopic] = relationship()


# --- the consultation on a map -------------------------------------------------------------------------


class ConsultationMode(enum.StrEnum):
    PREFERENCE = "preference"  # for / neutral / against, per site
    RANKING = "ranking"  # the sites in order, 1 = the best


class SiteStatus(enum.StrEnum):
    CANDIDATE = "candidate"
    PROPOSED = "proposed"  # by a citizen, waiting for staff
    DECLINED = "declined"


class Consultation(Scoped, TimestampMixin, db.Model):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    #: [{"title": …, "url": …}, …]: the documents of the decision, as links.
    documents: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    deadline: Mapped[datetime] = mapped_column(index=True)
    mode: Mapped[ConsultationMode] = mapped_column(
        _enum(ConsultationMode), default=ConsultationMode.PREFERENCE
    )
    decision: Mapped[str] = mapped_column(sa.Text, default="")
    decision_html: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None]

    sites: Mapped[list[Site]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by=lambda: [Site.position, Site.id]
    )

    @property
    def is_open(self) -> bool:
        return self.decided_at is None and utcnow() < self.deadline


class Site(ModeratableMixin, TimestampMixin, db.Model):
    __tablename__ = "consultation_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    place_label: Mapped[str] = mapped_column(sa.String(200), default="")
    latitude: Mapped[float]
    longitude: Mapped[float]
    status: Mapped[SiteStatus] = mapped_column(_enum(SiteStatus), default=SiteStatus.CANDIDATE, index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    consultation: Mapped[Consultation] = relationship(back_populates="sites")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])


class SitePreference(db.Model):
    """One person's view of one site: ``value`` +1 for, 0 neutral, -1 against; or ``rank`` (1 = best)."""

    __tablename__ = "site_preference"

    site_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation_site.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int | None]
    rank: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SiteComment(ModeratableMixin, db.Model):
    __tablename__ = "site_comment"
    __table_args__ = (sa.Index("ix_site_comment_site_created", "site_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_site.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(sa.String(COMMENT_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


# --- the idea portal ------------------------------------------------------------------------------------


class IdeaState(enum.StrEnum):
    NEW = "new"
    CONSIDERING = "considering"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DONE = "done"
    MERGED = "merged"


class IdeaCategory(enum.StrEnum):
    NATURE = "nature"
    TRAFFIC = "traffic"
    CULTURE = "culture"
    CHILDREN = "children"
    ELDERLY = "elderly"
    SPORT = "sport"
    CLIMATE = "climate"
    OTHER = "other"


#: From each state, the states an official response may move an idea to.
IDEA_TRANSITIONS: dict[IdeaState, tuple[IdeaState, ...]] = {
    IdeaState.NEW: (IdeaState.CONSIDERING, IdeaState.ACCEPTED, IdeaState.REJECTED),
    IdeaState.CONSIDERING: (IdeaState.ACCEPTED, IdeaState.REJECTED),
    IdeaState.ACCEPTED: (IdeaState.DONE, IdeaState.REJECTED),
    IdeaState.REJECTED: (IdeaState.CONSIDERING,),
    IdeaState.DONE: (),
    IdeaState.MERGED: (),
}
OPEN_IDEA_STATES = (IdeaState.NEW, IdeaState.CONSIDERING, IdeaState.ACCEPTED)


class Idea(ModeratableMixin, Scoped, TimestampMixin, db.Model):
    __tablename__ = "idea"
    __table_args__ = (
        sa.Index("ix_idea_municipality_created", "municipality_id", "created_at", "id"),
        sa.Index("ix_idea_municipality_support", "municipality_id", "support_count", "id"),
        sa.Index("ix_idea_municipality_state", "municipality_id", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(IDEA_TITLE_MAX))
    body: Mapped[str] = mapped_column(sa.String(IDEA_BODY_MAX))
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[IdeaCategory] = mapped_column(
        _enum(IdeaCategory), default=IdeaCategory.OTHER, index=True
    )
    place_label: Mapped[str] = mapped_column(sa.String(200), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    image: Mapped[str | None] = mapped_column(sa.String(80))
    thumbnail: Mapped[str | None] = mapped_column(sa.String(80))
    image_alt: Mapped[str] = mapped_column(sa.String(300), default="")
    state: Mapped[IdeaState] = mapped_column(_enum(IdeaState), default=IdeaState.NEW)
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("idea.id", ondelete="SET NULL"), index=True
    )
    support_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    threshold_reached_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship(foreign_keys="Idea.created_by_id")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_IDEA_STATES

    @property
    def state_label(self) -> str:
        return str(IDEA_STATE_LABELS[self.state])

    @property
    def category_label(self) -> str:
        return str(IDEA_CATEGORY_LABELS[self.category])


class IdeaSupport(db.Model):
    __tablename__ = "idea_support"

    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdeaComment(ModeratableMixin, db.Model):
    __tablename__ = "idea_comment"
    __table_args__ = (sa.Index("ix_idea_comment_idea_created", "idea_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("idea.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(sa.String(COMMENT_MAX))
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class IdeaResponse(db.Model):
    """A public official response: the idea moved from one state to another, and why."""

    __tablename__ = "idea_response"
    __table_args__ = (sa.Index("ix_idea_response_idea_created", "idea_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("idea.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    from_state: Mapped[IdeaState] = mapped_column(_enum(IdeaState))
    to_state: Mapped[IdeaState] = mapped_column(_enum(IdeaState))
    text: Mapped[str] = mapped_column(sa.String(IDEA_BODY_MAX))
    text_html: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    by: Mapped[User | None] = relationship()

    @property
    def to_label(self) -> str:
        return str(IDEA_STATE_LABELS[self.to_state])


# --- the response-time promise --------------------------------------------------------------------------


class PromiseKind(enum.StrEnum):
    QUESTION = "question"  # a question asked in a Q&A hour
    IDEA = "idea"  # an idea past the support threshold
    FAULT = "fault"  # a fault report (from maintenance, through signals)


#: What the municipality promises when it has set nothing itself: working days to answer.
DEFAULT_PROMISE_DAYS = {PromiseKind.QUESTION: 2, PromiseKind.IDEA: 20, PromiseKind.FAULT: 5}
DEFAULT_IDEA_THRESHOLD = 50
DEFAULT_AREA_KM = 25.0


class EngagementSettings(TimestampMixin, db.Model):
    """The municipality's own numbers: when an idea has earned a promised answer, and how far from its
    centre a site or an idea may be placed (municipal borders are not shipped; a circle stands in)."""

    __tablename__ = "engagement_settings"

    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True
    )
    idea_threshold: Mapped[int] = mapped_column(default=DEFAULT_IDEA_THRESHOLD)
    area_km: Mapped[float] = mapped_column(default=DEFAULT_AREA_KM)


class Promise(TimestampMixin, db.Model):
    __tablename__ = "response_promise"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "kind", name="uq_response_promise_municipality_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    kind: Mapped[PromiseKind] = mapped_column(_enum(PromiseKind))
    working_days: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)


class TrackedItem(db.Model):
    """Something the municipality has promised to answer: when it started, the deadline in working days,
    when it was answered, and whether staff were told it is overdue."""

    __tablename__ = "tracked_item"
    __table_args__ = (
        sa.UniqueConstraint("kind", "ref_id", name="uq_tracked_item_kind_ref"),
        sa.Index("ix_tracked_item_open", "municipality_id", "answered_at", "due_at"),
        sa.Index("ix_tracked_item_started", "municipality_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id", ondelete="CASCADE"))
    kind: Mapped[PromiseKind] = mapped_column(_enum(PromiseKind))
    ref_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    working_days: Mapped[int]
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]

    @property
    def is_overdue(self) -> bool:
        return (self.answered_at or utcnow()) > self.due_at

    @property
    def kind_label(self) -> str:
        return str(PROMISE_KIND_LABELS[self.kind])


# --- labels ---------------------------------------------------------------------------------------------

IDEA_STATE_LABELS = {
    IdeaState.NEW: _l("New"),
    IdeaState.CONSIDERING: _l("Under consideration"),
    IdeaState.ACCEPTED: _l("Accepted"),
    IdeaState.REJECTED: _l("Rejected"),
    IdeaState.DONE: _l("Done"),
    IdeaState.MERGED: _l("Merged with another idea"),
}
IDEA_CATEGORY_LABELS = {
    IdeaCategory.NATURE: _l("Nature and green areas"),
    IdeaCategory.TRAFFIC: _l("Roads, paths and traffic"),
    IdeaCategory.CULTURE: _l("Culture and community"),
    IdeaCategory.CHILDREN: _l("Children and young people"),
    IdeaCategory.ELDERLY: _l("Older people"),
    IdeaCategory.SPORT: _l("Sport and play"),
    IdeaCategory.CLIMATE: _l("Climate and environment"),
    IdeaCategory.OTHER: _l("Something else"),
}
PROMISE_KIND_LABELS = {
    PromiseKind.QUESTION: _l("Questions to the municipality"),
    PromiseKind.IDEA: _l("Ideas past the threshold"),
    PromiseKind.FAULT: _l("Fault reports"),
}
MODE_LABELS = {
    ConsultationMode.PREFERENCE: _l("For, neutral or against each site"),
    ConsultationMode.RANKING: _l("Put the sites in order"),
}
PREFERENCE_LABELS = {1: _l("For"), 0: _l("Neutral"), -1: _l("Against")}
