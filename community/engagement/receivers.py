"""What engagement does when something happens: the promise's clock starts and stops (for its own
questions and ideas, and for maintenance's fault reports, which it learns of only through signals), and
the people concerned are told. Connected when the package is imported."""

from __future__ import annotations

import functools
from typing import Any

from community import signals
from community.accounts.models import User
from community.db import after_commit, utcnow
from community.engagement.models import (
    Consultation,
    Idea,
    IdeaResponse,
    PromiseKind,
    Question,
    Site,
    TrackedItem,
)
from community.engagement.services import common, promises
from community.extensions import db
from community.moderation.permissions import can_see_content
from community.notifications.following import announce
from community.notifications.services import notify
from community.text import plain_excerpt

BATCH = 500  # participants told per commit by the job


def _tell(
    users: list[User], kind: str, *, skip: User | None = None, about: Any = None, **context: Any
) -> int:
    """Notifies each of ``users`` once; ``about``: the item it is about, which moderation may have
    hidden or hold (then only its author and its moderators are told)."""
    told: set[int] = set()
    for user in users:
        if user.id in told or (skip is not None and user.id == skip.id) or not user.active:
            continue
        if about is not None and not can_see_content(user, about):
            continue
        notify(user, kind, **context)
        told.add(user.id)
    return len(told)


# --- questions -------------------------------------------------------------------------------------------


@signals.question_published.connect
def _track_question(question: Question, **_kw: Any) -> None:
    promises.track(
        PromiseKind.QUESTION,
        question.id,
        municipality_id=question.session.municipality_id,
        title=plain_excerpt(question.body, 200),
        started_at=question.published_at or utcnow(),
    )


@signals.question_withdrawn.connect
def _untrack_question(question: Question, **_kw: Any) -> None:
    promises.untrack(PromiseKind.QUESTION, question.id)


@signals.question_answered.connect
def _question_answered(question: Question, *, by: User, **_kw: Any) -> None:
    promises.mark_answered(PromiseKind.QUESTION, question.id, at=question.answered_at)
    if question.author is not None:
        _tell(
            [question.author],
            "engagement.question_answered",
            about=question,
            skip=by,
            name=by.display_name,
            title=question.session.title,
            session_id=question.session_id,
            question_id=question.id,
        )


# --- consultations ---------------------------------------------------------------------------------------


@signals.site_proposed.connect
def _site_proposed(site: Site, *, by: User, **_kw: Any) -> None:
    consultation = site.consultation
    _tell(
        common.staff_of(consultation.municipality_id),
        "engagement.site_proposed",
        skip=by,
        about=site,
        name=by.display_name,
        title=consultation.title,
        consultation_id=consultation.id,
    )


@signals.site_accepted.connect
def _site_accepted(site: Site, *, by: User, **_kw: Any) -> None:
    if site.proposed_by is not None:
        _tell(
            [site.proposed_by],
            "engagement.site_accepted",
            skip=by,
            about=site,
            site=site.name,
            title=site.consultation.title,
            consultation_id=site.consultation_id,
        )


@signals.consultation_decided.connect
def _decided(consultation: Consultation, *, by: User, **_kw: Any) -> None:
    """Everyone who took part hears of the decision from a background job once it is committed: a
    consultation with thousands of participants answers the official at once, and a decision that is
    rolled back tells no one."""
    after_commit(functools.partial(_enqueue_decided, consultation.id, by.id))


def _enqueue_decided(consultation_id: int, actor_id: int) -> None:
    from community.engagement.tasks import tell_decided

    tell_decided(consultation_id, actor_id)


def tell_decided_now(consultation_id: int, actor_id: int | None) -> int:
    """The job's work: one notice per participant, committed in batches. Returns how many were told."""
    from community.engagement.services.consultations import participants

    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        return 0
    people = participants(consultation)
    actor = db.session.get(User, actor_id) if actor_id else None
    told = 0
    for start in range(0, len(people), BATCH):
        told += _tell(
            people[start : start + BATCH],
            "engagement.decided",
            skip=actor,
            title=consultation.title,
            consultation_id=consultation.id,
        )
        db.session.commit()
    return told


# --- ideas ----------------------------------------------------------------------------------------------


@signals.idea_threshold_reached.connect
def _idea_threshold(idea: Idea, *, by: User, **_kw: Any) -> None:
    item = promises.track(
        PromiseKind.IDEA,
        idea.id,
        municipality_id=idea.municipality_id,
        title=idea.title,
        started_at=idea.threshold_reached_at or utcnow(),
    )
    if item is None:
        return
    # Through the fan-out job after the commit, as the municipality's answer goes: the supporters follow
    # the idea by themselves (at the pace each chose), its author and the municipality's staff are told
    # personally. The one whose support tipped it is told too (``by=None``).
    personal = [user.id for user in common.staff_of(idea.municipality_id)] + [idea.created_by_id]
    context = {
        "title": idea.title,
        "n": idea.support_count,
        "due": item.due_at.isoformat(),
        "idea_id": idea.id,
    }
    direct = {user_id: "engagement.idea_threshold" for user_id in personal if user_id is not None}
    announce("engagement.idea_threshold", "idea", idea.id, by=None, context=context, direct=direct)


@signals.idea_state_changed.connect
def _idea_state(idea: Idea, *, response: IdeaResponse, by: User, **_kw: Any) -> None:
    """The municipality's answer reaches whoever follows the idea (its author and supporters follow it
    by themselves), at the pace each chose."""
    promises.mark_answered(PromiseKind.IDEA, idea.id, at=response.created_at)
    context = {"title": idea.title, "state": response.to_state.value, "idea_id": idea.id}
    announce("engagement.idea_state", "idea", idea.id, by=by, context=context)


# --- fault reports from maintenance ---------------------------------------------------------------------


@signals.fault_reported.connect
def _fault_reported(report: Any, **_kw: Any) -> None:
    label = f"{getattr(report, 'category_label', '')}: {getattr(report, 'where', '')}".strip(": ")
    promises.track(
        PromiseKind.FAULT,
        report.id,
        municipality_id=report.municipality_id,
        title=label,
        started_at=report.created_at or utcnow(),
    )


@signals.fault_updated.connect
def _fault_updated(report: Any, **_kw: Any) -> None:
    promises.mark_answered(PromiseKind.FAULT, report.id, at=utcnow())


# --- the promise broken ---------------------------------------------------------------------------------


@signals.promise_overdue.connect
def _overdue(item: TrackedItem, **_kw: Any) -> None:
    _tell(
        common.staff_of(item.municipality_id),
        "engagement.overdue",
        title=item.title,
        what=item.kind.value,
        due=item.due_at.isoformat(),
    )
