"""Facilities the municipality owns, who looks after them (agreements), who plays on them (club links
and fixtures), the contractor's plans and visits, requests between club and contractor, closures,
citizens' fault reports and the private calendar feeds."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from community.accounts.models import User
from community.db import SpaceScopedMixin, TimestampMixin, utcnow
from community.db import enum_column as _enum
from community.extensions import db
from community.i18n import _l
from community.moderation.models import ModeratableMixin
from community.notifications.models import Follow, Level
from community.spaces.models import Municipality, Space


class FacilityKind(enum.StrEnum):
    GRASS_PITCH = "grass_pitch"
    ARTIFICIAL_PITCH = "artificial_pitch"
    TRACK = "track"
    HALL = "hall"
    PLAYGROUND = "playground"
    GREEN_AREA = "green_area"


class TaskType(enum.StrEnum):
    MOWING = "mowing"
    LINE_MARKING = "line_marking"
    WATERING = "watering"
    LEAF_CLEARING = "leaf_clearing"
    SNOW_CLEARING = "snow_clearing"
    GOAL_NET_REPAIR = "goal_net_repair"
    #: A round to look over a playground or green area (safety, litter), all year.
    INSPECTION = "inspection"
    #: Brushing and levelling the infill of an artificial pitch, all year.
    BRUSHING = "brushing"


class FixtureKind(enum.StrEnum):
    MATCH = "match"
    TOURNAMENT = "tournament"
    TRAINING = "training"


class VisitStatus(enum.StrEnum):
    PLANNED = "planned"
    DONE = "done"
    SKIPPED = "skipped"
    #: Replaced by another time that the club and the contractor agreed on (with the reason).
    CANCELLED = "cancelled"


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    PROPOSED = "proposed"
    DECLINED = "declined"
    DONE = "done"


class FaultCategory(enum.StrEnum):
    GOAL_NET = "goal_net"
    LIGHTING = "lighting"
    POTHOLE = "pothole"
    LITTER = "litter"
    PLAYGROUND_EQUIPMENT = "playground_equipment"
    OTHER = "other"


class FaultStatus(enum.StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    FIXED = "fixed"
    NOT_OURS = "not_ours"


class FeedScope(enum.StrEnum):
    FACILITY = "facility"
    CLUB = "club"
    CONTRACTOR = "contractor"


FACILITY_LABELS = {
    FacilityKind.GRASS_PITCH: _l("Grass pitch"),
    FacilityKind.ARTIFICIAL_PITCH: _l("Artificial pitch"),
    FacilityKind.TRACK: _l("Running track"),
    FacilityKind.HALL: _l("Sports hall"),
    FacilityKind.PLAYGROUND: _l("Playground"),
    FacilityKind.GREEN_AREA: _l("Green area"),
}
TASK_LABELS = {
    TaskType.MOWING: _l("Mowing"),
    TaskType.LINE_MARKING: _l("Line marking"),
    TaskType.WATERING: _l("Watering"),
    TaskType.LEAF_CLEARING: _l("Leaf clearing"),
    TaskType.SNOW_CLEARING: _l("Snow clearing"),
    TaskType.GOAL_NET_REPAIR: _l("Goal and net repairs"),
    TaskType.INSPECTION: _l("Inspection round"),
    TaskType.BRUSHING: _l("Brushing (artificial turf)"),
}
FIXTURE_LABELS = {
    FixtureKind.MATCH: _l("Match"),
    FixtureKind.TOURNAMENT: _l("Tournament"),
    FixtureKind.TRAINING: _l("Training"),
}
VISIT_LABELS = {
    VisitStatus.PLANNED: _l("Planned"),
    VisitStatus.DONE: _l("Done"),
    VisitStatus.SKIPPED: _l("Skipped"),
    VisitStatus.CANCELLED: _l("Cancelled"),
}
REQUEST_LABELS = {
    RequestStatus.PENDING: _l("Waiting for an answer"),
    RequestStatus.ACCEPTED: _l("Accepted"),
    RequestStatus.PROPOSED: _l("Another time proposed"),
    RequestStatus.DECLINED: _l("Declined"),
    RequestStatus.DONE: _l("Done"),
}
FAULT_CATEGORY_LABELS = {
    FaultCategory.GOAL_NET: _l("Goal or net"),
    FaultCategory.LIGHTING: _l("Lighting"),
    FaultCategory.POTHOLE: _l("Pothole"),
    FaultCategory.LITTER: _l("Litter"),
    FaultCategory.PLAYGROUND_EQUIPMENT: _l("Playground equipment"),
    FaultCategory.OTHER: _l("Something else"),
}
FAULT_STATUS_LABELS = {
    FaultStatus.RECEIVED: _l("Received"),
    FaultStatus.ACKNOWLEDGED: _l("Acknowledged"),
    FaultStatus.FIXED: _l("Fixed"),
    FaultStatus.NOT_OURS: _l("Not ours"),
}
#: The fault categories an agreement of each task covers unless staff choose otherwise.
DEFAULT_FAULT_CATEGORIES = {
    TaskType.GOAL_NET_REPAIR: [FaultCategory.GOAL_NET.value],
    TaskType.LEAF_CLEARING: [FaultCategory.LITTER.value],
    TaskType.INSPECTION: [FaultCategory.PLAYGROUND_EQUIPMENT.value, FaultCategory.LITTER.value],
}
#: Hours before kick-off of a match or tournament in which a task must not be done, by default.
DEFAULT_QUIET_HOURS = {TaskType.MOWING: 2, TaskType.WATERING: 2, TaskType.BRUSHING: 2}
#: Hours before kick-off within which a task is wanted, by default.
DEFAULT_WANTED_HOURS = {TaskType.LINE_MARKING: 48}
OPEN_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED, RequestStatus.PROPOSED)
OPEN_FAULT_STATUSES = (FaultStatus.RECEIVED, FaultStatus.ACKNOWLEDGED)


class Facility(TimestampMixin, db.Model):
    """A pitch, hall, track, playground or green area; the municipality owns it."""

    __tablename__ = "facility"
    __table_args__ = (sa.Index("ix_facility_geo", "latitude", "longitude"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("space.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    kind: Mapped[FacilityKind] = mapped_column(_enum(FacilityKind))
    surface: Mapped[str | None] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    latitude: Mapped[float]
    longitude: Mapped[float]

    municipality: Mapped[Municipality] = relationship()
    space: Mapped[Space | None] = relationship()

    @property
    def kind_label(self) -> str:
        return str(FACILITY_LABELS[self.kind])


class Agreement(TimestampMixin, db.Model):
    """Which contractor does which task at a facility, and to what service level."""

    __tablename__ = "agreement"
    __table_args__ = (sa.UniqueConstraint("facility_id", "task", name="uq_agreement_facility_task"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id", ondelete="CASCADE"))
    contractor_space_id: Mapped[int] = mapped_column(
        sa.ForeignKey("space.id", ondelete="CASCADE"), index=True
    )
    task: Mapped[TaskType] = mapped_column(_enum(TaskType))
    service_level: Mapped[str] = mapped_column(sa.String(300), default="")
    season_start_month: Mapped[int | None]
    season_end_month: Mapped[int | None]
    #: The height the grass is cut to.
    height_mm: Mapped[int | None]
    #: The grass is never to grow taller than this (measured by the crew when they arrive).
    max_height_mm: Mapped[int | None]
    #: At most this many days between two visits in the season (7: weekly).
    interval_days: Mapped[int | None]
    quiet_hours_before: Mapped[int] = mapped_column(default=0)
    wanted_within_hours: Mapped[int | None]
    fault_categories: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)

    facility: Mapped[Facility] = relationship()
    contractor: Mapped[Space] = relationship(foreign_keys=[contractor_space_id])

    @property
    def task_label(self) -> str:
        return str(TASK_LABELS[self.task])

    @property
    def has_season(self) -> bool:
        return self.season_start_month is not None and self.season_end_month is not None

    def in_season(self, month: int) -> bool:
        """Whether the agreement's season covers ``month`` (1-12); a season may run over New Year."""
        if not self.has_season:
            return True
        first, last = self.season_start_month, self.season_end_month
        return first <= month <= last if first <= last else (month >= first or month <= last)  # type: ignore[operator]


