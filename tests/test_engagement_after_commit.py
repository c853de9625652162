"""Engagement's notices to many people leave through a background job after the commit (issue 9,
finding 18): an idea reaching its threshold (its supporters, author and the municipality's staff) and a
consultation's decision (everyone who took part). Nothing is told while the request runs, a rolled-back
one tells no one, and the notices arrive once it is committed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.db import utcnow
from community.engagement.models import EngagementSettings, Idea, IdeaCategory
from community.engagement.services import consultations, ideas
from community.engagement.services.ideas import IdeaInput
from community.extensions import db
from community.notifications.models import Notification
from tests.engagement_support import EN, eng_fixture  # noqa: F401


def _told(kind: str) -> set[int]:
    return set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == kind)))


@pytest.fixture
def decided_by_queue(monkeypatch):
    """The jobs that were queued, by name (they still run: the test app's Huey is immediate)."""
    from community.engagement import tasks
    from community.notifications import tasks as notification_tasks

    queued: list[str] = []
    for module, name in [(tasks, "tell_decided"), (notification_tasks, "fan_out")]:
        job = getattr(module, name)

        def record(*args, _job=job, _name=name):
            queued.append(_name)
            return _job(*args)

        monkeypatch.setattr(module, name, record)
    return queued


def test_an_idea_reaching_its_threshold_tells_its_people_after_the_commit_only(
    client, login, eng, decided_by_queue
):
    db.session.add(EngagementSettings(municipality_id=eng.municipality.id, idea_threshold=2, area_km=25))
    idea = ideas.submit(
        eng.municipality,
        IdeaInput(title="Bænke ved søen", body="Flere bænke.", category=IdeaCategory.OTHER),
        by=eng.borger,
    )
    db.session.commit()
    login(eng.mayor)
    assert client.post(f"/engagement/ideas/{idea.id}/support").status_code == 302
    db.session.commit()  # the test's own transaction starts after the mayor's request

    assert ideas.support(db.session.get(Idea, idea.id), by=eng.senior) is True
    assert _told("engagement.idea_threshold") == set(), "told while the request was still running"
    db.session.rollback()  # the request failed after the support
    assert db.session.get(Idea, idea.id).threshold_reached_at is None
    db.session.commit()
    assert _told("engagement.idea_threshold") == set() and "fan_out" not in decided_by_queue

    login(eng.senior)
    crossed = client.post(f"/engagement/ideas/{idea.id}/support", headers=EN, follow_redirects=True)
    assert "Your support brought the idea to the threshold" in crossed.text
    assert _told("engagement.idea_threshold") == {eng.staff.id, eng.borger.id, eng.mayor.id, eng.senior.id}
    assert "fan_out" in decided_by_queue


def test_a_consultations_decision_tells_its_participants_after_the_commit_only(
    client, login, eng, decided_by_queue
):
    consultation = consultations.create_consultation(
        eng.municipality,
        by=eng.staff,
        title="Ny genbrugsplads",
        description="Hvor skal den ligge?",
        deadline=utcnow() + timedelta(days=1),
        sites=[consultations.SiteInput("Nord", 56.10, 9.76)],
    )
    site = consultation.sites[0]
    consultations.set_preferences(consultation, {site.id: 1}, by=eng.borger)
    consultations.set_preferences(consultation, {site.id: -1}, by=eng.senior)
    consultation.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()

    consultations.publish_decision(consultation, text="Byrådet valgte Nord.", by=eng.staff)
    assert _told("engagement.decided") == set(), "told while the request was still running"
    db.session.rollback()
    db.session.commit()
    assert _told("engagement.decided") == set() and decided_by_queue == []

    login(eng.staff)
    published = client.post(
        f"/engagement/consultations/{consultation.id}/decision", data={"decision": "Byrådet valgte **Nord**."}
    )
    assert published.status_code == 302
    assert decided_by_queue == ["tell_decided"]
    assert _told("engagement.decided") == {eng.borger.id, eng.senior.id}
    login(eng.borger)
    bell = client.get("/notifications/", headers=EN).text
    assert "Ny genbrugsplads" in bell
