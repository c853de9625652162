"""The CPR guard for engagement's text columns, at flush time: a Danish personal identity number never
belongs in a question, a comment, an idea or anything else citizens write here.

This is the package's own, small stand-in for the platform-wide guard the lead is building (one guard
on every text column when the session flushes); it raises the same ``DomainError`` with the same
message, named after the column (which is also the form field), and goes away when that one lands."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from community.engagement import models
from community.text import refuse_cpr

GUARDED = (
    models.QASession,
    models.Question,
    models.CitizenMeeting,
    models.MeetingTopic,
    models.MeetingComment,
    models.Consultation,
    models.Site,
    models.SiteComment,
    models.Idea,
    models.IdeaComment,
    models.IdeaResponse,
)


@cache
def _text_columns(model: type) -> tuple[str, ...]:
    return tuple(
        column.key
        for column in model.__table__.columns  # type: ignore[attr-defined]
        if isinstance(column.type, sa.String | sa.Text)
        and not isinstance(column.type, sa.Enum)
        and not column.key.endswith("_html")
    )


@sa.event.listens_for(Session, "before_flush")
def _refuse_cpr_numbers(session: Session, _context: Any, _instances: Any) -> None:
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, GUARDED):
            continue
        for key in _text_columns(type(obj)):
            value = getattr(obj, key, None)
            if isinstance(value, str) and value:
                refuse_cpr(value, field=key)
