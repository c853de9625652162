"""Which tenant a request is in.

``g.space`` comes from the URL (``/s/<space_slug>/…``) or from the space's own host name, and
``get_in_space_or_404`` makes sure no lookup forgets its space. ``current_municipality()`` is the one
answer to "whose municipality is this page", for the pages that are not inside a space (digital help,
pitches and maintenance, the start page)."""

from __future__ import annotations

import time
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from community.extensions import db
from community.geo import distance_km
from community.spaces.models import Municipality, Space
from community.spaces.permissions import can_find_space, can_view_space

T = TypeVar("T")
_HOSTS: dict[str, Any] = {"loaded": 0.0, "map": {}}
HOSTS_TTL = 30.0
#: The WSGI environ key under which ``SpaceHosts`` leaves the URL prefix of the host's space.
PREFIX_KEY = "faelled.space_prefix"


def forget_hosts() -> None:
    _HOSTS["loaded"] = 0.0


def _host_map() -> dict[str, tuple[int, str]]:
    """Host name -> (space id, slug), read again at most every ``HOSTS_TTL`` seconds."""
    if time.monotonic() - _HOSTS["loaded"] > HOSTS_TTL:
        rows = db.session.execute(
            sa.select(Space.hostname, Space.id, Space.slug).where(Space.hostname.is_not(None))
        ).all()
        _HOSTS["map"] = {host.lower(): (space_id, slug) for host, space_id, slug in rows}
        _HOSTS["loaded"] = time.monotonic()
    return _HOSTS["map"]


def _bare_host(host: str) -> str:
    return host.rsplit(":", 1)[0].lower() if not host.endswith("]") else host.lower()


def host_space() -> Space | None:
    """The space whose own hostname this request came in on, if any."""
    found = _host_map().get(_bare_host(request.host))
    return db.session.get(Space, found[0]) if found else None


class SpaceHosts:
    """WSGI middleware: on a space's own host name the space's pages answer without ``/s/<slug>``.

    ``/posts/5`` on ``stilling.example.dk`` is served as ``/s/stilling/posts/5`` when that is one of the
    space's routes, so it passes the same loading and ``can_view_space`` check (a members-only space is
    a 404 for outsiders there too); every other path (``/login``, ``/helpdesk/``, ``/static/…``, and
    ``/s/<slug>/…`` itself) is served as it is. Links made with ``url_for`` on that host drop the prefix
    again (``FaelledFlask.url_for``)."""

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def _slug_for(self, host: str) -> str | None:
        with self.app.app_context():
            try:
                found = _host_map().get(_bare_host(host))
            except SQLAlchemyError:  # the database is away: the app's own error page says so
                db.session.rollback()
                return None
        return found[1] if found else None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or ""
        slug = self._slug_for(host) if host else None
        if slug:
            prefix = f"/s/{slug}"
            environ[PREFIX_KEY] = prefix
            path = environ.get("PATH_INFO") or "/"
            if self._is_space_route(prefix + path, environ):
                environ["PATH_INFO"] = prefix + path
        return self.wsgi_app(environ, start_response)

    def _is_space_route(self, path: str, environ: dict[str, Any]) -> bool:
        from werkzeug.exceptions import MethodNotAllowed, NotFound
        from werkzeug.routing import RequestRedirect

        adapter = self.app.url_map.bind("localhost", script_name=environ.get("SCRIPT_NAME") or "/")
        try:
            rule, _args = adapter.match(path, method=environ.get("REQUEST_METHOD", "GET"), return_rule=True)
        except (RequestRedirect, MethodNotAllowed):
            return True  # the space's route, with a slash to add or another method: let Flask answer
        except NotFound:
            return False
        return "space_slug" in rule.arguments


def space_host_url(url: str) -> str:
    """``url`` as it reads on the current space host: ``/s/<slug>/x`` becomes ``/x`` there."""
    if not has_request_context():
        return url
    prefix = request.environ.get(PREFIX_KEY)
    if not prefix:
        return url
    if url.startswith(prefix + "/"):
        return url[len(prefix) :]
    origin = request.host_url.rstrip("/")
    if url.startswith(origin + prefix + "/"):
        return origin + url[len(origin) + len(prefix) :]
    return url


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


def default_municipality() -> Municipality | None:
    """The installation's own municipality: the one named by ``COMMUNITY_MUNICIPALITY`` (its slug), else
    the only one, else the first one provisioned (an installation serving several municipalities should
    name its default)."""
    slug = current_app.config.get("MUNICIPALITY")
    if slug:
        found = db.session.scalar(sa.select(Municipality).where(Municipality.slug == slug))
        if found is not None:
            return found
    return db.session.scalar(sa.select(Municipality).order_by(Municipality.id).limit(1))


def _nearest_municipality(lat: float, lon: float) -> Municipality | None:
    candidates = db.session.scalars(sa.select(Municipality)).all()
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    return min(candidates, key=lambda m: distance_km(lat, lon, m.latitude, m.longitude))


def covers(municipality: Municipality, lat: float, lon: float) -> bool:
    """Whether a point lies in ``municipality``: within its reach (``COMMUNITY_CITIZEN_REACH_KM`` from its
    centre, the same reach a citizen's home is measured by) and no nearer to another municipality's
    centre here (we keep centres, not borders)."""
    radius = float(current_app.config["CITIZEN_REACH_KM"])
    if distance_km(lat, lon, municipality.latitude, municipality.longitude) > radius:
        return False
    nearest = _nearest_municipality(lat, lon)
    return nearest is None or nearest.id == municipality.id


def current_municipality() -> Municipality | None:
    """The municipality this request belongs to, decided in this order:

    1. the space of the request (its own host name, or ``/s/<slug>/``): that space's municipality;
    2. the signed-in user's municipality: the one they are staff of, else the one nearest their home
       (the citizen's home municipality);
    3. the installation's default (``default_municipality()``) for everyone else.

    Remembered for the request. None only when no municipality is provisioned yet.
    """
    if "_municipality" in g:
        return g._municipality
    found: Municipality | None = None
    space = g.get("space") or (host_space() if has_request_context() else None)
    if space is not None:
        found = space.municipality
    elif current_user and current_user.is_authenticated:
        if current_user.staff_municipality_id:
            found = db.session.get(Municipality, current_user.staff_municipality_id)
        if found is None and current_user.has_home:
            found = _nearest_municipality(current_user.home_latitude, current_user.home_longitude)
    if found is None:
        found = default_municipality()
    g._municipality = found
    return found


def get_in_space_or_404(model: type[T], object_id: int, space: Space, options: tuple = ()) -> T:
    obj = db.session.get(model, object_id, options=options)
    if obj is None or getattr(obj, "space_id", None) != space.id:
        abort(404)
    return obj


def init_app(app: Flask) -> None:
    app.wsgi_app = SpaceHosts(app, app.wsgi_app)  # type: ignore[method-assign]

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
