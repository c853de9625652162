"""The contractor role: which members of a contractor network act for the contractor (its crew).

A network also has members who only read along (the clubs, the municipality's staff); the network's
admins and the municipality's staff say who is crew. Leaving the network ends the role."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community import signals
from community.accounts.models import User
from community.db import utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _
from community.maintenance import permissions
from community.maintenance.models import ContractorCrew
from community.maintenance.services.common import insert_once
from community.spaces.models import Membership, MembershipStatus, Space
from community.spaces.permissions import is_member
from community.spaces.services import space_admins


def crew_of(contractor: Space) -> list[ContractorCrew]:
    """The crew who are still active members of the network, by name."""
    return list(
        db.session.scalars(
            sa.select(ContractorCrew)
            .join(User, User.id == ContractorCrew.user_id)
            .join(
                Membership,
                sa.and_(
                    Membership.space_id == ContractorCrew.space_id,
                    Membership.user_id == ContractorCrew.user_id,
                ),
            )
            .where(ContractorCrew.space_id == contractor.id, Membership.status == MembershipStatus.ACTIVE)
            .order_by(User.display_name, User.id)
            .options(selectinload(ContractorCrew.user))
        )
    )


def crew_user_ids(contractor: Space) -> set[int]:
    return {c.user_id for c in crew_of(contractor)}


def contractor_people(contractor: Space) -> list[User]:
    """Who is told what the contractor must act on: its crew, else (no crew yet) its admins, who can
    name the crew."""
    crew = [c.user for c in crew_of(contractor) if c.user.active]
    return crew or space_admins(contractor)


def grant(contractor: Space, user: User, *, by: User | None) -> ContractorCrew:
    """Makes a member of the network crew. ``by=None`` is the command line or demo data."""
    if by is not None and not permissions.can_manage_crew(by, contractor):
        raise NotAllowed(_("Only the network's admins and the municipality say who acts for the contractor."))
    if not permissions.is_contractor(contractor):
        raise DomainError(_("Only a contractor network has a crew."))
    if not is_member(user, contractor):
        raise DomainError(
            _(
                "%(name)s is not a member of %(network)s. Invite them first.",
                name=user.display_name,
                network=contractor.title,
            )
        )
    inserted = insert_once(
        ContractorCrew,
        unique=["space_id", "user_id"],
        space_id=contractor.id,
        user_id=user.id,
        granted_by_id=by.id if by else None,
        created_at=utcnow(),
    )
    permissions.forget_crew()
    if not inserted:
        raise Conflict(_("%(name)s already acts for the contractor.", name=user.display_name))
    return db.session.scalars(
        sa.select(ContractorCrew).where(
            ContractorCrew.space_id == contractor.id, ContractorCrew.user_id == user.id
        )
    ).one()


def revoke(contractor: Space, user: User, *, by: User | None) -> bool:
    if by is not None and not permissions.can_manage_crew(by, contractor):
        raise NotAllowed(_("Only the network's admins and the municipality say who acts for the contractor."))
    result = db.session.execute(
        sa.delete(ContractorCrew).where(
            ContractorCrew.space_id == contractor.id, ContractorCrew.user_id == user.id
        )
    )
    permissions.forget_crew()
    return bool(result.rowcount)


@signals.member_left.connect
def _left(space: Space, *, user: User, **_extra) -> None:
    """Someone who leaves the network is no longer its crew (nor again if they rejoin)."""
    db.session.execute(
        sa.delete(ContractorCrew).where(
            ContractorCrew.space_id == space.id, ContractorCrew.user_id == user.id
        )
    )
    permissions.forget_crew()
