"""Open311 GeoReport v2 at ``/open311/v2`` for the maintenance package's fault reports.

The spec's resources, field names, status values (``open``, ``closed``) and error format, in XML and
JSON (``.xml``/``.json`` on every resource): ``discovery``, ``services`` (the fault categories),
``services/{code}`` (their one attribute: the facility), ``requests`` (GET with the standard filters,
keyset pages with a ``Link: rel="next"`` header; POST with an API key a member of staff issued),
``requests/{id}`` and ``tokens/{token}``. ``jurisdiction_id`` is a municipality's slug.

A report posted here is the same fault report as one from the web form: the same service function
routes it to whoever fixes it, looks for open reports of the same kind nearby (named in the
``service_notice``), tells the handlers and keeps its status."""

from __future__ import annotations

import json as stdjson
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, g, request, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy.orm import selectinload

from community import geo
from community.api import tokens
from community.api.models import ApiToken, Open311Request, Scope, TokenKind
from community.db import utcnow
from community.errors import DomainError
from community.extensions import db
from community.forms import small_int
from community.i18n import local_zone
from community.maintenance.models import (
    FAULT_CATEGORY_LABELS,
    OPEN_FAULT_STATUSES,
    Facility,
    FaultCategory,
    FaultReport,
    FaultStatus,
    FaultUpdate,
)
from community.maintenance.services import faults as fault_service
from community.maintenance.services.facilities import facilities_of
from community.moderation.permissions import public_clause
from community.pagination import decode, encode, keyset
from community.spaces.models import Municipality
from community.spaces.tenancy import current_municipality

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

FORMATS = "any(json,xml)"
XML = "text/xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
#: The spec's ceiling for one answer of ``GET requests``; pages are smaller by default.
MAX_PAGE = 1000
DEFAULT_PAGE = 200
#: Without a ``start_date``, ``GET requests`` covers the 90 days before ``end_date`` (the spec's rule).
DEFAULT_WINDOW = timedelta(days=90)
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Descriptions of the categories for the service list (a sentence people see in an app).
DESCRIPTIONS = {
    FaultCategory.GOAL_NET: "Goals and nets on pitches that are torn, loose or missing.",
    FaultCategory.LIGHTING: "Floodlights and lamps on paths, pitches and playgrounds that are out.",
    FaultCategory.POTHOLE: "Holes and damage in roads, paths and car parks.",
    FaultCategory.LITTER: "Litter, full bins and dumped waste.",
    FaultCategory.PLAYGROUND_EQUIPMENT: "Broken or unsafe swings, slides and other playground equipment.",
    FaultCategory.OTHER: "Anything else that is broken in a public place.",
}
GROUPS = {
    FaultCategory.GOAL_NET: "sports",
    FaultCategory.LIGHTING: "lighting",
    FaultCategory.POTHOLE: "roads",
    FaultCategory.LITTER: "cleaning",
    FaultCategory.PLAYGROUND_EQUIPMENT: "playgrounds",
    FaultCategory.OTHER: "other",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


# --- serialising -----------------------------------------------------------------------------------


def _fmt() -> str:
    return "xml" if request.path.endswith(".xml") else "json"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_UNSAFE.sub("", str(value))


def _element(tag: str, value: Any) -> ET.Element:
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            node.append(_element(key, inner))
    elif isinstance(value, list):
        child = {"formats": "format", "endpoints": "endpoint", "values": "value", "attributes": "attribute"}
        for inner in value:
            node.append(_element(child.get(tag, "item"), inner))
    else:
        node.text = _text(value)
    return node


def render(
    root: str, item: str | None, data: Any, *, status: int = 200, headers: dict[str, str] | None = None
):
    """One document in the format the path asks for: JSON as the spec shows it (a list of objects, or
    an object), XML with the spec's root and element names (``<services><service>…``)."""
    if _fmt() == "json":
        # The spec's key order (Flask's own JSON would sort them).
        response = Response(stdjson.dumps(data, ensure_ascii=False), status=status, content_type=JSON)
    else:
        if item is None:
            node = _element(root, data)
        else:
            node = ET.Element(root)
            for entry in data:
                node.append(_element(item, entry))
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
            node, encoding="utf-8", xml_declaration=False
        )
        response = Response(body, status=status, content_type=XML)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status: int, description: str) -> Response:
    """The spec's error format: ``[{"code": 400, "description": "…"}]`` or ``<errors><error>…``."""
    return render("errors", "error", [{"code": status, "description": description}], status=status)


