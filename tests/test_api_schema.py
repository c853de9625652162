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

from community import geo
from community.api import tokens
from community.api.models import Scope
from community.db import utcnow
from community.engagement.services import consultations, ideas, meetings, qa
from community.extensions import db
from community.helpdesk.services import sessions
from community.maintenance.models import FacilityKind, FaultCategory
from community.maintenance.services import facilities, faults
from community.villages.models import HelpCategory, PostKind
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


def test_every_schema_the_api_defines_is_in_its_document(client):
    """No shape is defined and never served (an unused schema misleads whoever reads the code): each
    body schema of ``community.api.schemas`` is a component of the OpenAPI document; the argument
    schemas (``…Args``) are its query parameters."""
    import inspect

    from marshmallow import Schema

    from community.api import schemas

    document = client.get("/api/openapi.json").json
    components = set(document["components"]["schemas"])
    defined = {
        name.removesuffix("Schema")
        for name, found in vars(schemas).items()
        if inspect.isclass(found)
        and issubclass(found, Schema)
        and found.__module__ == schemas.__name__
        and name.endswith("Schema")
    }
    assert defined and defined <= components, sorted(defined - components)
    operations = [op for path in document["paths"].values() for op in path.values()]
    parameters = {
        p.get("name") for op in operations if isinstance(op, dict) for p in op.get("parameters", [])
    }
    for name, found in vars(schemas).items():
        if inspect.isclass(found) and issubclass(found, Schema) and name.endswith("Args"):
            assert set(found().fields) <= parameters, name


@pytest.fixture
def fuzz_app(app, db, village, municipality, make_user):
    """Stilling with an event, a poll, a help request and a comment; a facility with a closure and a
    fault report; a drop-in session with a booking; an idea, a consultation, a citizen meeting and a
    Q&A hour; and a member's read-and-write token. Every list then answers with items, so the schemas
    of the items are checked, not only those of empty lists."""
    staff = make_user(name="Mette", staff_of=municipality)
    stilling = geo.resolve("Stilling")
    now = utcnow().replace(microsecond=0)
    event = post_service.create_post(
        village.space,
        by=village.hanne,
        data=post_service.PostInput(kind=PostKind.EVENT, title="Fest", starts_at=now + timedelta(days=1)),
    )
    poll = post_service.create_post(
        village.space,
        by=village.hanne,
        data=post_service.PostInput(kind=PostKind.POLL, title="Hvornår?", poll_options=["Lørdag", "Søndag"]),
    )
    help_request = post_service.create_post(
        village.space,
        by=village.anne,
        data=post_service.PostInput(
            kind=PostKind.HELP_REQUEST,
            title="Kørsel til lægen",
            help_category=HelpCategory.TRANSPORT,
            place=stilling,
        ),
    )
    comments.add_comment(poll, village.space, by=village.jens, body="Lørdag")
    pitch = facilities.create_facility(
        municipality,
        facilities.FacilityInput(
            name="Stilling Stadion", kind=FacilityKind.GRASS_PITCH, latitude=56.066, longitude=10.003
        ),
        by=None,
    )
    facilities.close_facility(
        pitch, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2), reason="Vand", by=staff
    )
    fault = faults.report_fault(
        municipality,
        faults.FaultInput(category=FaultCategory.GOAL_NET, description="Nettet er revet.", facility=pitch),
        by=village.jens,
    )
    drop_in = sessions.create_sessions(
        municipality.id,
        by=staff,
        title="IT-café",
        place=geo.resolve("Skanderborg"),
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=2),
        seats=4,
        topics=[],
    )[0]
    sessions.book(drop_in, by=village.anne)
    idea = ideas.submit(
        municipality, ideas.IdeaInput(title="Shelter ved søen", body="Til spejderne"), by=village.jens
    )
    consultation = consultations.create_consultation(
        municipality,
        by=staff,
        title="Genbrugsplads",
        description="Hvor?",
        deadline=now + timedelta(days=7),
        sites=[consultations.SiteInput("Nord", 56.10, 9.76), consultations.SiteInput("Syd", 56.07, 9.75)],
    )
    meeting = meetings.create_meeting(
        municipality,
        by=staff,
        title="Borgermøde",
        opens_at=now + timedelta(hours=1),
        closes_at=now + timedelta(hours=3),
        topics=[("Trafik", "")],
    )
    hour = qa.create_session(
        municipality,
        qa.SessionInput(
            title="Spørgetime",
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=1),
            host_ids=[staff.id],
        ),
        by=staff,
    )
    _made, secret = tokens.create_personal(
        village.jens, name="fuzz", scopes=[Scope.READ, Scope.WRITE], days=7, municipality_id=None
    )
    db.session.commit()
    app.config["RATELIMIT_ENABLED"] = False
    app.extensions["faelled_fuzz_token"] = secret
    app.extensions["faelled_fuzz_ids"] = {
        "slug": village.space.slug,
        "municipality": municipality.slug,
        "post_id": event.id,
        "facility_id": pitch.id,
        "report_id": fault.id,
        "idea_id": idea.id,
        "help": (help_request.id, stilling.lat, stilling.lon),
        "seeded": {
            "/api/v1/faults": fault.id,
            "/api/v1/facilities": pitch.id,
            "/api/v1/helpdesk/sessions": drop_in.id,
            "/api/v1/engagement/ideas": idea.id,
            "/api/v1/engagement/consultations": consultation.id,
            "/api/v1/engagement/meetings": meeting.id,
            "/api/v1/engagement/qa": hour.id,
        },
    }
    try:
        yield app
    finally:
        app.config["RATELIMIT_ENABLED"] = True


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, status_code_conformance]


def test_the_api_under_fuzzing(fuzz_app):
    """Every operation, 25 generated requests each (derandomized: the same ones every run), with a
    member's read-and-write token; first every read once at the seeded items (their lists are not
    empty, so the items' schemas are checked)."""
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {fuzz_app.extensions['faelled_fuzz_token']}"}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 15
    seeded = fuzz_app.extensions["faelled_fuzz_ids"]
    help_id, lat, lon = seeded["help"]
    client = fuzz_app.test_client()
    for path, item_id in seeded["seeded"].items():
        items = client.get(path, headers=headers).json["items"]
        assert item_id in [i["id"] for i in items], path
    nearby = client.get(f"/api/v1/help/nearby?lat={lat}&lon={lon}", headers=headers).json["items"]
    assert [n["post"]["id"] for n in nearby] == [help_id]
    for operation in operations:
        if operation.method.upper() != "GET":
            continue
        values = {p.name: seeded[p.name] for p in operation.path_parameters}
        if operation.path.startswith("/api/v1/municipalities/"):
            values["slug"] = seeded["municipality"]
        case = operation.Case(
            path_parameters=values,
            query={"lat": lat, "lon": lon} if operation.path.endswith("/help/nearby") else {},
            headers=headers,
        )
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200, (operation.path, response.text)
        db.session.rollback()
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
