"""The overview of citizen dialogue, and the municipality's settings (threshold, reach, promises)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from community.engagement import bp, permissions
from community.engagement.forms import SettingsForm
from community.engagement.models import PromiseKind
from community.engagement.services import consultations, ideas, meetings, promises, qa
from community.engagement.services.common import settings_for
from community.engagement.views import attach_error, municipality, visible_space_ids
from community.errors import DomainError
from community.extensions import db
from community.i18n import _
from community.permissions import require


@bp.get("/")
def index():
    place = municipality()
    spaces = visible_space_ids()
    return render_template(
        "engagement/index.html",
        municipality=place,
        upcoming=qa.upcoming(place.id, space_ids=spaces, limit=10),
        past=qa.past(place.id, space_ids=spaces, limit=5),
        meetings=meetings.listed(place.id, space_ids=spaces, limit=10),
        consultations=consultations.listed(place.id, space_ids=spaces, limit=10),
        ideas=ideas.listed(place.id, order="support", space_ids=spaces, limit=5).items,
        terms=promises.terms(place.id),
        threshold=settings_for(place.id).idea_threshold,
        staff=permissions.can_create(current_user, place.id),
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    place = municipality()
    require(permissions.can_manage_promises(current_user, place.id))
    current = settings_for(place.id)
    terms = promises.terms(place.id)
    form = SettingsForm()
    if not form.is_submitted():
        form.idea_threshold.data = current.idea_threshold
        form.area_km.data = current.area_km
        for kind, term in terms.items():
            getattr(form, f"{kind.value}_days").data = term.working_days
            getattr(form, f"{kind.value}_active").data = term.active
    if form.validate_on_submit():
        try:
            promises.save_settings(
                place.id,
                by=current_user,
                idea_threshold=form.idea_threshold.data,
                area_km=float(form.area_km.data),
                promises={
                    kind: (
                        getattr(form, f"{kind.value}_days").data,
                        getattr(form, f"{kind.value}_active").data,
                    )
                    for kind in PromiseKind
                },
            )
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc, "idea_threshold")
        else:
            db.session.commit()
            flash(_("The settings are saved."), "success")
            return redirect(url_for("engagement.settings"))
    return render_template("engagement/settings.html", form=form), (400 if form.errors else 200)


@bp.app_template_global("promise_sentence")
def promise_sentence(kind: PromiseKind, days: int) -> str:
    from community.i18n import ngettext

    if kind == PromiseKind.QUESTION:
        return ngettext(
            "A question to the municipality is answered within %(num)s working day.",
            "A question to the municipality is answered within %(num)s working days.",
            days,
        )
    if kind == PromiseKind.IDEA:
        return ngettext(
            "An idea past the threshold gets an official response within %(num)s working day.",
            "An idea past the threshold gets an official response within %(num)s working days.",
            days,
        )
    return ngettext(
        "A fault report is acknowledged within %(num)s working day.",
        "A fault report is acknowledged within %(num)s working days.",
        days,
    )