def edge_error(status: int, detail: str | None, _errors: Any) -> Response:
    """Every error under ``/open311/`` (``community.errors.register_edge``)."""
    messages = {
        404: "Not found: no such resource or format (use .json or .xml).",
        405: "Method not allowed.",
        429: "Too many requests: slow down and try again in a minute.",
        500: "Something went wrong on our side. It is logged; try again later.",
    }
    return error_response(status, detail or messages.get(status, "The request could not be handled."))


@bp.errorhandler(Open311Error)
def _open311_error(exc: Open311Error):
    db.session.rollback()
    return error_response(exc.status, exc.description)


def rate_key() -> str:
    key = request.values.get("api_key") if request.method == "POST" else None
    return f"open311-key:{tokens.token_hash(key)[:16]}" if key else f"open311-ip:{get_remote_address()}"


# --- tenancy and values ----------------------------------------------------------------------------


def jurisdiction() -> Municipality:
    """``jurisdiction_id`` names a municipality by its slug; without it, the request's own."""
    wanted = request.values.get("jurisdiction_id")
    if wanted is not None and wanted != "":
        found = db.session.scalar(sa.select(Municipality).where(Municipality.slug == wanted.strip().lower()))
        if found is None:
            raise Open311Error(
                400, f"jurisdiction_id '{_text(wanted)[:60]}' is not a jurisdiction served here."
            )
        return found
    found = current_municipality()
    if found is None:
        abort(404)
    return found


