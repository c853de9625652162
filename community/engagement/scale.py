"""Engagement's share of benchmark data: at least 10,000 ideas (20,000 at scale 1) with supports, and a
live Q&A hour with 70 questions and 2,000 votes for the live-fragment scenario of ``make bench``."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from community import signals
from community.db import utcnow
from community.engagement.models import (
    IdeaCategory,
    IdeaState,
    QAPerson,
    QARole,
    QASession,
    Question,
    QuestionState,
    QuestionVote,
)
from community.engagement.services.search import stems
from community.extensions import db

BATCH = 5_000
BENCH_SESSION_TITLE = "Bench: live Q&A hour"
WORDS = [
    "cykelsti",
    "skole",
    "bus",
    "sø",
    "sti",
    "park",
    "bibliotek",
    "hal",
    "legeplads",
    "bænk",
    "lys",
    "træer",
    "affald",
    "bolig",
    "vej",
    "fortov",
    "parkering",
    "shelter",
    "koncert",
    "marked",
]


def live_session_id() -> int | None:
    return db.session.scalar(sa.select(QASession.id).where(QASession.title == BENCH_SESSION_TITLE))


def make_live(session_id: int) -> None:
    """The benchmark's session is live now (the seeded data is reused across runs)."""
    now = utcnow()
    db.session.execute(
        sa.update(QASession)
        .where(QASession.id == session_id)
        .values(
            opens_at=now - timedelta(days=1),
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=2),
        )
    )


@signals.demo_scaling.connect
def seed_engagement_scale(
    municipality, *, scale: float, user_ids: list[int], space_ids, progress, rng
) -> dict:
    now = utcnow()
    n_ideas = max(10_000, round(20_000 * scale))
    states = (
        [IdeaState.NEW] * 6
        + [IdeaState.CONSIDERING] * 2
        + [IdeaState.ACCEPTED, IdeaState.REJECTED, IdeaState.DONE]
    )
    categories = list(IdeaCategory)
    sqlite = db.session.get_bind().dialect.name != "postgresql"
    advance = progress("ideas", n_ideas)
    from community.engagement.models import Idea

    for first in range(0, n_ideas, BATCH):
        rows = []
        for n in range(first, min(n_ideas, first + BATCH)):
            words = rng.sample(WORDS, k=3)
            title = f"Idé {n}: {' '.join(words)}"
            body = f"Forslag om {words[0]} ved {words[1]} og {words[2]}."
            rows.append(
                {
                    "municipality_id": municipality.id,
                    "created_by_id": rng.choice(user_ids),
                    "title": title,
                    "body": body,
                    "body_html": f"<p>{body}</p>",
                    "category": rng.choice(categories),
                    "state": rng.choice(states),
                    "support_count": rng.randint(0, 40),
                    "comment_count": 0,
                    "place_label": "",
                    "image_alt": "",
                    "created_at": now - timedelta(minutes=n),
                    "updated_at": now,
                }
            )
        ids = list(db.session.scalars(sa.insert(Idea).returning(Idea.id, sort_by_parameter_order=True), rows))
        if sqlite:
            db.session.execute(
                sa.text("INSERT INTO idea_search (rowid, title, body) VALUES (:id, :title, :body)"),
                [
                    {"id": i, "title": " ".join(stems(r["title"])), "body": " ".join(stems(r["body"]))}
                    for i, r in zip(ids, rows, strict=True)
                ],
            )
        advance(len(rows))

    session = QASession(
        municipality_id=municipality.id,
        title=BENCH_SESSION_TITLE,
        description="",
        opens_at=now - timedelta(days=1),
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(QAPerson(session_id=session.id, user_id=user_ids[0], role=QARole.HOST))
    questions = [
        Question(
            session_id=session.id,
            author_id=user_ids[n % len(user_ids)],
            body=f"Spørgsmål {n} om {rng.choice(WORDS)} og {rng.choice(WORDS)}?",
            state=QuestionState.PUBLISHED,
            published_at=now,
            anonymous=n % 7 == 0,
        )
        for n in range(70)
    ]
    db.session.add_all(questions)
    db.session.flush()
    voters = user_ids[:200]
    votes = set()
    while len(votes) < 2_000:
        votes.add((rng.choice(questions).id, rng.choice(voters)))
    db.session.execute(
        sa.insert(QuestionVote),
        [{"question_id": q, "user_id": u, "session_id": session.id, "created_at": now} for q, u in votes],
    )
    counts: dict[int, int] = {}
    for q, _u in votes:
        counts[q] = counts.get(q, 0) + 1
    for question in questions:
        question.vote_count = counts.get(question.id, 0)
    for question in questions[:20]:
        question.answer = "Svar."
        question.answer_html = "<p>Svar.</p>"
        question.answered_at = now
    db.session.flush()
    return {"ideas": n_ideas, "live Q&A questions": 70, "live Q&A votes": 2_000}
