"""Posts of every kind and the conversation around them, through the app."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from community.db import utcnow
from community.extensions import db
from community.i18n import to_local
from community.notifications.models import Notification
from community.villages.models import Comment, EventRsvp, PollVote, Post, PostKind, Rsvp
from community.villages.services import comments, events, posts
from community.villages.services.posts import PostInput

EN = {"Accept-Language": "en"}


def _post(space, by, kind=PostKind.DISCUSSION, title="Loppemarked", body="Kom og handl.", **extra):
    return posts.create_post(space, by=by, data=PostInput(kind=kind, title=title, body=body, **extra))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _write(client, kind, **data):
    return client.post(f"/s/stilling/posts/new?kind={kind}", data=data, headers=EN)


# --- the journey ---------------------------------------------------------------------------


def test_ask_answer_and_mark_solved(client, login, village):
    login(village.jens)
    response = _write(
        client,
        "question",
        title="Hvornår bliver græsset slået?",
        body="Det er højt nu.",
        tags="græs, boldbane",
    )
    assert response.status_code == 302
    post = db.session.scalar(sa.select(Post).where(Post.title == "Hvornår bliver græsset slået?"))
    assert [t.name for t in post.tags] == ["boldbane", "græs"]
    front = client.get("/s/stilling/", headers=EN).text
    assert "Hvornår bliver græsset slået?" in front and "Unanswered" in front

    login(village.anne)
    client.post(f"/s/stilling/posts/{post.id}/comments", data={"body": "Hver fredag, siger Lars."})
    answer = db.session.scalar(sa.select(Comment).where(Comment.post_id == post.id))
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == village.jens.id))
    assert note.kind == "villages.answered"

    login(village.jens)
    page = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert "Mark as the best answer" in page
    response = client.post(
        f"/s/stilling/posts/{post.id}/accept",
        data={"comment_id": answer.id},
        headers=EN,
        follow_redirects=True,
    )
    assert "Marked as solved." in response.text and "Best answer" in response.text
    db.session.refresh(post)
    assert post.accepted_comment_id == answer.id
    assert "Solved" in client.get("/s/stilling/", headers=EN).text


def test_only_the_asker_or_a_moderator_chooses_the_answer(client, login, village):
    post = _post(village.space, village.jens, PostKind.QUESTION, title="Hvem har en stige?")
    from community.villages.services import comments

    answer = comments.add_comment(post, village.space, by=village.anne, body="Jeg har.")
    login(village.anne)
    page = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert "Mark as the best answer" not in page
    client.post(f"/s/stilling/posts/{post.id}/accept", data={"comment_id": answer.id})
    db.session.refresh(post)
    assert post.accepted_comment_id is None


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "x"}, "Fill in this field."),
        ({"title": "ab", "body": "x"}, "Write between 3 and 200 characters."),
        ({"title": "x" * 201, "body": "x"}, "Write between 3 and 200 characters."),
        ({"title": "Langt", "body": "x" * 20001}, "Write at most 20000 characters."),
        ({"title": "Mit CPR", "body": "Mit nummer er 010203-1234"}, "This looks like a CPR number."),
        ({"title": "Tags", "body": "x", "tags": "a, b, c, d, e, f"}, "Use at most 5 tags."),
    ],
)
def test_bad_posts_get_field_errors_and_nothing_is_saved(client, login, village, data, message):
    login(village.jens)
    response = _write(client, "discussion", **data)
    assert response.status_code == 400
    assert message in response.text
    assert _count(Post) == 0


def test_markdown_is_rendered_once_and_sanitized(db, village):
    post = _post(
        village.space,
        village.jens,
        body="# Overskrift\n\n**fed** <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[klik](javascript:alert(1)) [data](data:text/html,hej) [ok](https://skanderborg.dk)",
    )
    html = post.body_html
    assert "<strong>fed</strong>" in html and "<h3>Overskrift</h3>" in html
    assert "<script" not in html and "<img" not in html, "tags arrive as text, never as elements"
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert 'href="https://skanderborg.dk" rel="nofollow ugc noopener noreferrer"' in html


def _image(size=(800, 600), fmt="JPEG") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buf, fmt)
    buf.seek(0)
    return buf


def test_pictures_are_checked_resized_and_described(app, client, login, village):
    login(village.jens)
    response = client.post(
        "/s/stilling/posts/new?kind=help_offer",
        data={
            "title": "Trailer til udlån",
            "body": "Spørg bare.",
            "help_category": "tools",
            "image_description": "Den blå trailer",
            "images": [(_image((3000, 2000)), "trailer.jpg")],
        },
        content_type="multipart/form-data",
        headers=EN,
    )
    assert response.status_code == 302
    post = db.session.scalar(sa.select(Post))
    [picture] = post.images
    assert picture.description == "Den blå trailer"
    with Image.open(f"{app.config['MEDIA_FOLDER']}/{picture.thumbnail}") as thumb:
        assert max(thumb.size) <= 480
    page = client.get(f"/s/stilling/posts/{post.id}").text
    assert 'alt="Den blå trailer"' in page


def test_a_file_that_is_not_a_picture_or_too_big_is_refused(app, client, login, village, monkeypatch):
    login(village.jens)
    fake = {"title": "Billede", "body": "x", "images": [(io.BytesIO(b"not an image"), "x.jpg")]}
    response = client.post(
        "/s/stilling/posts/new?kind=discussion", data=fake, content_type="multipart/form-data", headers=EN
    )
    assert response.status_code == 400 and "This file is not an image we can use" in response.text
    monkeypatch.setitem(app.config, "POST_IMAGE_MAX_BYTES", 1000)
    big = {"title": "Billede", "body": "x", "images": [(_image(), "x.jpg")]}
    response = client.post(
        "/s/stilling/posts/new?kind=discussion", data=big, content_type="multipart/form-data", headers=EN
    )
    assert response.status_code == 400 and "larger than" in response.text
    assert _count(Post) == 0


def test_at_most_four_pictures(client, login, village):
    login(village.jens)
    data = {"title": "Billeder", "body": "x", "images": [(_image((50, 50)), f"{i}.jpg") for i in range(5)]}
    response = client.post(
        "/s/stilling/posts/new?kind=discussion", data=data, content_type="multipart/form-data", headers=EN
    )
    assert response.status_code == 400 and "A post can have at most 4 pictures." in response.text
    assert _count(Post) == 0


def test_a_poll_needs_two_different_options(client, login, village):
    login(village.hanne)
    one = _write(client, "poll", title="Legeplads?", poll_options="Ved skolen\n\n")
    assert "A poll needs at least two options." in one.text
    same = _write(client, "poll", title="Legeplads?", poll_options="Ved skolen\nved skolen")
    assert "Two options are the same." in same.text
    assert _count(Post) == 0


def test_an_event_that_ends_before_it_starts_is_refused(client, login, village):
    login(village.hanne)
    response = _write(client, "event", title="Fest", starts_at="2030-06-20T18:00", ends_at="2030-06-20T17:00")
    assert "The event must end after it starts." in response.text
    missing = _write(client, "event", title="Fest")
    assert "Give the time the event starts." in missing.text
    assert _count(Post) == 0


def test_news_is_for_admins_and_officials(client, login, village, member):
    login(village.jens)
    assert _write(client, "news", title="Nyhed", body="x").status_code == 403
    assert "News" not in client.get("/s/stilling/posts/new", headers=EN).text
    login(village.hanne)
    assert _write(client, "news", title="Nyhed", body="x").status_code == 302


def test_outsiders_and_archived_spaces_cannot_post(client, login, village):
    login(village.ole)
    assert _write(client, "discussion", title="Hej", body="x").status_code == 403
    from community.spaces.services import archive_space

    archive_space(village.space, by=village.hanne)
    login(village.jens)
    assert _write(client, "discussion", title="Hej", body="x").status_code == 403
    assert _count(Post) == 0


# --- conversation ----------------------------------------------------------------------------------


def test_replies_are_one_level_and_deleted_comments_leave_a_mark(client, login, village):
    post = _post(village.space, village.jens)
    from community.villages.services import comments

    first = comments.add_comment(post, village.space, by=village.anne, body="Første")
    reply = comments.add_comment(post, village.space, by=village.jens, body="Svar", parent_id=first.id)
    deeper = comments.add_comment(post, village.space, by=village.anne, body="Dybere", parent_id=reply.id)
    assert deeper.parent_id == first.id, "a reply to a reply joins the thread"
    login(village.anne)
    client.post(f"/s/stilling/comments/{first.id}/delete")
    page = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert "This comment is deleted." in page and "Svar" in page and "Første" not in page


def test_editing_marks_as_edited_and_only_author_or_moderator_may(client, login, village):
    post = _post(village.space, village.jens)
    login(village.anne)
    assert client.get(f"/s/stilling/posts/{post.id}/edit").status_code == 403
    login(village.jens)
    client.post(f"/s/stilling/posts/{post.id}/edit", data={"title": "Loppemarked lørdag", "body": "Ny tekst"})
    db.session.refresh(post)
    assert post.title == "Loppemarked lørdag" and post.edited_at is not None
    assert "edited" in client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    login(village.hanne)  # the admin moderates
    assert client.get(f"/s/stilling/posts/{post.id}/edit").status_code == 200


def test_thanks_toggle_and_count(client, login, village):
    post = _post(village.space, village.jens)
    login(village.anne)
    client.post(f"/s/stilling/posts/{post.id}/thanks")
    db.session.refresh(post)
    assert post.thanks_count == 1
    client.post(f"/s/stilling/posts/{post.id}/thanks")
    db.session.refresh(post)
    assert post.thanks_count == 0
    login(village.jens)
    assert client.post(f"/s/stilling/posts/{post.id}/thanks").status_code == 302
    db.session.refresh(post)
    assert post.thanks_count == 0, "no thanking oneself"


def test_thanking_oneself_says_so_not_join_the_space(client, login, village):
    """A crafted request (the button is not shown on one's own words) gets a message that fits."""
    post = _post(village.space, village.jens)
    login(village.jens)
    page = client.post(f"/s/stilling/posts/{post.id}/thanks", headers=EN, follow_redirects=True).text
    assert "You cannot thank yourself." in page and "to say thanks" not in page
    comment = comments.add_comment(post, village.space, by=village.jens, body="Mig igen", parent_id=None)
    page = client.post(f"/s/stilling/comments/{comment.id}/thanks", follow_redirects=True).text
    assert "Du kan ikke takke dig selv." in page
    db.session.refresh(comment)
    assert comment.thanks_count == 0
    login(village.ole)  # an outsider is still told to join
    page = client.post(f"/s/stilling/posts/{post.id}/thanks", headers=EN, follow_redirects=True).text
    assert "Join Stilling to say thanks." in page


def test_moderators_pin_and_close(client, login, village):
    post = _post(village.space, village.jens)
    login(village.jens)
    client.post(f"/s/stilling/posts/{post.id}/pin")
    db.session.refresh(post)
    assert not post.pinned
    login(village.hanne)
    client.post(f"/s/stilling/posts/{post.id}/pin")
    client.post(f"/s/stilling/posts/{post.id}/close")
    db.session.refresh(post)
    assert post.pinned and post.is_closed
    login(village.anne)
    response = client.post(
        f"/s/stilling/posts/{post.id}/comments", data={"body": "Hej"}, headers=EN, follow_redirects=True
    )
    assert "This post is closed for comments." in response.text
    assert _count(Comment) == 0


def test_an_officials_post_carries_the_badge(client, village, make_user, member):
    from community.spaces.models import Official

    mayor = make_user(name="Borgmester Frank")
    member(village.space, mayor, official=Official.POLITICIAN)
    post = _post(village.space, mayor, PostKind.NEWS, title="Borgmesterens hjørne")
    page = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert 'Borgmester Frank</a> <span class="official-badge">Politician</span>' in page
    assert '<span class="official-badge">Politician</span>' in client.get("/s/stilling/", headers=EN).text


# --- events and polls ------------------------------------------------------------------------------


def test_rsvp_with_capacity_and_waiting_list(client, login, village, make_user, member):
    event = _post(
        village.space,
        village.hanne,
        PostKind.EVENT,
        title="Strikkeklub",
        starts_at=utcnow() + timedelta(days=3),
        capacity=1,
    )
    login(village.jens)
    client.post(f"/s/stilling/posts/{event.id}/rsvp", data={"status": "going"})
    login(village.anne)
    full = client.post(
        f"/s/stilling/posts/{event.id}/rsvp", data={"status": "going"}, headers=EN, follow_redirects=True
    )
    assert "The event is full: its one place is taken. Join the waiting list instead." in full.text
    assert _count(EventRsvp) == 1
    assert "Join the waiting list" in full.text
    client.post(f"/s/stilling/posts/{event.id}/rsvp", data={"status": "going", "waitlist": "1"})
    anne = db.session.scalar(sa.select(EventRsvp).where(EventRsvp.user_id == village.anne.id))
    assert anne.waitlisted

    login(village.jens)
    client.post(f"/s/stilling/posts/{event.id}/rsvp", data={"status": "not_going"})
    db.session.refresh(anne)
    assert not anne.waitlisted, "the first on the waiting list moves up"
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == village.anne.id))
    assert note.kind == "villages.event_place"


