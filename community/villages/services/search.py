"""Full-text search with Danish stemming, so "græsset" finds "græs" and "hjælper" finds "hjælpe".

PostgreSQL: the ``danish`` text-search configuration on a generated ``search_vector`` column.
SQLite: an FTS5 table of words stemmed by snowballstemmer's Danish stemmer (the same Snowball
algorithm PostgreSQL uses), kept up to date by ``index_post``. Matches are highlighted here, by stem,
so both engines show the same thing.

On PostgreSQL the planner picks one of two plans: for a common word it walks the primary key
backwards and stops at the ``CANDIDATES`` newest matches, for a rare one it reads the GIN index on
``search_vector`` (kept without a pending list, migration 0016). Both need statistics (autovacuum,
or ``ANALYZE`` after a bulk load as ``flask demo seed --scale`` does): without them it reads every
post. The query gives the planner the spaces' ids rather than a join with ``space`` and ranks only
the candidates (issue 15)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer
import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import selectinload

from community.extensions import db
from community.moderation.permissions import public_clause
from community.villages.models import Post

WORD = re.compile(r"\w+")
MAX_QUERY_WORDS = 12
CANDIDATES = 1000


@cache
def _stemmer():
    return snowballstemmer.stemmer("danish")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Danish stem of ``word``; remembered, since highlighting a page of hits stems every word of
    its titles and snippets (Snowball in pure Python: tens of milliseconds a page without the cache)."""
    return _stemmer().stemWord(word.casefold())


def stems(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text or "")]


def _engine() -> str:
    return db.session.get_bind().dialect.name


def index_post(post: Post) -> None:
    if _engine() == "postgresql":
        return  # the generated column follows title and body by itself
    db.session.execute(sa.text("DELETE FROM post_search WHERE rowid = :id"), {"id": post.id})
    db.session.execute(
        sa.text("INSERT INTO post_search (rowid, title, body) VALUES (:id, :title, :body)"),
        {"id": post.id, "title": " ".join(stems(post.title)), "body": " ".join(stems(post.body))},
    )


def unindex_post(post: Post) -> None:
    if _engine() != "postgresql":
        db.session.execute(sa.text("DELETE FROM post_search WHERE rowid = :id"), {"id": post.id})


@dataclass(frozen=True)
class Hit:
    post: Post
    title: Markup
    snippet: Markup


def highlight(text: str, wanted: set[str]) -> Markup:
    """``text`` escaped, with every word whose stem is wanted in <mark>."""
    out, last = [], 0
    for match in WORD.finditer(text):
        if stem(match.group(0)) in wanted:  # the text between marks is escaped in one piece
            out.append(escape(text[last : match.start()]))
            out.append(Markup("<mark>%s</mark>") % match.group(0))
            last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _snippet(body: str, wanted: set[str], length: int = 240) -> str:
    text = " ".join(body.split())
    for match in WORD.finditer(text):
        if stem(match.group(0)) in wanted:
            start = max(0, match.start() - length // 3)
            piece = text[start : start + length]
            return ("…" if start else "") + piece + ("…" if start + length < len(text) else "")
    return text[:length] + ("…" if len(text) > length else "")


def _in_spaces(space_ids: list[int] | sa.Select) -> sa.ColumnElement[bool]:
    """PostgreSQL: ``post.space_id`` among ``space_ids``; a query of spaces is read first (well under
    a millisecond) so that the planner sees the ids. As a join (``IN (SELECT …)``) it is estimated from
    the statistics of ``space``, a small table autovacuum may never analyse, and without them planned
    as a loop over the spaces that reads the GIN index once per space and ranks every match (110 ms
    at 55,000 posts instead of 2); ``= ANY(ARRAY(SELECT …))`` hides how many spaces there are and
    picks the slower plan for words of middling frequency (35 ms instead of 11)."""
    if isinstance(space_ids, sa.Select):
        space_ids = list(db.session.scalars(space_ids))
    return Post.space_id.in_(space_ids)


def search(
    query: str,
    space_ids: list[int] | sa.Select,
    *,
    limit: int = 20,
    offset: int = 0,
    visible: sa.ColumnElement[bool] | None = None,
) -> list[Hit]:
    """Posts in the given spaces that match every word of ``query`` in some form, best first; hidden
    and held posts only where moderation's ``visible`` clause lets the viewer see them."""
    visible = visible if visible is not None else public_clause(Post)
    words = list(dict.fromkeys(stems(query)))[:MAX_QUERY_WORDS]
    if not words:
        return []
    # Ranking every match of a common word costs as much as the corpus is large, so the newest
    # CANDIDATES matches are ranked and the rest left out: a search answers in the same time at any size.
    if _engine() == "postgresql":
        tsquery = sa.func.plainto_tsquery("danish", " ".join(WORD.findall(query))[:500])
        vector = sa.literal_column("post.search_vector")
        newest = (
            sa.select(Post.id.label("id"), vector.label("vector"))
            .where(_in_spaces(space_ids), vector.op("@@")(tsquery), visible)
            .order_by(Post.id.desc())
            .limit(CANDIDATES)
            .subquery()
        )
        # Ranked outside the LIMIT: ts_rank for the candidates only, never for every match.
        rank = sa.func.ts_rank(newest.c.vector, tsquery)
        ids_query = sa.select(newest.c.id).order_by(rank.desc(), newest.c.id.desc())
    else:
        match = " ".join(f'"{w}"' for w in words)  # quoted: no FTS5 syntax from the visitor
        newest = (
            sa.text(
                "SELECT rowid AS id, bm25(post_search, 4.0, 1.0) AS rank FROM post_search "
                "WHERE post_search MATCH :match ORDER BY rowid DESC LIMIT :candidates"
            )
            .bindparams(match=match, candidates=CANDIDATES)
            .columns(id=sa.Integer, rank=sa.Float)
            .subquery()
        )
        ids_query = (
            sa.select(newest.c.id)
            .join(Post, Post.id == newest.c.id)
            .where(Post.space_id.in_(space_ids), visible)
            .order_by(newest.c.rank, newest.c.id.desc())
        )
    ids = list(db.session.scalars(ids_query.limit(limit).offset(offset)))
    posts = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Post)
            .where(Post.id.in_(ids))
            .options(selectinload(Post.author), selectinload(Post.tags), selectinload(Post.space))
        )
    }
    wanted = set(words)
    return [
        Hit(posts[i], highlight(posts[i].title, wanted), highlight(_snippet(posts[i].body, wanted), wanted))
        for i in ids
        if i in posts
    ]
