"""Engagement's once-per-person rules and counters under concurrent requests, on PostgreSQL: threads,
each with its own connection (its own application context and session), committing for real; the
rows they made are removed afterwards."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from community import geo
from community.accounts.models import User
from community.accounts.services import create_user
from community.db import utcnow
from community.engagement.models import (
    EngagementSettings,
    Idea,
    IdeaCategory,
    IdeaSupport,
    PromiseKind,
    Question,
    QuestionVote,
    SitePreference,
    TrackedItem,
)
from community.engagement.services import consultations, ideas, qa
from community.errors import DomainError
from community.extensions import db
from community.notifications.models import Notification
from community.spaces import services as spaces
from community.spaces.models import Municipality, Official, SpaceKind
from tests.support import ENGINE

pytestmark = pytest.mark.skipif(
    ENGINE != "postgresql",
    reason="SQLite serialises writers, so there is no race to lose; "
    "set COMMUNITY_TEST_DATABASE_URL to a PostgreSQL database",
)
THREADS = 8


@pytest.fixture
def world(app) -> Iterator[SimpleNamespace]:
    """Committed data for one race: a municipality, staff, a politician, eight citizens."""
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        municipality = spaces.create_municipality(
            name=f"Race {tag}", place=geo.resolve("Skanderborg"), slug=f"race-{tag}"
        )
        village = spaces.create_space(municipality, kind=SpaceKind.VILLAGE, name=f"Race {tag}", by=None)

        def user(name: str) -> User:
            return create_user(
                email=f"{name}-{tag}@example.org",
                password="race password 1",
                display_name=name,
                confirmed=True,
            )

        staff = user("staff")
        staff.staff_municipality_id = municipality.id
        mayor = user("mayor")
        spaces.add_member(village, mayor, official=Official.POLITICIAN)
        citizens = [user(f"citizen{n}") for n in range(THREADS)]
        db.session.commit()
        ids = SimpleNamespace(
            municipality=municipality.id,
            staff=staff.id,
            mayor=mayor.id,
            citizens=[c.id for c in citizens],
            users=[staff.id, mayor.id, *[c.id for c in citizens]],
        )
    try:
        yield ids
    finally:
        with app.app_context():
            from community.spaces.models import Space

            db.session.execute(sa.delete(User).where(User.id.in_(ids.users)))
            db.session.execute(sa.delete(Space).where(Space.municipality_id == ids.municipality))
            db.session.execute(sa.delete(Municipality).where(Municipality.id == ids.municipality))
            db.session.commit()


def race(app, action: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    """Runs ``action(i)`` in ``n`` threads at once, each in its own app context, committing."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = action(i)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                results[i] = exc
            except Exception as exc:  # reported by the test, not lost in the thread
                db.session.rollback()
                results[i] = RuntimeError(repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _session(app, world):
    with app.app_context():
        municipality = db.session.get(Municipality, world.municipality)
        staff = db.session.get(User, world.staff)
        now = utcnow()
        session = qa.create_session(
            municipality,
            qa.SessionInput(
                title="Race",
                starts_at=now - timedelta(minutes=1),
                ends_at=now + timedelta(hours=1),
                host_ids=[world.mayor],
            ),
            by=staff,
        )
        question = qa.ask(
            session, body="Hvem vinder?", anonymous=False, by=db.session.get(User, world.citizens[0])
        )
        db.session.commit()
        return question.id


def test_one_vote_per_person_when_the_same_person_votes_at_once(app, world):
    question_id = _session(app, world)
    voter = world.citizens[1]

    def vote(_i: int) -> None:
        qa.vote(db.session.get(Question, question_id), by=db.session.get(User, voter))

    results = race(app, vote)
    assert sum(r is None for r in results) == 1, results
    assert all(isinstance(r, DomainError) for r in results if r is not None)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(QuestionVote)
                .where(QuestionVote.question_id == question_id)
            )
            == 1
        )
        assert db.session.get(Question, question_id).vote_count == 1


def test_no_vote_is_lost_when_many_vote_at_once(app, world):
    question_id = _session(app, world)

    def vote(i: int) -> None:
        qa.vote(db.session.get(Question, question_id), by=db.session.get(User, world.citizens[i]))

    assert race(app, vote) == [None] * THREADS
    with app.app_context():
        assert db.session.get(Question, question_id).vote_count == THREADS


def test_the_threshold_is_crossed_once_when_supporters_arrive_together(app, world):
    with app.app_context():
        db.session.add(
            EngagementSettings(municipality_id=world.municipality, idea_threshold=THREADS // 2, area_km=25)
        )
        idea = ideas.submit(
            db.session.get(Municipality, world.municipality),
            ideas.IdeaInput(title="Race idea", body="Tekst", category=IdeaCategory.OTHER),
            by=db.session.get(User, world.citizens[0]),
        )
        db.session.commit()
        idea_id = idea.id

    def support(i: int) -> bool:
        return ideas.support(db.session.get(Idea, idea_id), by=db.session.get(User, world.citizens[i]))

    results = race(app, support)
    assert results.count(True) == 1, "exactly one supporter tips it"
    with app.app_context():
        assert db.session.get(Idea, idea_id).support_count == THREADS
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea_id)
            )
            == THREADS
        )
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(TrackedItem)
                .where(TrackedItem.kind == PromiseKind.IDEA, TrackedItem.ref_id == idea_id)
            )
            == 1
        )
        told_staff = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.kind == "engagement.idea_threshold", Notification.user_id == world.staff)
        )
        assert told_staff == 1


def test_one_view_per_person_and_site_when_sent_twice_at_once(app, world):
    with app.app_context():
        consultation = consultations.create_consultation(
            db.session.get(Municipality, world.municipality),
            by=db.session.get(User, world.staff),
            title="Race",
            description="D",
            deadline=utcnow() + timedelta(days=1),
            sites=[consultations.SiteInput("A", 56.05, 9.9)],
        )
        db.session.commit()
        consultation_id, site_id = consultation.id, consultation.sites[0].id
    citizen = world.citizens[2]

    def view(i: int) -> None:
        from community.engagement.models import Consultation

        consultations.set_preferences(
            db.session.get(Consultation, consultation_id),
            {site_id: [1, -1][i % 2]},
            by=db.session.get(User, citizen),
        )

    assert race(app, view) == [None] * THREADS
    with app.app_context():
        rows = db.session.scalars(sa.select(SitePreference).where(SitePreference.site_id == site_id)).all()
        assert len(rows) == 1 and rows[0].value in (1, -1)
