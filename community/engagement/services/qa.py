"""The live Q&A hour: staff schedule it with host officials; citizens ask (optionally anonymous to other
citizens) and vote once per question; moderators publish, hide with a reason, merge duplicates and mark
"answering now"; the host answers in writing. Every visible change raises the session's version in SQL,
which is what the live page polls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community import signals
from community.accounts.models import User
from community.accounts.services import normalize_email
from community.db import insert_new, utcnow
from community.engagement import permissions
from community.engagement.models import (
    ANSWER_MAX,
    DESCRIPTION_MAX,
    QUESTION_MAX,
    REASON_MAX,
    TITLE_MAX,
    QAPerson,
    QARole,
    QASession,
    Question,
    QuestionState,
    QuestionVote,
)
from community.engagement.services.common import clean_text, officials_of
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _
from community.moderation.models import ModerationState
from community.moderation.permissions import public_clause
from community.spaces.models import Municipality, Space
from community.text import render_markdown

MAX_OPEN_HOURS = 14 * 24


@dataclass
class SessionInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    host_ids: list[int]
    description: str = ""
    open_hours_before: int = 24
    premoderated: bool = False
    space: Space | None = None
    helper_emails: list[str] = field(default_factory=list)


def bump(session: QASession) -> None:
    """One more change a viewer could see: the live fragment's version goes up, in SQL."""
    db.session.execute(
        sa.update(QASession)
        .where(QASession.id == session.id)
        .values(version=QASession.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, ["version"])


def create_session(
    municipality: Municipality, data: SessionInput, *, by: User, allow_past: bool = False
) -> QASession:
    if not permissions.can_create(by, municipality.id):
        raise NotAllowed(_("Only municipality staff schedule Q&A hours."))
    title = clean_text(data.title, field="title", limit=TITLE_MAX, empty=_("Give the Q&A hour a title."))
    if data.ends_at <= data.starts_at:
        raise DomainError(_("The Q&A hour must end after it starts. Check the end time."), field="ends_at")
    if not allow_past and data.ends_at <= utcnow():
        raise DomainError(_("The Q&A hour must end in the future."), field="ends_at")
    if not 0 <= data.open_hours_before <= MAX_OPEN_HOURS:
        raise DomainError(
            _("Open the questions between 0 and %(n)d hours before the start.", n=MAX_OPEN_HOURS),
            field="open_hours_before",
        )
    if len(data.description or "") > DESCRIPTION_MAX:
        raise DomainError(_("Write at most %(max)d characters.", max=DESCRIPTION_MAX), field="description")
    if data.space is not None and data.space.municipality_id != municipality.id:
        raise DomainError(_("Choose a space of this municipality."), field="space_id")
    officials = {u.id: u for u in officials_of(municipality.id)}
    hosts = [officials[i] for i in dict.fromkeys(data.host_ids) if i in officials]
    if not hosts or len(hosts) != len(set(data.host_ids)):
        raise DomainError(
            _("Choose at least one host among the municipality's officials (politicians and staff)."),
            field="hosts",
        )
    helpers = _helpers(data.helper_emails, skip={h.id for h in hosts})
    session = QASession(
        municipality_id=municipality.id,
        space_id=data.space.id if data.space else None,
        created_by_id=by.id,
        title=title,
        description=(data.description or "").strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        opens_at=data.starts_at - timedelta(hours=data.open_hours_before),
        premoderated=data.premoderated,
    )
    session.people = [QAPerson(user_id=h.id, role=QARole.HOST) for h in hosts] + [
        QAPerson(user_id=h.id, role=QARole.HELPER) for h in helpers
    ]
    db.session.add(session)
    db.session.flush()
    permissions.forget_roles()
    return session


def _helpers(emails: list[str], *, skip: set[int]) -> list[User]:
    wanted = [normalize_email(e) for e in emails if e.strip()]
    if not wanted:
        return []
    found = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(wanted)))}
    unknown = [e for e in wanted if e not in found]
    if unknown:
        raise DomainError(
            _("Nobody has an account with %(emails)s. Check the addresses.", emails=", ".join(unknown)),
            field="helpers",
        )
    return [u for e, u in found.items() if u.id not in skip]


