"""The live Q&A hour through the app: scheduling, asking (anonymous to citizens, never to moderators),
voting once, moderating, answering, the live fragment (204/304, a constant number of queries) and the
archive with its figures; and every bad input refused with a message and nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from community.db import utcnow
from community.engagement.models import (
    PromiseKind,
    QASession,
    Question,
    QuestionState,
    QuestionVote,
    TrackedItem,
)
from community.engagement.services import qa
from community.extensions import db
from community.notifications.models import Notification
from tests.engagement_support import CPR_TEXT, EN, eng_fixture, local, soon  # noqa: F401


def _schedule(client, eng, **overrides):
    data = {
        "title": "Spørgetime med borgmesteren",
        "description": "Spørg om alt.",
        "space_id": "",
        "hosts": [str(eng.mayor.id)],
        "helpers": "",
        "starts_at": local(soon(30)),
        "ends_at": local(soon(90)),
        "open_hours_before": "2",
    }
    data.update(overrides)
    return client.post("/engagement/qa/new", data=data, headers=EN)


@pytest.fixture
def live(eng):
    """A session that is live now, hosted by the mayor; staff moderate."""
    return qa.create_session(
        eng.municipality,
        qa.SessionInput(
            title="Live", starts_at=soon(-5), ends_at=soon(55), host_ids=[eng.mayor.id], open_hours_before=1
        ),
        by=eng.staff,
    )


def test_staff_schedule_a_session_and_citizens_ask_and_vote(client, login, eng):
    login(eng.staff)
    response = _schedule(client, eng)
    session = db.session.scalar(sa.select(QASession))
    assert response.headers["Location"] == f"/engagement/qa/{session.id}"
    assert session.opens_at == session.starts_at - timedelta(hours=2)
    page = client.get(f"/engagement/qa/{session.id}", headers=EN).text
    assert "Karen Borgmester" in page and "Questions are open." in page

    login(eng.borger)
    asked = client.post(
        f"/engagement/qa/{session.id}/ask",
        data={"body": "Hvornår kommer cykelstien?"},
        headers=EN,
        follow_redirects=True,
    )
    assert "Your question is published." in asked.text and "Hvornår kommer cykelstien?" in asked.text
    question = db.session.scalar(sa.select(Question))
    client.post(f"/engagement/qa/questions/{question.id}/vote", headers=EN)
    login(eng.senior)
    client.post(f"/engagement/qa/questions/{question.id}/vote", headers=EN)
    db.session.refresh(question)
    assert question.vote_count == 2
    twice = client.post(f"/engagement/qa/questions/{question.id}/vote", headers=EN, follow_redirects=True)
    assert "You have already voted for this question." in twice.text
    db.session.refresh(question)
    assert question.vote_count == 2
    withdrawn = client.post(
        f"/engagement/qa/questions/{question.id}/unvote", headers=EN, follow_redirects=True
    )
    assert "Your vote is withdrawn." in withdrawn.text
    db.session.refresh(question)
    assert question.vote_count == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionVote)) == 1


def test_a_session_that_ends_before_it_starts_is_refused(client, login, eng):
    login(eng.staff)
    response = _schedule(client, eng, starts_at=local(soon(90)), ends_at=local(soon(30)))
    assert response.status_code == 400
    assert "The Q&amp;A hour must end after it starts. Check the end time." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QASession)) == 0


def test_hosts_must_be_officials(client, login, eng):
    login(eng.staff)
    response = _schedule(client, eng, hosts=[str(eng.borger.id)])
    assert response.status_code == 400 and "Choose at least one host" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QASession)) == 0


def test_non_staff_cannot_schedule(client, login, eng):
    login(eng.borger)
    assert client.get("/engagement/qa/new").status_code == 403
    assert _schedule(client, eng).status_code == 403


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write your question first."),
        ("x" * 301, "Write at most 300 characters."),
        (CPR_TEXT, "This looks like a CPR number."),
    ],
)
def test_bad_questions_are_refused_and_nothing_is_saved(client, login, eng, live, body, message):
    login(eng.borger)
    response = client.post(f"/engagement/qa/{live.id}/ask", data={"body": body}, headers=EN)
    assert response.status_code == 400 and message in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_no_question_after_closing(client, login, eng, live):
    live.ends_at = utcnow() - timedelta(minutes=1)
    live.starts_at = live.ends_at - timedelta(hours=1)
    db.session.flush()
    login(eng.borger)
    response = client.post(f"/engagement/qa/{live.id}/ask", data={"body": "For sent?"}, headers=EN)
    assert (
        response.status_code == 400 and "The Q&amp;A hour is over, and questions are closed." in response.text
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_anonymous_asker_hidden_from_citizens_never_from_moderators(client, login, eng, live):
    login(eng.borger)
    client.post(f"/engagement/qa/{live.id}/ask", data={"body": "Et anonymt spørgsmål", "anonymous": "y"})
    login(eng.senior)
    seen = client.get(f"/engagement/qa/{live.id}", headers=EN).text
    assert "Et anonymt spørgsmål" in seen and "Anonymous" in seen and "Jens" not in seen
    fragment = client.get(f"/engagement/qa/{live.id}/live", headers=EN).text
    assert "Jens" not in fragment
    login(eng.staff)
    moderated = client.get(f"/engagement/qa/{live.id}", headers=EN).text
    assert "Jens" in moderated and "anonymous to citizens" in moderated
    login(eng.mayor)
    assert "Jens" in client.get(f"/engagement/qa/{live.id}/live", headers=EN).text


def test_moderators_publish_hide_merge_and_mark_answering_the_host_answers(client, login, eng, live, outbox):
    live.premoderated = True
    db.session.flush()
    login(eng.borger)
    client.post(f"/engagement/qa/{live.id}/ask", data={"body": "Hvornår åbner hallen?"})
    first = db.session.scalar(sa.select(Question))
    assert first.state == QuestionState.PENDING
    login(eng.senior)
    assert "Hvornår åbner hallen?" not in client.get(f"/engagement/qa/{live.id}", headers=EN).text
    # A citizen cannot vote on a question that is not published, nor moderate.
    assert client.post(f"/engagement/qa/questions/{first.id}/vote").status_code == 404
    assert client.post(f"/engagement/qa/questions/{first.id}/publish").status_code == 404

    login(eng.staff)
    client.post(f"/engagement/qa/questions/{first.id}/publish")
    db.session.refresh(first)
    assert first.state == QuestionState.PUBLISHED
    item = db.session.scalar(sa.select(TrackedItem).where(TrackedItem.kind == PromiseKind.QUESTION))
    assert item.ref_id == first.id and item.due_at > item.started_at

    login(eng.senior)
    client.post(f"/engagement/qa/{live.id}/ask", data={"body": "Hvornår åbner hallen igen?"})
    client.post(f"/engagement/qa/{live.id}/ask", data={"body": "Noget grimt"})
    login(eng.staff)
    duplicate, rude = db.session.scalars(
        sa.select(Question).where(Question.id != first.id).order_by(Question.id)
    )
    client.post(f"/engagement/qa/questions/{duplicate.id}/publish")
    client.post(f"/engagement/qa/questions/{rude.id}/publish")
    login(eng.borger)
    client.post(f"/engagement/qa/questions/{duplicate.id}/vote")
    login(eng.senior)
    client.post(f"/engagement/qa/questions/{duplicate.id}/vote")
    client.post(f"/engagement/qa/questions/{first.id}/vote")

    login(eng.staff)
    no_reason = client.post(
        f"/engagement/qa/questions/{rude.id}/hide", data={"reason": ""}, follow_redirects=True, headers=EN
    )
    assert "This field is required." in no_reason.text or "Fill in this field." in no_reason.text
    client.post(f"/engagement/qa/questions/{rude.id}/hide", data={"reason": "Stødende sprog"})
    db.session.refresh(rude)
    assert rude.state == QuestionState.HIDDEN and rude.hidden_reason == "Stødende sprog"
    client.post(f"/engagement/qa/questions/{duplicate.id}/merge", data={"into": str(first.id)})
    db.session.refresh(first)
    db.session.refresh(duplicate)
    assert duplicate.state == QuestionState.MERGED and first.vote_count == 2, "senior's two votes count once"

    login(eng.borger)  # a hidden question is not there for others
    assert client.post(f"/engagement/qa/questions/{rude.id}/vote").status_code == 404
    login(eng.senior)  # its asker knows it exists: told why, not a 404
    hidden_vote = client.post(f"/engagement/qa/questions/{rude.id}/vote", headers=EN, follow_redirects=True)
    assert "A moderator has hidden this question, so it cannot get votes." in hidden_vote.text

    login(eng.borger)
    assert client.post(f"/engagement/qa/questions/{first.id}/answering").status_code == 403
    assert (
        client.post(f"/engagement/qa/questions/{first.id}/answer", data={"answer": "Nej"}).status_code == 403
    )
    login(eng.staff)
    client.post(f"/engagement/qa/questions/{first.id}/answering")
    assert "Answering now" in client.get(f"/engagement/qa/{live.id}", headers=EN).text
    login(eng.mayor)
    client.post(f"/engagement/qa/questions/{first.id}/answer", data={"answer": "Hallen åbner i **maj**."})
    db.session.refresh(first)
    assert first.is_answered and "<strong>maj</strong>" in first.answer_html
    assert (
        db.session.scalar(sa.select(TrackedItem.answered_at).where(TrackedItem.ref_id == first.id))
        is not None
    )
    told = db.session.scalar(
        sa.select(Notification).where(Notification.kind == "engagement.question_answered")
    )
    assert told.user_id == eng.borger.id
    login(eng.borger)
    assert "Karen Borgmester answered your question" in client.get("/notifications/", headers=EN).text


def test_answered_questions_move_down(eng, live):
    a = qa.ask(live, body="Første", anonymous=False, by=eng.borger)
    b = qa.ask(live, body="Anden", anonymous=False, by=eng.senior)
    qa.vote(a, by=eng.senior)
    qa.vote(a, by=eng.borger)
    assert [q.id for q in qa.questions(live)] == [a.id, b.id]
    qa.answer(a, text="Svar", by=eng.mayor)
    assert [q.id for q in qa.questions(live)] == [b.id, a.id]


def test_the_live_fragment_answers_nothing_new_cheaply(client, login, eng, live):
    login(eng.borger)
    first = client.get(f"/engagement/qa/{live.id}/live", headers=EN)
    assert first.status_code == 200 and first.headers["ETag"]
    tag = first.headers["ETag"].strip('"')
    assert (
        client.get(
            f"/engagement/qa/{live.id}/live", headers={**EN, "If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )
    assert client.get(f"/engagement/qa/{live.id}/live", headers={**EN, "X-Live-Tag": tag}).status_code == 204
    client.post(f"/engagement/qa/{live.id}/ask", data={"body": "Nyt spørgsmål"})
    changed = client.get(f"/engagement/qa/{live.id}/live", headers={**EN, "X-Live-Tag": tag})
    assert changed.status_code == 200 and "Nyt spørgsmål" in changed.text
    assert 'hx-trigger="every 5s"' in changed.text


@pytest.mark.parametrize("moderator", [False, True], ids=["citizen", "moderator"])
def test_the_live_fragment_makes_a_constant_number_of_queries(
    client, login, eng, live, query_counter, moderator
):
    citizens = [eng.borger, eng.senior]
    for n in range(10):
        qa.ask(live, body=f"Spørgsmål {n}", anonymous=n % 3 == 0, by=citizens[n % 2])
    login(eng.staff if moderator else eng.borger)
    client.get(f"/engagement/qa/{live.id}/live", headers=EN)
    with query_counter() as ten:
        assert client.get(f"/engagement/qa/{live.id}/live", headers=EN).status_code == 200
    for n in range(10, 70):
        question = qa.ask(live, body=f"Spørgsmål {n}", anonymous=n % 3 == 0, by=citizens[n % 2])
        qa.vote(question, by=eng.senior)
        if n % 5 == 0:
            qa.answer(question, text="Svar", by=eng.mayor)
    with query_counter() as seventy:
        page = client.get(f"/engagement/qa/{live.id}/live", headers=EN)
    assert page.text.count('class="question ') == 70
    assert seventy.n == ten.n, seventy.statements


def test_the_archive_shows_answers_unanswered_questions_and_figures(client, eng, live):
    questions = [
        qa.ask(live, body=f"Spørgsmål {n}", anonymous=False, by=[eng.borger, eng.senior][n % 2])
        for n in range(4)
    ]
    qa.answer(questions[0], text="Svar nul", by=eng.mayor)
    qa.answer(questions[1], text="Svar et", by=eng.mayor)
    qa.hide(questions[3], reason="Personlig sag", by=eng.staff)
    live.starts_at = utcnow() - timedelta(hours=2)
    live.ends_at = utcnow() - timedelta(hours=1)
    db.session.flush()
    page = client.get(f"/engagement/qa/{live.id}", headers=EN).text
    assert "The Q&A hour is over. This is its archive." in page
    assert "2 answered questions" in page and "1 question was not answered" in page
    assert "Spørgsmål 2" in page and "Svar nul" in page and "Spørgsmål 3" not in page
    assert "answer promised by" in page, "an unanswered question shows its deadline"
    assert "<dt>Questions</dt><dd>3</dd>" in page
    assert "<dt>Citizens who asked</dt><dd>2</dd>" in page
    assert "<dt>Answered</dt><dd>2 (67 %)</dd>" in page
    assert "hx-trigger" not in page, "a closed session does not poll"


def test_a_session_in_a_members_only_space_is_not_there_for_outsiders(client, login, eng):
    session = qa.create_session(
        eng.municipality,
        qa.SessionInput(
            title="Lukket", starts_at=soon(-5), ends_at=soon(30), host_ids=[eng.mayor.id], space=eng.closed
        ),
        by=eng.staff,
    )
    login(eng.outsider)
    assert client.get(f"/engagement/qa/{session.id}").status_code == 404
    assert client.get(f"/engagement/qa/{session.id}/live").status_code == 404
    login(eng.staff)
    assert client.get(f"/engagement/qa/{session.id}").status_code == 200


def test_the_presenter_view_shows_the_top_questions(client, eng, live):
    for n in range(7):
        qa.ask(live, body=f"Spørgsmål nummer {n}", anonymous=False, by=eng.borger)
    page = client.get(f"/engagement/qa/{live.id}/presenter", headers=EN).text
    assert "Most votes" in page and page.count('<li><span class="presenter-votes">') == 5


def test_anonymous_viewers_share_a_fragment_that_still_follows_every_change(client, eng, live):
    first = client.get(f"/engagement/qa/{live.id}/live", headers=EN)
    assert "No questions yet." in first.text
    qa.ask(live, body="Et nyt spørgsmål", anonymous=True, by=eng.borger)
    again = client.get(f"/engagement/qa/{live.id}/live", headers=EN)
    assert "Et nyt spørgsmål" in again.text and "Jens" not in again.text
    assert "Vote up" not in again.text and "csrf_token" not in again.text, "nothing of one viewer is shared"
    assert again.headers["ETag"] != first.headers["ETag"]


def test_an_unchanged_poll_is_answered_from_one_query_without_loading_the_viewer(
    client, login, eng, live, query_counter
):
    """The live fragment's usual answer ("nothing new") reads one row: the session's version and the
    signed-in viewer's id and language together, not the session object, the account and its checks;
    and it writes no cookie."""
    qa.ask(live, body="Et spørgsmål", anonymous=False, by=eng.senior)
    login(eng.borger)
    url = f"/engagement/qa/{live.id}/live"
    first = client.get(url, headers=EN)
    tag = first.headers["ETag"].strip('"')
    with query_counter() as polled:
        unchanged = client.get(url, headers={**EN, "X-Live-Tag": tag})
    assert unchanged.status_code == 204
    assert polled.n == 1, polled.statements[-polled.n :]
    with query_counter() as cached:
        again = client.get(url, headers={**EN, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
    assert cached.n == 1, cached.statements[-cached.n :]
    assert "Set-Cookie" not in unchanged.headers and "Set-Cookie" not in again.headers
    # What the tag stands for is still the viewer's: their own language changes the answer.
    eng.borger.locale = "da"
    db.session.flush()
    translated = client.get(url, headers={**EN, "X-Live-Tag": tag})
    assert translated.status_code == 200 and "1 spørgsmål" in translated.text
    # Another viewer's tag is not theirs.
    login(eng.senior)
    assert client.get(url, headers={"X-Live-Tag": tag}).status_code == 200


def test_an_anonymous_viewer_polls_without_a_session_cookie(app, client, eng, live, monkeypatch):
    """Hundreds of signed-out viewers get the shared fragment and their "nothing new" without the app
    starting a session for them (no CSRF token is made for forms they are not shown)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # as in production
    qa.ask(live, body="Et spørgsmål", anonymous=False, by=eng.senior)
    first = client.get(f"/engagement/qa/{live.id}/live", headers=EN)
    assert first.status_code == 200 and "Et spørgsmål" in first.text
    assert "Set-Cookie" not in first.headers
    unchanged = client.get(
        f"/engagement/qa/{live.id}/live", headers={**EN, "X-Live-Tag": first.headers["ETag"].strip('"')}
    )
    assert unchanged.status_code == 204 and "Set-Cookie" not in unchanged.headers


