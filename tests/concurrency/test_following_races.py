"""Following under concurrent requests: one follow per person and thing, whether the clicks are the
follow button sent six times at once, or comments that follow the post by themselves racing a click."""

from __future__ import annotations

import sqlalchemy as sa

from community.notifications.models import Follow
from community.villages.models import PostKind
from tests.concurrency.conftest import ROUNDS, count, race, sends, statuses
from tests.concurrency.test_village_races import _post, _url


def _follows(people, user_id: int, post_id: int) -> int:
    return count(
        people.app,
        sa.select(sa.func.count(Follow.id)).where(
            Follow.user_id == user_id, Follow.target == "post", Follow.target_id == post_id
        ),
    )


def test_the_follow_button_sent_six_times_at_once_is_one_follow(people):
    villager = people.villagers[0]
    clicks = people.clients(villager, 6)
    for _ in range(ROUNDS):
        post_id = _post(people, PostKind.DISCUSSION)
        url = people.url("notifications.follow", name="post", target_id=post_id)
        # A double click, and a change of mind (muted) at the same moment: one row, no error.
        calls = [sends([c], url, {"level": ("everything", "muted")[n % 2]})[0] for n, c in enumerate(clicks)]
        assert statuses(race(*calls)) == [302] * 6
        assert _follows(people, villager, post_id) == 1


def test_comments_that_follow_by_themselves_racing_the_button_leave_one_follow(people):
    villager = people.villagers[1]
    tabs = people.clients(villager, 4)
    for _ in range(ROUNDS):
        post_id = _post(people, PostKind.DISCUSSION)
        comment = _url(people, "villages.comment", post_id=post_id)
        follow = people.url("notifications.follow", name="post", target_id=post_id)
        calls = sends(tabs[:2], comment, {"body": "Jeg kommer"}) + sends(
            tabs[2:], follow, {"level": "everything"}
        )
        assert statuses(race(*calls)) == [302] * 4
        assert _follows(people, villager, post_id) == 1
