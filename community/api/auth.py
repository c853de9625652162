"""Who a request to ``/api/v1`` is: a bearer token, never a cookie.

``authenticate()`` runs before every API view. It sets Flask-Login's user for the request (so
``current_user`` and every permission predicate see the token's owner exactly as the HTML views see a
logged-in person), or an anonymous user without a token; the session cookie is never read. A website
token reads as nobody in particular, in its own municipality. ``require_scope`` refuses a token that
may not do what the method asks."""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from community.api import tokens
from community.api.models import ApiToken, Scope, TokenKind
from community.api.problems import problem
from community.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenProblem(Exception):
    def __init__(self, status: int, detail: str, code: str) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code = status, detail, code

    def response(self):
        header = 'Bearer realm="faelled"'
        if self.code in ("invalid_token", "insufficient_scope"):
            header += f', error="{self.code}"'
        return problem(self.status, self.detail, kind=self.code, headers={"WWW-Authenticate": header})


def bearer_secret() -> str | None:
    """The token in ``Authorization: Bearer …``; None without the header. A header of another kind
    is an error, not anonymity, so a client that sends a wrong header learns it."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise TokenProblem(401, "Send the token as 'Authorization: Bearer <token>'.", "invalid_token")
    return value.strip()


def _set_user(user) -> None:
    g._login_user = user  # Flask-Login's current_user for this request; the session is never read


def _resolve() -> ApiToken | TokenProblem | None:
    """The request's token, or the problem with it, or None without one; looked up once per request
    (the rate limiter asks before the view's own hook runs)."""
    if "_api_resolved" not in g:
        try:
            secret = bearer_secret()
            found = tokens.find(secret) if secret is not None else None
            if secret is not None and found is None:
                raise TokenProblem(
                    401,
                    "The token is unknown, expired or revoked. Create a new one on your profile.",
                    "invalid_token",
                )
            g._api_resolved = found
        except TokenProblem as exc:
            g._api_resolved = exc
    return g._api_resolved


def authenticate() -> None:
    """Before every API view: the token's owner (or anonymous) becomes ``current_user``."""
    g.api_token = None
    _set_user(current_app.login_manager.anonymous_user())
    resolved = _resolve()
    if isinstance(resolved, TokenProblem):
        raise resolved
    if resolved is None:
        return
    token = resolved
    g.api_token = token
    if token.kind == TokenKind.PERSONAL:
        _set_user(token.user)
    elif token.municipality is not None:
        g._municipality = token.municipality  # tenancy: a website token reads its own municipality
    if tokens.touch(token):
        db.session.commit()  # only the last-used time, before the request does anything else


def require_scope(method: str | None = None) -> None:
    """Reading needs a token with ``read`` (or none at all, for what everyone may read); anything else
    needs a personal token with ``write``."""
    method = method or request.method
    token: ApiToken | None = g.get("api_token")
    if method in READ_METHODS:
        if token is not None and not token.allows(Scope.READ):
            raise TokenProblem(
                403, "This token may not read. Use a token with the 'read' scope.", "insufficient_scope"
            )
        return
    if token is None:
        raise TokenProblem(401, "Writing needs a personal token with the 'write' scope.", "invalid_token")
    if token.kind != TokenKind.PERSONAL or not token.allows(Scope.WRITE):
        raise TokenProblem(
            403,
            "This token may not write. Use a personal token with the 'write' scope.",
            "insufficient_scope",
        )


def rate_key() -> str:
    """Flask-Limiter's key for the API: the token, else the address."""
    resolved = _resolve()
    if isinstance(resolved, ApiToken):
        return f"api-token:{resolved.id}"
    return f"api-ip:{get_remote_address()}"
