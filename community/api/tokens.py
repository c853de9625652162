"""Access tokens: made, shown once, stored as a hash, found by it, revoked; every one in the audit log.

A token is ``fld_`` and 43 URL-safe characters (256 random bits). Only its SHA-256 is stored: with that
much randomness nobody can find a token from its hash by guessing, so a slow, salted password hash
(argon2) would buy nothing and would cost every request a hash per stored token; a plain digest is
found with one indexed lookup. The first 12 characters are kept in the clear (``prefix``) so people
can tell their tokens apart and recognise one in a leak."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.api import permissions
from community.api.models import ApiToken, Scope, TokenKind
from community.db import utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.i18n import _
from community.moderation.models import ActionKind
from community.moderation.services import audit
from community.spaces.models import Municipality

PREFIX = "fld_"
VISIBLE = 12
#: How long a token may live, in days (the person chooses one of these).
LIFETIMES = (7, 30, 90, 365)
MAX_ACTIVE_PER_USER = 20
#: ``last_used_at`` is written at most this often per token, so reading never becomes writing.
TOUCH_EVERY = timedelta(minutes=10)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def _check(name: str, days: int) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, so you know later what it is for."), field="name")
    if len(name) > 80:
        raise DomainError(_("Use at most 80 characters for the name."), field="name")
    if days not in LIFETIMES:
        raise DomainError(_("Choose how long the token works."), field="days")
    return name


def _make(
    kind: TokenKind,
    *,
    name: str,
    scopes: list[Scope],
    days: int,
    by: User,
    user: User | None = None,
    municipality_id: int | None,
) -> tuple[ApiToken, str]:
    secret = _new_secret()
    token = ApiToken(
        kind=kind,
        name=_check(name, days),
        prefix=secret[:VISIBLE],
        token_hash=token_hash(secret),
        scopes=sorted({s.value for s in scopes}),
        user_id=user.id if user is not None else None,
        municipality_id=municipality_id,
        created_by_id=by.id,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit(
        ActionKind.TOKEN_CREATED,
        by=by,
        municipality_id=municipality_id,
        content_type="api_token",
        content_id=token.id,
        target_user_id=user.id if user is not None else None,
        reason=f"{token.kind.value} {token.prefix}… {' '.join(token.scopes)}",
    )
    db.session.flush()
    return token, secret


def create_personal(
    user: User, *, name: str, scopes: list[Scope], days: int, municipality_id: int | None
) -> tuple[ApiToken, str]:
    """A token that acts as ``user`` with ``scopes`` (read, write). Returns the token and its secret,
    which is never shown again."""
    if not permissions.can_create_personal_token(user):
        raise NotAllowed(_("Confirm your e-mail address first, then you can create tokens."))
    wanted = [s for s in scopes if s in (Scope.READ, Scope.WRITE)]
    if not wanted:
        raise DomainError(_("Choose what the token may do: read, write or both."), field="scopes")
    active = db.session.scalar(
        sa.select(sa.func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow()
        )
    )
    if (active or 0) >= MAX_ACTIVE_PER_USER:
        raise Conflict(
            _("You have %(n)s working tokens. Revoke one you no longer use first.", n=MAX_ACTIVE_PER_USER)
        )
    return _make(
        TokenKind.PERSONAL,
        name=name,
        scopes=wanted,
        days=days,
        by=user,
        user=user,
        municipality_id=municipality_id,
    )


def create_municipal(
    municipality: Municipality, kind: TokenKind, *, name: str, days: int, by: User
) -> tuple[ApiToken, str]:
    """A website read token (reads what everyone may read, for the municipality's own site) or an
    Open311 API key (an application may report faults), issued by the municipality's staff."""
    if not permissions.can_issue_municipal_tokens(by, municipality.id):
        raise NotAllowed(_("Only the municipality's staff can issue these."))
    if kind not in (TokenKind.SITE, TokenKind.OPEN311):
        raise DomainError(_("Choose what kind of key it is."), field="kind")
    scopes = [Scope.READ] if kind == TokenKind.SITE else [Scope.OPEN311]
    return _make(kind, name=name, scopes=scopes, days=days, by=by, municipality_id=municipality.id)


def revoke(token: ApiToken, *, by: User, municipality_id: int | None) -> None:
    if not permissions.can_revoke(by, token):
        raise NotAllowed(_("You cannot revoke this token."))
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit(
        ActionKind.TOKEN_REVOKED,
        by=by,
        municipality_id=token.municipality_id or municipality_id,
        content_type="api_token",
        content_id=token.id,
        target_user_id=token.user_id,
        reason=f"{token.kind.value} {token.prefix}…",
    )
    db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.kind == TokenKind.PERSONAL)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def municipal_tokens(municipality_id: int) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(
                ApiToken.municipality_id == municipality_id,
                ApiToken.kind.in_([TokenKind.SITE, TokenKind.OPEN311]),
            )
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def find(secret: str) -> ApiToken | None:
    """The working token behind ``secret``: None when unknown, expired or revoked, or when the person it
    acts for can no longer log in."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == token_hash(secret))
        .options(joinedload(ApiToken.user))  # asked of every personal token below: in the same row
    )
    if token is None or not token.is_active():
        return None
    if token.kind == TokenKind.PERSONAL and (
        token.user is None or not token.user.active or token.user.is_deleted
    ):
        return None
    return token


def touch(token: ApiToken) -> bool:
    """Notes that the token was used, at most every ``TOUCH_EVERY``: a conditional UPDATE, so many
    requests at once write it once. True when it wrote."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return False
    result = db.session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token.id,
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .returning(ApiToken.id)
    )
    return result.first() is not None
