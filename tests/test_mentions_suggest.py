"""The ``@name`` autocomplete's look-up (issue 13), through the app: ``/s/<slug>/mentions?q=`` offers the
active members of the space whose name, or a word in it, starts with what follows the ``@``, to those
who may write there, and nothing about anyone else; the pages that have a text to mention in carry the
script and its translated words. Without JavaScript nothing changes: the typed ``@Name`` links."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.db import utcnow
from community.extensions import db, limiter
from community.moderation import privacy
from community.moderation.services import block
from community.spaces.mentions import MAX_PREFIX, MAX_SUGGESTIONS
from community.spaces.models import MembershipStatus, Visibility
from community.villages.models import Comment, PostKind
from community.villages.services import posts
from community.villages.services.posts import PostInput

EN = {"Accept-Language": "en", "Accept": "application/json"}
URL = "/s/stilling/mentions"


@pytest.fixture
def neighbours(village, make_user, member):
    """Stilling with, besides Hanne, Jens and Anne: Annemette Krog, Lise-Anne Holm and Østergaard Ølund."""
    village.annemette = make_user("annemette@example.org", name="Annemette Krog")
    village.lise = make_user("lise@example.org", name="Lise-Anne Holm")
    village.oester = make_user("oester@example.org", name="Østergaard Ølund")
    for person in (village.annemette, village.lise, village.oester):
        member(village.space, person)
    db.session.commit()
    return village


def _names(client, q, **params):
    response = client.get(URL, query_string={"q": q, **params}, headers=EN)
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/json"
    return [m["name"] for m in response.get_json()["members"]]


def test_members_are_offered_by_the_start_of_their_name_then_of_a_word(client, login, neighbours):
    login(neighbours.jens)
    assert _names(client, "an") == ["Anne", "Annemette Krog", "Lise-Anne Holm"], (
        "not Hanne: no word starts so"
    )
    assert _names(client, "ANNE") == ["Anne", "Annemette Krog", "Lise-Anne Holm"]
    assert _names(client, "  annem ") == ["Annemette Krog"]
    assert _names(client, "annemette k") == ["Annemette Krog"], "a space inside the name"
    assert _names(client, "holm") == ["Lise-Anne Holm"]
    assert _names(client, "krog") == ["Annemette Krog"]
    assert _names(client, "x") == []


def test_danish_letters_are_matched_without_regard_to_case(client, login, neighbours):
    login(neighbours.jens)
    assert _names(client, "øs") == ["Østergaard Ølund"]
    assert _names(client, "ØS") == ["Østergaard Ølund"]
    assert _names(client, "ølu") == ["Østergaard Ølund"]


def test_the_answer_is_a_name_and_an_id_and_nothing_more(client, login, neighbours):
    login(neighbours.jens)
    response = client.get(URL, query_string={"q": "anne"}, headers=EN)
    members = response.get_json()["members"]
    assert response.get_json().keys() == {"members"}
    assert all(m.keys() == {"name", "id"} for m in members)
    assert {m["id"] for m in members} == {neighbours.anne.id, neighbours.annemette.id, neighbours.lise.id}
    assert "@" not in response.text and "example.org" not in response.text, "no e-mail address"
    assert "no-store" in response.headers["Cache-Control"]


def test_at_most_eight_names(client, login, village, make_user, member):
    for n in range(12):
        member(village.space, make_user(f"bo{n}@example.org", name=f"Bo {n:02d}"))
    db.session.commit()
    login(village.jens)
    names = _names(client, "bo")
    assert len(names) == MAX_SUGGESTIONS == 8
    assert names == [f"Bo {n:02d}" for n in range(8)]


def test_outsiders_and_others_a_mention_would_not_reach_are_not_offered(
    client, login, village, make_user, make_space, member
):
    """Not Ole (no member), a member of another space, one who asked to join and waits, one excluded,
    a deleted or a deactivated account, nor the asker."""
    other = make_space(name="Ry", place="Ry")
    member(other, make_user("joergen@example.org", name="Jørgen Ry"))
    pending = make_user("jonna@example.org", name="Jonna Venter")
    member(village.space, pending).status = MembershipStatus.PENDING
    excluded = make_user("jon@example.org", name="Jon Ude")
    member(village.space, excluded).status = MembershipStatus.EXCLUDED
    gone = make_user("jonas@example.org", name="Jonas Væk")
    member(village.space, gone)
    resting = make_user("joakim@example.org", name="Joakim Hvil")
    member(village.space, resting)
    resting.active = False
    member(village.space, make_user("johanne@example.org", name="Johanne Her"))
    db.session.commit()
    privacy.delete_account(gone, by=gone)
    db.session.commit()
    login(village.jens)
    assert _names(client, "jo") == ["Johanne Her"]
    assert _names(client, "ole") == []
    assert _names(client, "jens") == [], "not oneself"
    assert _names(client, "a former") == [], "a deleted account is not offered by its placeholder name"


def test_blocking_hides_both_ways(client, login, village):
    block(village.jens, village.anne)  # Jens blocked Anne
    db.session.commit()
    login(village.jens)
    assert _names(client, "anne") == []
    assert _names(client, "hanne") == ["Hanne"]
    login(village.anne)
    assert _names(client, "jens") == [], "Anne, whom Jens blocked, is not offered Jens either"


def test_login_is_required(client, village):
    response = client.get(URL, query_string={"q": "an"}, headers=EN)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert b"Anne" not in response.data


def test_a_members_only_space_is_not_there_for_an_outsider(client, login, village, make_space, member):
    club = make_space(name="Borgerforeningen", slug="borgerforeningen", visibility=Visibility.MEMBERS)
    member(club, village.hanne, "admin")
    db.session.commit()
    login(village.jens)
    response = client.get("/s/borgerforeningen/mentions", query_string={"q": "ha"}, headers=EN)
    assert response.status_code == 404 and b"Hanne" not in response.data
    assert response.get_json() == {"error": "Not Found"}
    login(village.hanne)
    assert client.get("/s/borgerforeningen/mentions", query_string={"q": "ha"}, headers=EN).status_code == 200


def test_only_those_who_may_write_in_the_space_are_answered(client, login, village):
    login(village.ole)  # Stilling is public, Ole is no member
    response = client.get(URL, query_string={"q": "an"}, headers=EN)
    assert response.status_code == 403 and b"Anne" not in response.data
    village.space.frozen_at = utcnow()  # frozen by the municipality: read-only
    db.session.commit()
    login(village.jens)
    assert client.get(URL, query_string={"q": "an"}, headers=EN).status_code == 403
    assert client.get("/s/nowhere/mentions", query_string={"q": "an"}, headers=EN).status_code == 404


@pytest.mark.parametrize(
    "q",
    ["", "   ", "\t", "@", "%", "_", "%an", "a_n", "\x01an", "a\u200bn", "x" * (MAX_PREFIX + 1), "a" * 500],
)
def test_odd_input_is_an_empty_list(client, login, village, q):
    login(village.jens)
    assert _names(client, q) == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=120))
def test_any_text_is_a_clean_answer(client, login, village, q):
    """Whatever follows the ``@`` (any Unicode, LIKE's wildcards, very long): a list, never a 5xx."""
    limiter.reset()  # many look-ups in one test: the allowance has its own test
    login(village.jens)
    response = client.get(URL, query_string={"q": q}, headers=EN)
    assert response.status_code == 200, (q, response.status_code)
    members = response.get_json()["members"]
    assert len(members) <= MAX_SUGGESTIONS
    assert all(m["name"] in {"Hanne", "Anne"} for m in members), (q, members)


def test_a_prefix_of_the_longest_length_is_looked_up(client, login, village, make_user, member):
    long_name = "Anne-Sofie Bjerregaard Christiansen Østergaard"
    member(village.space, make_user("lang@example.org", name=long_name))
    db.session.commit()
    login(village.jens)
    assert _names(client, long_name[:MAX_PREFIX]) == [long_name]


def test_no_query_and_a_nul_byte_are_clean_answers(client, login, village):
    login(village.jens)
    missing = client.get(URL, headers=EN)
    assert missing.status_code == 200 and missing.get_json() == {"members": []}
    nul = client.get(URL + "?q=an%00", headers=EN)
    assert nul.status_code == 400, "refused at the edge, as every query with NUL"
    assert nul.get_json() == {"error": "Bad Request"}
    twice = client.get(URL + "?q=an&q=je", headers=EN)
    assert twice.status_code == 200 and [m["name"] for m in twice.get_json()["members"]] == ["Anne"]


def test_the_look_ups_are_limited_per_person(app, client, login, village, monkeypatch):
    monkeypatch.setitem(app.config, "MENTION_LIMIT", "2 per minute")
    login(village.jens)
    assert _names(client, "a") == ["Anne"]
    assert _names(client, "an") == ["Anne"]
    third = client.get(URL, query_string={"q": "ann"}, headers=EN)
    assert third.status_code == 429 and third.get_json() == {"error": "Too Many Requests"}
    login(village.anne)
    assert _names(client, "je") == ["Jens"], "another person has an allowance of their own"


# --- the pages ------------------------------------------------------------------------------------------


def _post(village):
    post = posts.create_post(
        village.space,
        by=village.hanne,
        data=PostInput(kind=PostKind.DISCUSSION, title="Bål", body="Sankthans?"),
    )
    db.session.commit()
    return post


def test_the_comment_and_post_forms_carry_the_script_and_its_words(client, login, village):
    post = _post(village)
    login(village.jens)
    for path in (f"/s/stilling/posts/{post.id}", "/s/stilling/posts/new?kind=discussion"):
        page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert 'src="/static/js/mentions.js"' in page, path
        assert f'data-mentions-url="{URL}"' in page, path
        assert 'data-mentions-label="Members you can mention"' in page
        assert 'data-mentions-one="{n} suggestion. Choose with the up and down arrows and Enter."' in page
        assert 'data-mentions-other="{n} suggestions. Choose with the up and down arrows and Enter."' in page
        assert 'data-mentions-none="No member of the space by that name."' in page
    comment = client.post(f"/s/stilling/posts/{post.id}/comments", data={"body": "Hej @Hanne"})
    assert comment.status_code == 302
    item = db.session.scalar(sa.select(Comment).where(Comment.post_id == post.id))
    page = client.get(f"/s/stilling/comments/{item.id}/edit", headers={"Accept-Language": "en"}).text
    assert f'data-mentions-url="{URL}"' in page and "js/mentions.js" in page


def test_no_look_up_is_offered_to_those_who_cannot_write(client, login, village):
    post = _post(village)
    for who in (None, village.ole):
        if who is not None:
            login(who)
        page = client.get(f"/s/stilling/posts/{post.id}").get_data(as_text=True)
        assert "data-mentions-url" not in page


def test_a_chosen_name_with_a_danish_capital_links_and_tells_the_member(client, login, neighbours):
    """What the autocomplete inserts is what ``mentioned()`` reads, also for a name that starts with Ø
    (SQLite's lower() folds ASCII only)."""
    from community.notifications.models import Notification

    post = _post(neighbours)
    login(neighbours.jens)
    [chosen] = client.get(URL, query_string={"q": "øs"}, headers=EN).get_json()["members"]
    body = f"Spørg @{chosen['name']} om brænde."
    assert client.post(f"/s/stilling/posts/{post.id}/comments", data={"body": body}).status_code == 302
    comment = db.session.scalar(sa.select(Comment).where(Comment.post_id == post.id))
    assert f'href="/villages/people/{chosen["id"]}">@Østergaard Ølund</a>' in comment.body_html
    told = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == neighbours.oester.id)
    ).all()
    assert told == ["villages.mentioned"]
