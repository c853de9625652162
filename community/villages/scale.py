"""The villages' share of benchmark data (``flask demo seed --scale N``): posts, comments and
located help requests, bulk-inserted. One space gets 40 % of the posts (the large feed), one gets
exactly 1,000 (the small feed the benchmark compares it with), and one post gets 200 comments."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from markupsafe import escape

from community import signals
from community.db import utcnow
from community.extensions import db
from community.spaces.models import Space
from community.villages.models import Comment, HelpCategory, HelpStatus, Post, PostKind
from community.villages.services.search import stem

_WORD_TEXT = (
    "græsset græs slået boldbanen trailer låne hjælp hjælper hjælpe naboer indkøb lægen kørsel bilen "
    "loppemarked forsamlingshuset kaffe kage søen stien bænk hunden katten haven hækken træer blade sne "
    "skolen børnene fodbold træning kamp lørdag fredag morgen aften byen landsbyen kirken bussen toget "
    "cykel cyklen værktøj stige boremaskine flytning kasser computer telefonen mitid digital post "
    "arrangement fest musik bål sankthans jul påske marked frivillige hinanden tak spørgsmål svar"
)
WORDS = tuple(_WORD_TEXT.split())
KINDS = [PostKind.DISCUSSION] * 5 + [PostKind.QUESTION] * 4 + [PostKind.NEWS, PostKind.EVENT]
BATCH = 5_000
_stems: dict[str, str] = {}


def _stem(word: str) -> str:
    if word not in _stems:
        _stems[word] = stem(word)
    return _stems[word]


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _insert_posts(rows: list[dict[str, Any]], sqlite: bool) -> list[int]:
    ids = list(db.session.scalars(sa.insert(Post).returning(Post.id, sort_by_parameter_order=True), rows))
    if sqlite:
        db.session.execute(
            sa.text("INSERT INTO post_search (rowid, title, body) VALUES (:id, :title, :body)"),
            [
                {
                    "id": i,
                    "title": " ".join(map(_stem, r["title"].lower().split())),
                    "body": " ".join(map(_stem, r["body"].split())),
                }
                for i, r in zip(ids, rows, strict=True)
            ],
        )
    return ids


def _post_row(rng, space_id, author_id, created, kind=None) -> dict[str, Any]:
    title = _text(rng, 3, 7).capitalize()
    body = _text(rng, 12, 40)
    return {
        "space_id": space_id,
        "author_id": author_id,
        "kind": kind or rng.choice(KINDS),
        "title": title,
        "body": body,
        "body_html": f"<p>{escape(body)}</p>",
        "excerpt": body[:220],
        "created_at": created,
        "last_activity_at": created,
        "pinned": False,
        "comment_count": 0,
        "thanks_count": 0,
        "poll_multiple": False,
        "starts_at": created + timedelta(days=7) if kind == PostKind.EVENT else None,
    }


@signals.demo_scaling.connect
def seed_posts(
    municipality, *, scale: float, user_ids: list[int], space_ids: list[int], progress, rng
) -> dict:
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    n_posts = max(2_000, round(1_000_000 * scale))
    n_comments = round(3 * n_posts)
    n_help = max(500, round(100_000 * scale))
    big, small, rest = space_ids[0], space_ids[1], space_ids[2:] or space_ids[:1]
    start = utcnow() - timedelta(days=730)
    step = timedelta(days=700) / (n_posts + n_help)

    def space_for(i: int) -> int:
        if i < 1_000:
            return small
        return big if rng.random() < 0.4 else rng.choice(rest)

    post_ids: list[int] = []
    post_spaces: list[int] = []
    advance = progress("posts", n_posts)
    rows: list[dict[str, Any]] = []
    for i in range(n_posts):
        space_id = space_for(i)
        rows.append(_post_row(rng, space_id, rng.choice(user_ids), start + step * i))
        post_spaces.append(space_id)
        if len(rows) == BATCH or i == n_posts - 1:
            post_ids += _insert_posts(rows, sqlite)
            advance(len(rows))
            rows = []

    lat0, lon0 = municipality.latitude, municipality.longitude
    categories = list(HelpCategory)
    advance = progress("located help requests", n_help)
    for first in range(0, n_help, BATCH):
        chunk = []
        for i in range(first, min(n_help, first + BATCH)):
            space_id = rng.choice(space_ids)
            row = _post_row(
                rng,
                space_id,
                rng.choice(user_ids),
                start + step * (n_posts + i),
                kind=PostKind.HELP_REQUEST if rng.random() < 0.7 else PostKind.HELP_OFFER,
            )
            row.update(
                help_category=rng.choice(categories),
                help_status=HelpStatus.OPEN,
                latitude=lat0 + rng.uniform(-0.27, 0.27),
                longitude=lon0 + rng.uniform(-0.45, 0.45),
            )
            chunk.append(row)
        _insert_posts(chunk, sqlite)
        advance(len(chunk))

    big_posts = [pid for pid, sid in zip(post_ids, post_spaces, strict=True) if sid == big]
    showcase = big_posts[len(big_posts) // 2]
    now = utcnow()

    def comments() -> Iterator[dict[str, Any]]:
        for i in range(n_comments):
            k = rng.randrange(len(post_ids))
            body = _text(rng, 5, 25)
            yield {
                "space_id": post_spaces[k],
                "post_id": post_ids[k],
                "author_id": rng.choice(user_ids),
                "body": body,
                "body_html": f"<p>{escape(body)}</p>",
                "created_at": now - timedelta(minutes=i % 5000),
                "thanks_count": 0,
            }
        for _ in range(200):
            body = _text(rng, 5, 25)
            yield {
                "space_id": big,
                "post_id": showcase,
                "author_id": rng.choice(user_ids),
                "body": body,
                "body_html": f"<p>{escape(body)}</p>",
                "created_at": now,
                "thanks_count": 0,
            }

    advance = progress("comments", n_comments + 200)
    batch: list[dict[str, Any]] = []
    for row in comments():
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(sa.insert(Comment), batch)
            advance(len(batch))
            batch = []
    if batch:
        db.session.execute(sa.insert(Comment), batch)
        advance(len(batch))
    counts = (
        sa.select(Comment.post_id, sa.func.count(Comment.id).label("n")).group_by(Comment.post_id).subquery()
    )
    db.session.execute(sa.update(Post).values(comment_count=counts.c.n).where(Post.id == counts.c.post_id))
    db.session.execute(sa.update(Space).where(Space.id == big).values(slug="bench-large", name="Bench large"))
    db.session.execute(
        sa.update(Space).where(Space.id == small).values(slug="bench-small", name="Bench small")
    )
    db.session.flush()
    return {"posts": n_posts, "help requests": n_help, "comments": n_comments + 200}
