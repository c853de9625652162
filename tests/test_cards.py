"""Post cards are rendered once and then taken from memory (community/villages/cards.py). What a person
sees must never come from another person's entry: not another language, not a members-only space they
are outside of, not someone else's blocks, and never an older version of the post."""

from __future__ import annotations

import re

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
    assert client.post("/logout").status_code == 302
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


def _comment(page: str, comment_id: int) -> str:
    """The comment's block in a post's page."""
    at = page.index(f'id="comment-{comment_id}"')
    return page[at : page.index('<div class="comment-actions">', at)]


def _actions(page: str, comment_id: int) -> str:
    at = page.index('<div class="comment-actions">', page.index(f'id="comment-{comment_id}"'))
    return page[at : page.index("</div>", at)]


def test_a_comment_is_rendered_once_and_changes_with_its_text(client, login, village):
    post = _question(village.space, village.jens)
    answer = comments.add_comment(post, village.space, by=village.anne, body="Jeg har en stige.")
    db.session.commit()
    path = f"/s/stilling/posts/{post.id}"
    first = _comment(client.get(path, headers=EN).text, answer.id)
    rendered = cards._comments.counts["rendered"]
    assert _comment(client.get(path, headers=EN).text, answer.id) == first
    assert cards._comments.counts["rendered"] == rendered, "the second reading reuses the comment"
    assert "Jeg har en stige." in first and "Anne" in first and "edited" not in first

    comments.edit_comment(answer, village.space, by=village.anne, body="Jeg har to stiger.")
    comments.accept_answer(post, village.space, comment_id=answer.id, by=village.jens)
    db.session.commit()
    changed = _comment(client.get(path, headers=EN).text, answer.id)
    assert "Jeg har to stiger." in changed and "edited" in changed and "Best answer" in changed
    danish = _comment(client.get(path, headers=DA).text, answer.id)
    assert "redigeret" in danish and "Bedste svar" in danish and "edited" not in danish


def test_a_comments_buttons_are_the_readers_own(client, app, login, village, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # as in production: the buttons carry it
    post = _question(village.space, village.jens)
    answer = comments.add_comment(post, village.space, by=village.anne, body="Jeg har en stige.")
    comments.thank_comment(answer, village.space, by=village.jens)
    db.session.commit()
    path = f"/s/stilling/posts/{post.id}"

    login(village.anne)  # the author: may edit, cannot thank herself
    mine = _actions(client.get(path, headers=EN).text, answer.id)
    assert "Edit" in mine and 'aria-pressed="true"' not in mine
    login(village.jens)  # thanked it
    his = _actions(client.get(path, headers=EN).text, answer.id)
    assert 'aria-pressed="true"' in his and "Edit" not in his
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', his).group(1)
    thanked = client.post(f"/s/stilling/comments/{answer.id}/thanks", data={"csrf_token": token})
    assert thanked.status_code == 302
    again = _actions(client.get(path, headers=EN).text, answer.id)
    assert 'aria-pressed="false"' in again, "his thanks taken back with the token the page gave him"
    reader = app.test_client().get(path, headers=EN)
    assert "Set-Cookie" not in reader.headers, "a visitor's page makes no token and no session"
    visitor = reader.text
    assert "Jeg har en stige." in visitor and "Edit" not in _actions(visitor, answer.id)
    assert 'aria-pressed="true"' not in visitor

    moderation.hide(answer, by=village.hanne, reason="Navngiver en sagsbehandler")
    db.session.commit()
    assert "Jeg har en stige." not in app.test_client().get(path, headers=EN).text, "hidden: not shown"
