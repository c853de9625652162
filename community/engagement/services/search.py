"""Danish full-text search over ideas, the way the villages search posts (the same Snowball stemmer on
both engines): PostgreSQL's ``danish`` configuration on a generated column, on SQLite an FTS5 table of
stemmed words kept by ``index_idea``. ``similar`` finds ideas sharing any word of a new one's title
and text (in some form), to show before a duplicate is saved."""

from __future__ import annotations

import re
from functools import cache

import snowballstemmer
import sqlalchemy as sa

from community.engagement.models import Idea, IdeaState
from community.extensions import db

WORD = re.compile(r"\w+")
MAX_WORDS = 12
CANDIDATES = 1000
#: Words too common in ideas to say two are alike.
COMMON = {
    "og",
    "i",
    "at",
    "en",
    "et",
    "der",
    "det",
    "til",
    "på",
    "for",
    "med",
    "af",
    "er",
    "vi",
    "de",
    "som",
    "kan",
}


@cache
def _stemmer():
    return snowballstemmer.stemmer("danish")


def stems(text: str) -> list[str]:
    stemmer = _stemmer()
    return [stemmer.stemWord(w.casefold()) for w in WORD.findall(text or "")]


def _engine() -> str:
    return db.session.get_bind().dialect.name


def index_idea(idea: Idea) -> None:
    if _engine() == "postgresql":
        return  # the generated column follows title and body
    db.session.execute(sa.text("DELETE FROM idea_search WHERE rowid = :id"), {"id": idea.id})
    db.session.execute(
        sa.text("INSERT INTO idea_search (rowid, title, body) VALUES (:id, :title, :body)"),
        {"id": idea.id, "title": " ".join(stems(idea.title)), "body": " ".join(stems(idea.body))},
    )


def _ids(
    municipality_id: int, words: list[str], text: str, *, any_word: bool, limit: int, exclude: int | None
):
    if _engine() == "postgresql":
        raw = [w for w in WORD.findall(text) if w.casefold() not in COMMON][:MAX_WORDS]
        query_text = (" or " if any_word else " ").join(raw)[:500]
        tsquery = sa.func.websearch_to_tsquery("danish", query_text)
        vector = sa.literal_column("idea.search_vector")
        newest = (
            sa.select(Idea.id.label("id"), sa.func.ts_rank(vector, tsquery).label("rank"))
            .where(
                Idea.municipality_id == municipality_id,
                Idea.state != IdeaState.MERGED,
                vector.op("@@")(tsquery),
            )
            .order_by(Idea.id.desc())
            .limit(CANDIDATES)
            .subquery()
        )
        ids_query = sa.select(newest.c.id).order_by(newest.c.rank.desc(), newest.c.id.desc())
    else:
        match = (" OR " if any_word else " ").join(f'"{w}"' for w in words)
        newest = (
            sa.text(
                "SELECT rowid AS id, bm25(idea_search, 4.0, 1.0) AS rank FROM idea_search "
                "WHERE idea_search MATCH :match ORDER BY rowid DESC LIMIT :candidates"
            )
            .bindparams(match=match, candidates=CANDIDATES)
            .columns(id=sa.Integer, rank=sa.Float)
            .subquery()
        )
        ids_query = (
            sa.select(newest.c.id)
            .join(Idea, Idea.id == newest.c.id)
            .where(Idea.municipality_id == municipality_id, Idea.state != IdeaState.MERGED)
            .order_by(newest.c.rank, newest.c.id.desc())
        )
    if exclude is not None:
        ids_query = ids_query.where(newest.c.id != exclude)
    return list(db.session.scalars(ids_query.limit(limit)))


def _words(text: str) -> list[str]:
    found = [w for w in dict.fromkeys(stems(text)) if w not in {_stemmer().stemWord(c) for c in COMMON}]
    return found[:MAX_WORDS]


def similar(
    municipality_id: int, title: str, body: str = "", *, limit: int = 5, exclude: int | None = None
) -> list[int]:
    """Ids of ideas that share words with ``title`` (and a little of ``body``), most alike first."""
    text = f"{title} {' '.join((body or '').split()[:30])}"
    words = _words(text)
    if not words:
        return []
    return _ids(municipality_id, words, text, any_word=True, limit=limit, exclude=exclude)


def search(municipality_id: int, query: str, *, limit: int = 50) -> list[int]:
    """Ids of ideas matching every word of ``query`` in some form, best first."""
    words = list(dict.fromkeys(stems(query)))[:MAX_WORDS]
    if not words:
        return []
    return _ids(municipality_id, words, query, any_word=False, limit=limit, exclude=None)
