"""Operations on municipalities, spaces and memberships. They flush, signal and notify; the view
(or CLI command) commits once."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.datastructures import FileStorage

from community import signals
from community.accounts.models import User
from community.accounts.services import normalize_email, user_by_email
from community.db import lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.geo import Place, distance_km
from community.i18n import _, format_decimal
from community.media import save_image
from community.notifications.mail import send_template
from community.notifications.services import notify
from community.spaces import tenancy, theme
from community.spaces.kinds import TEMPLATES
from community.spaces.models import (
    ROLE_LABELS,
    Invitation,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Municipality,
    Official,
    Role,
    Space,
    SpaceKind,
    Visibility,
)
from community.spaces.permissions import (
    forget_memberships,
    is_citizen_of,
    is_invited_account,
    is_member,
    membership_of,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_DANISH)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


# --- municipalities --------------------------------------------------------------------------------


def create_municipality(*, name: str, place: Place, slug: str | None = None) -> Municipality:
    municipality = Municipality(
        name=name, slug=slug or slugify(name), latitude=place.lat, longitude=place.lon
    )
    db.session.add(municipality)
    db.session.flush()
    return municipality


# --- spaces ----------------------------------------------------------------------------------------


def check_color(color: str) -> str:
    try:
        ratio = theme.contrast_with_white(color)
    except ValueError as exc:
        raise DomainError(
            _("Write the colour as # and six hex digits, for example #1f5f3a."), field="primary_color"
        ) from exc
    if ratio < theme.AA_NORMAL:
        raise DomainError(
            _(
                "White text on %(color)s has a contrast of only %(ratio)s:1; WCAG AA needs at least 4.5:1. "
                "Choose a darker shade, for example %(suggestion)s.",
                color=color,
                ratio=format_decimal(theme.shown_ratio(ratio), format="0.00"),
                suggestion=theme.darker_shade(color),
            ),
            field="primary_color",
        )
    return color.lower()


def _check_slug(slug: str, *, space: Space | None = None) -> str:
    if not SLUG.match(slug):
        raise DomainError(
            _("Use lower-case letters, digits and dashes only, for example stilling."), field="slug"
        )
    clash = db.session.scalar(sa.select(Space.id).where(Space.slug == slug))
    if clash is not None and (space is None or clash != space.id):
        raise Conflict(_("The address /s/%(slug)s/ is taken. Choose another.", slug=slug), field="slug")
    return slug


def _check_hostname(hostname: str | None, *, space: Space | None = None) -> str | None:
    if not hostname:
        return None
    hostname = hostname.strip().lower().rstrip(".")
    if not HOSTNAME.match(hostname):
        raise DomainError(
            _("Write a host name such as stilling.example.dk, without http:// or a path."), field="hostname"
        )
    clash = db.session.scalar(sa.select(Space.id).where(Space.hostname == hostname))
    if clash is not None and (space is None or clash != space.id):
        raise Conflict(
            _("Another space already uses the host name %(host)s.", host=hostname), field="hostname"
        )
    return hostname


def create_space(
    municipality: Municipality,
    *,
    kind: SpaceKind,
    name: str,
    by: User | None,
    slug: str | None = None,
    place: Place | None = None,
    radius_km: float | None = None,
    description: str | None = None,
    primary_color: str | None = None,
    visibility: Visibility | None = None,
    join_policy: JoinPolicy | None = None,
    hostname: str | None = None,
    display_name: str | None = None,
    show_provider: bool = True,
) -> Space:
    """A new space from the template of its kind; anything given overrides the template."""
    template = TEMPLATES[kind]
    space = Space(
        municipality_id=municipality.id,
        kind=kind,
        name=name.strip(),
        slug=_check_slug(slug or slugify(name)),
        description=description if description else str(template.description),
        primary_color=check_color(primary_color or template.primary_color),
        visibility=visibility or template.visibility,
        join_policy=join_policy or template.join_policy,
        radius_km=radius_km or template.radius_km,
        hostname=_check_hostname(hostname),
        display_name=display_name or None,
        show_provider=show_provider,
    )
    if place is not None:
        set_location(space, place)
    db.session.add(space)
    db.session.flush()
    tenancy.forget_hosts()
    signals.space_created.send(space, by=by)
    return space


def set_location(space: Space, place: Place) -> None:
    space.latitude, space.longitude = place.lat, place.lon
    space.postcode = place.postcode


def update_space(
    space: Space,
    *,
    by: User,
    name: str,
    description: str,
    display_name: str | None,
    primary_color: str,
    show_provider: bool,
    logo: FileStorage | None = None,
    header_image: FileStorage | None = None,
    remove_logo: bool = False,
    remove_header: bool = False,
    **console: object,
) -> Space:
    """Theme and description (space admins and staff); with ``console`` fields also the settings only
    municipality staff change: visibility, join policy, hostname, location, radius, slug."""
    if space.is_archived:
        raise NotAllowed(_("This space is archived and read-only."))
    color = check_color(primary_color)
    max_logo = current_app.config["LOGO_MAX_BYTES"]
    logo_name = (
        save_image(logo, max_bytes=max_logo, max_size=(512, 512), field="logo", space_id=space.id)
        if logo
        else None
    )
    header_name = (
        save_image(
            header_image, max_bytes=max_logo, max_size=(1600, 400), field="header_image", space_id=space.id
        )
        if header_image
        else None
    )
    if console.get("slug"):
        space.slug = _check_slug(str(console["slug"]), space=space)
        tenancy.forget_hosts()  # the host name map carries the slug
    if "hostname" in console:
        space.hostname = _check_hostname(console["hostname"] or None, space=space)  # type: ignore[arg-type]
        tenancy.forget_hosts()
    if console.get("visibility"):
        space.visibility = Visibility(console["visibility"])
    if console.get("join_policy"):
        space.join_policy = JoinPolicy(console["join_policy"])
    if console.get("radius_km"):
        space.radius_km = float(console["radius_km"])  # type: ignore[arg-type]
    if isinstance(console.get("place"), Place):
        set_location(space, console["place"])  # type: ignore[arg-type]
    space.name = name.strip()
    space.description = description.strip()
    space.display_name = (display_name or "").strip() or None
    space.primary_color = color
    space.show_provider = show_provider
    if logo_name:
        space.logo = logo_name
    elif remove_logo:
        space.logo = None
    if header_name:
        space.header_image = header_name
    elif remove_header:
        space.header_image = None
    db.session.flush()
    return space


def archive_space(space: Space, *, by: User) -> Space:
    if space.archived_at is None:
        space.archived_at = utcnow()
        db.session.flush()
        signals.space_archived.send(space, by=by)
    return space


def unarchive_space(space: Space, *, by: User) -> Space:
    space.archived_at = None
    db.session.flush()
    return space


def space_by_slug(slug: str) -> Space | None:
    return db.session.scalar(sa.select(Space).where(Space.slug == slug))


@dataclass(frozen=True)
class NearbySpace:
    space: Space
    distance_km: float | None


def spaces_near(
    lat: float | None, lon: float | None, *, user: User | None, limit: int = 50
) -> list[NearbySpace]:
    """Public spaces that are not archived, and the user's own, nearest first; for the municipality's
    citizens also the members-only spaces that take requests (their door, see ``can_find_space``)."""
    query = sa.select(Space).where(Space.archived_at.is_(None))
    if user is not None and getattr(user, "is_authenticated", False):
        mine = sa.select(Membership.space_id).where(
            Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
        )
        takes_requests = sa.and_(
            Space.visibility == Visibility.MEMBERS, Space.join_policy == JoinPolicy.REQUEST
        )
        query = query.where(sa.or_(Space.visibility == Visibility.PUBLIC, Space.id.in_(mine), takes_requests))
    else:
        query = query.where(Space.visibility == Visibility.PUBLIC)
    found = []
    citizen: dict[int, bool] = {}
    for space in db.session.scalars(query):
        if not space.is_public and space.join_policy == JoinPolicy.REQUEST:
            if space.municipality_id not in citizen:
                citizen[space.municipality_id] = is_citizen_of(user, space.municipality)
            if not citizen[space.municipality_id] and not is_member(user, space):
                continue
        distance = None
        if lat is not None and lon is not None and space.latitude is not None and space.longitude is not None:
            distance = distance_km(lat, lon, space.latitude, space.longitude)
        found.append(NearbySpace(space, distance))
    found.sort(key=lambda n: (n.distance_km is None, n.distance_km or 0, n.space.title))
    return found[:limit]


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.space)
            .where(Membership.user_id == user.id)
            .options(contains_eager(Membership.space))  # the space from the join, not a second query
            .order_by(Space.name)
        )
    )


def members(space: Space, *, status: MembershipStatus = MembershipStatus.ACTIVE) -> list[Membership]:
    role_order = sa.case({Role.ADMIN.value: 0, Role.MODERATOR.value: 1}, value=Membership.role, else_=2)
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(User, Membership.user_id == User.id)
            .where(Membership.space_id == space.id, Membership.status == status)
            .options(selectinload(Membership.user))
            .order_by(role_order, User.display_name)
        )
    )


def member_count(space: Space) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Membership.id)).where(
                Membership.space_id == space.id, Membership.status == MembershipStatus.ACTIVE
            )
        )
        or 0
    )


def member_counts(space_ids: list[int]) -> dict[int, int]:
    if not space_ids:
        return {}
    rows = db.session.execute(
        sa.select(Membership.space_id, sa.func.count(Membership.id))
        .where(Membership.space_id.in_(space_ids), Membership.status == MembershipStatus.ACTIVE)
        .group_by(Membership.space_id)
    )
    return {space_id: n for space_id, n in rows}


# --- memberships -----------------------------------------------------------------------------------


def space_admins(space: Space) -> list[User]:
    """The active admins of ``space``: who is told about requests to join and the like."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.space_id == space.id,
                Membership.role == Role.ADMIN,
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
    )


