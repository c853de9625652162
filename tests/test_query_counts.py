"""A fixed number of SQL statements per page, the same with a few items as with many: no page loads its
rows one by one. Counted on the database connection the request uses, logged in as a citizen member
and anonymous, against a ceiling per page that a change may lower but not raise.

Issue 15 asks for at most 10, and every page meets it, for a member too. The header's counts
(notifications, messages, and whether the person has any blocks, so that almost nobody's blocks cost a
query) are one statement, and on a space's page the space's facts (its member count, the reader's
follow, whether it has citizen dialogue) come in the same one (``spaces.components.space_facts``); a
list's authors come joined into its posts, and a post's page loads the post with its author, pictures
and tags at once. A visitor without a cookie is usually served from the page cache
(``community.pagecache``): these count the page as it is rendered."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community import pagecache
from community.db import utcnow
from community.extensions import db
from community.villages.models import HelpCategory, PostKind
from community.villages.services import comments, posts
from community.villages.services.posts import PostInput

CEILING = {
    "anonymous": {"/": 3, "/s/stilling/": 7, "/s/stilling/posts/": 5, "/s/stilling/search?q=hjælp": 6,
                  "/villages/help/": 6, "POST": 5},
    "member": {"/": 9, "/s/stilling/": 9, "/s/stilling/posts/": 8, "/s/stilling/search?q=hjælp": 9,
               "/villages/help/": 8, "POST": 9},
}  # fmt: skip


@pytest.fixture(autouse=True)
def _rendered(monkeypatch):
    """Every page rendered: a page the cache serves costs a visitor one query or none."""
    monkeypatch.setattr(pagecache, "_cacheable_request", lambda: False)


def _fill(village, n: int):
    people = [village.jens, village.anne, village.hanne]
    made = []
    for i in range(n):
        kind = (PostKind.DISCUSSION, PostKind.QUESTION, PostKind.EVENT, PostKind.HELP_REQUEST)[i % 4]
        extra = {}
        if kind == PostKind.EVENT:
            extra = {"starts_at": utcnow() + timedelta(days=3 + i), "capacity": 5}
        if kind == PostKind.HELP_REQUEST:
            extra = {"help_category": HelpCategory.GARDEN}
        post = posts.create_post(
            village.space,
            by=people[i % 3],
            data=PostInput(
                kind=kind,
                title=f"Opslag {i} om hjælp",
                body=f"Tekst {i} hjælp",
                tags=[f"emne{i % 3}"],
                **extra,
            ),
        )
        made.append(post)
    for i in range(n * 2):
        comments.add_comment(made[0], village.space, by=people[i % 3], body=f"Kommentar {i}")
    db.session.commit()
    return made


def _count(app, client, path: str, headers: dict[str, str] | None = None) -> int:
    client.get(path, headers=headers)  # warm what is cached once per process
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = db.session.get_bind()
    engine = getattr(engine, "engine", engine)
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(path, headers=headers)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (path, response.status_code)
    if os.environ.get("SHOW_QUERIES"):
        print(path, *seen, sep="\n--- ")
    return len([s for s in seen if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))])


PAGES = ["/", "/s/stilling/", "/s/stilling/posts/", "/s/stilling/search?q=hjælp", "/villages/help/", "POST"]


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_pages_issue_a_fixed_small_number_of_queries(app, client, login, village, who):
    made = _fill(village, 4)
    if who == "member":
        login(village.anne)
    few = {p: _count(app, client, p if p != "POST" else f"/s/stilling/posts/{made[0].id}") for p in PAGES}
    more = _fill(village, 24)
    many = {p: _count(app, client, p if p != "POST" else f"/s/stilling/posts/{more[0].id}") for p in PAGES}
    assert few == many, f"the number of queries grows with the items: {few} → {many}"
    over = {p: (n, CEILING[who][p]) for p, n in many.items() if n > CEILING[who][p]}
    assert not over, f"more queries than before (page: (now, ceiling)): {over}"


def test_the_space_facts_asked_with_the_header_are_each_readers_own(client, login, village):
    """One statement carries the member count, the reader's follow and the header's counts: each reader
    gets their own, and a follow shows at once."""
    login(village.jens)
    assert client.post(f"/notifications/follow/space/{village.space.id}").status_code == 302
    page = client.get("/s/stilling/", headers={"Accept-Language": "en"}).text
    assert "You follow this." in page and "3 members" in page
    login(village.anne)
    page = client.get("/s/stilling/", headers={"Accept-Language": "en"}).text
    assert "You follow this." not in page and "Follow Stilling" in page and "3 members" in page
    client.post(f"/notifications/follow/space/{village.space.id}", data={"level": "muted"})
    page = client.get("/s/stilling/", headers={"Accept-Language": "en"}).text
    assert "Muted: nothing about this reaches you." in page


API = {"/api/v1/spaces/stilling/posts": (5, 6), "/api/v1/spaces/stilling/events": (3, 5)}  # anonymous, token


def test_the_api_issues_a_fixed_small_number_of_queries(app, client, village):
    """With a token too: the token and its owner in one row, the space loaded once for every item."""
    from community.api import tokens
    from community.api.models import Scope

    _made, secret = tokens.create_personal(
        village.anne, name="script", scopes=[Scope.READ], days=30, municipality_id=None
    )
    _fill(village, 4)
    token = {"Authorization": f"Bearer {secret}"}
    few = {(p, w): _count(app, client, p, token if w else None) for p in API for w in (0, 1)}
    _fill(village, 24)
    many = {(p, w): _count(app, client, p, token if w else None) for p in API for w in (0, 1)}
    assert few == many, f"the number of queries grows with the items: {few} → {many}"
    over = {k: (n, API[k[0]][k[1]]) for k, n in many.items() if n > API[k[0]][k[1]]}
    assert not over, f"more queries than before ((path, with a token): (now, ceiling)): {over}"