def test_raising_the_capacity_moves_people_up_from_the_waiting_list(
    client, login, village, make_user, member
):
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)
    event = _post(
        village.space, village.hanne, PostKind.EVENT, title="Fællesspisning", starts_at=start, capacity=1
    )
    events.rsvp(event, village.space, by=village.jens, status=Rsvp.GOING)
    queue = [village.anne, *(make_user(name=f"Venter {i}") for i in range(3))]
    for person in queue[1:]:
        member(village.space, person)
    for person in queue:
        events.rsvp(event, village.space, by=person, status=Rsvp.GOING, waitlist=True)
    db.session.commit()

    def edit(capacity: str):
        login(village.hanne)
        local = to_local(start).strftime("%Y-%m-%dT%H:%M")
        data = {"title": "Fællesspisning", "body": "Kom og spis.", "starts_at": local, "capacity": capacity}
        response = client.post(f"/s/stilling/posts/{event.id}/edit", data=data, headers=EN)
        assert response.status_code == 302, response.text

    def waiting() -> list[int]:
        rows = db.session.scalars(
            sa.select(EventRsvp).where(EventRsvp.post_id == event.id, EventRsvp.waitlisted)
        )
        return sorted(r.user_id for r in rows)

    def told() -> list[int]:
        rows = db.session.scalars(sa.select(Notification).where(Notification.kind == "villages.event_place"))
        return sorted(n.user_id for n in rows)

    edit("3")  # two more places: the first two in the queue, in the order they asked
    assert waiting() == sorted(p.id for p in queue[2:])
    assert told() == sorted(p.id for p in queue[:2])
    login(queue[0])
    page = client.get(f"/s/stilling/posts/{event.id}", headers=EN).text
    assert "Your answer: Going" in page and "You are on the waiting list." not in page
    assert "2 on the waiting list" in page
    bell = client.get("/notifications/", headers=EN).text
    assert "A place is free for you at “Fællesspisning”" in bell

    edit("2")  # fewer places: nobody loses theirs, nobody moves up
    assert waiting() == sorted(p.id for p in queue[2:]) and len(told()) == 2
    edit("")  # no limit any more: everyone on the list is in
    assert waiting() == [] and told() == sorted(p.id for p in queue)


