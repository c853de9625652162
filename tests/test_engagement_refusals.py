"""Bad input in citizen dialogue through the app: each refusal shows its message in the person's
language where they wrote, and nothing is saved. And a vote on a hidden question: a message for those
who know it exists (its asker, its voters), a 404 for everyone else."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from community.db import utcnow
from community.engagement.models import (
    CitizenMeeting,
    Idea,
    IdeaCategory,
    IdeaComment,
    Question,
    QuestionState,
    QuestionVote,
    SiteComment,
)
from community.engagement.services import consultations, ideas, meetings, qa
from community.engagement.services.consultations import SiteInput
from community.extensions import db
from tests.engagement_support import EN, eng_fixture, soon  # noqa: F401


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def things(eng):
    """An idea, an open consultation with a site, an open meeting with a topic, and a Q&A hour whose
    questions open in two hours."""
    idea = ideas.submit(
        eng.municipality,
        ideas.IdeaInput(title="Bænke ved søen", body="Flere bænke.", category=IdeaCategory.NATURE),
        by=eng.senior,
    )
    consultation = consultations.create_consultation(
        eng.municipality,
        by=eng.staff,
        title="Genbrugsplads ved Ry",
        description="Hvor skal den ligge?",
        deadline=utcnow() + timedelta(days=7),
        sites=[SiteInput("Nord", 56.1035, 9.7650, "Ry Nord"), SiteInput("Øst", 56.0950, 9.7830, "Ry Øst")],
    )
    meeting = meetings.create_meeting(
        eng.municipality,
        by=eng.staff,
        title="Borgermøde om Ry",
        opens_at=soon(-10),
        closes_at=soon(120),
        topics=[("Trafik", "Parkering")],
    )
    later = qa.create_session(
        eng.municipality,
        qa.SessionInput(
            title="Spørgetime",
            starts_at=soon(180),
            ends_at=soon(240),
            host_ids=[eng.mayor.id],
            open_hours_before=1,
        ),
        by=eng.staff,
    )
    db.session.flush()
    return SimpleNamespace(
        idea=idea, consultation=consultation, site=consultation.sites[0], meeting=meeting, later=later
    )


def _close(consultation) -> None:
    consultation.deadline = utcnow() - timedelta(minutes=1)
    db.session.flush()


def _idea_body(t, body):
    return "/engagement/ideas/new", {
        "title": "Et nyt shelter",
        "body": body,
        "category": "nature",
        "space_id": "",
        "confirmed": "1",
    }


CASES = {
    "idea-body-too-long": (
        lambda t: _idea_body(t, "x" * 4001),
        "borger",
        "Write at most 4000 characters.",
        lambda t: _count(Idea) == 1,
    ),
    "idea-comment-empty": (
        lambda t: (f"/engagement/ideas/{t.idea.id}/comment", {"body": "   "}),
        "borger",
        "Write your comment first.",
        lambda t: _count(IdeaComment) == 0,
    ),
    "idea-comment-too-long": (
        lambda t: (f"/engagement/ideas/{t.idea.id}/comment", {"body": "x" * 2001}),
        "borger",
        "Write at most 2000 characters.",
        lambda t: _count(IdeaComment) == 0,
    ),
    "site-comment-empty": (
        lambda t: (f"/engagement/consultations/{t.consultation.id}/sites/{t.site.id}/comment", {"body": " "}),
        "borger",
        "Write your comment first.",
        lambda t: _count(SiteComment) == 0,
    ),
    "site-comment-too-long": (
        lambda t: (
            f"/engagement/consultations/{t.consultation.id}/sites/{t.site.id}/comment",
            {"body": "x" * 2001},
        ),
        "borger",
        "Write at most 2000 characters.",
        lambda t: _count(SiteComment) == 0,
    ),
    "site-comment-after-the-deadline": (
        lambda t: (
            _close(t.consultation),
            (
                f"/engagement/consultations/{t.consultation.id}/sites/{t.site.id}/comment",
                {"body": "For sent"},
            ),
        )[1],
        "borger",
        "The consultation has closed. Read the results and, when it comes, the decision.",
        lambda t: _count(SiteComment) == 0,
    ),
    "asking-before-questions-open": (
        lambda t: (f"/engagement/qa/{t.later.id}/ask", {"body": "Kan jeg spørge nu?"}),
        "borger",
        "Come back then.",
        lambda t: _count(Question) == 0,
    ),
    "summary-before-the-meeting-closes": (
        lambda t: (f"/engagement/meetings/{t.meeting.id}/summary", {"summary": "Det blev sagt."}),
        "staff",
        "Write the summary when the meeting has closed.",
        lambda t: (
            db.session.scalar(sa.select(CitizenMeeting.summary_at)) is None
            and db.session.scalar(sa.select(CitizenMeeting.summary)) == ""
        ),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_with_its_message_and_nothing_is_saved(client, login, eng, things, case):
    request, who, message, nothing_saved = CASES[case]
    path, data = request(things)
    login(getattr(eng, who))
    response = client.post(path, data=data, headers=EN)
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert 'role="alert"' in response.text or "-error" in response.text, "the message is where one wrote"
    assert nothing_saved(things)


@pytest.fixture
def hidden(eng):
    """A live Q&A hour where Jens asked a question that Inger voted for before staff hid it."""
    session = qa.create_session(
        eng.municipality,
        qa.SessionInput(title="Live", starts_at=soon(-5), ends_at=soon(55), host_ids=[eng.mayor.id]),
        by=eng.staff,
    )
    question = qa.ask(session, body="Hvad med min nabos hæk?", anonymous=False, by=eng.borger)
    qa.vote(question, by=eng.senior)
    qa.hide(question, reason="Om en navngiven nabo", by=eng.staff)
    db.session.flush()
    return SimpleNamespace(session=session, question=question)


@pytest.mark.parametrize("who", ["borger", "senior"], ids=["its-asker", "its-voter"])
def test_a_vote_on_a_hidden_question_its_people_know_of_is_refused_with_a_message(
    client, login, eng, hidden, who
):
    votes_before = _count(QuestionVote)
    login(getattr(eng, who))
    response = client.post(f"/engagement/qa/questions/{hidden.question.id}/vote", headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/engagement/qa/{hidden.session.id}")
    page = client.get(response.headers["Location"], headers=EN).text
    assert "A moderator has hidden this question, so it cannot get votes." in page
    db.session.refresh(hidden.question)
    assert hidden.question.state == QuestionState.HIDDEN
    assert _count(QuestionVote) == votes_before and hidden.question.vote_count == 1


def test_a_hidden_question_is_not_there_for_anyone_else(client, login, eng, hidden, make_user, member):
    other = make_user("tredje@example.org", name="Tredje")
    member(eng.village, other)
    login(other)
    assert client.post(f"/engagement/qa/questions/{hidden.question.id}/vote").status_code == 404
    assert client.post(f"/engagement/qa/questions/{hidden.question.id}/unvote").status_code == 404
    assert _count(QuestionVote) == 1
