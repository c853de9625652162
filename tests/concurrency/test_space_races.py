"""Spaces under concurrent requests: joining twice, an invitation used twice, the last two admins
leaving at the same moment, a request to join approved and declined at the same moment."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from community import geo
from community.accounts.models import User
from community.extensions import db
from community.notifications.models import Notification
from community.spaces import services as space_services
from community.spaces.models import JoinPolicy, Membership, MembershipStatus, Municipality, Role, SpaceKind
from tests.concurrency.conftest import ROUNDS, People, committed, count, race, sends, statuses


def _memberships(people: People, space_id: int, **where) -> int:
    query = sa.select(sa.func.count(Membership.id)).where(Membership.space_id == space_id)
    for name, value in where.items():
        query = query.where(getattr(Membership, name) == value)
    return count(people.app, query)


def _space(people: People, name: str, *, admins: tuple[int, ...] = (), **options) -> tuple[int, str]:
    def make() -> tuple[int, str]:
        space = space_services.create_space(
            db.session.get(Municipality, people.municipality_id),  # type: ignore[arg-type]
            kind=SpaceKind.CLUB,
            name=name,
            place=geo.resolve("Stilling"),
            by=None,
            **options,
        )
        for admin in admins:
            space_services.add_member(space, db.session.get(User, admin), role=Role.ADMIN)  # type: ignore[arg-type]
        return space.id, space.slug

    return committed(people.app, make)


def test_joining_six_times_at_once_is_one_membership(people):
    space_id, slug = _space(people, "Stilling Løbeklub")
    url = people.url("spaces.join", space_slug=slug)
    for _ in range(ROUNDS):
        user_id = people.new_user("Joiner")
        codes = statuses(race(*sends(people.clients(user_id, 6), url)))
        assert set(codes) <= {302, 403}  # a late click finds them a member already
        assert _memberships(people, space_id, user_id=user_id) == 1


def _invite(slug: str, user_id: int) -> str:
    space = space_services.space_by_slug(slug)
    email = db.session.get(User, user_id).email  # type: ignore[union-attr]
    return space_services.invite(space, email=email, role=Role.MODERATOR, by=None).token  # type: ignore[arg-type]


def test_an_invitation_used_four_times_at_once_makes_one_membership(people):
    space_id, slug = _space(people, "Stilling Skakklub")
    for _ in range(ROUNDS):
        user_id = people.new_user("Invited")
        url = people.url("spaces.invitation", token=committed(people.app, partial(_invite, slug, user_id)))
        codes = statuses(race(*sends(people.clients(user_id, 4), url)))
        assert set(codes) <= {200, 302} and 302 in codes  # the others are told it was used
        assert _memberships(people, space_id, user_id=user_id, role=Role.MODERATOR) == 1


def test_the_last_two_admins_leaving_at_once_leave_one_admin(people):
    for round_ in range(ROUNDS):
        admins = (people.new_user("Admin"), people.new_user("Admin"))
        space_id, slug = _space(people, f"Stilling Bueskytter {round_}", admins=admins)
        url = people.url("spaces.leave", space_slug=slug)
        assert statuses(race(*sends([people.client(u) for u in admins], url))) == [302, 302]
        left = _memberships(people, space_id, role=Role.ADMIN, status=MembershipStatus.ACTIVE)
        assert left == 1  # one of them was told to make someone else admin first


def _ask_to_join(slug: str, user_id: int) -> int:
    space = space_services.space_by_slug(slug)
    return space_services.join_space(space, db.session.get(User, user_id)).id  # type: ignore[arg-type]


def test_a_request_to_join_approved_and_declined_at_once_gets_one_answer(people):
    admins = (people.new_user("Admin"), people.new_user("Admin"))
    space_id, slug = _space(people, "Stilling Sangkor", admins=admins, join_policy=JoinPolicy.REQUEST)
    approver, decliner = (people.client(u) for u in admins)
    for _ in range(ROUNDS):
        user_id = people.new_user("Singer")
        membership_id = committed(people.app, partial(_ask_to_join, slug, user_id))
        approve = people.url("spaces.approve", space_slug=slug, membership_id=membership_id)
        reject = people.url("spaces.reject", space_slug=slug, membership_id=membership_id)
        codes = statuses(race(partial(approver.post, approve), partial(decliner.post, reject)))
        assert set(codes) <= {302, 404}  # 404: already declined when the page was loaded
        active = _memberships(people, space_id, user_id=user_id, status=MembershipStatus.ACTIVE)
        told = sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.kind == "membership.approved"
        )
        assert count(people.app, told) == active  # told they are a member only when they are one
