"""Whole pages for visitors without a cookie (community/pagecache.py). A kept page must never reach
someone it was not made for: not a member (their own state), not a visitor who chose another language,
not anyone after the page's content changed, and never a members-only space's outsider."""

from __future__ import annotations

import os
import re

import pytest

from community import pagecache
from community.extensions import db
from community.moderation import services as moderation
from community.spaces.models import Visibility
from community.villages.models import PostKind
from community.villages.services import posts
from community.villages.services.posts import PostInput

REDIS_URL = os.environ.get("COMMUNITY_TEST_REDIS_URL")
EN = {"Accept-Language": "en"}
DA = {"Accept-Language": "da"}


@pytest.fixture(autouse=True)
def _csrf_on(app, monkeypatch):
    """As in production: a form's token in the session is a cookie, and keeps a page out of the cache."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _post(space, by, title="Hvem kan låne mig en stige?"):
    data = PostInput(kind=PostKind.QUESTION, title=title, body="Til taget.")
    post = posts.create_post(space, by=by, data=data)
    db.session.commit()
    return post


def test_a_visitors_page_is_rendered_once_and_sets_no_cookie(client, village):
    _post(village.space, village.jens)
    first = client.get("/s/stilling/posts/", headers=DA)
    assert first.headers["X-Page-Cache"] == "miss"
    assert "Set-Cookie" not in first.headers, "a visitor's page makes no session (no CSRF token on it)"
    again = client.get("/s/stilling/posts/", headers=DA)
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.text == first.text and "Hvem kan låne mig en stige?" in again.text
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert again.headers[header], f"a kept page still carries {header}"


def test_the_pages_a_visitor_reads_are_kept(client, village):
    post = _post(village.space, village.jens)
    for path in (
        "/",
        "/villages/",
        "/s/stilling/",
        "/s/stilling/posts/",
        f"/s/stilling/posts/{post.id}",
        "/s/stilling/search?q=stige",
        "/villages/help/",
        "/engagement/",
        "/engagement/ideas/",
        "/helpdesk/",
    ):
        first = client.get(path, headers=DA)
        assert first.status_code == 200, path
        assert "Set-Cookie" not in first.headers, f"{path} gives a visitor a cookie"
        assert client.get(path, headers=DA).headers["X-Page-Cache"] == "hit", path


def test_what_is_written_shows_to_visitors_at_once(client, app, village):
    client.get("/s/stilling/posts/", headers=DA)
    assert client.get("/s/stilling/posts/", headers=DA).headers["X-Page-Cache"] == "hit"

    author = app.test_client()
    with author.session_transaction() as session:
        session["_user_id"] = village.jens.session_token
    form = author.get("/s/stilling/posts/new?kind=question").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    sent = author.post(
        "/s/stilling/posts/new?kind=question",
        data={"csrf_token": token, "title": "Nogen der skal til Skanderborg i morgen?", "body": "Et lift."},
    )
    assert sent.status_code in (302, 303), sent.text
    page = client.get("/s/stilling/posts/", headers=DA)
    assert page.headers["X-Page-Cache"] == "miss" and "Nogen der skal til Skanderborg i morgen?" in page.text


def test_a_hidden_post_leaves_the_visitors_page_at_once(client, village):
    post = _post(village.space, village.jens, title="Sagsbehandleren Pia er inkompetent")
    assert post.title in client.get(f"/s/stilling/posts/{post.id}", headers=DA).text
    assert client.get(f"/s/stilling/posts/{post.id}", headers=DA).headers["X-Page-Cache"] == "hit"

    moderation.hide(post, by=village.hanne, reason="Hænger en medarbejder ud")
    db.session.commit()
    assert client.get(f"/s/stilling/posts/{post.id}", headers=DA).status_code == 404
    assert post.title not in client.get("/s/stilling/posts/", headers=DA).text


def test_a_members_only_space_is_never_served_to_outsiders(client, login, app, make_space, make_user, member):
    space = make_space(name="Bestyrelsen", place="Stilling", visibility=Visibility.MEMBERS)
    insider = make_user(name="Karen")
    member(space, insider)
    _post(space, insider, title="Referat fra bestyrelsesmødet")

    reader = app.test_client()
    with reader.session_transaction() as session:
        session["_user_id"] = insider.session_token
    seen = reader.get("/s/bestyrelsen/posts/", headers=DA)
    assert "Referat fra bestyrelsesmødet" in seen.text
    assert "X-Page-Cache" not in seen.headers, "a member's page is never kept"

    for _ in range(2):
        outside = client.get("/s/bestyrelsen/posts/", headers=DA)
        assert outside.status_code == 404 and "Referat" not in outside.text


def test_a_space_made_members_only_stops_being_served(client, village):
    _post(village.space, village.jens, title="Fællesspisning i forsamlingshuset")
    client.get("/s/stilling/posts/", headers=DA)
    assert client.get("/s/stilling/posts/", headers=DA).headers["X-Page-Cache"] == "hit"
    village.space.visibility = Visibility.MEMBERS
    db.session.commit()
    assert client.get("/s/stilling/posts/", headers=DA).status_code == 404


def test_each_language_has_its_own_page(client, village):
    danish = client.get("/s/stilling/posts/", headers=DA)
    english = client.get("/s/stilling/posts/", headers=EN)
    assert english.headers["X-Page-Cache"] == "miss", "not the Danish page kept a moment ago"
    assert 'lang="da"' in danish.text and "Log ind" in danish.text
    assert 'lang="en"' in english.text and "Log in" in english.text
    british = client.get("/s/stilling/posts/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert british.text == english.text
    assert 'lang="da"' in client.get("/s/stilling/posts/", headers=DA).text


def test_someone_logged_in_sees_their_own_page(client, login, village):
    client.get("/s/stilling/", headers=DA)
    assert client.get("/s/stilling/", headers=DA).headers["X-Page-Cache"] == "hit"
    login(village.jens)
    page = client.get("/s/stilling/", headers=DA)
    assert "X-Page-Cache" not in page.headers
    assert "Log ud" in page.text and "Log ind" not in page.text


def test_a_visitor_with_a_cookie_is_not_served_a_kept_page(client, app, village):
    client.get("/s/stilling/posts/", headers=EN)
    chooser = app.test_client()
    chosen = chooser.post(
        "/language",
        data={"locale": "da", "next": "/s/stilling/posts/"},
        headers={"Sec-Fetch-Site": "same-origin", **EN},
    )
    assert chosen.status_code == 302
    page = chooser.get("/s/stilling/posts/", headers=EN)
    assert "X-Page-Cache" not in page.headers
    assert 'lang="da"' in page.text, "the visitor's own choice of language, not the kept English page"


def test_a_visitors_language_choice_from_another_site_is_refused(client):
    forged = client.post(
        "/language",
        data={"locale": "en", "next": "/"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert forged.status_code == 403
    forged = client.post(
        "/text-size", data={"size": "large", "next": "/"}, headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    fine = client.post(
        "/text-size", data={"size": "large", "next": "/"}, headers={"Origin": "http://localhost"}
    )
    assert fine.status_code == 302


def test_a_visitor_needs_no_token_and_an_account_does(client, login, village):
    same_site = {"Sec-Fetch-Site": "same-origin"}
    page = client.get("/s/stilling/", headers=DA)
    assert 'name="csrf_token"' not in page.text.split("</header>")[0], "a visitor's header holds no token"
    chosen = client.post("/language", data={"locale": "en", "next": "/s/stilling/"}, headers=same_site)
    assert chosen.status_code == 302
    assert 'lang="en"' in client.get("/s/stilling/").text

    login(village.jens)
    refused = client.post("/language", data={"locale": "da", "next": "/"}, headers=same_site)
    assert refused.status_code == 302
    db.session.refresh(village.jens)
    assert village.jens.locale != "da", "an account's choice without its token is not taken"
    header = client.get("/s/stilling/").text.split("</header>")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', header).group(1)
    sent = {"locale": "da", "next": "/", "csrf_token": token}
    taken = client.post("/language", data=sent, headers=same_site)
    assert taken.status_code == 302
    db.session.refresh(village.jens)
    assert village.jens.locale == "da"


def test_a_page_is_kept_no_longer_than_its_seconds(client, village, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    client.get("/s/stilling/posts/", headers=DA)
    now[0] += 9
    assert client.get("/s/stilling/posts/", headers=DA).headers["X-Page-Cache"] == "hit"
    now[0] += 2
    assert client.get("/s/stilling/posts/", headers=DA).headers["X-Page-Cache"] == "miss"


def test_what_is_never_kept(client, village):
    client.get("/healthz")
    assert client.get("/healthz").headers.get("X-Page-Cache") != "hit", "the health check is about now"
    assert client.get("/s/nowhere/").status_code == 404
    assert client.get("/s/nowhere/").headers.get("X-Page-Cache") != "hit", "only a 200 is kept"
    client.get("/accounts/login")
    assert client.get("/accounts/login").headers.get("X-Page-Cache") != "hit", "a form with a CSRF token"


def test_the_api_keeps_what_anyone_may_read_and_never_what_a_token_may(client, make_space, make_user, member):
    from community.api import tokens
    from community.api.models import Scope

    closed = make_space(name="Bestyrelsen", place="Stilling", visibility=Visibility.MEMBERS)
    insider = make_user(name="Karen")
    member(closed, insider)
    _post(closed, insider, title="Referat fra bestyrelsesmødet")
    _made, secret = tokens.create_personal(
        insider, name="script", scopes=[Scope.READ], days=30, municipality_id=None
    )
    db.session.commit()
    token = {"Authorization": f"Bearer {secret}"}

    first = client.get("/api/v1/spaces/bestyrelsen/posts", headers=token)
    assert [item["title"] for item in first.json["items"]] == ["Referat fra bestyrelsesmødet"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "X-Page-Cache" not in client.get("/api/v1/spaces/bestyrelsen/posts", headers=token).headers
    for _ in range(2):
        outside = client.get("/api/v1/spaces/bestyrelsen/posts")
        assert outside.status_code == 404 and "Referat" not in outside.text
        assert outside.headers.get("X-Page-Cache") != "hit"

    _post(closed, insider, title="Ikke for alle")  # a write: nothing kept from before it is served
    open_space = client.get("/api/v1/spaces")
    assert open_space.status_code == 200 and "bestyrelsen" not in open_space.text
    again = client.get("/api/v1/spaces")
    assert again.headers["X-Page-Cache"] == "hit" and again.text == open_space.text
    assert again.headers["ETag"] == open_space.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, no-cache" and "Authorization" in again.headers["Vary"]
    unchanged = client.get("/api/v1/spaces", headers={"If-None-Match": again.headers["ETag"]})
    assert unchanged.status_code == 304 and "X-Page-Cache" not in unchanged.headers, "asked of the view"
    with_token = client.get("/api/v1/spaces", headers=token)
    assert "bestyrelsen" in with_token.text and "X-Page-Cache" not in with_token.headers


def test_the_generation_is_shared_by_every_process_on_the_machine(tmp_path):
    one = pagecache.FileGeneration(tmp_path / "page-generation")
    other = pagecache.FileGeneration(tmp_path / "page-generation")
    before = other.current()
    one.move_on()
    assert other.current() != before


@pytest.mark.skipif(not REDIS_URL, reason="COMMUNITY_TEST_REDIS_URL names no Redis server")
def test_with_redis_the_generation_is_shared_by_every_machine():
    one = pagecache.RedisGeneration(REDIS_URL)
    other = pagecache.RedisGeneration(REDIS_URL)
    before = other.current()
    one.move_on()
    assert other.current() != before
    away = pagecache.RedisGeneration("redis://127.0.0.1:1/0")
    assert away.current() == "", "Redis away: nothing is served from the cache"


def test_every_form_makes_its_token_only_when_shown(app):
    """A form built but not shown (a member's comment box on a visitor's page) must not put a token in
    the visitor's session: that would be a cookie, and the page would not be kept."""
    from pathlib import Path

    from flask_wtf import FlaskForm

    from community import forms

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("community.")]
    for base in (forms.Form, forms.ActionForm):
        assert base.Meta.csrf_class is forms._CSRFWhenShown
    assert len(ours) > 50
    eager = [c.__qualname__ for c in ours if not issubclass(c, (forms.Form, forms.ActionForm))]
    assert not eager, f"forms that make their token when built: {eager}"
    bare = [
        str(path)
        for path in Path(forms.__file__).parent.rglob("*.py")
        if "FlaskForm()" in path.read_text(encoding="utf-8")
    ]
    assert not bare, f"a bare FlaskForm() (use community.forms.ActionForm): {bare}"