def test_the_event_downloads_as_ics(client, village):
    start = utcnow().replace(microsecond=0) + timedelta(days=2)
    event = _post(
        village.space,
        village.hanne,
        PostKind.EVENT,
        title="Sankthans, bål; sang",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )
    response = client.get(f"/s/stilling/posts/{event.id}/event.ics")
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in text and f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}" in text
    assert "SUMMARY:Sankthans\\, bål\\; sang" in text and "\r\n" in text


def test_poll_results_after_voting(client, login, village):
    poll = _post(
        village.space,
        village.hanne,
        PostKind.POLL,
        title="Legeplads?",
        poll_options=["Ved skolen", "Ved søen"],
    )
    login(village.jens)
    before = client.get(f"/s/stilling/posts/{poll.id}", headers=EN).text
    assert "The results are shown when you have voted" not in before  # members see the vote form
    assert "Results" not in before
    both = [o.id for o in poll.options]
    refused = client.post(
        f"/s/stilling/posts/{poll.id}/vote", data={"options": both}, headers=EN, follow_redirects=True
    )
    assert "Choose only one option." in refused.text and _count(PollVote) == 0
    client.post(f"/s/stilling/posts/{poll.id}/vote", data={"options": [both[1]]})
    after = client.get(f"/s/stilling/posts/{poll.id}", headers=EN).text
    assert "Results" in after and "(your choice)" in after
    client.post(f"/s/stilling/posts/{poll.id}/vote", data={"options": [both[0]]})
    assert _count(PollVote) == 1, "changing a vote replaces it"


