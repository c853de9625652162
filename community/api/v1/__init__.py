"""``/api/v1``: the JSON API, one flask-smorest blueprint whose routes live by subject in this package.

Every view follows the HTML views' steps: load (scoped to the space, hidden content a 404) →
authorize with the same predicates → validate (marshmallow, unknown fields refused) → call the same
service → commit once. ``current_user`` is the token's owner (``community.api.auth``)."""

from __future__ import annotations

from typing import Any

from flask import abort, g, request, url_for
from flask_login import current_user
from flask_smorest import Blueprint

from community.api.auth import TokenProblem, authenticate, require_scope
from community.api.problems import problem
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.moderation.permissions import can_see_content
from community.spaces.models import Space
from community.spaces.tenancy import get_in_space_or_404, load_space


class ApiBlueprint(Blueprint):
    """A bad body or query is a 400 (problem details with ``errors``), as the issue asks, not webargs'
    default 422."""

    def arguments(self, schema: Any, *, error_status_code: int = 400, **kwargs: Any):  # type: ignore[override]
        return super().arguments(schema, error_status_code=error_status_code, **kwargs)


bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Fælled's JSON API: spaces, posts, events, help, drop-in sessions, facilities and fault "
    "reports, with the same visibility and permissions as the web pages.",
)


@bp.before_request
def _authenticate():
    try:
        authenticate()
        require_scope()
    except TokenProblem as exc:
        return exc.response()
    return None


@bp.after_request
def _headers(response):
    response.vary.add("Authorization")  # what a token may read differs from what anyone may
    # Without a token the answer is what anyone may read: a cache in between may keep it, and the page
    # cache keeps it for a few seconds (community/pagecache.py); with one it is the token's own. Either
    # way a client asks again with its ETag before using a copy.
    public = g.get("api_token") is None and "Authorization" not in request.headers
    response.headers.setdefault("Cache-Control", "public, no-cache" if public else "private, no-cache")
    return response


def domain_problem(exc: DomainError):
    """A rule a service refused, in the caller's language (``Accept-Language`` or the owner's)."""
    status = 403 if isinstance(exc, NotAllowed) else 409 if isinstance(exc, Conflict) else 400
    db.session.rollback()
    errors = {exc.field: [exc.message]} if exc.field else None
    return problem(status, exc.message, errors, kind="rule")


def space_or_404(slug: str) -> Space:
    """The space, or a 404 when it does not exist or the caller may not see it (members only). Held for
    the request: flask-smorest serialises after the view has returned, and the session keeps only weak
    references, so each item's ``space`` would otherwise be loaded again."""
    g.api_space = load_space(slug)
    return g.api_space


def visible_or_404(model: type, object_id: int, space: Space) -> Any:
    found = get_in_space_or_404(model, object_id, space)
    if not can_see_content(current_user, found):
        abort(404)
    return found


def next_link(cursor: str | None) -> str | None:
    """The same request one page on, or None on the last page."""
    if cursor is None:
        return None
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    return url_for(request.endpoint or "", _external=True, **(request.view_args or {}), **args, cursor=cursor)


def page_response(page: Any) -> dict[str, Any]:
    return {"items": page.items, "next": next_link(page.next_cursor)}


from community.api.v1 import engagement, maintenance, places, spaces  # noqa: E402,F401