class ContractorCrew(SpaceScopedMixin, db.Model):
    """A member of a contractor network (``space_id``) who acts for the contractor: plans, marks
    visits, answers requests, closes facilities. Membership alone only lets one read along."""

    __tablename__ = "contractor_crew"
    __table_args__ = (sa.UniqueConstraint("space_id", "user_id", name="uq_contractor_crew_space_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ClubFacility(SpaceScopedMixin, db.Model):
    """A club uses a facility (for its fixtures and requests)."""

    __tablename__ = "club_facility"
    __table_args__ = (sa.UniqueConstraint("space_id", "facility_id", name="uq_club_facility_space_facility"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facility: Mapped[Facility] = relationship()
    space: Mapped[Space] = relationship()


class Fixture(SpaceScopedMixin, db.Model):
    """A club's match, tournament or training on a facility; one-off or recurring (RRULE)."""

    __tablename__ = "fixture"
    __table_args__ = (
        sa.Index("ix_fixture_facility_starts", "facility_id", "starts_at"),
        sa.UniqueConstraint("space_id", "uid", name="uq_fixture_space_uid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[FixtureKind] = mapped_column(_enum(FixtureKind))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    rrule: Mapped[str | None] = mapped_column(sa.String(500))
    #: Dates (Danish, ISO ``YYYY-MM-DD``) on which a recurring fixture does not take place (EXDATE).
    exdates: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: A recurring fixture does not take place on Danish public holidays.
    skip_holidays: Mapped[bool] = mapped_column(default=False)
    #: The end of the last occurrence; None when the rule repeats without end.
    repeat_until: Mapped[datetime | None] = mapped_column(index=True)
    uid: Mapped[str] = mapped_column(sa.String(255))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facility: Mapped[Facility] = relationship()
    space: Mapped[Space] = relationship()

    @property
    def kind_label(self) -> str:
        return str(FIXTURE_LABELS[self.kind])

    @property
    def has_kickoff(self) -> bool:
        return self.kind in (FixtureKind.MATCH, FixtureKind.TOURNAMENT)


class MaintenancePlan(db.Model):
    """A recurring task under an agreement (RRULE from a first start); it generates visits."""

    __tablename__ = "maintenance_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    rrule: Mapped[str] = mapped_column(sa.String(500))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship()


class Visit(SpaceScopedMixin, db.Model):
    """One planned visit of the contractor (``space_id``) to a facility for a task."""

    __tablename__ = "visit"
    __table_args__ = (
        sa.Index("ix_visit_facility_planned", "facility_id", "planned_at"),
        sa.Index("ix_visit_space_planned", "space_id", "planned_at"),
        sa.Index("ix_visit_status_planned", "status", "planned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("maintenance_plan.id", ondelete="SET NULL"), index=True
    )
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id", ondelete="CASCADE"))
    planned_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[VisitStatus] = mapped_column(_enum(VisitStatus), default=VisitStatus.PLANNED)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    photo: Mapped[str | None] = mapped_column(sa.String(80))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    #: A reason the system gives (a cancelled visit replaced by an agreed one): its kind and parameters,
    #: put into words in the reader's language (``reason_text``); ``reason`` is what a person wrote.
    reason_kind: Mapped[str | None] = mapped_column(sa.String(40))
    reason_params: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: The grass height the crew measured when they came (mm), for the service level.
    height_mm: Mapped[int | None]

    agreement: Mapped[Agreement] = relationship()
    facility: Mapped[Facility] = relationship()
    space: Mapped[Space] = relationship()
    done_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return str(VISIT_LABELS[self.status])

    @property
    def is_planned(self) -> bool:
        return self.status == VisitStatus.PLANNED

    @property
    def reason_text(self) -> str:
        """Why it was skipped or cancelled, in the reader's language when the system gave the reason."""
        from community.conversations.kinds import system_text

        return system_text(self.reason_kind, self.reason_params, self.reason)


class ChangeRequest(SpaceScopedMixin, TimestampMixin, db.Model):
    """A club (``space_id``) asks the contractor for a task at a facility before a time."""

    __tablename__ = "change_request"
    __table_args__ = (
        sa.Index("ix_change_request_contractor_status", "contractor_space_id", "status"),
        sa.Index("ix_change_request_space_created", "space_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id", ondelete="CASCADE"), index=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    contractor_space_id: Mapped[int] = mapped_column(sa.ForeignKey("space.id", ondelete="CASCADE"))
    fixture_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fixture.id", ondelete="SET NULL"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id", ondelete="SET NULL"), index=True)
    #: The start of the one occurrence of a recurring fixture that the request is about.
    occurrence_at: Mapped[datetime | None]
    task: Mapped[TaskType] = mapped_column(_enum(TaskType))
    wanted_before: Mapped[datetime]
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), default=RequestStatus.PENDING)
    proposed_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    answered_at: Mapped[datetime | None]

    facility: Mapped[Facility] = relationship()
    agreement: Mapped[Agreement] = relationship()
    space: Mapped[Space] = relationship(foreign_keys="ChangeRequest.space_id")
    contractor: Mapped[Space] = relationship(foreign_keys=[contractor_space_id])
    fixture: Mapped[Fixture | None] = relationship()
    visit: Mapped[Visit | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def task_label(self) -> str:
        return str(TASK_LABELS[self.task])

    @property
    def status_label(self) -> str:
        return str(REQUEST_LABELS[self.status])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class RequestMessage(db.Model):
    """Written in the thread by a person (``kind`` is None, ``body`` their words), or a step the system
    notes for them ("Proposed time: …"): a ``kind`` and its ``params``, worded in the reader's language
    when shown, as a conversation's system messages are (``|message_text``); ``body`` then holds only
    what the person added (a note with the proposal)."""

    __tablename__ = "request_message"
    __table_args__ = (sa.Index("ix_request_message_request_created", "request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("change_request.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str | None] = mapped_column(sa.String(40))
    params: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class Closure(db.Model):
    """A facility closed for a period (waterlogged, frost), by the contractor or the municipality."""

    __tablename__ = "closure"
    __table_args__ = (sa.Index("ix_closure_facility_starts", "facility_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facility.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(sa.String(300))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facility: Mapped[Facility] = relationship()
    by: Mapped[User | None] = relationship()


class FaultReport(ModeratableMixin, TimestampMixin, db.Model):
    """A citizen's report of something broken: at a facility or a place, routed to whoever fixes it."""

    __tablename__ = "fault_report"
    __table_args__ = (
        sa.Index("ix_fault_report_category_geo", "category", "latitude", "longitude"),
        sa.Index("ix_fault_report_routed_status", "routed_space_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: How to reach a reporter without an account (all optional; only whoever handles it sees them).
    reporter_name: Mapped[str] = mapped_column(sa.String(120), default="")
    reporter_email: Mapped[str | None] = mapped_column(sa.String(254))
    reporter_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    #: SHA-256 of the private follow link's token (the token itself is shown once, never stored).
    follow_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    facility_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("facility.id", ondelete="SET NULL"), index=True
    )
    place_label: Mapped[str] = mapped_column(sa.String(200), default="")
    latitude: Mapped[float]
    longitude: Mapped[float]
    category: Mapped[FaultCategory] = mapped_column(_enum(FaultCategory))
    description: Mapped[str] = mapped_column(sa.Text)
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    photo: Mapped[str | None] = mapped_column(sa.String(80))
    thumbnail: Mapped[str | None] = mapped_column(sa.String(80))
    status: Mapped[FaultStatus] = mapped_column(_enum(FaultStatus), default=FaultStatus.RECEIVED, index=True)
    #: For "not ours": who is responsible instead (e.g. the road authority, the school).
    responsible_instead: Mapped[str] = mapped_column(sa.String(300), default="")
    routed_space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("space.id", ondelete="SET NULL"))
    fixed_at: Mapped[datetime | None]

    facility: Mapped[Facility | None] = relationship()
    routed_to: Mapped[Space | None] = relationship(foreign_keys=[routed_space_id])
    municipality: Mapped[Municipality] = relationship()

    @property
    def category_label(self) -> str:
        return str(FAULT_CATEGORY_LABELS[self.category])

    @property
    def status_label(self) -> str:
        return str(FAULT_STATUS_LABELS[self.status])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FAULT_STATUSES

    @property
    def where(self) -> str:
        return self.facility.name if self.facility is not None else self.place_label


#: Followers are the people following it (``community.notifications``), counted from what was written:
#: two clicks at once are one follower, and a mute is no follower.
FaultReport.follower_count = column_property(
    sa.select(sa.func.count(Follow.id))
    .where(Follow.target == "fault", Follow.target_id == FaultReport.id, Follow.level != Level.MUTED)
    .correlate_except(Follow)
    .scalar_subquery()
)


class FaultUpdate(db.Model):
    __tablename__ = "fault_update"
    __table_args__ = (sa.Index("ix_fault_update_report_created", "report_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("fault_report.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    status: Mapped[FaultStatus | None] = mapped_column(_enum(FaultStatus))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def status_label(self) -> str | None:
        return str(FAULT_STATUS_LABELS[self.status]) if self.status else None


class ClashNotice(db.Model):
    """A conflict both sides have been told about, so a re-import or re-planning never tells again.

    ``key`` names the pair: a visit and a fixture's occurrence (or the closure), or for a task missing
    before a match, the agreement and the occurrence."""

    __tablename__ = "clash_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    fixture_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fixture.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedToken(db.Model):
    """A private, revocable iCal feed URL of a facility, a club or a contractor."""

    __tablename__ = "feed_token"
    __table_args__ = (sa.Index("ix_feed_token_owner", "created_by_id", "scope", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scope: Mapped[FeedScope] = mapped_column(_enum(FeedScope))
    #: The facility's id for a facility feed, the space's id for a club or contractor feed.
    target_id: Mapped[int]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