def test_a_closed_poll_takes_no_votes(db, village):
    from community.errors import Conflict
    from community.villages.services import polls

    poll = _post(village.space, village.hanne, PostKind.POLL, title="Gammel", poll_options=["Ja", "Nej"])
    poll.poll_closes_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(Conflict):
        polls.vote(poll, village.space, by=village.jens, option_ids=[poll.options[0].id])


def test_events_service_counts(db, village):
    event = _post(
        village.space, village.hanne, PostKind.EVENT, title="Fest", starts_at=utcnow() + timedelta(days=1)
    )
    events.rsvp(event, village.space, by=village.jens, status=Rsvp.GOING)
    events.rsvp(event, village.space, by=village.anne, status=Rsvp.MAYBE)
    state = events.attendance(event, village.jens)
    assert (state.going, state.maybe, state.mine.status) == (1, 1, Rsvp.GOING)


# --- a long conversation comes in pages ------------------------------------------------------------


@pytest.fixture
def long_talk(village, monkeypatch):
    """A question with 12 comments, five threads to a page; the sixth comment has a reply."""
    monkeypatch.setattr(comments, "THREADS_PER_PAGE", 5)
    post = _post(village.space, village.jens, kind=PostKind.QUESTION, title="Hvem slår græsset?")
    people = [village.anne, village.hanne]
    made = [
        comments.add_comment(post, village.space, by=people[i % 2], body=f"Svar nummer {i + 1}")
        for i in range(12)
    ]
    reply = comments.add_comment(
        post, village.space, by=village.jens, body="Tak for svaret", parent_id=made[5].id
    )
    db.session.commit()
    return post, made, reply


