"""Mutual help: an offer, a private conversation, resolved with thanks; the nearest help; alerts."""

from __future__ import annotations

import sqlalchemy as sa

from community import geo
from community.conversations import services as conversations
from community.conversations.models import Conversation, Message
from community.extensions import db
from community.notifications.models import Notification
from community.villages.models import HelpCategory, HelpStatus, Post, PostKind
from community.villages.services import help, posts
from community.villages.services.posts import PostInput

EN = {"Accept-Language": "en"}


def _request(space, by, title="Kørsel til lægen", category=HelpCategory.TRANSPORT, place=None, kind=None):
    return posts.create_post(
        space,
        by=by,
        data=PostInput(
            kind=kind or PostKind.HELP_REQUEST,
            title=title,
            body="Tirsdag formiddag.",
            help_category=category,
            place=geo.resolve(place) if place else None,
        ),
    )


def test_request_offer_talk_resolve_and_thank(client, login, village):
    login(village.jens)
    created = client.post(
        "/s/stilling/posts/new?kind=help_request",
        data={
            "title": "Kørsel til lægen tirsdag",
            "body": "Min bil er på værksted.",
            "help_category": "transport",
            "help_when": "Tirsdag kl. 9",
        },
        headers=EN,
    )
    assert created.status_code == 302
    post = db.session.scalar(sa.select(Post))
    assert post.help_status == HelpStatus.OPEN and post.latitude is not None, "placed at the village"

    login(village.anne)
    answered = client.post(
        f"/s/stilling/posts/{post.id}/respond", data={"message": "Jeg kører dig kl. 9."}, headers=EN
    )
    conversation = db.session.scalar(sa.select(Conversation))
    assert answered.headers["Location"] == f"/messages/{conversation.id}"
    db.session.refresh(post)
    assert post.help_status == HelpStatus.OFFERED

    login(village.jens)
    nav = client.get("/", headers=EN).text
    assert "Messages" in nav and '<span class="badge">1<span class="visually-hidden"> unread</span>' in nav
    old_link = client.get(f"/villages/messages/{conversation.id}")
    assert old_link.status_code == 301 and old_link.headers["Location"] == f"/messages/{conversation.id}"
    thread = client.get(f"/messages/{conversation.id}", headers=EN).text
    assert "Jeg kører dig kl. 9." in thread and "anne@example.org" not in thread, "no e-mail addresses shown"
    assert f'href="/s/stilling/posts/{post.id}">{post.title}</a>' in thread, "the post it is about"
    client.post(f"/messages/{conversation.id}", data={"body": "Tak, det er perfekt!"})
    assert conversations.unread_total(village.jens) == 0, "replying marks the conversation read"
    assert conversations.unread_total(village.anne) == 1

    page = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert '<option value="' + str(village.anne.id) + '">Anne</option>' in page
    done = client.post(
        f"/s/stilling/posts/{post.id}/resolve",
        data={"helper_id": str(village.anne.id)},
        headers=EN,
        follow_redirects=True,
    )
    assert "Marked as resolved." in done.text and "Anne helped. Thank you!" in done.text
    assert help.favours_given(village.anne) == 1
    profile = client.get(f"/villages/people/{village.anne.id}", headers=EN).text
    assert "Has helped a neighbour 1 time." in profile and "anne@example.org" not in profile
    thanks = db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == village.anne.id, Notification.kind == "villages.thanked"
        )
    )
    assert thanks is not None


def test_only_someone_who_answered_can_be_thanked(db, village):
    import pytest

    from community.errors import DomainError

    post = _request(village.space, village.jens)
    with pytest.raises(DomainError):
        help.resolve(post, village.space, by=village.jens, helper_id=village.ole.id)
    assert post.help_status == HelpStatus.OPEN


