"""The demo's citizen dialogue as a newcomer sees it on the pages (issue 11, "Demo"): a past Q&A hour with
the mayor, about 70 questions and most of them answered; one upcoming hour; a closed citizen meeting with
its summary and Faaborg-Midtfyn's figures; an open consultation on three candidate sites for a recycling
station; and ideas in every state."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from community.db import utcnow
from community.demo import seed_demo
from community.engagement.models import CitizenMeeting, Consultation, IdeaState, QASession
from community.engagement.services import consultations
from community.extensions import db

EN = {"Accept-Language": "en"}


@pytest.fixture
def demo(db):
    seed_demo()
    db.session.flush()


def _figure(page: str, term: str) -> str:
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>([^<]*)</dd>", page)
    assert found, f"no figure {term!r}"
    return found.group(1)


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text.split("(")[0]))


def test_the_past_qa_hour_has_about_70_questions_and_most_are_answered(client, demo):
    now = utcnow()
    (past,) = db.session.scalars(sa.select(QASession).where(QASession.ends_at <= now))
    overview = client.get("/engagement/", headers=EN).text
    assert past.title in overview
    page = client.get(f"/engagement/qa/{past.id}", headers=EN).text
    assert "hour is over. This is its archive." in page
    questions = _number(_figure(page, "Questions"))
    answered = _number(_figure(page, "Answered"))
    assert questions >= 60
    assert answered / questions > 0.8
    share = int(re.search(r"\((\d+) %\)", _figure(page, "Answered")).group(1))
    assert share > 80
    assert _number(_figure(page, "Citizens who asked")) > 20
    assert "Karen Vestergaard" in page


def test_there_is_one_upcoming_qa_hour(client, demo):
    now = utcnow()
    (upcoming,) = db.session.scalars(sa.select(QASession).where(QASession.ends_at > now))
    overview = client.get("/engagement/", headers=EN).text
    assert upcoming.title in overview
    page = client.get(f"/engagement/qa/{upcoming.id}", headers=EN).text
    assert "Questions are open. The hour starts" in page or "Questions open" in page


def test_the_closed_meeting_shows_its_summary_and_figures(client, demo):
    meeting = db.session.scalar(sa.select(CitizenMeeting))
    page = client.get(f"/engagement/meetings/{meeting.id}", headers=EN).text
    assert meeting.closes_at < utcnow() and meeting.summary_at is not None
    assert "Forslagene indgår i kommuneplanen" in page
    assert _number(_figure(page, "Comments by citizens")) >= 44
    assert _number(_figure(page, "Citizens who wrote")) >= 20
    assert _number(_figure(page, "Politicians and staff who wrote")) >= 5
    assert _number(_figure(page, "Their comments")) >= 15


def test_the_open_consultation_has_three_candidate_sites(client, demo):
    consultation = db.session.scalar(sa.select(Consultation))
    assert consultation.is_open
    page = client.get(f"/engagement/consultations/{consultation.id}", headers=EN).text
    assert "genbrugsplads" in page.lower()
    for site in ("Nord for Ry ved omfartsvejen", "Erhvervsområdet ved Klostervej", "Ved Gl. Rye"):
        assert site in page
    assert len(consultations.candidates(consultation)) == 3


def test_there_are_ideas_in_every_state(client, demo):
    for state in IdeaState:
        page = client.get(f"/engagement/ideas/?state={state.value}", headers=EN).text
        assert f'class="status idea-{state.value}"' in page, state
