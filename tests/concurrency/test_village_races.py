"""Villages under concurrent requests: seats at an event, comment counts, thanks and votes sent twice,
the same new tag on two posts, "I can help" sent twice."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import sqlalchemy as sa

from community.accounts.models import User
from community.conversations.models import Conversation
from community.db import utcnow
from community.extensions import db
from community.spaces.services import space_by_slug
from community.villages.models import (
    Comment,
    CommentThanks,
    EventRsvp,
    HelpCategory,
    PollVote,
    Post,
    PostKind,
    PostThanks,
    Rsvp,
    Tag,
)
from community.villages.services import comments
from community.villages.services.posts import PostInput, create_post
from tests.concurrency.conftest import RACERS, ROUNDS, People, committed, count, race, sends, statuses


def _post(people: People, kind: PostKind, *, by: int | None = None, **data) -> int:
    def make() -> int:
        author = db.session.get(User, by or people.admin)
        post = create_post(
            space_by_slug(people.village_slug), by=author, data=PostInput(kind=kind, title=kind.value, **data)
        )
        return post.id

    return committed(people.app, make)


def _event(people: People) -> int:
    return _post(people, PostKind.EVENT, starts_at=utcnow() + timedelta(days=7), capacity=1)


def _answer(people: People, post_id: int) -> int:
    post = db.session.get(Post, post_id)
    author = db.session.get(User, people.admin)
    return comments.add_comment(post, space_by_slug(people.village_slug), by=author, body="Svar").id  # type: ignore[arg-type]


def _url(people: People, endpoint: str, **values) -> str:
    return people.url(endpoint, space_slug=people.village_slug, **values)


def _going(people: People, post_id: int, *, waitlisted: bool) -> int:
    return count(
        people.app,
        sa.select(sa.func.count(EventRsvp.id)).where(
            EventRsvp.post_id == post_id, EventRsvp.status == Rsvp.GOING, EventRsvp.waitlisted.is_(waitlisted)
        ),
    )


def test_five_members_going_to_a_one_seat_event_leave_one_going(people):
    racers = [people.client(u) for u in people.villagers[:RACERS]]
    for _ in range(ROUNDS):
        post_id = _event(people)
        url = _url(people, "villages.rsvp", post_id=post_id)
        assert statuses(race(*sends(racers, url, {"status": "going"}))) == [302] * RACERS
        assert _going(people, post_id, waitlisted=False) == 1  # the others were told it is full
        assert _going(people, post_id, waitlisted=True) == 0


def test_five_members_with_the_waiting_list_leave_one_going_and_four_waiting(people):
    racers = [people.client(u) for u in people.villagers[:RACERS]]
    for _ in range(ROUNDS):
        post_id = _event(people)
        url = _url(people, "villages.rsvp", post_id=post_id)
        assert statuses(race(*sends(racers, url, {"status": "going", "waitlist": "1"}))) == [302] * RACERS
        assert _going(people, post_id, waitlisted=False) == 1
        assert _going(people, post_id, waitlisted=True) == RACERS - 1


def _comment_four_times(client, url: str) -> list[int]:
    return [client.post(url, data={"body": f"Kommentar {n}"}).status_code for n in range(4)]


def test_the_comment_count_is_the_number_of_comments(people):
    post_id = _post(people, PostKind.DISCUSSION)
    url = _url(people, "villages.comment", post_id=post_id)
    racers = [people.client(u) for u in people.villagers[:RACERS]]
    assert race(*(partial(_comment_four_times, c, url) for c in racers)) == [[302] * 4] * RACERS
    with people.app.app_context():
        written = db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.post_id == post_id))
        assert written == 4 * RACERS
        assert db.session.get(Post, post_id).comment_count == written  # type: ignore[union-attr]

    # Each of some comments deleted by its author and by the admin at the same moment.
    with people.app.app_context():
        targets = db.session.execute(
            sa.select(Comment.id, Comment.author_id).where(Comment.post_id == post_id).limit(RACERS)
        ).all()
    calls = []
    for comment_id, author_id in targets:
        url = _url(people, "villages.delete_comment", comment_id=comment_id)
        calls += sends([people.client(author_id), people.client(people.admin)], url)
    assert set(statuses(race(*calls))) <= {302, 404}
    with people.app.app_context():
        left = db.session.scalar(sa.select(sa.func.count(Comment.id)).where(Comment.post_id == post_id))
        assert left == 4 * RACERS - len(targets)
        assert db.session.get(Post, post_id).comment_count == left  # type: ignore[union-attr]


def test_thanks_sent_six_times_at_once_are_counted_once(people):
    clicks = people.clients(people.villagers[0], 6)  # one person, six tabs (or a double click)
    for _ in range(ROUNDS):
        post_id = _post(people, PostKind.DISCUSSION)
        assert statuses(race(*sends(clicks, _url(people, "villages.thank", post_id=post_id)))) == [302] * 6
        with people.app.app_context():
            rows = db.session.scalar(sa.select(sa.func.count()).where(PostThanks.post_id == post_id))
            assert rows in (0, 1)
            assert db.session.get(Post, post_id).thanks_count == rows  # type: ignore[union-attr]


def test_thanks_for_a_comment_sent_six_times_at_once_are_counted_once(people):
    clicks = people.clients(people.villagers[0], 6)
    for _ in range(ROUNDS):
        comment_id = committed(people.app, partial(_answer, people, _post(people, PostKind.QUESTION)))
        url = _url(people, "villages.thank_comment", comment_id=comment_id)
        assert statuses(race(*sends(clicks, url))) == [302] * 6
        with people.app.app_context():
            rows = db.session.scalar(sa.select(sa.func.count()).where(CommentThanks.comment_id == comment_id))
            assert rows in (0, 1)
            assert db.session.get(Comment, comment_id).thanks_count == rows  # type: ignore[union-attr]


def test_a_vote_sent_six_times_at_once_is_one_vote(people):
    clicks = people.clients(people.villagers[1], 6)
    for _ in range(ROUNDS):
        post_id = _post(people, PostKind.POLL, poll_options=["Ja", "Nej"])
        with people.app.app_context():
            options = [o.id for o in db.session.get(Post, post_id).options]  # type: ignore[union-attr]
        url = _url(people, "villages.vote", post_id=post_id)
        # A double click on one choice, and a change of mind at the same moment.
        calls = [sends([c], url, {"options": str(options[n % 2])})[0] for n, c in enumerate(clicks)]
        assert statuses(race(*calls)) == [302] * 6
        votes = sa.select(sa.func.count(PollVote.id)).where(PollVote.post_id == post_id)
        assert count(people.app, votes) == 1  # one choice in a single-choice poll


def test_two_posts_with_the_same_new_tag_share_it(people):
    racers = [people.client(u) for u in people.villagers[:RACERS]]
    url = people.url("villages.write", space_slug=people.village_slug, kind="discussion")
    for round_ in range(ROUNDS):
        tag = f"loppemarked{round_}"
        data = {"title": "Loppemarked", "body": "Hvem kommer?", "tags": tag}
        assert statuses(race(*sends(racers, url, data))) == [302] * RACERS
        assert count(people.app, sa.select(sa.func.count(Tag.id)).where(Tag.name == tag)) == 1


def test_i_can_help_sent_twice_at_once_opens_one_conversation(people):
    clicks = people.clients(people.villagers[2], 4)
    for _ in range(ROUNDS):
        post_id = _post(
            people, PostKind.HELP_REQUEST, by=people.villagers[0], help_category=HelpCategory.GARDEN
        )
        url = _url(people, "villages.respond", post_id=post_id)
        assert statuses(race(*sends(clicks, url, {"message": "Jeg kan hjælpe"}))) == [302] * 4
        started = sa.select(sa.func.count(Conversation.id)).where(
            Conversation.subject_kind == "villages.post", Conversation.subject_id == post_id
        )
        assert count(people.app, started) == 1
