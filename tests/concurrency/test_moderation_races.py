"""Moderation under concurrent requests: one report per person per item (sent twice at once), one case
per item (first reports at once), the threshold counted from the rows, and one appeal per decision."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from community.moderation import services
from community.moderation.models import Action, Case, ModerationState, Report
from community.spaces.services import space_by_slug
from community.villages.models import Post, PostKind
from community.villages.services.posts import PostInput, create_post
from tests.concurrency.conftest import RACERS, ROUNDS, People, committed, race, sends, statuses


def _post(people: People) -> int:
    def make() -> int:
        author = db.session.get(User, people.admin)
        return create_post(
            space_by_slug(people.village_slug),
            by=author,
            data=PostInput(kind=PostKind.DISCUSSION, title="Et opslag", body="Tekst"),
        ).id

    return committed(people.app, make)


def test_a_report_sent_twice_at_once_counts_once(people):
    for _ in range(ROUNDS):
        post_id = _post(people)
        url = people.url("moderation.report", kind="post", item_id=post_id)
        tabs = people.clients(people.villagers[0], RACERS)
        codes = statuses(race(*sends(tabs, url, {"reason": "spam"})))
        assert codes.count(302) == 1 and codes.count(400) == RACERS - 1
        with people.app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Case.id)).where(Case.content_id == post_id)) == 1
            assert (
                db.session.scalar(
                    sa.select(sa.func.count(Report.id)).join(Case).where(Case.content_id == post_id)
                )
                == 1
            )


def test_first_reports_at_once_make_one_case_and_the_threshold_hides(people):
    for _ in range(ROUNDS):
        post_id = _post(people)
        url = people.url("moderation.report", kind="post", item_id=post_id)
        racers = [people.client(u) for u in people.villagers[:RACERS]]
        assert statuses(race(*sends(racers, url, {"reason": "harassment"}))) == [302] * RACERS
        with people.app.app_context():
            case = db.session.scalar(
                sa.select(Case).where(Case.content_type == "post", Case.content_id == post_id)
            )
            assert case is not None and case.report_count == RACERS
            assert db.session.get(Post, post_id).moderation_state == ModerationState.HIDDEN  # type: ignore[union-attr]
            hides = db.session.scalar(
                sa.select(sa.func.count(Action.id)).where(
                    Action.content_id == post_id, Action.kind == "auto_hide"
                )
            )
            assert hides == 1


def test_an_appeal_sent_twice_at_once_is_one_appeal(people):
    post_id = _post(people)

    def hide() -> int:
        post = db.session.get(Post, post_id)
        return services.hide(post, by=db.session.get(User, people.staff), reason="Spam").id

    action_id = committed(people.app, hide)
    url = people.url("moderation.action_detail", action_id=action_id)
    tabs = people.clients(people.admin, RACERS)
    codes = statuses(race(*sends(tabs, url, {"appeal-text": "Det var ikke spam"})))
    assert codes.count(302) == 1 and codes.count(400) == RACERS - 1