def test_nothing_new_is_never_said_of_a_members_only_session_to_an_outsider(client, login, eng, member):
    """A session in a members-only space goes the whole way on every poll: someone who has left the
    space gets the 404, also with the tag they were given while a member."""
    from community.spaces import services as spaces

    session = qa.create_session(
        eng.municipality,
        qa.SessionInput(
            title="Lukket", starts_at=soon(-5), ends_at=soon(30), host_ids=[eng.mayor.id], space=eng.closed
        ),
        by=eng.staff,
    )
    member(eng.closed, eng.outsider)
    login(eng.outsider)
    first = client.get(f"/engagement/qa/{session.id}/live", headers=EN)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert (
        client.get(
            f"/engagement/qa/{session.id}/live", headers={**EN, "X-Live-Tag": tag.strip('"')}
        ).status_code
        == 204
    )
    spaces.leave_space(eng.closed, eng.outsider)
    db.session.flush()
    assert (
        client.get(
            f"/engagement/qa/{session.id}/live", headers={**EN, "X-Live-Tag": tag.strip('"')}
        ).status_code
        == 404
    )
    assert (
        client.get(f"/engagement/qa/{session.id}/live", headers={**EN, "If-None-Match": tag}).status_code
        == 404
    )
    assert client.post("/logout").status_code == 302
    login_free = client.get(f"/engagement/qa/{session.id}/live", headers={**EN, "If-None-Match": tag})
    assert login_free.status_code == 404


