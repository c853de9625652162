"""Feeds, search, map and Atom; and that a members-only space leaks nothing to outsiders."""

from __future__ import annotations

import sqlalchemy as sa

from community.extensions import db
from community.villages.models import HelpCategory, Post, PostKind
from community.villages.services import posts, search
from community.villages.services.posts import PostInput

EN = {"Accept-Language": "en"}


def _post(space, by, title, body="", kind=PostKind.DISCUSSION, **extra):
    return posts.create_post(space, by=by, data=PostInput(kind=kind, title=title, body=body, **extra))


def test_search_finds_other_forms_of_a_danish_word(client, village):
    _post(village.space, village.jens, "Græs på boldbanen", "Hvem slår det?")
    _post(village.space, village.anne, "Naboer der hjælper", "Vi hjælper hinanden med indkøb.")
    _post(village.space, village.anne, "Loppemarked", "Ingen relevante ord her.")
    grass = client.get("/s/stilling/search?q=græsset", headers=EN).text
    assert "<mark>Græs</mark> på boldbanen" in grass and "Loppemarked" not in grass
    helping = client.get("/villages/search?q=hjælpe", headers=EN).text
    assert "<mark>hjælper</mark>" in helping
    nothing = client.get("/villages/search?q=elefant", headers=EN).text
    assert "Nothing matches “elefant”" in nothing


def test_search_syntax_from_visitors_is_just_words(client, village):
    _post(village.space, village.jens, "Græs")
    for query in ['"', "græs OR *", "NEAR(græs", "title:græs", "græs)", "-græs", "'; DROP TABLE post; --"]:
        response = client.get("/villages/search", query_string={"q": query})
        assert response.status_code == 200, query


def test_search_stays_current_when_posts_change(db, village):
    post = _post(village.space, village.jens, "Cykelreparation")
    assert [h.post.id for h in search.search("cykel", [village.space.id])] == []  # whole words, stemmed
    assert [h.post.id for h in search.search("cykelreparationen", [village.space.id])] == [post.id]
    posts.edit_post(post, village.space, by=village.jens, data=PostInput(kind=post.kind, title="Havefest"))
    assert search.search("cykelreparation", [village.space.id]) == []
    assert [h.post.id for h in search.search("haven", [village.space.id])] == []
    assert [h.post.id for h in search.search("havefesten", [village.space.id])] == [post.id]
    posts.delete_post(post, village.space, by=village.jens)
    assert search.search("havefest", [village.space.id]) == []


def test_search_ranks_the_newest_matches_with_the_title_first(db, village, monkeypatch):
    """The newest CANDIDATES matches are ranked, a title match above a body match, newer first among
    equals; an older match is left out even when it would rank first (both engines)."""
    space = village.space
    oldest_title = _post(space, village.jens, "Trailer udlånes", "Spørg bare.")
    body = _post(space, village.jens, "Weekend", "Har en trailer.")
    title = _post(space, village.anne, "Trailer søges", "Til flytning.")
    newest_body = _post(space, village.anne, "Flytning", "Mangler en trailer.")
    found = [h.post.id for h in search.search("trailere", [space.id])]
    assert found == [title.id, oldest_title.id, newest_body.id, body.id]
    monkeypatch.setattr(search, "CANDIDATES", 3)
    assert [h.post.id for h in search.search("trailer", [space.id])] == [title.id, newest_body.id, body.id]
    page = search.search("trailer", [space.id], limit=2, offset=1)
    assert [h.post.id for h in page] == [newest_body.id, body.id]


def test_search_marks_every_form_of_the_word_and_escapes_the_rest(db, village):
    _post(village.space, village.jens, "Græs & <græsset>", "Vi slår græsset; GRÆS er grønt.")
    (hit,) = search.search("græs", sa.select(sa.literal(village.space.id)))
    assert str(hit.title) == "<mark>Græs</mark> &amp; &lt;<mark>græsset</mark>&gt;"
    assert str(hit.snippet) == "Vi slår <mark>græsset</mark>; <mark>GRÆS</mark> er grønt."


def test_feed_filters_and_keyset_pages(client, village):
    from datetime import timedelta

    from community.db import utcnow

    base = utcnow() - timedelta(days=1)
    for i in range(45):
        post = _post(village.space, village.jens, f"Opslag {i:02d}")
        post.created_at = post.last_activity_at = base + timedelta(minutes=i)
    question = _post(village.space, village.anne, "Et ubesvaret spørgsmål", kind=PostKind.QUESTION)
    first = posts.feed([village.space.id], order="new")
    assert first.items[0].id == question.id and len(first.items) == 20
    second = posts.feed([village.space.id], order="new", cursor=first.next_cursor)
    third = posts.feed([village.space.id], order="new", cursor=second.next_cursor)
    titles = [p.title for p in first.items + second.items + third.items]
    assert len(titles) == 46 == len(set(titles)) and third.next_cursor is None
    page = client.get("/s/stilling/posts/?unanswered=1", headers=EN).text
    assert "Et ubesvaret spørgsmål" in page and "Opslag 44" not in page
    nonsense = client.get("/s/stilling/posts/?cursor=garbage&kind=nope&order=sideways")
    assert nonsense.status_code == 200


