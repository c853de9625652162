"""A feed of several spaces (a person's home page) is merged from each space's own newest posts
(``posts.feed``): the same posts in the same order, page after page, as one query over all of them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.db import utcnow
from community.extensions import db
from community.moderation.models import ModerationState
from community.villages.models import PostKind
from community.villages.services import posts
from community.villages.services.posts import PostInput


@pytest.fixture
def three_spaces(make_space, make_user, member):
    author = make_user(name="Karen")
    spaces = [make_space(name=name, place="Stilling") for name in ("Stilling", "Ry", "Gl. Rye")]
    start = utcnow() - timedelta(days=30)
    for space in spaces:
        member(space, author)
    made = []
    for i in range(24):
        space = spaces[(i * 7) % 3]
        post = posts.create_post(
            space, by=author, data=PostInput(kind=PostKind.DISCUSSION, title=f"Opslag {i}", body="Tekst.")
        )
        post.last_activity_at = start + timedelta(hours=(i * 11) % 24, days=i % 5)
        made.append(post)
    made[3].moderation_state = ModerationState.HIDDEN
    db.session.commit()
    return spaces, made


def _pages(space_ids, limit):
    seen, cursor = [], None
    while True:
        page = posts.feed(space_ids, limit=limit, cursor=cursor)
        seen.append([p.id for p in page.items])
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def test_a_feed_of_several_spaces_is_the_same_merged_as_read_at_once(three_spaces, monkeypatch):
    spaces, made = three_spaces
    ids = [s.id for s in spaces]
    merged = _pages(ids, 5)
    monkeypatch.setattr(posts, "MERGED_SPACES", 1)  # one query over all the spaces' posts
    at_once = _pages(ids, 5)
    assert merged == at_once
    order = sorted(
        (p for p in made if p.id != made[3].id), key=lambda p: (p.last_activity_at, p.id), reverse=True
    )
    assert [i for page in merged for i in page] == [p.id for p in order]
    assert made[3].id not in [i for page in merged for i in page], "a hidden post stays out"


def test_a_feed_of_the_spaces_a_select_names(three_spaces):
    spaces, made = three_spaces
    import sqlalchemy as sa

    from community.spaces.models import Space

    two = sa.select(Space.id).where(Space.id.in_([spaces[0].id, spaces[2].id]))
    shown = [p for page in _pages(two, 4) for p in page]
    expected = {p.id for p in made if p.space_id != spaces[1].id and p.id != made[3].id}
    assert set(shown) == expected and len(shown) == len(expected)