def _lock_members(space: Space) -> None:
    """Memberships of a space change one request at a time (joining twice at once, the last two admins
    leaving at once); what the request read about them before is forgotten."""
    lock(space)
    forget_memberships()


def join_space(space: Space, user: User, *, message: str | None = None) -> Membership:
    """Joins an open space, or asks to join one that takes requests (its admins are told)."""
    _lock_members(space)
    if space.is_archived:
        raise NotAllowed(_("This space is archived and read-only."))
    if not user.is_confirmed:
        raise NotAllowed(
            _("Confirm your e-mail address first: use the link we sent you, or ask for a new one.")
        )
    existing = membership_of(user, space)
    if existing is not None:
        if existing.is_active:
            raise Conflict(_("You are already a member of %(space)s.", space=space.title))
        raise Conflict(
            _("You have already asked to join %(space)s. An admin will answer.", space=space.title)
        )
    if space.join_policy == JoinPolicy.INVITATION:
        raise NotAllowed(
            _("%(space)s is by invitation only. Ask one of its admins to invite you.", space=space.title)
        )
    status = MembershipStatus.ACTIVE if space.join_policy == JoinPolicy.OPEN else MembershipStatus.PENDING
    membership = Membership(
        space_id=space.id, user_id=user.id, status=status, message=(message or "").strip() or None
    )
    db.session.add(membership)
    db.session.flush()
    forget_memberships()
    if status == MembershipStatus.ACTIVE:
        signals.member_joined.send(membership)
    else:
        for admin in space_admins(space):
            notify(
                admin,
                "membership.requested",
                name=user.display_name,
                space=space.title,
                space_slug=space.slug,
            )
    return membership