def people(session: QASession, role: QARole) -> list[User]:
    return [p.user for p in session.people if p.role == role]


def upcoming(municipality_id: int, *, space_ids: list[int] | None = None, limit: int = 20) -> list[QASession]:
    return _listed(municipality_id, space_ids, QASession.ends_at > utcnow(), QASession.starts_at, limit)


def past(municipality_id: int, *, space_ids: list[int] | None = None, limit: int = 20) -> list[QASession]:
    return _listed(
        municipality_id, space_ids, QASession.ends_at <= utcnow(), QASession.starts_at.desc(), limit
    )


def _listed(municipality_id, space_ids, when, order, limit) -> list[QASession]:
    query = sa.select(QASession).where(QASession.municipality_id == municipality_id, when)
    if space_ids is not None:
        query = query.where(sa.or_(QASession.space_id.is_(None), QASession.space_id.in_(space_ids)))
    return list(
        db.session.scalars(
            query.order_by(order, QASession.id).limit(limit).options(selectinload(QASession.space))
        )
    )


# --- asking and voting ----------------------------------------------------------------------------------


def _refuse_closed(session: QASession) -> None:
    phase = session.phase()
    if phase == "closed":
        raise Conflict(_("The Q&A hour is over, and questions are closed. Read the answers in the archive."))
    if phase == "scheduled":
        raise Conflict(
            _("Questions open %(when)s. Come back then.", when=_when(session.opens_at)),
        )


def _when(moment: datetime) -> str:
    from community.i18n import format_datetime

    return format_datetime(moment, "short")


def ask(session: QASession, *, body: str, anonymous: bool, by: User) -> Question:
    _refuse_closed(session)
    if not permissions.can_ask(by, session):
        raise NotAllowed(_("Log in with a confirmed account to ask, as a member where the Q&A hour is held."))
    text = clean_text(
        body,
        field="body",
        limit=QUESTION_MAX,
        empty=_("Write your question first."),
        too_long=_("Keep the question to %(max)d characters, so many can be answered.", max=QUESTION_MAX),
    )
    published = not session.premoderated
    question = Question(
        session_id=session.id,
        author_id=by.id,
        anonymous=anonymous,
        body=text,
        state=QuestionState.PUBLISHED if published else QuestionState.PENDING,
        published_at=utcnow() if published else None,
    )
    db.session.add(question)
    db.session.flush()
    bump(session)
    if published:
        signals.question_published.send(question, by=by)
    return question


