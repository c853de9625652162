"""Who may do what in engagement. Staff of the municipality create and run engagements; the hosts of a
Q&A hour (officials) answer and, with their helpers, moderate; citizens ask, vote, comment and submit.
An engagement held inside a space is for those who may see the space (a 404 for others), and taking
part there is for its members."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_app_context

from community.accounts.models import User
from community.engagement.models import (
    CitizenMeeting,
    Consultation,
    Idea,
    IdeaState,
    QAPerson,
    QARole,
    QASession,
    Question,
    QuestionState,
    QuestionVote,
)
from community.extensions import db
from community.spaces.models import Membership, MembershipStatus, Official, Space
from community.spaces.permissions import can_contribute, can_view_space


def _authenticated(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _cache() -> dict:
    return g.setdefault("_engagement", {}) if has_app_context() else {}


def is_staff(user: User | None, municipality_id: int | None) -> bool:
    return (
        _authenticated(user) and municipality_id is not None and user.staff_municipality_id == municipality_id
    )  # type: ignore[union-attr]


def can_create(user: User | None, municipality_id: int | None) -> bool:
    """Municipality staff schedule Q&A hours and meetings, open consultations and set the promises."""
    return is_staff(user, municipality_id)


def can_view(user: User | None, item) -> bool:
    """An engagement for everyone, or one in a space the user may see."""
    space: Space | None = item.space
    return space is None or can_view_space(user, space)


def _may_write(user: User | None, item) -> bool:
    if not _authenticated(user) or not user.is_confirmed:  # type: ignore[union-attr]
        return False
    space: Space | None = item.space
    return space is None or can_contribute(user, space) or is_staff(user, item.municipality_id)


def official_badge(user: User | None, municipality_id: int, space: Space | None = None) -> Official | None:
    """The badge someone carries here: municipality staff, else the official badge of their membership
    (in the space, or in any space of the municipality), politicians before staff."""
    if not _authenticated(user):
        return None
    if is_staff(user, municipality_id):
        return Official.STAFF
    key = ("badge", user.id, municipality_id, space.id if space else None)  # type: ignore[union-attr]
    cache = _cache()
    if key not in cache:
        query = (
            sa.select(Membership.official)
            .join(Space, Space.id == Membership.space_id)
            .where(
                Membership.user_id == user.id,  # type: ignore[union-attr]
                Membership.status == MembershipStatus.ACTIVE,
                Membership.official.is_not(None),
                Space.municipality_id == municipality_id,
            )
        )
        if space is not None:
            query = query.where(Membership.space_id == space.id)
        badges = set(db.session.scalars(query))
        cache[key] = (
            Official.POLITICIAN if Official.POLITICIAN in badges else (badges.pop() if badges else None)
        )
    return cache[key]


def is_official(user: User | None, municipality_id: int) -> bool:
    return official_badge(user, municipality_id) is not None


# --- Q&A ------------------------------------------------------------------------------------------------


def qa_role(user: User | None, session: QASession) -> QARole | None:
    if not _authenticated(user):
        return None
    key = ("qa", user.id, session.id)  # type: ignore[union-attr]
    cache = _cache()
    if key not in cache:
        cache[key] = db.session.scalar(
            sa.select(QAPerson.role).where(QAPerson.session_id == session.id, QAPerson.user_id == user.id)  # type: ignore[union-attr]
        )
    return cache[key]


def forget_roles() -> None:
    if has_app_context():
        g.pop("_engagement", None)


def is_host(user: User | None, session: QASession) -> bool:
    return qa_role(user, session) == QARole.HOST


def can_moderate(user: User | None, session: QASession) -> bool:
    """Publish, hide, merge, mark "answering now": staff, the hosts and their helpers."""
    return is_staff(user, session.municipality_id) or qa_role(user, session) is not None


def can_answer(user: User | None, session: QASession) -> bool:
    """Answer in writing under a question: the hosts, and staff answering for the municipality."""
    return is_host(user, session) or is_staff(user, session.municipality_id)


def can_ask(user: User | None, session: QASession) -> bool:
    return session.accepts_questions and _may_write(user, session)


def can_vote(user: User | None, question: Question) -> bool:
    return (
        question.state == QuestionState.PUBLISHED
        and question.is_visible_to_all
        and question.session.accepts_questions
        and _may_write(user, question.session)
    )


def knows_of_question(user: User | None, question: Question) -> bool:
    """Someone who cannot see a waiting or hidden question but knows it exists: its asker, and whoever
    voted for it while it was published. A vote from them is refused with a message, not a 404."""
    if not _authenticated(user):
        return False
    if question.author_id == user.id:  # type: ignore[union-attr]
        return True
    return (
        db.session.scalar(
            sa.select(QuestionVote.user_id).where(
                QuestionVote.question_id == question.id,
                QuestionVote.user_id == user.id,  # type: ignore[union-attr]
            )
        )
        is not None
    )


def can_see_asker(user: User | None, question: Question) -> bool:
    """An anonymous question hides its asker from other citizens, never from moderators."""
    if not question.anonymous:
        return True
    if _authenticated(user) and user.id == question.author_id:  # type: ignore[union-attr]
        return True
    return can_moderate(user, question.session)


# --- citizen meetings -----------------------------------------------------------------------------------


def can_comment_meeting(user: User | None, meeting: CitizenMeeting) -> bool:
    return meeting.is_open and _may_write(user, meeting)


def can_summarise(user: User | None, meeting: CitizenMeeting) -> bool:
    return is_staff(user, meeting.municipality_id)


def can_export_meeting(user: User | None, meeting: CitizenMeeting) -> bool:
    return is_staff(user, meeting.municipality_id)


# --- consultations --------------------------------------------------------------------------------------


def can_take_part(user: User | None, consultation: Consultation) -> bool:
    return consultation.is_open and _may_write(user, consultation)


def can_manage_consultation(user: User | None, consultation: Consultation) -> bool:
    return is_staff(user, consultation.municipality_id)


def can_decide(user: User | None, consultation: Consultation) -> bool:
    from community.db import utcnow

    return (
        is_staff(user, consultation.municipality_id)
        and consultation.decided_at is None
        and utcnow() >= consultation.deadline
    )


# --- ideas ----------------------------------------------------------------------------------------------


def can_submit_idea(user: User | None, municipality_id: int, space: Space | None = None) -> bool:
    if not _authenticated(user) or not user.is_confirmed:  # type: ignore[union-attr]
        return False
    return space is None or can_contribute(user, space) or is_staff(user, municipality_id)


def can_support(user: User | None, idea: Idea) -> bool:
    return idea.is_open and _may_write(user, idea)


def can_comment_idea(user: User | None, idea: Idea) -> bool:
    return idea.state != IdeaState.MERGED and _may_write(user, idea)


def can_respond(user: User | None, idea: Idea) -> bool:
    """Move an idea on with a public official response: municipality staff."""
    return is_staff(user, idea.municipality_id) and idea.state != IdeaState.MERGED


def can_merge_idea(user: User | None, idea: Idea) -> bool:
    return is_staff(user, idea.municipality_id) and idea.state != IdeaState.MERGED


def can_manage_promises(user: User | None, municipality_id: int) -> bool:
    return is_staff(user, municipality_id)