def _stamp(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset, in Danish local time (the spec requires the offset)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(local_zone()).isoformat(timespec="seconds")


def _date(name: str) -> datetime | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a date and time in ISO 8601 with its offset.") from exc
    if moment.tzinfo is None:
        raise Open311Error(400, f"{name} must include a time zone offset (e.g. +02:00 or Z).")
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except (OverflowError, ValueError) as exc:
        raise Open311Error(400, f"{name} is out of range.") from exc


def _codes(value: str | None) -> list[FaultCategory]:
    found = []
    for code in (value or "").split(","):
        code = code.strip()
        if not code:
            continue
        if code not in FaultCategory._value2member_map_:
            raise Open311Error(400, f"service_code '{_text(code)[:40]}' is not a service offered here.")
        found.append(FaultCategory(code))
    return found


def open_or_closed(status: FaultStatus) -> str:
    return "open" if status in OPEN_FAULT_STATUSES else "closed"


def _service(category: FaultCategory) -> dict[str, Any]:
    return {
        "service_code": category.value,
        "service_name": str(FAULT_CATEGORY_LABELS[category]),
        "description": DESCRIPTIONS.get(category, ""),
        "metadata": True,
        "type": "realtime",
        "keywords": category.value.replace("_", " "),
        "group": GROUPS.get(category, "other"),
    }


# --- resources -------------------------------------------------------------------------------------


@bp.get(f"/discovery.<{FORMATS}:fmt>")
def discovery(fmt: str):
    """The spec's service discovery document: where the endpoint is and what it speaks."""
    place = jurisdiction()
    data = {
        "changeset": "2027-01-01T00:00:00+01:00",
        "contact": f"{place.name}: {place.website or current_app.config['BASE_URL']}",
        "key_service": "The municipality's staff issue API keys in Fælled's console (/admin/api-keys).",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": url_for("open311.services", fmt="json", _external=True).rsplit("/", 1)[0],
                "changeset": "2027-01-01T00:00:00+01:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render("discovery", None, data)


@bp.get(f"/services.<{FORMATS}:fmt>")
def services(fmt: str):
    jurisdiction()
    return render("services", "service", [_service(c) for c in FaultCategory])


@bp.get(f"/services/<code>.<{FORMATS}:fmt>")
def service_definition(code: str, fmt: str):
    """The definition of one service: its one attribute, the facility it is at (optional)."""
    place = jurisdiction()
    category = _codes(code)[0] if code else None
    if category is None:
        raise Open311Error(404, "No such service_code.")
    values = [{"key": str(f.id), "name": f.name} for f in facilities_of(place.id)]
    attributes = [
        {
            "variable": True,
            "code": "facility",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "The pitch, hall, playground or green area, if the fault is at one.",
            "order": 1,
            "description": "Which facility is it at?",
            "values": values,
        }
    ]
    return render("service_definition", None, {"service_code": category.value, "attributes": attributes})


def _notes(report_ids: list[int]) -> dict[int, str]:
    """The latest public note of each report, in one query."""
    if not report_ids:
        return {}
    rows = db.session.execute(
        sa.select(FaultUpdate.report_id, FaultUpdate.note)
        .where(FaultUpdate.report_id.in_(report_ids), FaultUpdate.note != "")
        .order_by(FaultUpdate.created_at, FaultUpdate.id)
    ).all()
    return {report_id: note for report_id, note in rows}


def _tokens_of(report_ids: list[int]) -> dict[int, str]:
    if not report_ids:
        return {}
    rows = db.session.execute(
        sa.select(Open311Request.report_id, Open311Request.token).where(
            Open311Request.report_id.in_(report_ids)
        )
    ).all()
    return dict(rows)


def _request(report: FaultReport, notes: dict[int, str], place: Municipality) -> dict[str, Any]:
    note = notes.get(report.id, "")
    if report.status == FaultStatus.NOT_OURS and report.responsible_instead:
        note = f"{note} ({report.responsible_instead})".strip() if note else report.responsible_instead
    return {
        "service_request_id": str(report.id),
        "status": open_or_closed(report.status),
        "status_notes": note,
        "service_name": str(FAULT_CATEGORY_LABELS[report.category]),
        "service_code": report.category.value,
        "description": report.description,
        "agency_responsible": report.routed_to.title if report.routed_to is not None else place.name,
        "service_notice": "",
        "requested_datetime": _stamp(report.created_at),
        "updated_datetime": _stamp(report.updated_at),
        "expected_datetime": None,
        "address": report.where,
        "address_id": str(report.facility_id) if report.facility_id else "",
        "zipcode": "",
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": url_for("spaces.media", name=report.photo, _external=True) if report.photo else "",
    }


def _list_query(place: Municipality) -> sa.Select:
    return (
        sa.select(FaultReport)
        .where(FaultReport.municipality_id == place.id, public_clause(FaultReport))
        .options(selectinload(FaultReport.routed_to), selectinload(FaultReport.facility))
    )


@bp.get(f"/requests.<{FORMATS}:fmt>")
def requests_list(fmt: str):
    """Service requests, newest first, with the spec's filters (``service_request_id`` alone wins;
    else ``service_code``, ``start_date``, ``end_date``, ``status``), in keyset pages of ``page_size``
    (at most 1000) with a ``Link: <…>; rel="next"`` header to the next."""
    place = jurisdiction()
    query = _list_query(place)
    wanted_ids = request.args.get("service_request_id")
    headers: dict[str, str] = {}
    if wanted_ids:
        ids = [n for part in wanted_ids.split(",") if (n := small_int(part.strip())) is not None]
        if not ids or len(ids) > MAX_PAGE:
            raise Open311Error(400, "service_request_id must be one or more ids, separated by commas.")
        reports = list(
            db.session.scalars(query.where(FaultReport.id.in_(ids)).order_by(FaultReport.id.desc()))
        )
    else:
        codes = _codes(request.args.get("service_code"))
        if codes:
            query = query.where(FaultReport.category.in_(codes))
        end = _date("end_date")
        start = _date("start_date")
        if start is None:
            start = (end or utcnow()) - DEFAULT_WINDOW
        query = query.where(FaultReport.created_at >= start)
        if end is not None:
            query = query.where(FaultReport.created_at <= end)
        if start is not None and end is not None and end < start:
            raise Open311Error(400, "end_date is before start_date.")
        statuses = [s.strip() for s in (request.args.get("status") or "").split(",") if s.strip()]
        if any(s not in ("open", "closed") for s in statuses):
            raise Open311Error(400, "status must be open, closed or both (separated by a comma).")
        if statuses and set(statuses) != {"open", "closed"}:
            opened = FaultReport.status.in_(OPEN_FAULT_STATUSES)
            query = query.where(opened if statuses[0] == "open" else sa.not_(opened))
        size = small_int(request.args.get("page_size")) if request.args.get("page_size") else DEFAULT_PAGE
        if size is None or not 1 <= size <= MAX_PAGE:
            raise Open311Error(400, f"page_size must be a number from 1 to {MAX_PAGE}.")
        cursor = request.args.get("cursor")
        if cursor and decode(cursor) is None:
            raise Open311Error(
                400, "cursor is not one this list gave: follow the Link header's next address as it is."
            )
        rows = list(db.session.scalars(keyset(query, FaultReport.created_at, FaultReport.id, cursor, size)))
        reports = rows[:size]
        if len(rows) > size:
            last = reports[-1]
            args = {k: v for k, v in request.args.items() if k != "cursor"}
            nxt = url_for(
                "open311.requests_list",
                fmt=fmt,
                _external=True,
                **args,
                cursor=encode(last.created_at, last.id),
            )
            headers["Link"] = f'<{nxt}>; rel="next"'
    notes = _notes([r.id for r in reports])
    return render(
        "service_requests", "request", [_request(r, notes, place) for r in reports], headers=headers
    )


@bp.get(f"/requests/<request_id>.<{FORMATS}:fmt>")
def request_one(request_id: str, fmt: str):
    place = jurisdiction()
    number = small_int(request_id)
    report = (
        db.session.scalar(_list_query(place).where(FaultReport.id == number)) if number is not None else None
    )
    if report is None:
        raise Open311Error(404, f"No service request {_text(request_id)[:20]} here.")
    return render("service_requests", "request", [_request(report, _notes([report.id]), place)])


@bp.get(f"/tokens/<token>.<{FORMATS}:fmt>")
def token(token: str, fmt: str):
    """The service request behind a token a POST answered with."""
    jurisdiction()
    found = db.session.scalar(sa.select(Open311Request).where(Open311Request.token == token[:40]))
    if found is None:
        raise Open311Error(404, "No service request has this token.")
    return render(
        "service_requests", "request", [{"service_request_id": str(found.report_id), "token": found.token}]
    )


# --- POST requests ---------------------------------------------------------------------------------

POST_FIELDS = frozenset(
    {
        "api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id",
        "email", "device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url",
    }
)  # fmt: skip
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_\-]{1,40})\]$")