def _is_last_admin(membership: Membership) -> bool:
    if membership.role != Role.ADMIN or not membership.is_active:
        return False
    admins = db.session.scalar(
        sa.select(sa.func.count(Membership.id)).where(
            Membership.space_id == membership.space_id,
            Membership.role == Role.ADMIN,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    return admins == 1


def leave_space(space: Space, user: User) -> None:
    _lock_members(space)
    membership = membership_of(user, space)
    if membership is None:
        raise Conflict(_("You are not a member of %(space)s.", space=space.title))
    if _is_last_admin(membership):
        raise NotAllowed(
            _(
                "You are the only admin of %(space)s. Make someone else admin before you leave.",
                space=space.title,
            )
        )
    db.session.delete(membership)
    db.session.flush()
    forget_memberships()
    signals.member_left.send(space, user=user)


def approve_request(membership: Membership, *, by: User) -> Membership:
    _lock_members(membership.space)
    lock(membership)
    if membership.is_active:
        raise Conflict(_("%(name)s is already a member.", name=membership.user.display_name))
    membership.status = MembershipStatus.ACTIVE
    db.session.flush()
    forget_memberships()
    notify(
        membership.user, "membership.approved", space=membership.space.title, space_slug=membership.space.slug
    )
    signals.member_joined.send(membership)
    return membership


def reject_request(membership: Membership, *, by: User) -> None:
    _lock_members(membership.space)
    lock(membership)
    if membership.is_active:
        raise Conflict(_("%(name)s is already a member.", name=membership.user.display_name))
    db.session.delete(membership)
    db.session.flush()
    forget_memberships()


def change_role(membership: Membership, *, role: Role, official: Official | None, by: User) -> Membership:
    """Sets a member's role and official badge; the member is told when their role changes."""
    _lock_members(membership.space)
    lock(membership)
    if not membership.is_active:
        raise DomainError(_("Approve the request before you change the role."))
    if role != Role.ADMIN and _is_last_admin(membership):
        raise NotAllowed(_("A space needs at least one admin. Make someone else admin first."), field="role")
    previous = membership.role
    membership.role = role
    membership.official = official
    db.session.flush()
    forget_memberships()
    if role != previous:
        space = membership.space
        notify(
            membership.user,
            "membership.role_changed",
            by=by.display_name,
            role=role.value,
            space=space.title,
            space_slug=space.slug,
        )
        signals.member_role_changed.send(membership, previous=previous, by=by)
    return membership


def _grant(space: Space, user: User, role: Role) -> Membership:
    _lock_members(space)
    membership = membership_of(user, space)
    if membership is None:
        membership = Membership(space_id=space.id, user_id=user.id, role=role)
        db.session.add(membership)
    else:
        membership.status = MembershipStatus.ACTIVE
        if _rank(role) > _rank(membership.role):
            membership.role = role
    db.session.flush()
    forget_memberships()
    signals.member_joined.send(membership)
    return membership


def _rank(role: Role) -> int:
    return {Role.MEMBER: 0, Role.MODERATOR: 1, Role.ADMIN: 2}[role]


def add_member(
    space: Space, user: User, *, role: Role = Role.MEMBER, official: Official | None = None
) -> Membership:
    """For the command line and demo data: make ``user`` an active member without asking."""
    membership = _grant(space, user, role)
    membership.role = role
    membership.official = official
    db.session.flush()
    return membership


def invite(space: Space, *, email: str, role: Role, by: User | None) -> Invitation:
    """Invites by e-mail, also someone without an account; the link makes them a member with ``role``."""
    if space.is_archived:
        raise NotAllowed(_("This space is archived and read-only."))
    email = normalize_email(email)
    existing_user = user_by_email(email)
    if existing_user is not None:
        current = membership_of(existing_user, space)
        if current is not None and current.is_active and _rank(current.role) >= _rank(role):
            raise Conflict(_("%(email)s is already a member of this space.", email=email), field="email")
    invitation = Invitation(
        space_id=space.id,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by_id=by.id if by else None,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    inviter = by.display_name if by else space.municipality.name
    if existing_user is not None:
        notify(
            existing_user,
            "membership.invited",
            email=False,
            by=inviter,
            space=space.title,
            space_slug=space.slug,
            role=role.value,
            token=invitation.token,
        )
    send_template(
        email,
        "invitation",
        locale=(existing_user.locale if existing_user else None) or space.municipality.default_locale,
        space=space,
        inviter=inviter,
        role_label=ROLE_LABELS[role],
        token=invitation.token,
        has_account=existing_user is not None,
    )
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    return db.session.scalar(sa.select(Invitation).where(Invitation.token == token))


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    lock(invitation)  # used once, also when the link is opened in two tabs
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been used. Ask an admin of the space for a new one."))
    if invitation.expires_at < utcnow():
        raise DomainError(_("This invitation has expired. Ask an admin of the space for a new one."))
    if invitation.space.is_archived:
        raise NotAllowed(_("This space is archived and read-only."))
    if not is_invited_account(user, invitation):
        raise NotAllowed(
            _(
                "This invitation was sent to another e-mail address. Log in with the account for that "
                "address (or create it), or ask an admin of the space to invite you."
            )
        )
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()  # the link reached this address
    membership = _grant(invitation.space, user, invitation.role)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.flush()
    return membership
