"""Open311 GeoReport v2 at /open311/v2: every resource in XML and JSON with the elements of the
specification's own examples (tests/fixtures/open311), the spec's errors, jurisdiction_id as the
municipality, the standard filters and keyset pages of GET requests, and POST through the same fault
service as the web form."""

from __future__ import annotations

import json
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from community.api import tokens
from community.api.models import Open311Request, TokenKind
from community.db import utcnow
from community.extensions import db
from community.maintenance.models import FaultCategory, FaultReport, FaultStatus
from community.maintenance.services import faults
from community.moderation.models import ModerationState
from tests.test_maintenance_journey import build_pitches

SPEC = Path(__file__).parent / "fixtures" / "open311"


@pytest.fixture
def pitches(municipality, make_space, make_user, member):
    return build_pitches(municipality, make_space, make_user, member)


def _key(municipality, by, kind=TokenKind.OPEN311) -> str:
    _made, secret = tokens.create_municipal(municipality, kind, name="Hul i vejen", days=365, by=by)
    db.session.commit()
    return secret


def _report(pitches, *, category=FaultCategory.POTHOLE, place="Ry", when=None, by=None):
    from community import geo

    found = geo.resolve(place)
    report = faults.report_fault(
        pitches.municipality,
        faults.FaultInput(
            category=category,
            description="Stort hul i stien.",
            latitude=found.lat,
            longitude=found.lon,
            place_label=found.label,
        ),
        by=by or pitches.jens,
    )
    if when is not None:
        report.created_at = when
    db.session.commit()
    return report


def _shape(element: ET.Element) -> list:
    """The element names, nested, in order; values left out."""
    return [(child.tag, _shape(child)) for child in element]


def _xml(response) -> ET.Element:
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.data)


def _spec_xml(name: str) -> ET.Element:
    return ET.parse(SPEC / name).getroot()


def _spec_json(name: str):
    return json.loads((SPEC / name).read_text())


def _subsequence(ours: list[str], spec: list[str]) -> bool:
    """Every element of the spec's example, in its order, among ours (which may carry more)."""
    position = iter(ours)
    return all(name in position for name in spec)


# --- the spec's example documents ------------------------------------------------------------------


def test_services_have_the_specs_elements_in_both_formats(client, pitches):
    ours = _xml(client.get("/open311/v2/services.xml"))
    spec = _spec_xml("services.xml")
    assert ours.tag == spec.tag == "services"
    assert _shape(ours[0]) == _shape(spec[0])
    codes = [s.findtext("service_code") for s in ours]
    assert codes == [c.value for c in FaultCategory] and "pothole" in codes
    listed = client.get("/open311/v2/services.json").json
    assert listed[0].keys() == _spec_json("services.json")[0].keys()
    assert {s["metadata"] for s in listed} == {True} and {s["type"] for s in listed} == {"realtime"}


def test_a_service_definition_has_the_specs_elements(client, pitches):
    ours = _xml(client.get("/open311/v2/services/goal_net.xml"))
    spec = _spec_xml("service_definition.xml")
    assert ours.tag == spec.tag and [c.tag for c in ours] == [c.tag for c in spec]
    assert _shape(ours.find("attributes/attribute")) == _shape(spec.find("attributes/attribute"))
    names = [v.findtext("name") for v in ours.findall("attributes/attribute/values/value")]
    assert "Stilling Stadion, bane 1" in names  # the municipality's facilities are the values
    as_json = client.get("/open311/v2/services/goal_net.json").json
    assert as_json.keys() == _spec_json("service_definition.json").keys()
    assert as_json["attributes"][0].keys() == _spec_json("service_definition.json")["attributes"][0].keys()


def test_requests_have_the_specs_elements_and_statuses(client, pitches):
    report = _report(pitches)
    ours = _xml(client.get("/open311/v2/requests.xml"))
    spec = _spec_xml("requests.xml")
    assert ours.tag == spec.tag == "service_requests"
    assert _shape(ours[0]) == _shape(spec[0])
    assert ours[0].findtext("service_request_id") == str(report.id)
    assert ours[0].findtext("status") == "open" and ours[0].findtext("service_code") == "pothole"
    assert ours[0].findtext("requested_datetime").endswith(("+01:00", "+02:00"))
    as_json = client.get("/open311/v2/requests.json").json
    assert list(as_json[0].keys()) == list(_spec_json("requests.json")[0].keys())
    one = client.get(f"/open311/v2/requests/{report.id}.json").json
    assert one == as_json