def test_a_conversation_is_private(client, login, village):
    post = _request(village.space, village.jens)
    conversation = help.respond(post, village.space, by=village.anne, message="Jeg kan.")
    login(village.ole)
    assert client.get(f"/messages/{conversation.id}").status_code == 404
    assert client.post(f"/messages/{conversation.id}", data={"body": "Hej"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1


def test_a_neighbour_from_another_village_can_answer_a_public_request(client, login, village):
    post = _request(village.space, village.jens)
    login(village.ole)  # not a member of Stilling, lives in Ry
    page = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert "I can help" in page
    client.post(f"/s/stilling/posts/{post.id}/respond", data={"message": "Jeg kører forbi."})
    assert db.session.scalar(sa.select(sa.func.count(Conversation.id))) == 1


def test_messages_refuse_cpr_numbers(client, login, village):
    post = _request(village.space, village.jens)
    conversation = help.respond(post, village.space, by=village.anne, message="Hej")
    login(village.jens)
    response = client.post(f"/messages/{conversation.id}", data={"body": "Mit cpr er 0102031234"}, headers=EN)
    assert response.status_code == 400 and "This looks like a CPR number." in response.text
    assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1


def test_nearest_help_comes_first_within_the_radius(client, login, village, make_space, member):
    ry = make_space(name="Ry", place="Ry")
    member(ry, village.ole)
    _request(village.space, village.jens, title="Hjælp i Stilling")
    _request(ry, village.ole, title="Hjælp i Ry")
    _request(village.space, village.anne, title="Hjælp i Skanderborg", place="Skanderborg")
    offer = _request(
        village.space,
        village.anne,
        title="Tilbud i Stilling",
        kind=PostKind.HELP_OFFER,
        category=HelpCategory.TOOLS,
    )
    login(village.jens)  # lives in Stilling
    page = client.get("/villages/help/?radius=20", headers=EN).text
    assert page.index("Hjælp i Stilling") < page.index("Hjælp i Skanderborg") < page.index("Hjælp i Ry")
    near = client.get("/villages/help/?radius=5", headers=EN).text
    assert "Hjælp i Stilling" in near and "Hjælp i Ry" not in near
    offers = client.get("/villages/help/?radius=20&kind=help_offer", headers=EN).text
    assert offer.title in offers and "Hjælp i Ry" not in offers
    tools = client.get("/villages/help/?radius=20&category=tools", headers=EN).text
    assert offer.title in tools and "Hjælp i Stilling" not in tools


def test_the_nearest_are_found_whether_help_is_dense_or_sparse(db, village, monkeypatch):
    """``nearby`` looks within a small circle first: in a dense town it must still return exactly the
    nearest (as measuring every post would), and where help is sparse it must look as far as asked."""
    import random

    from community.db import utcnow

    rng = random.Random(7)
    lat0, lon0 = 56.06, 9.99
    rows = []
    for i in range(240):
        spread = 0.01 if i < 200 else 0.3  # 200 within about a kilometre, 40 spread over 20 km
        rows.append(
            {
                "space_id": village.space.id,
                "author_id": village.jens.id,
                "kind": PostKind.HELP_REQUEST,
                "title": f"Hjælp {i}",
                "body": "…",
                "body_html": "<p>…</p>",
                "latitude": lat0 + rng.uniform(-spread, spread),
                "longitude": lon0 + rng.uniform(-spread, spread) * 1.8,
                "help_status": HelpStatus.OPEN,
                "help_category": HelpCategory.SHOPPING,
                "created_at": utcnow(),
                "last_activity_at": utcnow(),
            }
        )
    db.session.execute(sa.insert(Post), rows)
    db.session.flush()
    every = [
        (geo.distance_km(lat0, lon0, p.latitude, p.longitude), -p.id, p.id)
        for p in db.session.scalars(sa.select(Post).where(Post.space_id == village.space.id))
    ]

    def brute(radius, limit):
        return [i for km, _neg, i in sorted(every) if km <= radius][:limit]

    for radius, limit in ((10, 50), (20, 50), (20, 5), (0.5, 50), (50, 200)):
        found = help.nearby(lat0, lon0, radius_km=radius, space_ids=[village.space.id], limit=limit)
        assert [n.post.id for n in found] == brute(max(radius, 0.5), limit), (radius, limit)
        assert all(n.distance_km <= max(radius, 0.5) for n in found)
    # Far from the dense town only the sparse posts are near: the search looks beyond its first circle.
    lat1 = lat0 + 0.25
    far = help.nearby(lat1, lon0, radius_km=20, space_ids=[village.space.id], limit=10)
    ids = sorted(
        (geo.distance_km(lat1, lon0, p.latitude, p.longitude), -p.id, p.id)
        for p in db.session.scalars(sa.select(Post).where(Post.space_id == village.space.id))
    )
    assert [n.post.id for n in far] == [i for km, _neg, i in ids if km <= 20][:10]
    assert max(n.distance_km for n in far) > help.FIRST_REACH_KM


def test_resolved_help_leaves_the_board(db, village):
    post = _request(village.space, village.jens)
    conversation_starter = village.anne
    help.respond(post, village.space, by=conversation_starter, message="Ja")
    help.resolve(post, village.space, by=village.jens, helper_id=None)
    found = help.nearby(56.06, 9.99, radius_km=10, space_ids=[village.space.id])
    assert found == []


def test_alerts_tell_neighbours_within_their_distance_and_categories(client, login, village, outbox):
    login(village.anne)  # lives in Skanderborg, ~6 km from Stilling
    response = client.post(
        "/villages/help/alert",
        data={"radius_km": "10", "categories": ["transport"]},
        headers=EN,
        follow_redirects=True,
    )
    assert "We will tell you about new help requests near you." in response.text
    help.set_alert(village.ole, radius_km=2, categories=[])  # Ry is too far
    _request(village.space, village.jens, title="Kørsel til Aarhus")
    _request(village.space, village.jens, title="Hjælp i haven", category=HelpCategory.GARDEN)
    db.session.commit()  # neighbours are told by a job once the requests are saved
    told = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "villages.help_nearby")
    ).all()
    assert [(n.user_id, n.context["title"]) for n in told] == [(village.anne.id, "Kørsel til Aarhus")]


def test_an_alert_needs_a_home(db, make_user):
    import pytest

    from community.errors import DomainError

    homeless = make_user(home=None)
    with pytest.raises(DomainError):
        help.set_alert(homeless, radius_km=5, categories=[])
