"""The shapes of ``/api/v1``: marshmallow schemas that dump the same objects the HTML views render and
load what clients send (unknown fields are refused). The OpenAPI document is generated from these."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import url_for
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from community import pagination
from community.i18n import _
from community.maintenance.models import FacilityKind, FaultCategory, FaultStatus
from community.spaces.models import SpaceKind, Visibility
from community.villages.models import HelpCategory, HelpStatus, PostKind, Rsvp

MAX_PAGE = 100


class UtcDateTime(fields.DateTime):
    """Times are stored as naive UTC: sent as ISO 8601 with ``+00:00``; read with an offset (required),
    kept as naive UTC."""

    def _serialize(self, value: datetime | None, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return (
            value.replace(tzinfo=UTC).isoformat()
            if value.tzinfo is None
            else value.astimezone(UTC).isoformat()
        )

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            raise ValidationError("Give the time with its offset, e.g. 2027-05-01T19:00:00+02:00.")
        try:
            return moment.astimezone(UTC).replace(tzinfo=None)
        except (OverflowError, ValueError) as exc:
            raise ValidationError("The time is out of range.") from exc


_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}
_LINE_BREAKS = {"\n", "\r", "\t"}


class Text(fields.String):
    """A string people wrote: no control characters (a NUL cannot even be stored in PostgreSQL) and
    no lone surrogates (not UTF-8); ``multiline`` keeps line breaks and tabs."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused = _CONTROL - _LINE_BREAKS if multiline else _CONTROL

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if any(ch in self.refused for ch in text):
            raise ValidationError("Remove the control characters from the text.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValidationError("The text is not valid Unicode.") from exc
        return text


class Strict(Schema):
    class Meta:
        unknown = RAISE


def _link(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)


# --- output ----------------------------------------------------------------------------------------


class PersonSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, attribute="display_name")


class MunicipalitySchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    website = fields.String(allow_none=True)
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    links = fields.Method("_links", required=True)

    def _links(self, obj: Any) -> dict[str, str]:
        return {
            "self": _link("api.municipality", slug=obj.slug),
            "spaces": _link("api.spaces", municipality=obj.slug),
        }


class SpaceSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True, attribute="title")
    kind = fields.Enum(SpaceKind, by_value=True, required=True)
    visibility = fields.Enum(Visibility, by_value=True, required=True)
    description = fields.String(required=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    municipality = fields.Function(lambda s: s.municipality.slug, required=True)
    archived = fields.Function(lambda s: s.is_archived, required=True)
    links = fields.Method("_links", required=True)

    def _links(self, obj: Any) -> dict[str, str]:
        return {
            "self": _link("api.space", slug=obj.slug),
            "posts": _link("api.posts", slug=obj.slug),
            "events": _link("api.events", slug=obj.slug),
            "html": _link("spaces.front", space_slug=obj.slug),
        }


class AttendanceSchema(Schema):
    going = fields.Integer(required=True)
    maybe = fields.Integer(required=True)
    waiting = fields.Integer(required=True)
    capacity = fields.Integer(allow_none=True)
    places_left = fields.Integer(allow_none=True)
    mine = fields.Function(
        lambda a: None if a.mine is None else ("waiting" if a.mine.waitlisted else a.mine.status.value),
        allow_none=True,
    )


class PostSchema(Schema):
    id = fields.Integer(required=True)
    space = fields.Function(lambda p: p.space.slug, required=True)
    kind = fields.Enum(PostKind, by_value=True, required=True)
    title = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown, as written"})
    body_html = fields.String(required=True, metadata={"description": "Sanitised HTML"})
    excerpt = fields.String(required=True)
    author = fields.Nested(PersonSchema, required=True)
    tags = fields.Function(lambda p: [t.name for t in p.tags], required=True)
    place = fields.Function(
        lambda p: (
            None
            if p.latitude is None
            else {"label": p.place_label, "latitude": p.latitude, "longitude": p.longitude}
        ),
        allow_none=True,
        metadata={"type": "object"},
    )
    created_at = UtcDateTime(required=True)
    last_activity_at = UtcDateTime(required=True)
    edited_at = UtcDateTime(allow_none=True)
    pinned = fields.Boolean(required=True)
    closed = fields.Function(lambda p: p.is_closed, required=True)
    comment_count = fields.Integer(required=True)
    thanks_count = fields.Integer(required=True)
    help_category = fields.Enum(HelpCategory, by_value=True, allow_none=True)
    help_status = fields.Enum(HelpStatus, by_value=True, allow_none=True)
    help_when = fields.String(allow_none=True)
    starts_at = UtcDateTime(allow_none=True)
    ends_at = UtcDateTime(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    poll_options = fields.Function(
        lambda p: [{"id": o.id, "label": o.label} for o in p.options] if p.kind == PostKind.POLL else None,
        allow_none=True,
        metadata={"type": "array", "items": {"type": "object"}},
    )
    poll_closes_at = UtcDateTime(allow_none=True)
    links = fields.Method("_links", required=True)

    def _links(self, obj: Any) -> dict[str, str]:
        slug = obj.space.slug
        links = {
            "self": _link("api.post", slug=slug, post_id=obj.id),
            "comments": _link("api.comments", slug=slug, post_id=obj.id),
            "html": _link("villages.post_detail", space_slug=slug, post_id=obj.id),
        }
        if obj.kind == PostKind.EVENT and obj.starts_at is not None:
            links["ical"] = _link("villages.event_ics", space_slug=slug, post_id=obj.id)
            links["rsvp"] = _link("api.rsvp", slug=slug, post_id=obj.id)
        return links


class PostDetailSchema(PostSchema):
    attendance = fields.Nested(AttendanceSchema, allow_none=True)


class CommentSchema(Schema):
    id = fields.Integer(required=True)
    post_id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True)
    author = fields.Nested(PersonSchema, required=True)
    body = fields.Function(lambda c: "" if c.is_deleted else c.body, required=True)
    body_html = fields.Function(lambda c: "" if c.is_deleted else c.body_html, required=True)
    deleted = fields.Function(lambda c: c.is_deleted, required=True)
    created_at = UtcDateTime(required=True)
    edited_at = UtcDateTime(allow_none=True)
    thanks_count = fields.Integer(required=True)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """``{"items": [...], "next": url | null}``: keyset pages; follow ``next`` until it is null."""
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next": fields.String(allow_none=True, required=True),
        },
    )


