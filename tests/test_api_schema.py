"""The OpenAPI document is valid OpenAPI 3.1, and schemathesis fuzzes every operation of /api/v1 in
process (WSGI) with a bounded, deterministic number of examples: no 500, no response that breaks the
schema it is documented with, no content type the document does not name. Runs on SQLite and, with
COMMUNITY_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from community.api import tokens
from community.api.models import Scope
from community.db import utcnow
from community.extensions import db
from community.villages.models import PostKind
from community.villages.services import comments
from community.villages.services import posts as post_service


def test_the_openapi_document_is_valid_openapi_3_1(client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"
    validate(document)
    paths = document["paths"]
    for path in (
        "/api/v1/spaces/{slug}/posts",
        "/api/v1/spaces/{slug}/posts/{post_id}/comments",
        "/api/v1/spaces/{slug}/posts/{post_id}/rsvp",
        "/api/v1/spaces/{slug}/events",
        "/api/v1/help/nearby",
        "/api/v1/helpdesk/sessions",
        "/api/v1/facilities/{facility_id}/schedule",
        "/api/v1/faults",
    ):
        assert path in paths, path
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    error = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert "application/problem+json" in error


@pytest.fixture
def fuzz_app(app, db, village):
    """Stilling with an event, a poll and a comment, and a member's read-and-write token."""
    post_service.create_post(
        village.space,
        by=village.hanne,
        data=post_service.PostInput(
            kind=PostKind.EVENT, title="Fest", starts_at=utcnow() + timedelta(days=1)
        ),
    )
    poll = post_service.create_post(
        village.space,
        by=village.hanne,
        data=post_service.PostInput(kind=PostKind.POLL, title="Hvornår?", poll_options=["Lørdag", "Søndag"]),
    )
    comments.add_comment(poll, village.space, by=village.jens, body="Lørdag")
    _made, secret = tokens.create_personal(
        village.jens, name="fuzz", scopes=[Scope.READ, Scope.WRITE], days=7, municipality_id=None
    )
    db.session.commit()
    app.config["RATELIMIT_ENABLED"] = False
    app.extensions["faelled_fuzz_token"] = secret
    try:
        yield app
    finally:
        app.config["RATELIMIT_ENABLED"] = True


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]


def test_the_api_under_fuzzing(fuzz_app):
    """Every operation, 25 generated requests each (derandomized: the same ones every run), with a
    member's read-and-write token."""
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {fuzz_app.extensions['faelled_fuzz_token']}"}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                db.session.rollback()

        run()
