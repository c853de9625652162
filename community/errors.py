"""Domain errors raised by services, and the HTTP error pages."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
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


def _wants_json() -> bool:
    return request.path == "/healthz" or request.accept_mimetypes.best == "application/json"


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
        if _wants_json():
            return jsonify(error=exc.name), exc.code
        code = exc.code if exc.code in {400, 403, 404, 405, 413, 429, 503} else 400
        response = _render(code)
        if exc.code == 405:  # keep the Allow header
            return exc.get_response().__class__(response[0], 405, exc.get_headers())
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        log.error("database unavailable: %s", exc.orig)
        db.session.rollback()
        return _render(503, bare=True)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _render(500, bare=True)