def vote(question: Question, *, by: User) -> None:
    """One vote per person and question, held by the database under concurrent requests."""
    session = question.session
    if question.state == QuestionState.HIDDEN:
        raise Conflict(_("A moderator has hidden this question, so it cannot get votes."))
    if question.state != QuestionState.PUBLISHED:
        raise Conflict(_("This question is not published, so it cannot get votes."))
    _refuse_closed(session)
    if not permissions.can_vote(by, question):
        raise NotAllowed(
            _("Log in with a confirmed account to vote, as a member where the Q&A hour is held.")
        )
    if not insert_new(
        QuestionVote, question_id=question.id, user_id=by.id, session_id=session.id, created_at=utcnow()
    ):
        raise Conflict(_("You have already voted for this question."))
    db.session.execute(
        sa.update(Question)
        .where(Question.id == question.id)
        .values(vote_count=Question.vote_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(question, ["vote_count"])
    bump(session)


def unvote(question: Question, *, by: User) -> None:
    session = question.session
    _refuse_closed(session)
    removed = db.session.execute(
        sa.delete(QuestionVote)
        .where(QuestionVote.question_id == question.id, QuestionVote.user_id == by.id)
        .execution_options(synchronize_session=False)
    )
    if not removed.rowcount:
        raise Conflict(_("You have not voted for this question."))
    db.session.execute(
        sa.update(Question)
        .where(Question.id == question.id)
        .values(vote_count=Question.vote_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(question, ["vote_count"])
    bump(session)


def my_votes(session: QASession, user: User | None) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            sa.select(QuestionVote.question_id).where(
                QuestionVote.session_id == session.id, QuestionVote.user_id == user.id
            )
        )
    )


# --- moderating and answering ---------------------------------------------------------------------------


def _moderator(question: Question, by: User) -> QASession:
    if not permissions.can_moderate(by, question.session):
        raise NotAllowed(_("Only the moderators of this Q&A hour can do that."))
    return question.session


def publish(question: Question, *, by: User) -> None:
    session = _moderator(question, by)
    if question.state not in (QuestionState.PENDING, QuestionState.HIDDEN):
        raise Conflict(_("This question is already published."))
    question.state = QuestionState.PUBLISHED
    question.hidden_reason = ""
    question.published_at = question.published_at or utcnow()
    db.session.flush()
    bump(session)
    signals.question_published.send(question, by=by)


def hide(question: Question, *, reason: str, by: User) -> None:
    session = _moderator(question, by)
    if question.state in (QuestionState.HIDDEN, QuestionState.MERGED):
        raise Conflict(_("This question is already hidden."))
    was_published = question.state == QuestionState.PUBLISHED
    question.hidden_reason = clean_text(
        reason,
        field="reason",
        limit=REASON_MAX,
        empty=_("Say why the question is hidden, for example: it is about a personal case."),
    )
    question.state = QuestionState.HIDDEN
    question.answering_since = None
    db.session.flush()
    bump(session)
    if was_published:
        signals.question_withdrawn.send(question, by=by)


def merge(question: Question, *, into_id: int, by: User) -> Question:
    """A duplicate joins the question it repeats: its votes move there (once per person)."""
    session = _moderator(question, by)
    target = db.session.get(Question, into_id) if into_id else None
    if target is None or target.session_id != question.session_id or target.id == question.id:
        raise DomainError(_("Choose another question of this Q&A hour to merge into."), field="into")
    if target.state != QuestionState.PUBLISHED:
        raise DomainError(_("Merge into a published question."), field="into")
    if question.state == QuestionState.MERGED:
        raise Conflict(_("This question is already merged."))
    was_published = question.state == QuestionState.PUBLISHED
    voters = list(
        db.session.scalars(sa.select(QuestionVote.user_id).where(QuestionVote.question_id == question.id))
    )
    for user_id in voters:
        insert_new(
            QuestionVote, question_id=target.id, user_id=user_id, session_id=session.id, created_at=utcnow()
        )
    db.session.execute(sa.delete(QuestionVote).where(QuestionVote.question_id == question.id))
    count = (
        sa.select(sa.func.count()).select_from(QuestionVote).where(QuestionVote.question_id == target.id)
    ).scalar_subquery()
    db.session.execute(
        sa.update(Question)
        .where(Question.id == target.id)
        .values(vote_count=count)
        .execution_options(synchronize_session=False)
    )
    question.state = QuestionState.MERGED
    question.merged_into_id = target.id
    question.vote_count = 0
    question.answering_since = None
    db.session.flush()
    db.session.expire(target, ["vote_count"])
    bump(session)
    if was_published:
        signals.question_withdrawn.send(question, by=by)
    return target


def mark_answering(question: Question, *, by: User) -> None:
    session = _moderator(question, by)
    if question.state != QuestionState.PUBLISHED:
        raise Conflict(_("Publish the question before it is answered."))
    db.session.execute(
        sa.update(Question)
        .where(Question.session_id == session.id, Question.id != question.id)
        .values(answering_since=None)
        .execution_options(synchronize_session=False)
    )
    question.answering_since = utcnow()
    db.session.flush()
    bump(session)


def answer(question: Question, *, text: str, by: User) -> None:
    """The host's written answer under the question (after the hour too: late answers keep the promise)."""
    session = question.session
    if not permissions.can_answer(by, session):
        raise NotAllowed(_("Only the hosts of this Q&A hour answer its questions."))
    if question.state != QuestionState.PUBLISHED:
        raise Conflict(_("Publish the question before it is answered."))
    body = clean_text(text, field="answer", limit=ANSWER_MAX, empty=_("Write the answer first."))
    first = question.answered_at is None
    question.answer = body
    question.answer_html = render_markdown(body)
    question.answered_by_id = by.id
    question.answered_at = question.answered_at or utcnow()
    question.answering_since = None
    db.session.flush()
    bump(session)
    if first:
        signals.question_answered.send(question, by=by)


# --- what the page shows --------------------------------------------------------------------------------


def questions(
    session: QASession, *, moderator: bool = False, visible: sa.ColumnElement[bool] | None = None
) -> list[Question]:
    """The questions as the live page orders them: the one being answered, then the open ones by votes,
    then the answered ones (newest answer first). The session's moderators also see those waiting and
    those hidden. ``visible`` is moderation's clause for the viewer on top of that (None: only what
    everyone may see, as on the presenter's screen)."""
    states = [QuestionState.PUBLISHED]
    if moderator:
        states += [QuestionState.PENDING, QuestionState.HIDDEN]
    rows = list(
        db.session.scalars(
            sa.select(Question)
            .where(
                Question.session_id == session.id,
                Question.state.in_(states),
                visible if visible is not None else public_clause(Question),
            )
            .options(selectinload(Question.author), selectinload(Question.answered_by))
        )
    )
    state_order = {QuestionState.PENDING: 0, QuestionState.PUBLISHED: 1, QuestionState.HIDDEN: 3}

    def key(q: Question):
        if q.state == QuestionState.PUBLISHED and q.answering_since is not None and not q.is_answered:
            return (0, 0, 0, q.id)
        if q.state == QuestionState.PUBLISHED and q.is_answered:
            return (2, 0, -q.answered_at.timestamp(), q.id)  # type: ignore[union-attr]
        return (state_order[q.state], -q.vote_count, q.created_at.timestamp(), q.id)

    return sorted(rows, key=key)


def deadlines(session: QASession) -> dict[int, datetime]:
    """{question id: when an answer is promised by}, for the questions still waiting for one."""
    from community.engagement.models import PromiseKind, TrackedItem

    return dict(
        db.session.execute(
            sa.select(TrackedItem.ref_id, TrackedItem.due_at)
            .join(Question, Question.id == TrackedItem.ref_id)
            .where(
                TrackedItem.kind == PromiseKind.QUESTION,
                TrackedItem.answered_at.is_(None),
                Question.session_id == session.id,
            )
        ).all()
    )


def merged_into(session: QASession) -> dict[int, int]:
    """{merged question id: the question it joined}, for the archive."""
    return dict(
        db.session.execute(
            sa.select(Question.id, Question.merged_into_id).where(
                Question.session_id == session.id, Question.state == QuestionState.MERGED
            )
        ).all()
    )


@dataclass(frozen=True)
class Figures:
    questions: int  # published, answered or not
    askers: int
    answered: int
    votes: int
    hidden: int
    merged: int
    pending: int

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0


def figures(session: QASession) -> Figures:
    """Public figures: a question hidden by moderation counts as hidden, one held by it as waiting."""
    public = public_clause(Question)
    published = sa.and_(Question.state == QuestionState.PUBLISHED, public)
    held = Question.moderation_state == ModerationState.HELD
    row = db.session.execute(
        sa.select(
            sa.func.count(sa.case((published, 1))),
            sa.func.count(
                sa.distinct(
                    sa.case(
                        (
                            sa.and_(
                                Question.state.in_([QuestionState.PUBLISHED, QuestionState.MERGED]), public
                            ),
                            Question.author_id,
                        )
                    )
                )
            ),
            sa.func.count(sa.case((sa.and_(published, Question.answered_at.is_not(None)), 1))),
            sa.func.coalesce(sa.func.sum(sa.case((published, Question.vote_count), else_=0)), 0),
            sa.func.count(
                sa.case(
                    (
                        sa.or_(
                            Question.state == QuestionState.HIDDEN,
                            sa.and_(
                                Question.state != QuestionState.MERGED,
                                Question.moderation_state == ModerationState.HIDDEN,
                            ),
                        ),
                        1,
                    )
                )
            ),
            sa.func.count(sa.case((Question.state == QuestionState.MERGED, 1))),
            sa.func.count(
                sa.case(
                    (
                        sa.or_(
                            Question.state == QuestionState.PENDING,
                            sa.and_(Question.state == QuestionState.PUBLISHED, held),
                        ),
                        1,
                    )
                )
            ),
        ).where(Question.session_id == session.id)
    ).one()
    return Figures(*(int(v or 0) for v in row))


def question_in(session: QASession, question_id: int) -> Question | None:
    found = db.session.get(Question, question_id)
    return found if found is not None and found.session_id == session.id else None