def _shown(page: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r"Svar nummer (\d+)<", page)]


def test_a_long_conversation_comes_in_pages_that_work_without_javascript(client, long_talk):
    post, _made, _reply = long_talk
    first = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert _shown(first) == [1, 2, 3, 4, 5]
    assert "Comments 1–5 of 12, page 1 of 3" in first and "13 answers" in first
    assert f'href="/s/stilling/posts/{post.id}?comments=2#comments">Later comments' in first
    assert "Earlier comments" not in first and "Tak for svaret" not in first

    second = client.get(f"/s/stilling/posts/{post.id}?comments=2", headers=EN).text
    assert _shown(second) == [6, 7, 8, 9, 10] and "Tak for svaret" in second, (
        "a reply is on its thread's page"
    )
    assert f'href="/s/stilling/posts/{post.id}#comments">Earlier comments' in second
    last = client.get(f"/s/stilling/posts/{post.id}?comments=3", headers=EN).text
    assert _shown(last) == [11, 12] and "Comments 11–12 of 12, page 3 of 3" in last
    assert "Later comments" not in last
    assert _shown(client.get(f"/s/stilling/posts/{post.id}?comments=99", headers=EN).text) == [11, 12]
    assert client.get(f"/s/stilling/posts/{post.id}?comments=%00").status_code == 400, "refused at the edge"
    for junk in ("0", "-1", "abc", "99999999999999999999"):
        assert _shown(client.get(f"/s/stilling/posts/{post.id}?comments={junk}", headers=EN).text) == [
            1,
            2,
            3,
            4,
            5,
        ]

    short = _post(post.space, post.author, title="Kort")
    db.session.commit()
    assert "Later comments" not in client.get(f"/s/stilling/posts/{short.id}", headers=EN).text


def test_links_to_a_comment_find_its_page(client, login, village, long_talk):
    post, made, _reply = long_talk
    login(village.jens)
    response = client.post(f"/s/stilling/posts/{post.id}/comments", data={"body": "Et trettende svar"})
    new = db.session.scalars(sa.select(Comment).where(Comment.body == "Et trettende svar")).one()
    assert response.headers["Location"].endswith(f"/s/stilling/posts/{post.id}?comments=3#comment-{new.id}")
    response = client.post(f"/s/stilling/comments/{made[6].id}/thanks")
    assert response.headers["Location"].endswith(f"?comments=2#comment-{made[6].id}")
    response = client.post(
        f"/s/stilling/posts/{post.id}/comments", data={"body": "Endnu et svar", "parent_id": made[7].id}
    )
    assert response.headers["Location"].endswith(
        "?comments=2#comment-"
        + str(db.session.scalar(sa.select(Comment.id).where(Comment.body == "Endnu et svar")))
    )

    login(village.hanne)  # wrote the eighth answer, on the second page
    edit = client.get(f"/s/stilling/comments/{made[7].id}/edit", headers=EN).text
    assert f'href="/s/stilling/posts/{post.id}?comments=2#comment-{made[7].id}">Back to' in edit
    login(village.jens)

    client.post(f"/s/stilling/posts/{post.id}/accept", data={"comment_id": made[8].id})
    first = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert (
        f'href="/s/stilling/posts/{post.id}?comments=2#comment-{made[8].id}">Go to the best answer' in first
    )
    second = client.get(f"/s/stilling/posts/{post.id}?comments=2", headers=EN).text
    assert "Go to the best answer" not in second and "Best answer" in second


def test_a_page_of_comments_costs_the_same_queries_as_a_short_one(app, client, village, long_talk):
    from tests.test_query_counts import _count

    post, _made, _reply = long_talk
    short = _post(village.space, village.jens, kind=PostKind.QUESTION, title="Kort spørgsmål")
    comments.add_comment(short, village.space, by=village.anne, body="Et svar")
    db.session.commit()
    assert _count(app, client, f"/s/stilling/posts/{post.id}?comments=2") == _count(
        app, client, f"/s/stilling/posts/{short.id}"
    )
