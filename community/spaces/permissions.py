"""One predicate per action on spaces. Views ``require()`` them; templates call the same ones."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, has_app_context

from community.accounts.models import User
from community.extensions import db
from community.geo import approx_km
from community.spaces.models import (
    Invitation,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Municipality,
    Role,
    Space,
    Visibility,
)


def _cache() -> dict[tuple[int, int], Membership | None]:
    if not has_app_context():
        return {}
    if "_memberships" not in g:
        g._memberships = {}
    return g._memberships


def forget_memberships() -> None:
    """Services call this after changing a membership, so predicates read the new state."""
    if has_app_context():
        g.pop("_memberships", None)


def membership_of(user: User | None, space: Space) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    key = (user.id, space.id)
    cache = _cache()
    if key not in cache:
        cache[key] = db.session.scalar(
            sa.select(Membership).where(Membership.space_id == space.id, Membership.user_id == user.id)
        )
    return cache[key]


def _active(user: User | None, space: Space) -> Membership | None:
    m = membership_of(user, space)
    return m if m is not None and m.status == MembershipStatus.ACTIVE else None


def is_staff_for(user: User | None, space: Space) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.staff_municipality_id is not None
        and user.staff_municipality_id == space.municipality_id
    )


def can_use_console(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_staff)


def is_member(user: User | None, space: Space) -> bool:
    return _active(user, space) is not None


def has_role(user: User | None, space: Space, *roles: Role) -> bool:
    m = _active(user, space)
    return m is not None and m.role in roles


def can_view_space(user: User | None, space: Space) -> bool:
    return space.visibility == Visibility.PUBLIC or is_member(user, space) or is_staff_for(user, space)


def is_citizen_of(user: User | None, municipality: Municipality) -> bool:
    """Signed in with a confirmed address and, when their home is known, living within the
    municipality's reach (``COMMUNITY_CITIZEN_REACH_KM`` from its centre); its own staff always.
    Homes are points and the platform knows no municipal borders, so "inside" is a radius; an account
    without a home (made from the command line) is taken at its word."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_confirmed:
        return False
    if user.staff_municipality_id == municipality.id or not user.has_home:
        return True
    distance = approx_km(
        user.home_latitude,  # type: ignore[arg-type]
        user.home_longitude,  # type: ignore[arg-type]
        municipality.latitude,
        municipality.longitude,
    )
    return distance <= current_app.config["CITIZEN_REACH_KM"]


def takes_requests_from_outside(space: Space) -> bool:
    """A members-only space that people may ask to join: its door (name, description, the form) is
    shown to the municipality's citizens, its content is not."""
    return (
        space.visibility == Visibility.MEMBERS
        and space.join_policy == JoinPolicy.REQUEST
        and not space.is_archived
    )


def can_find_space(user: User | None, space: Space) -> bool:
    """See that the space exists: its name, description and how to join. Everyone who may view it, and
    for a members-only space that takes requests, the municipality's citizens and anyone who has asked."""
    if can_view_space(user, space):
        return True
    return takes_requests_from_outside(space) and (
        membership_of(user, space) is not None or is_citizen_of(user, space.municipality)
    )


def _may_start_joining(user: User | None, space: Space) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_confirmed
        and not space.is_archived
        and membership_of(user, space) is None
    )


def can_join(user: User | None, space: Space) -> bool:
    return (
        _may_start_joining(user, space)
        and space.join_policy == JoinPolicy.OPEN
        and can_view_space(user, space)
    )


def can_request_to_join(user: User | None, space: Space) -> bool:
    return (
        _may_start_joining(user, space)
        and space.join_policy == JoinPolicy.REQUEST
        and can_find_space(user, space)
    )


def can_leave(user: User | None, space: Space) -> bool:
    m = membership_of(user, space)
    return m is not None and m.status != MembershipStatus.EXCLUDED


def can_see_members(user: User | None, space: Space) -> bool:
    return is_member(user, space) or is_staff_for(user, space)


def can_manage_members(user: User | None, space: Space) -> bool:
    return has_role(user, space, Role.ADMIN) or is_staff_for(user, space)


def can_edit_space(user: User | None, space: Space) -> bool:
    return can_manage_members(user, space)


def can_contribute(user: User | None, space: Space) -> bool:
    """Post, comment, react: active members of a space that is neither archived nor frozen, unless a
    moderator suspended them from it for a while."""
    if space.is_archived or space.is_frozen:
        return False
    m = _active(user, space)
    return m is not None and not m.is_suspended()


def is_invited_account(user: User | None, invitation: Invitation) -> bool:
    """An invitation is for the account with the invited e-mail address and nobody else: whoever else
    reads the link (a forwarded or shared e-mail) cannot take the place, let alone the role."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.email.strip().lower() == invitation.email.strip().lower()
    )


def can_accept_invitation(user: User | None, invitation: Invitation) -> bool:
    return is_invited_account(user, invitation) and not invitation.space.is_archived
