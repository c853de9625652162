"""The public response-time page, and staff's list of items waiting for an answer."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from community.engagement import bp, permissions
from community.engagement.models import PROMISE_KIND_LABELS, PromiseKind, TrackedItem
from community.engagement.services import promises
from community.engagement.views import municipality
from community.permissions import require


def item_urls(items: list[TrackedItem]) -> dict[int, str | None]:
    """Where each tracked item is read: a question in its Q&A hour, an idea, a fault report (by endpoint
    name: engagement never imports maintenance). One query for all the questions' sessions."""
    import sqlalchemy as sa

    from community.engagement.models import Question
    from community.extensions import db

    question_ids = [i.ref_id for i in items if i.kind == PromiseKind.QUESTION]
    sessions = (
        dict(
            db.session.execute(
                sa.select(Question.id, Question.session_id).where(Question.id.in_(question_ids))
            ).all()
        )
        if question_ids
        else {}
    )
    urls: dict[int, str | None] = {}
    for item in items:
        try:
            if item.kind == PromiseKind.QUESTION:
                session_id = sessions.get(item.ref_id)
                urls[item.id] = (
                    url_for("engagement.qa_detail", session_id=session_id, _anchor=f"q-{item.ref_id}")
                    if session_id
                    else None
                )
            elif item.kind == PromiseKind.IDEA:
                urls[item.id] = url_for("engagement.idea_detail", idea_id=item.ref_id)
            else:
                urls[item.id] = url_for("maintenance.fault", report_id=item.ref_id)
        except BuildError:
            urls[item.id] = None
    return urls


@bp.get("/response-times")
def response_times():
    place = municipality()
    figures = promises.monthly(place.id)
    months = sorted({f.month for f in figures}, reverse=True)
    table = {(f.month, f.kind): f for f in figures}
    return render_template(
        "engagement/response_times.html",
        municipality=place,
        terms=promises.terms(place.id),
        figures=figures,
        months=months,
        table=table,
        kinds=list(PromiseKind),
        kind_labels=PROMISE_KIND_LABELS,
        overdue=(overdue := promises.overdue(place.id)),
        urls=item_urls(overdue),
    )


@bp.get("/tracked")
@login_required
def tracked():
    place = municipality()
    require(permissions.is_staff(current_user, place.id))
    items = promises.waiting(place.id)
    return render_template(
        "engagement/tracked.html", items=items, urls=item_urls(items), terms=promises.terms(place.id)
    )
