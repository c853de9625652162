"""The cost of watched words on writing: the text guard over a post's text with 1,000 watched words
against the same with none (the lists are compiled and cached, so no query runs per text)."""

from __future__ import annotations

import time

import sqlalchemy as sa

TEXT = (
    "Hej naboer! Vi holder loppemarked i forsamlingshuset på lørdag kl. 10-14. Tag gerne kage med, "
    "og sig til, hvis I kan hjælpe med at bære borde. Overskuddet går til den nye legeplads ved skolen, "
    "som kommunen har lovet at støtte, når vi selv samler det første beløb ind. Vel mødt alle sammen."
)


def _per_text(check, runs: int = 300) -> list[float]:
    check()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        check()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def watched_words_cost() -> dict[str, float]:
    """p50/p95 extra milliseconds per text with 1,000 watched words (run in an app context)."""
    from community import textguard
    from community.extensions import db
    from community.moderation import words
    from community.moderation.models import WatchedWord, WordAction
    from community.spaces.models import Municipality

    municipality_id = db.session.scalar(sa.select(Municipality.id).order_by(Municipality.id).limit(1))
    if municipality_id is None:
        return {"p50": 0.0, "p95": 0.0}
    body = TEXT * 3

    def check() -> None:
        textguard.check_text(body, field="body")

    nested = db.session.begin_nested()
    try:
        db.session.execute(sa.delete(WatchedWord).where(WatchedWord.municipality_id == municipality_id))
        words.changed(municipality_id)
        without = _per_text(check)
        db.session.add_all(
            WatchedWord(municipality_id=municipality_id, pattern=f"skældsord{i}", action=WordAction.FLAG)
            for i in range(1000)
        )
        words.changed(municipality_id)
        with_words = _per_text(check)
    finally:
        nested.rollback()
        db.session.rollback()
        words.forget()
    n = len(without)
    return {
        "p50": max(0.0, with_words[n // 2] - without[n // 2]),
        "p95": max(0.0, with_words[int(n * 0.95) - 1] - without[int(n * 0.95) - 1]),
    }