def test_a_fixed_report_is_closed_with_its_note(client, pitches):
    report = _report(pitches)
    faults.update(report, by=pitches.mette, status=FaultStatus.FIXED, note="Hullet er lappet.")
    db.session.commit()
    (item,) = client.get("/open311/v2/requests.json").json
    assert item["status"] == "closed" and item["status_notes"] == "Hullet er lappet."
    assert item["agency_responsible"] == "Skanderborg Kommune"


def test_errors_have_the_specs_format(client, pitches):
    ours = _xml(client.get("/open311/v2/requests/999999.xml"))
    spec = _spec_xml("errors.xml")
    assert ours.tag == spec.tag == "errors" and _shape(ours) == _shape(spec)
    assert ours.findtext("error/code") == "404"
    as_json = client.get("/open311/v2/requests/999999.json")
    assert as_json.status_code == 404 and as_json.json[0].keys() == _spec_json("errors.json")[0].keys()


def test_discovery_names_the_endpoint_and_formats(client, pitches):
    ours = client.get("/open311/v2/discovery.json").json
    assert ours.keys() == _spec_json("discovery.json").keys()
    assert ours["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    xml = _xml(client.get("/open311/v2/discovery.xml"))
    assert [f.text for f in xml.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_an_unknown_format_is_a_404_in_the_specs_error_format(client, pitches):
    response = client.get("/open311/v2/services.csv")
    assert response.status_code == 404 and response.json[0]["code"] == 404


# --- jurisdiction and filters ----------------------------------------------------------------------


def test_jurisdiction_id_is_the_municipality(client, pitches):
    assert client.get("/open311/v2/services.json?jurisdiction_id=skanderborg-kommune").status_code == 200
    wrong = client.get("/open311/v2/requests.xml?jurisdiction_id=aarhus")
    assert wrong.status_code == 400 and "jurisdiction_id" in _xml(wrong).findtext("error/description")


def test_the_standard_filters(client, pitches):
    old = _report(pitches, when=utcnow() - timedelta(days=200))
    pothole = _report(pitches)
    net = _report(pitches, category=FaultCategory.GOAL_NET, place="Stilling")
    faults.update(net, by=pitches.mette, status=FaultStatus.FIXED, note="")
    db.session.commit()

    def ids(query: str) -> list[int]:
        return [int(r["service_request_id"]) for r in client.get(f"/open311/v2/requests.json?{query}").json]

    assert ids("") == [net.id, pothole.id]  # the last 90 days by default
    assert ids("service_code=pothole") == [pothole.id]
    assert ids("status=closed") == [net.id] and ids("status=open") == [pothole.id]
    assert ids(f"service_request_id={old.id},{net.id}") == [net.id, old.id]
    start = (utcnow() - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"start_date={start}") == [net.id, pothole.id, old.id]


@pytest.mark.parametrize(
    "query",
    [
        "service_code=spaceship",
        "status=pending",
        "start_date=yesterday",
        "start_date=2027-01-01T10:00:00",
        "page_size=0",
    ],
)
def test_a_bad_filter_is_a_400_with_the_reason(client, pitches, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400 and response.json[0]["code"] == 400 and response.json[0]["description"]


def test_requests_page_with_keyset_links(client, pitches):
    made = [_report(pitches) for _ in range(5)]
    seen, url = [], "/open311/v2/requests.json?page_size=2"
    while url:
        response = client.get(url)
        seen += [int(r["service_request_id"]) for r in response.json]
        link = response.headers.get("Link")
        url = link.split(";")[0].strip("<>").split("localhost", 1)[1] if link else None
    assert seen == [r.id for r in reversed(made)]


def test_hidden_reports_are_not_listed(client, pitches):
    report = _report(pitches)
    report.moderation_state = ModerationState.HIDDEN
    db.session.commit()
    assert client.get("/open311/v2/requests.json").json == []
    assert client.get(f"/open311/v2/requests/{report.id}.json").status_code == 404


# --- POST ------------------------------------------------------------------------------------------


def _spec_post(**changes: str) -> dict[str, str]:
    """The spec's example POST, moved to Denmark: a real service code, a place in the municipality."""
    form = dict(parse_qsl((SPEC / "post_request.txt").read_text().strip()))
    form.update(service_code="pothole", lat="56.1500", long="9.7800", address_string="Ry")
    form.pop("attribute[WHISETN]", None)
    form.pop("attribute[WHISETO]", None)
    form.update(changes)
    return form


def test_the_specs_example_post_makes_the_same_fault_report_as_the_form(client, login, pitches, outbox):
    key = _key(pitches.municipality, pitches.mette)
    response = client.post("/open311/v2/requests.xml", data=_spec_post(api_key=key))
    assert response.status_code == 201, response.data
    ours = _xml(response)
    spec = _spec_xml("post_response.xml")
    assert ours.tag == spec.tag
    assert _subsequence([c.tag for c in ours[0]], [c.tag for c in spec[0]])
    report_id = int(ours.findtext("request/service_request_id"))
    report = db.session.get(FaultReport, report_id)
    assert (
        report.category == FaultCategory.POTHOLE
        and report.description == "A large sinkhole is destroying the street"
    )
    assert report.routed_space_id is None  # a place, not a facility: the municipality handles it
    assert report.reporter_email == "smit222@sfgov.edu" and report.reporter_name == "john smith"
    # As from the form: the reporter gets the private follow link, the municipality's staff are told.
    assert sorted(m["To"] for m in outbox()) == ["mette@example.org", "smit222@sfgov.edu"]
    # The public list shows it, requests.xml has it, and staff see it on the maintenance overview (a
    # place, not a facility: in the table of open reports at a place, and on the map).
    assert f"/maintenance/faults/{report_id}" in client.get("/maintenance/faults/").text
    listed = _xml(client.get("/open311/v2/requests.xml"))
    assert str(report_id) in [r.findtext("service_request_id") for r in listed]
    login(pitches.mette)
    overview = client.get("/maintenance/overview", headers={"Accept-Language": "en"})
    assert overview.status_code == 200
    table = overview.text.split('id="places-heading"', 1)[1].split("</table>", 1)[0]
    assert f'href="/maintenance/faults/{report_id}">Pothole</a>' in table
    assert ">Ry</td>" in table and ">today</td>" in table and ">Received</span>" in table
    map_points = overview.text.split("data-points='", 1)[1].split("'", 1)[0]
    assert f"/maintenance/faults/{report_id}" in unescape(map_points)
    token = ours.findtext("request/token")
    looked_up = _xml(client.get(f"/open311/v2/tokens/{token}.xml"))
    assert _shape(looked_up) == _shape(_spec_xml("tokens.xml"))
    assert looked_up.findtext("request/service_request_id") == str(report_id)
    assert db.session.scalar(sa.select(Open311Request)).report_id == report_id


def test_a_post_at_a_facility_is_routed_to_its_contractor(client, pitches):
    key = _key(pitches.municipality, pitches.mette)
    facility = pitches.pitch1
    response = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "goal_net",
            "description": "Nettet er revet.",
            "attribute[facility]": str(facility.id),
        },
    )
    assert response.status_code == 201, response.json
    report = db.session.get(FaultReport, int(response.json[0]["service_request_id"]))
    assert report.facility_id == facility.id and report.routed_space_id == pitches.network.id


def test_a_post_names_similar_open_reports_nearby(client, pitches):
    existing = _report(pitches)
    key = _key(pitches.municipality, pitches.mette)
    response = client.post(
        "/open311/v2/requests.json",
        data={"api_key": key, "service_code": "pothole", "description": "Hul.", "address_string": "Ry"},
    )
    assert response.status_code == 201 and str(existing.id) in response.json[0]["service_notice"]


@pytest.mark.parametrize(
    "changes,status,says",
    [
        ({"api_key": "fld_wrong"}, 403, "Invalid api_key"),
        ({"service_code": "spaceship"}, 400, "service_code"),
        ({"lat": "55.6761", "long": "12.5683", "address_string": ""}, 400, "outside"),
        ({"jurisdiction_id": "aarhus"}, 400, "jurisdiction_id"),
        ({"colour": "red"}, 400, "Unknown field"),
        ({"lat": "north"}, 400, "lat"),
        ({"description": ""}, 400, "description"),
    ],
    ids=["key", "code", "outside", "jurisdiction", "unknown", "lat", "description"],
)
def test_a_bad_post_is_refused_with_the_reason_and_nothing_is_made(client, pitches, changes, status, says):
    key = _key(pitches.municipality, pitches.mette)
    data = _spec_post(api_key=key)
    data.update(changes)
    response = client.post("/open311/v2/requests.json", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == status and says in response.json[0]["description"]
    assert db.session.scalars(sa.select(FaultReport)).all() == []


def test_a_website_read_token_is_not_an_open311_key(client, pitches):
    site = _key(pitches.municipality, pitches.mette, kind=TokenKind.SITE)
    response = client.post("/open311/v2/requests.json", data=_spec_post(api_key=site))
    assert response.status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_cursor_that_is_not_one_of_the_lists_is_a_400(client, pitches, fmt):
    _report(pitches)
    response = client.get(f"/open311/v2/requests.{fmt}?cursor=garbage")
    assert response.status_code == 400
    if fmt == "json":
        assert response.json[0]["code"] == 400 and "cursor" in response.json[0]["description"]
    else:
        assert _xml(response).findtext("error/code") == "400"
        assert "cursor" in _xml(response).findtext("error/description")
    assert client.get("/open311/v2/requests.json?cursor=").status_code == 200


def test_a_post_without_jurisdiction_id_is_for_the_keys_own_municipality(client, pitches, make_user):
    """A key of a second municipality served here (not the installation's default) posts without
    jurisdiction_id: the report is its municipality's; naming another jurisdiction is still refused."""
    from community import geo
    from community.spaces import services as space_services

    horsens_place = geo.resolve("Horsens")
    horsens = space_services.create_municipality(name="Horsens Kommune", place=horsens_place)
    staff = make_user("horsens@example.org", name="Henrik", staff_of=horsens)
    key = _key(horsens, staff)
    form = {
        "api_key": key,
        "service_code": "pothole",
        "description": "Hul i vejen ved havnen.",
        "lat": str(horsens_place.lat),
        "long": str(horsens_place.lon),
    }
    response = client.post("/open311/v2/requests.json", data=form, headers={"Accept-Language": "en"})
    assert response.status_code == 201, response.json
    report = db.session.get(FaultReport, int(response.json[0]["service_request_id"]))
    assert report.municipality_id == horsens.id
    listed = client.get("/open311/v2/requests.json?jurisdiction_id=horsens-kommune").json
    assert [r["service_request_id"] for r in listed] == [str(report.id)]
    named = client.post("/open311/v2/requests.json", data={**form, "jurisdiction_id": "horsens-kommune"})
    assert named.status_code == 201
    other = client.post(
        "/open311/v2/requests.json", data={**form, "jurisdiction_id": pitches.municipality.slug}
    )
    assert other.status_code == 400 and "jurisdiction_id does not match" in other.json[0]["description"]
    assert db.session.scalar(sa.select(sa.func.count(FaultReport.id))) == 2


def test_the_json_answer_to_a_post_has_the_specs_shape(client, pitches):
    """As post_response.json: a list of one object with the spec's keys in the spec's order (ours adds
    the token the spec allows), account_id null, the notice a sentence; the id the one requests names."""
    key = _key(pitches.municipality, pitches.mette)
    response = client.post("/open311/v2/requests.json", data=_spec_post(api_key=key))
    assert response.status_code == 201 and response.content_type == "application/json; charset=utf-8"
    ours, spec = response.json, _spec_json("post_response.json")
    assert isinstance(ours, list) and len(ours) == len(spec) == 1
    assert _subsequence(list(ours[0]), list(spec[0])) and set(ours[0]) - set(spec[0]) == {"token"}
    assert ours[0]["account_id"] is None and spec[0]["account_id"] is None
    assert isinstance(ours[0]["service_notice"], str) and ours[0]["service_notice"]
    assert ours[0]["service_request_id"].isdigit() and ours[0]["token"]
    (listed,) = client.get("/open311/v2/requests.json").json
    assert listed["service_request_id"] == ours[0]["service_request_id"]
    looked_up = client.get(f"/open311/v2/tokens/{ours[0]['token']}.json").json
    assert looked_up[0].keys() == _spec_json("tokens.json")[0].keys()
    assert looked_up[0]["service_request_id"] == ours[0]["service_request_id"]
