"""The open interfaces: ``/api/v1`` (a versioned JSON API described by OpenAPI 3.1, browsable at
``/api/docs``) and ``/open311/v2`` (GeoReport v2 for fault reports), over the same services and
permission predicates as the HTML views, with bearer tokens instead of cookies."""

from __future__ import annotations

import http

from flask import Flask, current_app
from flask_limiter import ExemptionScope
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

PROBLEM = "application/problem+json"


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    code = fields.String(metadata={"description": "invalid_token, insufficient_scope, validation or rule"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "field -> messages"},
    )
    similar = fields.List(fields.Dict(), metadata={"description": "similar open fault reports nearby"})


class Api(SmorestApi):
    """flask-smorest, chosen over APIFlask because it is an extension of the Flask app we have (our own
    ``Flask`` subclass and app factory stay as they are; APIFlask wants to be the app class), and it
    brings ETags, marshmallow schemas and an OpenAPI 3.1 document generated from the views. Its global
    JSON error handler is left out: the HTML pages keep theirs, and ``/api/`` answers every error as
    problem details through ``community.errors.register_edge``."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = Api()

SETTINGS = {
    "API_TITLE": "Fælled API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def _limit() -> str:
    from community.api.auth import _resolve
    from community.api.models import ApiToken

    key = "API_RATE_LIMIT" if isinstance(_resolve(), ApiToken) else "API_RATE_LIMIT_ANONYMOUS"
    return current_app.config[key]


def init_app(app: Flask) -> None:
    from community.api import open311, pages, privacy  # noqa: F401 (privacy: signal receivers)
    from community.api.auth import rate_key
    from community.api.problems import edge_problem
    from community.api.v1 import bp as v1
    from community.errors import register_edge
    from community.extensions import csrf, limiter

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api.init_app(
        app,
        spec_kwargs={
            "info": {
                "description": "Read what the web pages show (the same visibility: members-only content "
                "needs a member's token) and write posts, comments, answers and fault reports. "
                "Authenticate with `Authorization: Bearer <token>`; create a token on your profile. "
                "Errors are problem details (RFC 9457). Lists are keyset pages: follow `next`.",
            },
            "security": [{}, {"bearerAuth": []}],
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "A token made on your profile"}
    )
    for blueprint in (v1, open311.bp):
        csrf.exempt(blueprint)  # a token (or an API key), never a cookie: nothing to forge
        # Not the HTML pages' limits (application and default ones), but its own, per token:
        limiter.exempt(blueprint, flags=ExemptionScope.APPLICATION | ExemptionScope.DEFAULT)
    limiter.limit(_limit, key_func=rate_key, scope="api")(v1)
    limiter.limit(
        lambda: current_app.config["OPEN311_RATE_LIMIT"], key_func=open311.rate_key, scope="open311"
    )(open311.bp)
    api.register_blueprint(v1)
    app.register_blueprint(open311.bp)
    app.register_blueprint(pages.bp)
    register_edge("/api/", edge_problem)
    register_edge("/open311/", open311.edge_error)