PostPageSchema = page_schema(PostSchema, "PostPage")
CommentPageSchema = page_schema(CommentSchema, "CommentPage")
SpacePageSchema = page_schema(SpaceSchema, "SpacePage")


class NearbyHelpSchema(Schema):
    distance_km = fields.Float(required=True)
    post = fields.Nested(PostSchema, required=True)


class NearbyHelpListSchema(Schema):
    items = fields.List(fields.Nested(NearbyHelpSchema), required=True)


class DropInSessionSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    place_label = fields.String(required=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    seats = fields.Integer(required=True)
    seats_free = fields.Integer(required=True)
    waiting = fields.Integer(required=True)
    notes = fields.String(required=True)
    topics = fields.List(fields.String(), required=True)
    html = fields.String(required=True)


class DropInSessionListSchema(Schema):
    items = fields.List(fields.Nested(DropInSessionSchema), required=True)


class FacilitySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(FacilityKind, by_value=True, required=True)
    surface = fields.String(allow_none=True)
    description = fields.String(required=True)
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    links = fields.Method("_links", required=True)

    def _links(self, obj: Any) -> dict[str, str]:
        return {
            "self": _link("api.facility", facility_id=obj.id),
            "schedule": _link("api.facility_schedule", facility_id=obj.id),
            "html": _link("maintenance.facility", facility_id=obj.id),
        }


class FacilityListSchema(Schema):
    items = fields.List(fields.Nested(FacilitySchema), required=True)


class ScheduleEntrySchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["closure", "fixture", "visit"]))
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(allow_none=True)
    title = fields.String(required=True)


class ScheduleSchema(Schema):
    facility = fields.Nested(FacilitySchema, required=True)
    start = UtcDateTime(required=True)
    end = UtcDateTime(required=True)
    includes_bookings = fields.Boolean(
        required=True, metadata={"description": "Fixtures and visits are shown to those who may see them"}
    )
    items = fields.List(fields.Nested(ScheduleEntrySchema), required=True)


class FaultSchema(Schema):
    id = fields.Integer(required=True)
    category = fields.Enum(FaultCategory, by_value=True, required=True)
    status = fields.Enum(FaultStatus, by_value=True, required=True)
    description = fields.String(required=True)
    description_html = fields.String(required=True)
    place_label = fields.String(required=True)
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    facility_id = fields.Integer(allow_none=True)
    responsible_instead = fields.String(required=True)
    follower_count = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    fixed_at = UtcDateTime(allow_none=True)
    links = fields.Method("_links", required=True)

    def _links(self, obj: Any) -> dict[str, str]:
        return {
            "self": _link("api.fault", report_id=obj.id),
            "html": _link("maintenance.fault", report_id=obj.id),
            "open311": _link("open311.request_one", request_id=obj.id, fmt="json"),
        }