def test_the_hosts_helpers_moderate_and_a_citizen_cannot(client, login, eng, make_user):
    """A helper named when the hour is scheduled publishes and hides questions and sees who asked
    anonymously; a citizen who is not one of them can do none of it."""
    helper = make_user("hjaelper@example.org", name="Hanne Hjælper")
    login(eng.staff)
    scheduled = _schedule(client, eng, helpers=" Hjaelper@Example.org ", premoderated="y")
    assert scheduled.status_code == 302
    session = db.session.scalar(sa.select(QASession))
    assert session.premoderated

    login(eng.borger)
    client.post(f"/engagement/qa/{session.id}/ask", data={"body": "Et anonymt spørgsmål", "anonymous": "y"})
    client.post(f"/engagement/qa/{session.id}/ask", data={"body": "Noget grimt om naboen"})
    anonymous, rude = db.session.scalars(sa.select(Question).order_by(Question.id))
    assert anonymous.state == rude.state == QuestionState.PENDING

    login(eng.senior)  # a citizen, not a helper: the waiting questions are not there for her
    assert "Et anonymt spørgsmål" not in client.get(f"/engagement/qa/{session.id}", headers=EN).text
    assert client.post(f"/engagement/qa/questions/{anonymous.id}/publish").status_code == 404
    db.session.refresh(anonymous)
    assert anonymous.state == QuestionState.PENDING

    login(helper)
    page = client.get(f"/engagement/qa/{session.id}", headers=EN).text
    assert "Et anonymt spørgsmål" in page and "Waits for moderation" in page
    assert "Jens <span" in page and "anonymous to citizens" in page, "the helper sees who asked"
    published = client.post(
        f"/engagement/qa/questions/{anonymous.id}/publish", headers=EN, follow_redirects=True
    )
    assert "The question is published." in published.text
    hidden = client.post(
        f"/engagement/qa/questions/{rude.id}/hide",
        data={"reason": "Om en navngiven nabo"},
        headers=EN,
        follow_redirects=True,
    )
    assert "The question is hidden." in hidden.text
    db.session.refresh(anonymous)
    db.session.refresh(rude)
    assert anonymous.state == QuestionState.PUBLISHED
    assert rude.state == QuestionState.HIDDEN and rude.hidden_reason == "Om en navngiven nabo"

    login(eng.senior)
    seen = client.get(f"/engagement/qa/{session.id}", headers=EN).text
    assert "Et anonymt spørgsmål" in seen and "Jens" not in seen and "Noget grimt" not in seen
    assert (
        client.post(f"/engagement/qa/questions/{anonymous.id}/hide", data={"reason": "x"}).status_code == 403
    )
    assert client.post(f"/engagement/qa/questions/{anonymous.id}/answering").status_code == 403
    db.session.refresh(anonymous)
    assert anonymous.state == QuestionState.PUBLISHED and anonymous.answering_since is None


def test_an_unknown_helper_address_is_refused_with_a_message(client, login, eng):
    login(eng.staff)
    response = _schedule(client, eng, helpers="borger@example.org, ingen@example.org")
    assert response.status_code == 400
    assert "Nobody has an account with ingen@example.org. Check the addresses." in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QASession)) == 0