def test_feed_page_costs_a_fixed_number_of_queries(client, login, village, query_counter):
    for i in range(3):
        _post(village.space, village.jens, f"Opslag {i}", tags=["a"])
    login(village.anne)
    client.get("/s/stilling/posts/")
    with query_counter() as few:
        client.get("/s/stilling/posts/")
    for i in range(30):
        _post(village.space, village.anne if i % 2 else village.hanne, f"Mere {i}", tags=["b", f"t{i}"])
    with query_counter() as many:
        client.get("/s/stilling/posts/")
    # 11: one of them asks, once per page, whom the viewer blocked (their posts are collapsed).
    assert many.n == few.n <= 11, many.statements


def test_the_tag_and_space_atom_feeds(client, village):
    _post(village.space, village.jens, "Græs & <slåning>", "Om **græs**.", tags=["græs"])
    _post(village.space, village.jens, "Andet", "Noget andet.")
    atom = client.get("/s/stilling/feed.atom")
    assert atom.mimetype == "application/atom+xml"
    assert "Græs &amp; &lt;slåning&gt;" in atom.text and "<title>Andet</title>" in atom.text
    tagged = client.get("/s/stilling/tags/græs/feed.atom").text
    assert "Græs &amp; &lt;slåning&gt;" in tagged and "<title>Andet</title>" not in tagged


def test_the_map_lists_the_same_items_it_pins(client, village):
    from community import geo

    _post(village.space, village.jens, "Lånecykel ved kirken", place=geo.resolve("Stilling"))
    _post(village.space, village.jens, "Uden sted")
    page = client.get("/s/stilling/map", headers=EN).text
    assert "Lånecykel ved kirken" in page and "Uden sted" not in page
    assert "1 place on the map" in page
    assert (
        "/static/vendor/leaflet/leaflet.js" in page
        and "tile.openstreetmap" not in page.split("data-tiles")[0]
    )


def test_a_members_only_space_leaks_nothing(client, login, make_space, make_user, member, village):
    network = make_space("contractor_network", name="Grønne Områder", place="Skanderborg")
    insider = make_user(name="Peter")
    member(network, insider)
    secret = _post(
        network,
        insider,
        "Hemmelig græsslåning",
        "Kun for netværket.",
        kind=PostKind.HELP_REQUEST,
        help_category=HelpCategory.GARDEN,
    )
    _post(village.space, village.jens, "Offentlig græsslåning")
    for who in (None, village.ole):
        if who is not None:
            login(who)
        for url in (
            f"/s/groenne-omraader/posts/{secret.id}",
            "/s/groenne-omraader/posts/",
            "/s/groenne-omraader/map",
            "/s/groenne-omraader/feed.atom",
            "/s/groenne-omraader/search?q=græs",
            f"/s/groenne-omraader/posts/{secret.id}/event.ics",
        ):
            assert client.get(url).status_code == 404, url
        for url in ("/villages/search?q=græsslåning", "/villages/help/?radius=50", "/", "/villages/"):
            assert "Hemmelig" not in client.get(url).text, url
        wrong_space = client.get(f"/s/stilling/posts/{secret.id}")
        assert wrong_space.status_code == 404, "a post is only found in its own space"
    login(insider)
    assert "Hemmelig <mark>græsslåning</mark>" in client.get("/villages/search?q=græsslåning").text
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 2


def test_search_and_nearest_help_cost_a_fixed_number_of_queries(client, login, village, query_counter):
    from community import geo
    from community.spaces import services as space_services
    from community.villages.models import HelpCategory

    others = [
        space_services.create_space(
            village.space.municipality,
            kind=village.space.kind,
            name=f"Landsby {n}",
            place=geo.resolve("Stilling"),
            by=None,
        )
        for n in range(3)
    ]
    for other in others:
        space_services.add_member(other, village.jens)

    def add(n):
        for i in range(n):
            _post(
                [village.space, *others][i % 4],
                village.jens,
                f"Græsslåning {i}",
                "Hjælp med græsset",
                kind=PostKind.HELP_REQUEST,
                help_category=HelpCategory.GARDEN,
                tags=[f"t{i}"],
            )

    add(2)
    login(village.anne)
    counts = {}
    for path in ("/villages/search?q=græs", "/villages/help/?radius=20", "/s/stilling/help/"):
        client.get(path)
        with query_counter() as few:
            client.get(path)
        counts[path] = few.n
    add(25)
    for path, n in counts.items():
        with query_counter() as many:
            client.get(path)
        assert many.n == n, (path, many.statements)
