"""Digital citizen meetings: holding one, the debate by topic, "what the politicians said", the
summary, the figures and the CSV for the minutes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.engagement import bp, permissions
from community.engagement.forms import CommentForm, MeetingForm, SummaryForm
from community.engagement.models import CitizenMeeting, MeetingTopic
from community.engagement.services import meetings as service
from community.engagement.views import (
    attach_error,
    chosen_space,
    csv_response,
    load,
    municipality,
    space_choices,
)
from community.errors import DomainError
from community.extensions import db
from community.forms import small_int
from community.i18n import _, to_utc
from community.permissions import require


def parse_agenda(text: str) -> list[tuple[str, str]]:
    """One topic per line, "Title: description" (the description is optional)."""
    topics = []
    for line in (text or "").splitlines():
        title, _sep, description = line.partition(":")
        if title.strip():
            topics.append((title.strip(), description.strip()))
    return topics


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def meeting_new():
    place = municipality()
    require(permissions.can_create(current_user, place.id))
    form = MeetingForm()
    form.space_id.choices = space_choices(place)
    if form.validate_on_submit():
        try:
            meeting = service.create_meeting(
                place,
                by=current_user,
                title=form.title.data,
                description=form.description.data or "",
                opens_at=to_utc(form.opens_at.data),
                closes_at=to_utc(form.closes_at.data),
                topics=parse_agenda(form.topics.data),
                space=chosen_space(place, form.space_id.data),
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("The citizen meeting is set up."), "success")
            return redirect(url_for("engagement.meeting_detail", meeting_id=meeting.id))
    return render_template("engagement/meeting_new.html", form=form), (400 if form.errors else 200)


def _page(
    meeting: CitizenMeeting,
    *,
    form: CommentForm | None = None,
    summary_form: SummaryForm | None = None,
    errors_for=None,
):
    officials_only = request.args.get("show") == "officials"
    return render_template(
        "engagement/meeting_detail.html",
        meeting=meeting,
        space=meeting.space,
        threads=service.threads(meeting) if not officials_only else {},
        said=service.officials_said(meeting) if officials_only else [],
        officials_only=officials_only,
        figures=service.figures(meeting),
        can_comment=permissions.can_comment_meeting(current_user, meeting),
        form=form or CommentForm(),
        errors_for=errors_for,
        summary_form=summary_form or SummaryForm(summary=meeting.summary),
        can_summarise=permissions.can_summarise(current_user, meeting),
        can_export=permissions.can_export_meeting(current_user, meeting),
    )


@bp.get("/meetings/<int:meeting_id>")
def meeting_detail(meeting_id: int):
    return _page(load(CitizenMeeting, meeting_id))


@bp.post("/meetings/<int:meeting_id>/topics/<int:topic_id>/comment")
@login_required
def meeting_comment(meeting_id: int, topic_id: int):
    meeting = load(CitizenMeeting, meeting_id)
    topic = db.session.get(MeetingTopic, topic_id)
    if topic is None or topic.meeting_id != meeting.id:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            entry = service.comment(
                meeting, topic, body=form.body.data, parent_id=small_int(form.parent_id.data), by=current_user
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "body")
        else:
            db.session.commit()
            flash(_("Your comment is published."), "success")
            return redirect(
                url_for("engagement.meeting_detail", meeting_id=meeting.id, _anchor=f"c-{entry.id}")
            )
    return _page(meeting, form=form, errors_for=(topic.id, small_int(form.parent_id.data))), 400


@bp.post("/meetings/<int:meeting_id>/summary")
@login_required
def meeting_summary(meeting_id: int):
    meeting = load(CitizenMeeting, meeting_id)
    require(permissions.can_summarise(current_user, meeting))
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            service.write_summary(meeting, text=form.summary.data, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "summary")
        else:
            db.session.commit()
            flash(_("The summary is published."), "success")
            return redirect(url_for("engagement.meeting_detail", meeting_id=meeting.id, _anchor="summary"))
    return _page(meeting, summary_form=form), 400


@bp.get("/meetings/<int:meeting_id>/export.csv")
@login_required
def meeting_export(meeting_id: int):
    meeting = load(CitizenMeeting, meeting_id)
    require(permissions.can_export_meeting(current_user, meeting))
    return csv_response(service.export_csv(meeting), f"citizen-meeting-{meeting.id}.csv")
