"""Which space a request is in: ``g.space`` from the URL (``/s/<space_slug>/…``) or from the space's
own hostname, and ``get_in_space_or_404`` so no lookup forgets its space."""

from __future__ import annotations

import time
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, abort, g, request
from flask_login import current_user

from community.extensions import db
from community.spaces.models import Space
from community.spaces.permissions import can_find_space, can_view_space

T = TypeVar("T")
_HOSTS: dict[str, Any] = {"loaded": 0.0, "map": {}}
HOSTS_TTL = 30.0


def forget_hosts() -> None:
    _HOSTS["loaded"] = 0.0


def _host_map() -> dict[str, int]:
    if time.monotonic() - _HOSTS["loaded"] > HOSTS_TTL:
        rows = db.session.execute(
            sa.select(Space.hostname, Space.id).where(Space.hostname.is_not(None))
        ).all()
        _HOSTS["map"] = {host.lower(): space_id for host, space_id in rows}
        _HOSTS["loaded"] = time.monotonic()
    return _HOSTS["map"]


def host_space() -> Space | None:
    """The space whose own hostname this request came in on, if any."""
    host = request.host.split(":", 1)[0].lower()
    space_id = _host_map().get(host)
    return db.session.get(Space, space_id) if space_id else None


#: What a members-only space that takes requests shows to a citizen who may find it but not see inside:
#: its door (the front page without content, asking to join, withdrawing the request). Nothing else.
DOOR_ENDPOINTS = frozenset({"spaces.front", "spaces.join", "spaces.leave"})


def load_space(slug: str, endpoint: str | None = None) -> Space:
    space = db.session.scalar(sa.select(Space).where(Space.slug == slug))
    if space is None:
        abort(404)
    if can_view_space(current_user, space):
        return space
    if endpoint in DOOR_ENDPOINTS and can_find_space(current_user, space):
        return space
    abort(404)  # members-only spaces are not there for outsiders


def get_in_space_or_404(model: type[T], object_id: int, space: Space) -> T:
    obj = db.session.get(model, object_id)
    if obj is None or getattr(obj, "space_id", None) != space.id:
        abort(404)
    return obj


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def _pull_space(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "space_slug" in values:
            g.space = load_space(values.pop("space_slug"), endpoint)

    @app.url_defaults
    def _add_space(endpoint: str, values: dict[str, Any]) -> None:
        if "space_slug" in values or "space" not in g:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "space_slug"):
            values["space_slug"] = g.space.slug