FaultPageSchema = page_schema(FaultSchema, "FaultPage")


# --- input -----------------------------------------------------------------------------------------


def _text(max_length: int, *, required: bool = False, multiline: bool = False, **kw: Any) -> Text:
    return Text(required=required, validate=validate.Length(max=max_length), multiline=multiline, **kw)


class PostInSchema(Strict):
    kind = fields.Enum(PostKind, by_value=True, required=True)
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    body = _text(20_000, multiline=True, load_default="")
    tags = fields.List(
        Text(validate=validate.Length(max=40)), validate=validate.Length(max=5), load_default=list
    )
    place = _text(200, allow_none=True, metadata={"description": "A town, village or postcode"})
    help_category = fields.Enum(HelpCategory, by_value=True, allow_none=True)
    help_when = _text(200, allow_none=True)
    starts_at = UtcDateTime(allow_none=True)
    ends_at = UtcDateTime(allow_none=True)
    capacity = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100_000))
    poll_options = fields.List(
        Text(validate=validate.Length(max=200)), validate=validate.Length(max=10), load_default=list
    )
    poll_multiple = fields.Boolean(load_default=False)
    poll_closes_at = UtcDateTime(allow_none=True)


class CommentInSchema(Strict):
    body = Text(required=True, multiline=True, validate=validate.Length(min=1, max=10_000))
    parent_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))


class RsvpInSchema(Strict):
    status = fields.Enum(Rsvp, by_value=True, required=True)
    waitlist = fields.Boolean(load_default=False)


class FaultInSchema(Strict):
    category = fields.Enum(FaultCategory, by_value=True, required=True)
    description = Text(required=True, multiline=True, validate=validate.Length(min=1, max=5_000))
    facility_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    latitude = fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180))
    place = _text(200, allow_none=True)
    confirm_new = fields.Boolean(
        load_default=False,
        metadata={"description": "Report even though similar open reports are nearby (a 409 lists them)"},
    )

    @validates_schema
    def _where(self, data: dict[str, Any], **_kw: Any) -> None:
        has_point = data.get("latitude") is not None and data.get("longitude") is not None
        if not (data.get("facility_id") or has_point or (data.get("place") or "").strip()):
            raise ValidationError("Give facility_id, latitude and longitude, or place.", "facility_id")


# --- query strings ---------------------------------------------------------------------------------


def cursor_field(decode: Callable[[str], Any]) -> fields.String:
    """``cursor``: the position a ``next`` link carries. One that ``decode`` cannot read (made up, cut
    short, from another kind of list) is a 400 naming it, never silently the first page again."""

    def known(value: str) -> None:
        if value and decode(value) is None:
            raise ValidationError(
                _("This is not a cursor of this list: follow the next link as it is, or leave cursor out.")
            )

    return fields.String(
        validate=[validate.Length(max=40), known],
        metadata={"description": "Where to continue: copied from the previous page's `next` link"},
    )


class PageArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    cursor = cursor_field(pagination.decode)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE))


class PostListArgs(PageArgs):
    kind = fields.Enum(PostKind, by_value=True)
    order = fields.String(load_default="new", validate=validate.OneOf(["new", "active"]))
    tag = fields.String(validate=validate.Length(max=40))


class SpaceListArgs(PageArgs):
    municipality = fields.String(validate=validate.Length(max=60))


class MunicipalityArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    municipality = fields.String(
        validate=validate.Length(max=60),
        metadata={"description": "A municipality's slug; without it, the caller's own (or the default)"},
    )


class NearArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    radius_km = fields.Float(load_default=5.0, validate=validate.Range(min=0.5, max=50))
    kind = fields.String(validate=validate.OneOf(["help_request", "help_offer"]))
    category = fields.Enum(HelpCategory, by_value=True)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=50))


class SessionArgs(MunicipalityArgs):
    free_only = fields.Boolean(load_default=False)


class ScheduleArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    days = fields.Integer(load_default=14, validate=validate.Range(min=1, max=90))


class FaultListArgs(PageArgs, MunicipalityArgs):
    status = fields.Enum(FaultStatus, by_value=True)
    category = fields.Enum(FaultCategory, by_value=True)
