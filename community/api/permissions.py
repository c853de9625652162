"""Who may hold which token; views, services and templates ask these."""

from __future__ import annotations

from community.accounts.models import User
from community.api.models import ApiToken, TokenKind


def _authenticated(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_create_personal_token(user: User | None) -> bool:
    """A confirmed, active account: a token acts as its owner, so the owner must be someone."""
    return bool(_authenticated(user) and user.is_confirmed and user.active and not user.is_deleted)  # type: ignore[union-attr]


def can_issue_municipal_tokens(user: User | None, municipality_id: int | None) -> bool:
    """Website read tokens and Open311 API keys: the municipality's staff."""
    return bool(
        _authenticated(user) and municipality_id is not None and user.staff_municipality_id == municipality_id  # type: ignore[union-attr]
    )


def can_revoke(user: User | None, token: ApiToken) -> bool:
    if not _authenticated(user):
        return False
    if token.kind == TokenKind.PERSONAL:
        return token.user_id == user.id  # type: ignore[union-attr]
    return can_issue_municipal_tokens(user, token.municipality_id)
