from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community import geo
from community.errors import DomainError
from community.extensions import db
from community.forms import flash_errors
from community.helpdesk import bp, permissions
from community.helpdesk.forms import AttendanceForm, BookingForm, SessionForm
from community.helpdesk.models import Booking, DropInSession
from community.helpdesk.services import sessions, topics
from community.helpdesk.views import municipality
from community.i18n import _, ngettext, to_utc
from community.permissions import require


def _session(session_id: int) -> DropInSession:
    found = db.session.get(DropInSession, session_id)
    if found is None or found.municipality_id != municipality().id:
        abort(404)
    return found


@bp.get("/sessions")
def session_list():
    place = municipality()
    upcoming = sessions.upcoming(place.id)
    return render_template(
        "helpdesk/sessions.html",
        sessions=upcoming,
        seats=sessions.seats_for(upcoming),
        can_host=permissions.can_host_sessions(current_user, place.id),
    )


@bp.get("/sessions/<int:session_id>")
def session_detail(session_id: int):
    found = _session(session_id)
    mine = sessions.bookings_of(current_user, found) if current_user.is_authenticated else []
    return render_template(
        "helpdesk/session.html",
        session=found,
        seats=sessions.seats(found),
        mine=mine,
        form=BookingForm(),
        cancel_form=BookingForm(),
        can_see_list=permissions.can_see_attendance(current_user, found),
    )


@bp.post("/sessions/<int:session_id>/book")
@login_required
def book(session_id: int):
    found = _session(session_id)
    form = BookingForm()
    if form.validate_on_submit():
        try:
            booking = sessions.book(
                found,
                by=current_user,
                attendee_name=form.attendee_name.data,
                waitlist=request.form.get("waitlist") == "1",
            )
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            if booking.status.value == "waiting":
                flash(
                    _(
                        "%(name)s is on the waiting list. You will be told if a seat is freed.",
                        name=booking.attendee,
                    ),
                    "success",
                )
            else:
                flash(_("A seat is booked for %(name)s.", name=booking.attendee), "success")
    else:
        flash_errors(form)
    return redirect(url_for("helpdesk.session_detail", session_id=found.id))


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel_booking(booking_id: int):
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.session.municipality_id != municipality().id:
        abort(404)
    if BookingForm().validate_on_submit():
        try:
            sessions.cancel_booking(booking, by=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("The booking is cancelled."), "info")
    return redirect(url_for("helpdesk.session_detail", session_id=booking.session_id))


@bp.get("/sessions/<int:session_id>/attendance")
@login_required
def attendance(session_id: int):
    found = _session(session_id)
    require(permissions.can_see_attendance(current_user, found))
    booked, waiting = sessions.attendance(found)
    return render_template(
        "helpdesk/attendance.html", session=found, booked=booked, waiting=waiting, form=AttendanceForm()
    )


@bp.post("/sessions/<int:session_id>/attendance")
@login_required
def take_attendance(session_id: int):
    """After the café: who came. The ones not ticked are no-shows in the organisers' overview."""
    found = _session(session_id)
    require(permissions.can_see_attendance(current_user, found))
    form = AttendanceForm()
    if form.validate_on_submit():
        try:
            missing = sessions.mark_attendance(found, by=current_user, came=set(form.came.data or []))
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                ngettext("Saved: %(num)s did not come.", "Saved: %(num)s did not come.", missing), "success"
            )
    else:
        flash_errors(form)
    return redirect(url_for("helpdesk.attendance", session_id=found.id))


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def session_new():
    place = municipality()
    require(permissions.can_host_sessions(current_user, place.id))
    form = SessionForm()
    all_topics = topics.topics(place.id)
    form.topics.choices = [(t.id, t.name) for t in all_topics]
    if form.validate_on_submit():
        try:
            where = geo.resolve(form.place.data)
            made = sessions.create_sessions(
                place.id,
                by=current_user,
                title=form.title.data,
                place=where,
                starts_at=to_utc(form.starts_at.data),
                ends_at=to_utc(form.ends_at.data),
                seats=form.seats.data,
                topics=[t for t in all_topics if t.id in set(form.topics.data or [])],
                weeks=form.weeks.data,
                notes=form.notes.data or "",
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field if exc.field and hasattr(form, exc.field) else "place").errors.append(
                str(exc)
            )
        else:
            db.session.commit()
            flash(
                _("The session is created.")
                if len(made) == 1
                else _("%(n)s weekly sessions are created.", n=len(made)),
                "success",
            )
            return redirect(url_for("helpdesk.session_detail", session_id=made[0].id))
    return render_template("helpdesk/session_new.html", form=form, places=geo.place_labels()), (
        400 if form.errors else 200
    )
