from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm
from community.helpdesk import bp, permissions
from community.helpdesk.forms import VolunteerForm
from community.helpdesk.models import LANGUAGE_LABELS, MODE_LABELS, Mode, VolunteerProfile
from community.helpdesk.services import requests, topics, volunteers
from community.helpdesk.views import municipality
from community.i18n import _
from community.permissions import require


@bp.route("/volunteer", methods=["GET", "POST"])
@login_required
def volunteer():
    """My volunteer profile: what I coach, how, where and when, and the requests that fit me."""
    place = municipality()
    profile = permissions.volunteer_of(current_user)
    form = VolunteerForm(obj=profile)
    all_topics = topics.topics(place.id)
    form.topics.choices = [(t.id, t.name) for t in all_topics]
    if not form.is_submitted() and profile is not None:
        form.topics.data = [t.id for t in profile.topics]
        form.modes.data = list(profile.modes)
        form.languages.data = list(profile.languages)
    if form.validate_on_submit():
        chosen = [t for t in all_topics if t.id in set(form.topics.data or [])]
        try:
            volunteers.save_profile(
                current_user,
                place.id,
                topics=chosen,
                languages=form.languages.data or [],
                modes=[Mode(m) for m in form.modes.data or []],
                radius_km=float(form.radius_km.data),
                availability=form.availability.data or "",
                about=form.about.data or "",
                paused=form.paused.data,
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field if exc.field and hasattr(form, exc.field) else "topics").errors.append(
                str(exc)
            )
        else:
            db.session.commit()
            flash(_("Your volunteer profile is saved. Thank you for helping!"), "success")
            return redirect(url_for("helpdesk.volunteer"))
    openings = requests.requests_for(profile) if profile is not None else []
    return render_template(
        "helpdesk/volunteer.html", form=form, profile=profile, openings=openings, modes=MODE_LABELS
    ), 400 if form.errors else 200


@bp.get("/volunteers")
@login_required
def volunteer_list():
    place = municipality()
    require(permissions.is_organiser(current_user, place.id))
    return render_template(
        "helpdesk/volunteers.html",
        volunteers=volunteers.volunteers(place.id),
        form=ActionForm(),
        languages=LANGUAGE_LABELS,
        modes=MODE_LABELS,
    )


@bp.post("/volunteers/<int:profile_id>/vet")
@login_required
def vet(profile_id: int):
    profile = db.session.get(VolunteerProfile, profile_id)
    if profile is None or profile.municipality_id != municipality().id:
        abort(404)
    require(permissions.is_organiser(current_user, profile.municipality_id))
    if ActionForm().validate_on_submit():
        volunteers.set_vetted(profile, by=current_user, vetted=not profile.is_vetted)
        db.session.commit()
        if profile.is_vetted:
            flash(
                _(
                    "%(name)s is vetted by %(org)s.",
                    name=profile.user.display_name,
                    org=profile.vetted_by_name,
                ),
                "success",
            )
        else:
            flash(_("%(name)s is no longer vetted.", name=profile.user.display_name), "info")
    return redirect(url_for("helpdesk.volunteer_list"))