def _api_key() -> ApiToken:
    key = (request.form.get("api_key") or "").strip()
    found = tokens.find(key) if key else None
    if found is None or found.kind != TokenKind.OPEN311 or not found.allows(Scope.OPEN311):
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    return found


def _field(name: str, limit: int) -> str:
    value = (request.form.get(name) or "").strip()
    if len(value) > limit:
        raise Open311Error(400, f"{name} is too long: at most {limit} characters.")
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise Open311Error(400, f"{name} holds control characters.")
    return value


def _number(name: str) -> float | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a number in decimal degrees (WGS84).") from exc
    if number != number or number in (float("inf"), float("-inf")):
        raise Open311Error(400, f"{name} must be a number in decimal degrees (WGS84).")
    return number


@bp.post(f"/requests.<{FORMATS}:fmt>")
def requests_create(fmt: str):
    """Report a fault: ``api_key``, ``service_code``, a location (``lat`` and ``long``,
    ``address_string`` or ``address_id``, a facility's id) and ``description``; ``email``,
    ``first_name``, ``last_name`` and ``phone`` let whoever fixes it reach the reporter. The
    ``jurisdiction_id``, when given, must be the key's municipality; without it, the key's is meant."""
    key = _api_key()
    if request.form.get("jurisdiction_id"):
        place = jurisdiction()
        if key.municipality_id != place.id:
            raise Open311Error(400, "jurisdiction_id does not match the jurisdiction of this api_key.")
    else:
        # Without jurisdiction_id, the key's own municipality (not the installation's default: a key
        # of a second municipality served here would never match it).
        found = db.session.get(Municipality, key.municipality_id) if key.municipality_id else None
        if found is None:
            raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
        place = found
    unknown = sorted(name for name in request.form if name not in POST_FIELDS and not _ATTRIBUTE.match(name))
    if unknown:
        raise Open311Error(400, f"Unknown field(s): {', '.join(_text(n)[:40] for n in unknown[:5])}.")
    codes = _codes(request.form.get("service_code"))
    if len(codes) != 1:
        raise Open311Error(400, "service_code is required: one of the codes in services.")
    description = _field("description", 4000)
    if not description:
        raise Open311Error(400, "description is required: say what is wrong.")
    facility = _facility(place, request.form.get("address_id") or request.form.get("attribute[facility]"))
    lat, lon = _number("lat"), _number("long")
    address = _field("address_string", 200)
    if (lat is None) != (lon is None):
        raise Open311Error(400, "Give both lat and long, or neither.")
    if facility is None and lat is None and not address:
        raise Open311Error(400, "A location is required: lat and long, address_string or address_id.")
    if facility is None and lat is None:
        try:
            found = geo.resolve(address)
        except DomainError as exc:
            raise Open311Error(400, f"address_string: {exc.message}") from exc
        lat, lon, address = found.lat, found.lon, found.label
    contact = fault_service.Contact(
        name=" ".join(filter(None, [_field("first_name", 60), _field("last_name", 60)])),
        email=_email(),
        phone=_field("phone", 40),
    )
    data = fault_service.FaultInput(
        category=codes[0],
        description=description,
        facility=facility,
        latitude=lat,
        longitude=lon,
        place_label=address or (facility.name if facility else ""),
    )
    try:
        point = fault_service._point(data)
        similar = fault_service.nearby(
            place.id, codes[0], lat=point[0], lon=point[1], facility_id=facility.id if facility else None
        )
        report, follow_token = fault_service.report_anonymously(place, data, contact=contact)
    except DomainError as exc:
        raise Open311Error(400, exc.message) from exc
    record = Open311Request(token=secrets.token_urlsafe(18), report_id=report.id, api_token_id=key.id)
    db.session.add(record)
    db.session.flush()
    # As from the web form: a reporter who gave an e-mail address gets the private follow link, and the
    # e-mail leaves with the commit.
    fault_service.send_follow_link(report, follow_token, locale=place.default_locale)
    db.session.commit()
    notice = "Thank you. The report is sent to whoever looks after the place."
    if similar:
        ids = ", ".join(str(r.id) for r in similar)
        notice += f" Similar open reports nearby: {ids}."
    g.open311_report = report.id
    return render(
        "service_requests",
        "request",
        [
            {
                "service_request_id": str(report.id),
                "token": record.token,
                "service_notice": notice,
                "account_id": None,
            }
        ],
        status=201,
    )


def _facility(place: Municipality, value: str | None) -> Facility | None:
    if not value:
        return None
    number = small_int(value)
    found = db.session.get(Facility, number) if number is not None else None
    if found is None or found.municipality_id != place.id:
        raise Open311Error(400, "address_id (attribute[facility]) is not a facility of this jurisdiction.")
    return found


def _email() -> str:
    value = _field("email", 254)
    if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise Open311Error(400, "email is not an e-mail address.")
    return value
