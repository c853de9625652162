"""The municipality's citizen dialogue: ideas, consultations, citizen meetings and Q&A hours, listed as
the engagement pages list them (members-only spaces' items only for their members)."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, fields, validate

from community.api.schemas import MAX_PAGE, UtcDateTime, cursor_field, page_schema
from community.api.v1 import bp, page_response
from community.api.v1.places import municipality_of
from community.engagement import permissions
from community.engagement.models import Idea, IdeaCategory, IdeaState
from community.engagement.services import consultations, ideas, meetings, qa
from community.engagement.views import visible_space_ids
from community.extensions import db


class _Engagement(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    space = fields.Function(lambda e: e.space.slug if e.space is not None else None, allow_none=True)
    html = fields.Method("_html", required=True)

    endpoint = ""
    key = ""

    def _html(self, obj: Any) -> str:
        return url_for(self.endpoint, _external=True, **{self.key: obj.id})


class IdeaSchema(_Engagement):
    endpoint, key = "engagement.idea_detail", "idea_id"
    body = fields.String(required=True)
    body_html = fields.String(required=True)
    category = fields.Enum(IdeaCategory, by_value=True, required=True)
    state = fields.Enum(IdeaState, by_value=True, required=True)
    place_label = fields.String(required=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    support_count = fields.Integer(required=True)
    comment_count = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)


class ConsultationSchema(_Engagement):
    endpoint, key = "engagement.consultation_detail", "consultation_id"
    description = fields.String(required=True)
    deadline = UtcDateTime(required=True)
    decision = fields.String(required=True)
    decided_at = UtcDateTime(allow_none=True)


class MeetingSchema(_Engagement):
    endpoint, key = "engagement.meeting_detail", "meeting_id"
    description = fields.String(required=True)
    opens_at = UtcDateTime(required=True)
    closes_at = UtcDateTime(required=True)
    summary = fields.String(required=True)


class QASessionSchema(_Engagement):
    endpoint, key = "engagement.qa_detail", "session_id"
    description = fields.String(required=True)
    opens_at = UtcDateTime(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)


IdeaPageSchema = page_schema(IdeaSchema, "IdeaPage")


def _list_of(item: type[Schema], name: str) -> type[Schema]:
    return type(name, (Schema,), {"items": fields.List(fields.Nested(item), required=True)})


class IdeaArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    municipality = fields.String(validate=validate.Length(max=60))
    order = fields.String(load_default="new", validate=validate.OneOf(["new", "support"]))
    state = fields.Enum(IdeaState, by_value=True)
    category = fields.Enum(IdeaCategory, by_value=True)
    cursor = cursor_field(ideas._decode)  # the idea list's own cursors (by time or by support)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE))


class ListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    municipality = fields.String(validate=validate.Length(max=60))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE))


@bp.get("/engagement/ideas")
@bp.etag
@bp.arguments(IdeaArgs, location="query")
@bp.response(200, IdeaPageSchema)
def engagement_ideas(args: dict[str, Any]):
    """Ideas, newest or most supported first (keyset pages)."""
    page = ideas.listed(
        municipality_of(args).id,
        state=args.get("state"),
        category=args.get("category"),
        order=args["order"],
        cursor=args.get("cursor"),
        space_ids=visible_space_ids(),
        limit=args["limit"],
    )
    return page_response(page)


@bp.get("/engagement/ideas/<int:idea_id>")
@bp.etag
@bp.response(200, IdeaSchema)
def engagement_idea(idea_id: int):
    found = db.session.get(Idea, idea_id)
    if found is None or not permissions.can_view(current_user, found):
        abort(404)
    return found


@bp.get("/engagement/consultations")
@bp.etag
@bp.arguments(ListArgs, location="query")
@bp.response(200, _list_of(ConsultationSchema, "ConsultationList"))
def engagement_consultations(args: dict[str, Any]):
    """Consultations, latest deadline first."""
    found = consultations.listed(municipality_of(args).id, space_ids=visible_space_ids(), limit=args["limit"])
    return {"items": found}


@bp.get("/engagement/meetings")
@bp.etag
@bp.arguments(ListArgs, location="query")
@bp.response(200, _list_of(MeetingSchema, "MeetingList"))
def engagement_meetings(args: dict[str, Any]):
    """Digital citizen meetings, the latest closing first."""
    return {
        "items": meetings.listed(municipality_of(args).id, space_ids=visible_space_ids(), limit=args["limit"])
    }


@bp.get("/engagement/qa")
@bp.etag
@bp.arguments(ListArgs, location="query")
@bp.response(200, _list_of(QASessionSchema, "QASessionList"))
def engagement_qa(args: dict[str, Any]):
    """Q&A hours that have not ended, soonest first."""
    return {
        "items": qa.upcoming(municipality_of(args).id, space_ids=visible_space_ids(), limit=args["limit"])
    }
