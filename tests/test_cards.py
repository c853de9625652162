"""Post cards are rendered once and then taken from memory (community/villages/cards.py). What a person
sees must never come from another person's entry: not another language, not a members-only space they
are outside of, not someone else's blocks, and never an older version of the post."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.moderation import services as moderation
from community.villages import cards
from community.villages.models import Post, PostKind
from community.villages.services import comments, posts
from community.villages.services.posts import PostInput

EN = {"Accept-Language": "en"}
DA = {"Accept-Language": "da"}


@pytest.fixture(autouse=True)
def _fresh_cards():
    cards.forget_all()
    yield
    cards.forget_all()


def _question(space, by, title="Hvem har en stige?"):
    post = posts.create_post(
        space, by=by, data=PostInput(kind=PostKind.QUESTION, title=title, body="Til taget.")
    )
    db.session.commit()
    return post


def _card(page: str, title: str) -> str:
    """The card's article around ``title`` in a page."""
    at = page.index(title)
    return page[page.rindex("<article", 0, at) : page.index("</article>", at)]


def test_a_card_is_rendered_once_and_changes_with_its_post(client, login, village):
    post = _question(village.space, village.jens)
    first = _card(client.get("/s/stilling/posts/", headers=EN).text, post.title)
    rendered = cards.counts["rendered"]
    again = _card(client.get("/s/stilling/posts/", headers=EN).text, post.title)
    assert again == first and cards.counts["rendered"] == rendered, "the second reading reuses the card"
    assert "Unanswered" in first and "0 comments" in first

    comments.add_comment(post, village.space, by=village.anne, body="Jeg har en.")
    db.session.commit()
    card = _card(client.get("/s/stilling/posts/", headers=EN).text, post.title)
    assert "1 comment" in card and "Unanswered" not in card, "a comment counted in SQL changes the card"

    village.jens.display_name = "Jens Jensen"
    db.session.commit()
    card = _card(client.get("/s/stilling/posts/", headers=EN).text, post.title)
    assert "Jens Jensen" in card, "a new name for the author shows at once"

    login(village.hanne)
    client.post(f"/s/stilling/posts/{post.id}/pin")
    client.post(f"/s/stilling/posts/{post.id}/close")
    card = _card(client.get("/s/stilling/posts/", headers=EN).text, post.title)
    assert "Pinned" in card and "Closed for comments" in card


def test_cards_are_in_the_readers_language(client, village):
    post = _question(village.space, village.jens)
    danish = _card(client.get("/s/stilling/posts/", headers=DA).text, post.title)
    english = _card(client.get("/s/stilling/posts/", headers=EN).text, post.title)
    assert "Spørgsmål" in danish and "Ubesvaret" in danish and "0 kommentarer" in danish
    assert "Question" in english and "Unanswered" in english and "0 comments" in english
    assert "Spørgsmål" not in english and "Question" not in danish
    assert "Spørgsmål" in _card(client.get("/s/stilling/posts/", headers=DA).text, post.title)


def test_a_members_only_spaces_cards_never_reach_outsiders(client, login, make_space, make_user, member):
    closed = make_space("association", name="Lukket Forening", place="Stilling", visibility="members")
    insider, outsider = make_user(name="Inge", home="Stilling"), make_user(name="Otto", home="Stilling")
    member(closed, insider)
    post = _question(closed, insider, title="Hemmelig generalforsamling")
    login(insider)
    assert post.title in client.get("/s/lukket-forening/posts/", headers=EN).text
    assert post.title in client.get("/", headers=EN).text  # the home page's own list of the person's spaces

    login(outsider)
    assert client.get("/s/lukket-forening/posts/", headers=EN).status_code == 404
    for path in ("/", "/villages/search?q=generalforsamling", "/s/lukket-forening/posts/feed.atom"):
        response = client.get(path, headers=EN)
        assert post.title not in response.text, path
    client.get("/logout")
    assert post.title not in client.get("/", headers=EN).text


def test_a_viewers_blocks_are_theirs_alone(client, login, village):
    post = _question(village.space, village.jens)
    moderation.block(village.anne, village.jens)
    db.session.commit()
    login(village.anne)
    page = client.get("/s/stilling/posts/", headers=EN).text
    assert "A post by someone you blocked" in page
    login(village.hanne)
    page = client.get("/s/stilling/posts/", headers=EN).text
    assert "A post by someone you blocked" not in page and post.title in page
    login(village.anne)
    assert "A post by someone you blocked" in client.get("/s/stilling/posts/", headers=EN).text


def test_a_hidden_post_leaves_the_lists_and_its_card_says_so_to_moderators(client, login, village):
    post = _question(village.space, village.jens)
    assert post.title in client.get("/s/stilling/posts/", headers=EN).text
    moderation.hide(post, by=village.hanne, reason="Navngiver en sagsbehandler")
    db.session.commit()
    assert post.title not in client.get("/s/stilling/posts/", headers=EN).text
    login(village.hanne)
    card = _card(client.get("/s/stilling/posts/", headers=EN).text, post.title)
    assert "Hidden by a moderator" in card
    assert db.session.scalar(sa.select(Post.moderation_state).where(Post.id == post.id)) is not None
