"""The digital citizen meeting: a debate that opens and closes at set times, on an agenda of topics,
each a thread with one level of replies. Politicians and staff carry their badge. Afterwards staff
write a summary; the figures are those Faaborg-Midtfyn reported, and the comments export as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import User
from community.db import utcnow
from community.engagement import permissions
from community.engagement.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    CitizenMeeting,
    MeetingComment,
    MeetingTopic,
)
from community.engagement.services.common import clean_text
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _, format_datetime, to_local
from community.spaces.models import OFFICIAL_LABELS, Municipality, Official, Space
from community.text import render_markdown

MAX_TOPICS = 20


def create_meeting(
    municipality: Municipality,
    *,
    by: User,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    topics: list[tuple[str, str]],
    description: str = "",
    space: Space | None = None,
    allow_past: bool = False,
) -> CitizenMeeting:
    if not permissions.can_create(by, municipality.id):
        raise NotAllowed(_("Only municipality staff hold citizen meetings."))
    title = clean_text(title, field="title", limit=TITLE_MAX, empty=_("Give the meeting a title."))
    if closes_at <= opens_at:
        raise DomainError(
            _("The meeting must close after it opens. Check the closing time."), field="closes_at"
        )
    if not allow_past and closes_at <= utcnow():
        raise DomainError(_("The meeting must close in the future."), field="closes_at")
    if len(description or "") > DESCRIPTION_MAX:
        raise DomainError(_("Write at most %(max)d characters.", max=DESCRIPTION_MAX), field="description")
    agenda = [(t.strip(), d.strip()) for t, d in topics if t.strip()]
    if not agenda:
        raise DomainError(_("Put at least one topic on the agenda."), field="topics")
    if len(agenda) > MAX_TOPICS or any(len(t) > TITLE_MAX or len(d) > 2000 for t, d in agenda):
        raise DomainError(
            _("At most %(n)d topics, each title at most %(max)d characters.", n=MAX_TOPICS, max=TITLE_MAX),
            field="topics",
        )
    if space is not None and space.municipality_id != municipality.id:
        raise DomainError(_("Choose a space of this municipality."), field="space_id")
    meeting = CitizenMeeting(
        municipality_id=municipality.id,
        space_id=space.id if space else None,
        created_by_id=by.id,
        title=title,
        description=(description or "").strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        topics=[MeetingTopic(position=i, title=t, description=d) for i, (t, d) in enumerate(agenda)],
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def listed(
    municipality_id: int, *, space_ids: list[int] | None = None, limit: int = 20
) -> list[CitizenMeeting]:
    query = sa.select(CitizenMeeting).where(CitizenMeeting.municipality_id == municipality_id)
    if space_ids is not None:
        query = query.where(sa.or_(CitizenMeeting.space_id.is_(None), CitizenMeeting.space_id.in_(space_ids)))
    return list(
        db.session.scalars(
            query.order_by(CitizenMeeting.closes_at.desc(), CitizenMeeting.id.desc())
            .limit(limit)
            .options(selectinload(CitizenMeeting.space))
        )
    )


def comment(
    meeting: CitizenMeeting, topic: MeetingTopic, *, body: str, by: User, parent_id: int | None = None
) -> MeetingComment:
    phase = meeting.phase()
    if phase == "closed":
        raise Conflict(_("The meeting has closed, and comments with it. Read the summary and the debate."))
    if phase == "scheduled":
        raise Conflict(
            _("The meeting opens %(when)s. Come back then.", when=format_datetime(meeting.opens_at, "short"))
        )
    if not permissions.can_comment_meeting(by, meeting):
        raise NotAllowed(
            _("Log in with a confirmed account to take part, as a member where the meeting is held.")
        )
    if topic.meeting_id != meeting.id:
        raise DomainError(_("Choose a topic of this meeting."), field="body")
    parent = None
    if parent_id is not None:
        parent = db.session.get(MeetingComment, parent_id)
        if parent is None or parent.topic_id != topic.id:
            raise DomainError(_("Reply to a comment on the same topic."), field="body")
        if parent.parent_id is not None:
            parent = db.session.get(MeetingComment, parent.parent_id)  # one level: join the thread
    text = clean_text(body, field="body", limit=COMMENT_MAX, empty=_("Write your comment first."))
    entry = MeetingComment(
        meeting_id=meeting.id,
        topic_id=topic.id,
        parent_id=parent.id if parent else None,
        author_id=by.id,
        official=permissions.official_badge(by, meeting.municipality_id, meeting.space),
        body=text,
        body_html=render_markdown(text),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def write_summary(meeting: CitizenMeeting, *, text: str, by: User) -> None:
    if not permissions.can_summarise(by, meeting):
        raise NotAllowed(_("Only municipality staff write the summary."))
    if meeting.phase() != "closed":
        raise Conflict(_("Write the summary when the meeting has closed."))
    body = clean_text(text, field="summary", limit=SUMMARY_MAX, empty=_("Write the summary first."))
    meeting.summary = body
    meeting.summary_html = render_markdown(body)
    meeting.summary_at = utcnow()
    db.session.flush()


@dataclass
class Thread:
    comment: MeetingComment
    replies: list[MeetingComment] = field(default_factory=list)


def threads(meeting: CitizenMeeting) -> dict[int, list[Thread]]:
    """{topic id: its threads, oldest first}: every comment of the meeting in one query."""
    rows = db.session.scalars(
        sa.select(MeetingComment)
        .where(MeetingComment.meeting_id == meeting.id)
        .order_by(MeetingComment.created_at, MeetingComment.id)
        .options(selectinload(MeetingComment.author))
    ).all()
    by_id: dict[int, Thread] = {}
    result: dict[int, list[Thread]] = {t.id: [] for t in meeting.topics}
    for row in rows:
        if row.parent_id is None:
            by_id[row.id] = Thread(row)
            result.setdefault(row.topic_id, []).append(by_id[row.id])
        elif row.parent_id in by_id:
            by_id[row.parent_id].replies.append(row)
    return result


def officials_said(meeting: CitizenMeeting) -> list[MeetingComment]:
    """ "Show what the politicians said": every comment by an official, in order, with its topic."""
    return list(
        db.session.scalars(
            sa.select(MeetingComment)
            .where(MeetingComment.meeting_id == meeting.id, MeetingComment.official.is_not(None))
            .order_by(MeetingComment.created_at, MeetingComment.id)
            .options(selectinload(MeetingComment.author), selectinload(MeetingComment.topic))
        )
    )


@dataclass(frozen=True)
class Figures:
    citizen_comments: int
    citizens: int
    officials: int
    official_comments: int
    politicians: int
    politician_comments: int


def figures(meeting: CitizenMeeting) -> Figures:
    is_official = MeetingComment.official.is_not(None)
    politician = MeetingComment.official == Official.POLITICIAN
    row = db.session.execute(
        sa.select(
            sa.func.count(sa.case((~is_official, 1))),
            sa.func.count(sa.distinct(sa.case((~is_official, MeetingComment.author_id)))),
            sa.func.count(sa.distinct(sa.case((is_official, MeetingComment.author_id)))),
            sa.func.count(sa.case((is_official, 1))),
            sa.func.count(sa.distinct(sa.case((politician, MeetingComment.author_id)))),
            sa.func.count(sa.case((politician, 1))),
        ).where(MeetingComment.meeting_id == meeting.id)
    ).one()
    return Figures(*(int(v or 0) for v in row))


def export_csv(meeting: CitizenMeeting) -> str:
    """The whole debate for the minutes: one row per comment, in the agenda's order."""
    topics = {t.id: (t.position, t.title) for t in meeting.topics}
    rows = db.session.scalars(
        sa.select(MeetingComment)
        .where(MeetingComment.meeting_id == meeting.id)
        .options(selectinload(MeetingComment.author))
    ).all()
    rows = sorted(
        rows,
        key=lambda c: (
            topics[c.topic_id][0],
            c.parent_id or c.id,
            c.parent_id is not None,
            c.created_at,
            c.id,
        ),
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Topic"), _("Comment"), _("In reply to"), _("Time"), _("Name"), _("Badge"), _("Text")])
    for c in rows:
        writer.writerow(
            [
                topics[c.topic_id][1],
                c.id,
                c.parent_id or "",
                to_local(c.created_at).strftime("%Y-%m-%d %H:%M"),
                c.author.display_name if c.author else _("Deleted account"),
                str(OFFICIAL_LABELS[c.official]) if c.official else "",
                _csv_safe(c.body),
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
