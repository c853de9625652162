"""Errors of the JSON API as problem details (RFC 9457): ``application/problem+json`` with ``type``,
``title``, ``status`` and ``detail``, and ``errors`` (field -> messages) for a body or query that does
not validate. One shape for every error, a 500 included, so a client needs one error path."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json, request

PROBLEM = "application/problem+json"

#: Codes (an extension member, ``code``) that let a client tell problems apart without reading prose:
#: ``invalid_token`` (missing, unknown, expired or revoked: 401), ``insufficient_scope`` (403),
#: ``validation`` (400, with ``errors``), ``rule`` (a rule of the domain refused it: 400/403/409).
CODES = ("invalid_token", "insufficient_scope", "validation", "rule")


def _flatten(messages: Any) -> dict[str, list[str]]:
    """webargs gives ``{"json": {"title": ["…"]}}`` (by location); clients want the field."""
    if not isinstance(messages, dict):
        return {"_": [str(messages)]}
    found: dict[str, list[str]] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict) and location in ("json", "query", "form", "headers", "view_args"):
            for name, value in fields.items():
                found[str(name)] = value if isinstance(value, list) else [str(value)]
        else:
            found[str(location)] = fields if isinstance(fields, list) else [str(fields)]
    return found


def problem(
    status: int,
    detail: str | None = None,
    errors: Any = None,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": phrase, "status": status}
    if errors is not None:
        body["errors"] = _flatten(errors)
        kind = kind or "validation"
        if detail is None:
            detail = "The request does not validate: see errors for each field."
    if detail:
        body["detail"] = detail
    if kind:
        body["code"] = kind
    body["instance"] = request.path
    body.update(extra or {})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def edge_problem(status: int, detail: str | None, errors: Any) -> Response:
    """The app's error handlers call this for every error under ``/api/`` (``errors.register_edge``)."""
    if status == 500:
        detail = "Something went wrong on our side. It is logged; try again later."
    return problem(status, detail, errors)
