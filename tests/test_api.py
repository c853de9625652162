"""The JSON API at /api/v1: tokens (made on the profile, shown once, stored hashed, audited, revoked),
the same visibility and permissions as the pages, writing through the same services, ETags, keyset
pages, problem details for every error, and limits per token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.api import tokens
from community.api.models import ApiToken, Scope, TokenKind
from community.db import utcnow
from community.extensions import db
from community.moderation.models import ActionKind, AuditEntry, ModerationState
from community.spaces.models import Visibility
from community.villages.models import Comment, HelpCategory, Post, PostKind
from community.villages.services import posts as post_service

EN = {"Accept-Language": "en"}


def _post(space, author, title="Loppemarked", kind=PostKind.DISCUSSION, **kw):
    post = post_service.create_post(
        space, by=author, data=post_service.PostInput(kind=kind, title=title, body="Kom og køb.", **kw)
    )
    db.session.flush()
    return post


def _token(user, *scopes: Scope, days: int = 30) -> str:
    _made, secret = tokens.create_personal(
        user, name="script", scopes=list(scopes or [Scope.READ]), days=days, municipality_id=None
    )
    db.session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **EN}


# --- tokens on the profile -------------------------------------------------------------------------


def test_a_token_made_on_the_profile_is_shown_once_stored_hashed_and_audited(client, login, village):
    login(village.jens)
    page = client.post(
        "/profile/tokens",
        data={"name": "Min kalender", "scopes": ["read", "write"], "days": "30"},
        headers=EN,
    )
    assert page.status_code == 201
    secret = re.search(r'value="(fld_[A-Za-z0-9_\-]+)"', page.text).group(1)
    assert "it is shown only this once" in page.text
    (stored,) = db.session.scalars(sa.select(ApiToken)).all()
    assert stored.token_hash == tokens.token_hash(secret) and secret not in (
        stored.prefix + stored.token_hash
    )
    assert stored.prefix == secret[:12] and stored.scopes == ["read", "write"]
    assert stored.expires_at - utcnow() > timedelta(days=29)
    again = client.get("/profile/tokens", headers=EN)
    assert secret not in again.text and stored.prefix in again.text
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == ActionKind.TOKEN_CREATED))
    assert entry.actor_id == village.jens.id and entry.content_id == stored.id
    assert client.get("/api/v1/spaces/stilling", headers=bearer(secret)).status_code == 200


def test_a_revoked_token_no_longer_works_and_the_revocation_is_audited(client, login, village):
    secret = _token(village.jens)
    stored = db.session.scalar(sa.select(ApiToken))
    login(village.jens)
    response = client.post(f"/profile/tokens/{stored.id}/revoke", headers=EN, follow_redirects=True)
    assert "is revoked and no longer works" in response.text
    refused = client.get("/api/v1/spaces/stilling/posts", headers=bearer(secret))
    assert refused.status_code == 401 and refused.content_type == "application/problem+json"
    assert refused.json["code"] == "invalid_token" and "items" not in refused.json
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == ActionKind.TOKEN_REVOKED))


def test_someone_else_cannot_revoke_a_token(client, login, village):
    _token(village.jens)
    stored = db.session.scalar(sa.select(ApiToken))
    login(village.anne)
    assert client.post(f"/profile/tokens/{stored.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, stored.id).revoked_at is None


def test_an_unconfirmed_account_cannot_make_tokens(client, login, make_user):
    login(make_user(confirmed=False))
    page = client.get("/profile/tokens", headers=EN)
    assert "Confirm your e-mail address first" in page.text and 'name="scopes"' not in page.text
    assert (
        client.post("/profile/tokens", data={"name": "x", "scopes": ["read"], "days": "30"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    "header",
    ["Bearer fld_unknown", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500],
    ids=["unknown", "empty", "basic", "long"],
)
def test_a_wrong_token_is_a_401_problem_never_data(client, village, header):
    response = client.get("/api/v1/spaces/stilling/posts", headers={"Authorization": header})
    assert response.status_code == 401 and response.json["status"] == 401
    assert response.content_type == "application/problem+json" and "items" not in response.json


def test_an_expired_token_is_refused(client, village):
    secret = _token(village.jens)
    stored = db.session.scalar(sa.select(ApiToken))
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/municipalities", headers=bearer(secret)).status_code == 401


def test_a_read_token_cannot_write_and_a_write_token_needs_write(client, village):
    post = _post(village.space, village.hanne)
    db.session.commit()
    secret = _token(village.jens, Scope.READ)
    response = client.post(
        f"/api/v1/spaces/stilling/posts/{post.id}/comments", json={"body": "Hej"}, headers=bearer(secret)
    )
    assert response.status_code == 403 and response.json["code"] == "insufficient_scope"
    anonymous = client.post(f"/api/v1/spaces/stilling/posts/{post.id}/comments", json={"body": "Hej"})
    assert anonymous.status_code == 401
    assert db.session.scalars(sa.select(Comment)).all() == []


# --- reading as the pages do -----------------------------------------------------------------------


def test_members_only_content_needs_a_members_token(client, login, make_space, make_user, member):
    closed = make_space(name="Grønne Områder", visibility=Visibility.MEMBERS, kind="contractor_network")
    crew, outsider = make_user(), make_user()
    member(closed, crew)
    _post(closed, crew, title="Klipning mandag")
    db.session.commit()
    slug = closed.slug
    assert client.get(f"/api/v1/spaces/{slug}/posts").status_code == 404
    assert client.get(f"/api/v1/spaces/{slug}/posts", headers=bearer(_token(outsider))).status_code == 404
    listed = client.get("/api/v1/spaces", headers=bearer(_token(outsider))).json
    assert slug not in [s["slug"] for s in listed["items"]]
    mine = client.get(f"/api/v1/spaces/{slug}/posts", headers=bearer(_token(crew)))
    assert [p["title"] for p in mine.json["items"]] == ["Klipning mandag"]
    # A logged-in browser session is not a token: the API never reads the cookie.
    login(crew)
    assert client.get(f"/api/v1/spaces/{slug}/posts").status_code == 404


def test_hidden_posts_are_not_listed_except_to_their_author(client, village):
    shown = _post(village.space, village.hanne, title="Synlig")
    hidden = _post(village.space, village.jens, title="Skjult")
    hidden.moderation_state = ModerationState.HIDDEN
    db.session.commit()
    anyone = client.get("/api/v1/spaces/stilling/posts").json["items"]
    assert [p["id"] for p in anyone] == [shown.id]
    assert client.get(f"/api/v1/spaces/stilling/posts/{hidden.id}").status_code == 404
    own = client.get("/api/v1/spaces/stilling/posts", headers=bearer(_token(village.jens))).json["items"]
    assert {p["id"] for p in own} == {shown.id, hidden.id}


def test_keyset_pages_follow_next_to_the_end(client, village):
    made = [_post(village.space, village.hanne, title=f"Opslag {n}") for n in range(5)]
    db.session.commit()
    seen, url = [], "/api/v1/spaces/stilling/posts?limit=2"
    while url:
        page = client.get(url).json
        seen += [p["id"] for p in page["items"]]
        url = page["next"]
        if url:
            assert url.startswith("http://") and "cursor=" in url and "limit=2" in url
            url = url.split("localhost", 1)[1] if "localhost" in url else url
    assert seen == [p.id for p in reversed(made)]


def test_a_page_of_posts_costs_the_same_queries_with_few_or_many(client, village, query_counter):
    """Each post comes whole (its text too): a list with more posts must not ask once per post."""

    def counted() -> tuple[int, list]:
        client.get("/api/v1/spaces/stilling/posts")  # warm what is cached once per process
        with query_counter() as seen:
            items = client.get("/api/v1/spaces/stilling/posts").json["items"]
        return seen.n, items

    for n in range(3):
        _post(village.space, village.jens, title=f"Opslag {n}")
    db.session.commit()
    few, items = counted()
    assert all(item["body"] == "Kom og køb." for item in items)
    for n in range(3, 15):
        _post(village.space, village.jens, title=f"Opslag {n}")
    db.session.commit()
    many, items = counted()
    assert len(items) == 15 and many == few, (few, many)


def test_etag_and_if_none_match(client, village):
    _post(village.space, village.hanne)
    db.session.commit()
    first = client.get("/api/v1/spaces/stilling/posts")
    assert first.status_code == 200 and first.headers["ETag"]
    assert "Authorization" in first.headers["Vary"]
    again = client.get("/api/v1/spaces/stilling/posts", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    _post(village.space, village.hanne, title="Nyt")
    db.session.commit()
    changed = client.get("/api/v1/spaces/stilling/posts", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_events_carry_their_ical_link(client, village):
    event = _post(
        village.space,
        village.hanne,
        title="Sankt Hans",
        kind=PostKind.EVENT,
        starts_at=utcnow() + timedelta(days=3),
    )
    _post(village.space, village.hanne, title="Ikke en begivenhed")
    db.session.commit()
    (item,) = client.get("/api/v1/spaces/stilling/events").json["items"]
    assert item["id"] == event.id and item["links"]["ical"].endswith(
        f"/s/stilling/posts/{event.id}/event.ics"
    )
    assert client.get(item["links"]["ical"].split("localhost", 1)[1]).content_type.startswith("text/calendar")


def test_the_response_never_sets_a_cookie(client, village):
    response = client.get("/api/v1/spaces/stilling/posts", headers=bearer(_token(village.jens)))
    assert "Set-Cookie" not in response.headers


# --- writing through the same services -------------------------------------------------------------


def test_a_write_token_comments_and_the_comment_is_on_the_page(client, village):
    post = _post(village.space, village.hanne)
    db.session.commit()
    secret = _token(village.jens, Scope.READ, Scope.WRITE)
    response = client.post(
        f"/api/v1/spaces/stilling/posts/{post.id}/comments",
        json={"body": "Jeg kommer med kage."},
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.json
    assert response.json["author"]["name"] == "Jens"
    page = client.get(f"/s/stilling/posts/{post.id}")
    assert "Jeg kommer med kage." in page.text


def test_an_outsider_cannot_comment_and_gets_the_services_reason(client, village):
    post = _post(village.space, village.hanne)
    db.session.commit()
    response = client.post(
        f"/api/v1/spaces/stilling/posts/{post.id}/comments",
        json={"body": "Hej"},
        headers=bearer(_token(village.ole, Scope.READ, Scope.WRITE)),
    )
    assert response.status_code == 403 and "Join Stilling" in response.json["detail"]
    assert db.session.scalars(sa.select(Comment)).all() == []


def test_a_cpr_number_is_refused_by_the_same_guard(client, village):
    post = _post(village.space, village.hanne)
    db.session.commit()
    response = client.post(
        f"/api/v1/spaces/stilling/posts/{post.id}/comments",
        json={"body": "Mit CPR er 010203-1234"},
        headers=bearer(_token(village.jens, Scope.READ, Scope.WRITE)),
    )
    assert response.status_code == 400 and "CPR" in response.json["detail"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"kind": "discussion"}, "title"),
        ({"kind": "discussion", "title": "Hej", "colour": "red"}, "colour"),
        ({"kind": "bulletin", "title": "Hej"}, "kind"),
        ({"kind": "event", "title": "Fest", "starts_at": "2027-01-01T19:00:00"}, "starts_at"),
        ({"kind": "discussion", "title": "Hej\u0000"}, "title"),
    ],
    ids=["missing", "unknown-field", "bad-kind", "naive-time", "nul"],
)
def test_a_malformed_body_is_a_400_with_the_field(client, village, body, field):
    response = client.post(
        "/api/v1/spaces/stilling/posts",
        json=body,
        headers=bearer(_token(village.jens, Scope.READ, Scope.WRITE)),
    )
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert field in response.json["errors"] and response.json["code"] == "validation"
    assert db.session.scalars(sa.select(Post)).all() == []


def test_a_body_that_is_not_json_is_a_400(client, village):
    response = client.post(
        "/api/v1/spaces/stilling/posts",
        data="{not json",
        content_type="application/json",
        headers=bearer(_token(village.jens, Scope.READ, Scope.WRITE)),
    )
    assert response.status_code == 400 and response.content_type == "application/problem+json"


def test_write_an_event_and_answer_it(client, village):
    secret = _token(village.hanne, Scope.READ, Scope.WRITE)
    made = client.post(
        "/api/v1/spaces/stilling/posts",
        json={
            "kind": "event",
            "title": "Fællesspisning",
            "starts_at": (utcnow() + timedelta(days=2)).isoformat() + "+00:00",
            "capacity": 1,
            "tags": ["mad"],
        },
        headers=bearer(secret),
    )
    assert made.status_code == 201, made.json
    event_id = made.json["id"]
    answer = client.put(
        f"/api/v1/spaces/stilling/posts/{event_id}/rsvp",
        json={"status": "going"},
        headers=bearer(_token(village.jens, Scope.READ, Scope.WRITE)),
    )
    assert answer.status_code == 200 and answer.json["going"] == 1 and answer.json["mine"] == "going"
    full = client.put(
        f"/api/v1/spaces/stilling/posts/{event_id}/rsvp",
        json={"status": "going"},
        headers=bearer(_token(village.anne, Scope.READ, Scope.WRITE)),
    )
    assert full.status_code == 409 and "waiting list" in full.json["detail"]


def test_news_is_only_for_admins_and_officials(client, village):
    response = client.post(
        "/api/v1/spaces/stilling/posts",
        json={"kind": "news", "title": "Nyt fra byen"},
        headers=bearer(_token(village.jens, Scope.READ, Scope.WRITE)),
    )
    assert response.status_code == 403 and response.json["errors"] == {"kind": [response.json["detail"]]}


def test_messages_follow_accept_language(client, village):
    post = _post(village.space, village.hanne)
    db.session.commit()
    response = client.post(
        f"/api/v1/spaces/stilling/posts/{post.id}/comments",
        json={"body": "Hej"},
        headers={**bearer(_token(village.ole, Scope.READ, Scope.WRITE)), "Accept-Language": "da"},
    )
    assert "Bliv medlem" in response.json["detail"] or "Meld dig ind" in response.json["detail"]


# --- limits ----------------------------------------------------------------------------------------


def test_each_token_has_its_own_limit(app, client, village):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = _token(village.jens), _token(village.anne)
        codes = [client.get("/api/v1/municipalities", headers=bearer(first)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/v1/municipalities", headers=bearer(first))
        assert limited.content_type == "application/problem+json" and limited.json["status"] == 429
        assert client.get("/api/v1/municipalities", headers=bearer(second)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "600 per minute;20000 per day"


def test_the_api_is_not_counted_against_the_pages_write_limits(app, client, village):
    post = _post(village.space, village.hanne)
    db.session.commit()
    app.config["WRITE_LIMIT_USER"] = "1 per minute"
    try:
        secret = _token(village.jens, Scope.READ, Scope.WRITE)
        for n in range(3):
            response = client.post(
                f"/api/v1/spaces/stilling/posts/{post.id}/comments",
                json={"body": f"Nr. {n}"},
                headers=bearer(secret),
            )
            assert response.status_code == 201
    finally:
        app.config["WRITE_LIMIT_USER"] = "60 per minute;1000 per hour"


# --- the municipality's tokens ---------------------------------------------------------------------


def test_staff_issue_a_website_token_that_reads_only_what_everyone_may(
    client, login, municipality, make_user, make_space, member
):
    staff = make_user(staff_of=municipality)
    closed = make_space(name="Lukket", visibility=Visibility.MEMBERS)
    member(closed, staff)
    login(staff)
    page = client.post(
        "/admin/api-keys", data={"name": "skanderborg.dk", "kind": "site", "days": "365"}, headers=EN
    )
    secret = re.search(r'value="(fld_[A-Za-z0-9_\-]+)"', page.text).group(1)
    stored = db.session.scalar(sa.select(ApiToken))
    assert (
        stored.kind == TokenKind.SITE
        and stored.scopes == ["read"]
        and stored.municipality_id == municipality.id
    )
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/api/v1/spaces/{closed.slug}", headers=bearer(secret)).status_code == 404
    assert client.get("/api/v1/faults", headers=bearer(secret)).status_code == 200
    refused = client.post(
        "/api/v1/faults",
        json={"category": "pothole", "description": "x", "place": "Ry"},
        headers=bearer(secret),
    )
    assert refused.status_code == 403


def test_the_console_page_is_for_staff_only(client, login, village):
    login(village.jens)
    assert client.get("/admin/api-keys").status_code == 403
    assert (
        client.post("/admin/api-keys", data={"name": "x", "kind": "open311", "days": "365"}).status_code
        == 403
    )
    assert db.session.scalars(sa.select(ApiToken)).all() == []


# --- a citizen's own data --------------------------------------------------------------------------


def test_tokens_are_in_the_export_and_revoked_with_the_account(client, login, village, outbox):
    import io
    import json
    import zipfile

    from tests.support import link_in

    secret = _token(village.jens, Scope.READ, Scope.WRITE)
    login(village.jens)
    client.post("/profile/data")
    archive = zipfile.ZipFile(io.BytesIO(client.get(link_in(outbox()[-1])).data))
    (exported,) = json.loads(archive.read("api_tokens.json"))
    assert exported["name"] == "script" and exported["prefix"] == secret[:12]
    assert secret not in archive.read("api_tokens.json").decode()
    client.post("/profile/delete", data={"content": "keep", "password": "correct horse battery"})
    assert client.get("/api/v1/municipalities", headers=bearer(secret)).status_code == 401
    assert db.session.scalar(sa.select(ApiToken)).revoked_at is not None


def test_done_when_a_script_reads_events_and_comments_with_tokens(client, village):
    """A script with a read token lists Stilling's events; with a write token it comments, and the
    comment is on the page."""
    event = _post(
        village.space,
        village.hanne,
        title="Sankt Hans",
        kind=PostKind.EVENT,
        starts_at=utcnow() + timedelta(days=5),
    )
    db.session.commit()
    read, write = _token(village.jens, Scope.READ), _token(village.jens, Scope.READ, Scope.WRITE)
    events = client.get("/api/v1/spaces/stilling/events", headers=bearer(read)).json["items"]
    assert [e["title"] for e in events] == ["Sankt Hans"] and events[0]["links"]["ical"]
    made = client.post(
        f"/api/v1/spaces/stilling/posts/{event.id}/comments",
        json={"body": "Vi tager bål med."},
        headers=bearer(write),
    )
    assert made.status_code == 201
    assert "Vi tager bål med." in client.get(f"/s/stilling/posts/{event.id}").text


# --- citizen dialogue ------------------------------------------------------------------------------


def test_ideas_are_listed_as_on_the_pages_members_only_ones_for_members(
    client, municipality, make_space, make_user, member
):
    from community.engagement.services import ideas

    closed = make_space(name="Lukket forening", visibility=Visibility.MEMBERS, kind="association")
    insider, outsider = make_user(), make_user()
    member(closed, insider)
    public = ideas.submit(
        municipality, ideas.IdeaInput(title="Shelter ved søen", body="Til spejderne."), by=insider
    )
    private = ideas.submit(
        municipality,
        ideas.IdeaInput(title="Nøgle til klubhuset", body="Til medlemmerne.", space=closed),
        by=insider,
    )
    db.session.commit()
    anyone = client.get("/api/v1/engagement/ideas").json["items"]
    assert [i["id"] for i in anyone] == [public.id] and anyone[0]["html"].endswith(
        f"/engagement/ideas/{public.id}"
    )
    assert (
        client.get(f"/api/v1/engagement/ideas/{private.id}", headers=bearer(_token(outsider))).status_code
        == 404
    )
    mine = client.get("/api/v1/engagement/ideas", headers=bearer(_token(insider))).json["items"]
    assert {i["id"] for i in mine} == {public.id, private.id}
    for path in ("consultations", "meetings", "qa"):
        assert client.get(f"/api/v1/engagement/{path}").json == {"items": []}


# --- fault reports, help nearby, drop-in sessions, facilities ---------------------------------------


def _faults():
    from community.maintenance.models import FaultReport

    return list(db.session.scalars(sa.select(FaultReport).order_by(FaultReport.id)))


def test_a_fault_reported_twice_nearby_asks_first_and_one_outside_is_refused(client, village):
    """201; the same kind nearby is a 409 naming the first (``similar``), nothing made; with
    ``confirm_new`` a second report; a place outside the municipality a 400, nothing made."""
    secret = _token(village.jens, Scope.READ, Scope.WRITE)
    body = {"category": "pothole", "description": "Hul i vejen.", "latitude": 56.066, "longitude": 9.993}
    first = client.post("/api/v1/faults", json=body, headers=bearer(secret))
    assert first.status_code == 201, first.json
    assert first.json["category"] == "pothole" and first.json["status"] == "received"
    assert first.json["facility_id"] is None and first.json["links"]["html"].endswith(
        f"/maintenance/faults/{first.json['id']}"
    )
    near = {**body, "latitude": 56.0662, "description": "Hul ved busstoppestedet."}
    asked = client.post("/api/v1/faults", json=near, headers=bearer(secret))
    assert asked.status_code == 409 and asked.content_type == "application/problem+json"
    assert [s["id"] for s in asked.json["similar"]] == [first.json["id"]]
    assert asked.json["code"] == "rule" and len(_faults()) == 1
    confirmed = client.post("/api/v1/faults", json={**near, "confirm_new": True}, headers=bearer(secret))
    assert confirmed.status_code == 201 and confirmed.json["id"] != first.json["id"]
    assert len(_faults()) == 2
    copenhagen = {**body, "latitude": 55.6761, "longitude": 12.5683, "confirm_new": True}
    outside = client.post("/api/v1/faults", json=copenhagen, headers=bearer(secret))
    assert outside.status_code == 400 and outside.content_type == "application/problem+json"
    assert "outside Skanderborg Kommune" in outside.json["detail"]
    assert len(_faults()) == 2


def test_hidden_fault_reports_are_neither_listed_nor_found(client, village):
    from community.maintenance.models import FaultCategory
    from community.maintenance.services import faults

    def report(description: str):
        return faults.report_fault(
            village.space.municipality,
            faults.FaultInput(
                category=FaultCategory.LITTER,
                description=description,
                latitude=56.066,
                longitude=9.993,
                place_label="Stilling",
            ),
            by=village.jens,
        )

    shown, hidden = report("Fyldt skraldespand."), report("Reklame for noget helt andet.")
    hidden.moderation_state = ModerationState.HIDDEN
    db.session.commit()
    listed = client.get("/api/v1/faults").json["items"]
    assert [r["id"] for r in listed] == [shown.id]
    assert client.get(f"/api/v1/faults/{shown.id}").status_code == 200
    missing = client.get(f"/api/v1/faults/{hidden.id}", headers=bearer(_token(village.anne)))
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    assert client.get(f"/api/v1/faults/{hidden.id}").status_code == 404


def test_help_nearby_shows_a_members_only_spaces_help_only_to_its_members(
    client, village, make_space, make_user, member
):
    from community import geo

    closed = make_space(name="Stilling Vej 4", place="Stilling", visibility=Visibility.MEMBERS)
    neighbour = make_user(name="Nabo")
    member(closed, neighbour)
    stilling = geo.resolve("Stilling")
    public = _post(
        village.space,
        village.jens,
        title="Kørsel til lægen",
        kind=PostKind.HELP_REQUEST,
        help_category=HelpCategory.TRANSPORT,
        place=stilling,
    )
    private = _post(
        closed,
        neighbour,
        title="Hjælp med hækken",
        kind=PostKind.HELP_REQUEST,
        help_category=HelpCategory.GARDEN,
        place=stilling,
    )
    db.session.commit()
    url = f"/api/v1/help/nearby?lat={stilling.lat}&lon={stilling.lon}&radius_km=5"
    anyone = client.get(url).json["items"]
    assert [n["post"]["id"] for n in anyone] == [public.id] and anyone[0]["distance_km"] < 1
    outsider = client.get(url, headers=bearer(_token(village.ole))).json["items"]
    assert [n["post"]["id"] for n in outsider] == [public.id]
    members = client.get(url, headers=bearer(_token(neighbour))).json["items"]
    assert {n["post"]["id"] for n in members} == {public.id, private.id}
    garden = client.get(url + "&category=garden", headers=bearer(_token(neighbour))).json["items"]
    assert [n["post"]["title"] for n in garden] == ["Hjælp med hækken"]


def test_drop_in_sessions_count_their_free_seats_and_free_only_leaves_full_ones_out(
    client, municipality, make_user
):
    from community import geo
    from community.helpdesk.services import sessions

    organiser, senior = make_user(staff_of=municipality), make_user()
    start = utcnow() + timedelta(days=2)

    def session(title: str, seats: int, days: int):
        return sessions.create_sessions(
            municipality.id,
            by=organiser,
            title=title,
            place=geo.resolve("Skanderborg"),
            starts_at=start + timedelta(days=days),
            ends_at=start + timedelta(days=days, hours=2),
            seats=seats,
            topics=[],
        )[0]

    full, roomy = session("IT-café, lille", 1, 0), session("IT-café, stor", 3, 1)
    sessions.book(full, by=senior)
    sessions.book(full, by=make_user(), waitlist=True)
    sessions.book(roomy, by=senior)
    db.session.commit()
    items = client.get("/api/v1/helpdesk/sessions").json["items"]
    assert [(s["id"], s["seats"], s["seats_free"], s["waiting"]) for s in items] == [
        (full.id, 1, 0, 1),
        (roomy.id, 3, 2, 0),
    ]
    assert items[0]["html"].endswith(f"/helpdesk/sessions/{full.id}")
    free = client.get("/api/v1/helpdesk/sessions?free_only=true").json["items"]
    assert [s["id"] for s in free] == [roomy.id]


def test_a_facilitys_schedule_shows_closures_to_all_and_bookings_to_its_club(
    client, municipality, make_space, make_user, member
):
    from community.maintenance.models import FixtureKind
    from community.maintenance.services import facilities, fixtures
    from tests.test_maintenance_journey import build_pitches

    p = build_pitches(municipality, make_space, make_user, member)
    start = utcnow().replace(microsecond=0) + timedelta(days=2)
    fixtures.add_fixture(
        p.club,
        fixtures.FixtureInput(
            facility_id=p.pitch2.id,
            title="Træning U10",
            kind=FixtureKind.TRAINING,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
        ),
        by=p.lars,
    )
    facilities.close_facility(
        p.pitch2,
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=2),
        reason="Vandlidende efter regnen",
        by=p.mette,
    )
    db.session.commit()
    url = f"/api/v1/facilities/{p.pitch2.id}/schedule?days=7"
    anyone = client.get(url).json
    assert anyone["includes_bookings"] is False
    assert [(e["kind"], e["title"]) for e in anyone["items"]] == [("closure", "Vandlidende efter regnen")]
    outsider = client.get(url, headers=bearer(_token(p.jens))).json
    assert outsider["includes_bookings"] is False and len(outsider["items"]) == 1
    club = client.get(url, headers=bearer(_token(p.lars))).json
    assert club["includes_bookings"] is True
    assert [(e["kind"], e["title"]) for e in club["items"]] == [
        ("fixture", "Træning U10"),
        ("closure", "Vandlidende efter regnen"),
    ]
    assert club["items"][0]["starts_at"] == start.isoformat() + "+00:00"
    assert client.get("/api/v1/facilities/999999/schedule").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/spaces/stilling/posts",
        "/api/v1/spaces/stilling/events",
        "/api/v1/spaces",
        "/api/v1/faults",
        "/api/v1/engagement/ideas",
    ],
)
@pytest.mark.parametrize("cursor", ["garbage", "20270101T000000000000_x", "t20270101_1", "n5_1x"])
def test_a_cursor_that_is_not_one_of_the_lists_is_a_400_problem(client, village, path, cursor):
    """Not the first page again with a 200 (a client would loop over it forever): a 400 naming it."""
    _post(village.space, village.hanne)
    db.session.commit()
    response = client.get(f"{path}?cursor={cursor}", headers=EN)
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert response.json["code"] == "validation" and "items" not in response.json
    assert response.json["errors"] == {
        "cursor": ["This is not a cursor of this list: follow the next link as it is, or leave cursor out."]
    }
    danish = client.get(f"{path}?cursor={cursor}", headers={"Accept-Language": "da"})
    assert danish.status_code == 400 and "cursor" in danish.json["errors"]
    assert danish.json["errors"]["cursor"] != response.json["errors"]["cursor"]


def test_a_next_link_and_an_empty_cursor_still_work(client, village):
    for n in range(3):
        _post(village.space, village.hanne, title=f"Opslag {n}")
    db.session.commit()
    assert len(client.get("/api/v1/spaces/stilling/posts?cursor=").json["items"]) == 3
    first = client.get("/api/v1/spaces/stilling/posts?limit=2").json
    second = client.get(first["next"].split("localhost", 1)[1])
    assert second.status_code == 200 and [p["title"] for p in second.json["items"]] == ["Opslag 0"]


def test_the_docs_page_loads_only_its_own_assets(client):
    """/api/docs is Swagger UI vendored under /static (no CDN): every script and stylesheet it names is
    on this host, and each answers."""
    from html.parser import HTMLParser
    from urllib.parse import urlsplit

    class Assets(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            if tag == "script" and values.get("src"):
                self.found.append(values["src"])
            if tag == "link" and values.get("href"):
                self.found.append(values["href"])

    page = client.get("/api/docs", headers=EN)
    assert page.status_code == 200 and "API documentation" in page.text
    assets = Assets()
    assets.feed(page.text)
    assert any("vendor/swagger-ui/swagger-ui-bundle.js" in a for a in assets.found)
    assert any("vendor/swagger-ui/swagger-ui.css" in a for a in assets.found)
    for asset in assets.found:
        parts = urlsplit(asset)
        assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), asset
        assert not asset.startswith("//"), asset
        if asset.startswith("/static/") or "/static/" in parts.path:
            assert client.get(parts.path).status_code == 200, asset
