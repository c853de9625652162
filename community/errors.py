"""Domain errors raised by services, and the HTTP error pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from community.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was broken. The message is in the user's language and says what to do.

    ``field`` names the form field the view should attach the message to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    """The acting user may not do this."""


class Conflict(DomainError):
    """The action clashes with the current state (already a member, already used, ...)."""


#: Machine interfaces under their own path prefix answer errors in their own format (the API's problem
#: details, Open311's error list) instead of an HTML page: ``prefix -> render(status, detail, extra)``.
_EDGES: dict[str, Callable[[int, str | None, dict[str, Any] | None], Response]] = {}


def register_edge(prefix: str, render: Callable[[int, str | None, dict[str, Any] | None], Response]) -> None:
    _EDGES[prefix] = render


def _edge() -> Callable[[int, str | None, dict[str, Any] | None], Response] | None:
    for prefix, render in _EDGES.items():
        if request.path.startswith(prefix):
            return render
    return None


def _wants_json() -> bool:
    return request.path == "/healthz" or request.accept_mimetypes.best == "application/json"


#: What PostgreSQL (SQLSTATE) and SQLite say when a unique key or a reference is broken.
_RACE_STATES = {"23505", "23503"}
_RACE_MESSAGES = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed")


def _is_race(exc: IntegrityError) -> bool:
    """A unique key written twice, or a row referred to that was just deleted: what two requests at the
    same moment leave behind when one slips past a check. Other integrity errors are bugs."""
    state = getattr(exc.orig, "sqlstate", None)
    return state in _RACE_STATES if state else str(exc.orig).startswith(_RACE_MESSAGES)


def _render(code: int, *, bare: bool = False):
    return render_template("errors/error.html", code=code, bare=bare), code


def configure_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):
        return _render(400)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if (edge := _edge()) is not None:
            data = getattr(exc, "data", None) or {}
            detail = exc.description if exc.description != type(exc).description else None
            response = edge(exc.code, detail, data.get("messages") if isinstance(data, dict) else None)
            for name, value in exc.get_headers():
                if name.lower() not in ("content-type", "content-length"):
                    response.headers[name] = value
            return response
        if _wants_json():
            return jsonify(error=exc.name), exc.code
        code = exc.code if exc.code in {400, 403, 404, 405, 409, 413, 429, 503} else 400
        response = _render(code)
        if exc.code == 405:  # keep the Allow header
            return exc.get_response().__class__(response[0], 405, exc.get_headers())
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        log.error("database unavailable: %s", exc.orig)
        db.session.rollback()
        if (edge := _edge()) is not None:
            return edge(503, None, None)
        return _render(503, bare=True)

    @app.errorhandler(IntegrityError)
    def already_done(exc: IntegrityError):
        """The services keep every unique rule under concurrent requests (row locks, upserts); should one
        still slip through, the person learns it was already done: a 409, never a 500."""
        if not _is_race(exc):
            return unexpected(exc)
        log.warning("concurrent change on %s %s: %s", request.method, request.path, exc.orig)
        db.session.rollback()
        if (edge := _edge()) is not None:
            return edge(409, None, None)
        if _wants_json():
            return jsonify(error="Conflict"), 409
        return _render(409)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if (edge := _edge()) is not None:
            return edge(500, None, None)
        return _render(500, bare=True)
