from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.accounts.models import User
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm, flash_errors
from community.i18n import _
from community.spaces.permissions import can_contribute
from community.villages import bp
from community.villages.forms import CATEGORY_CHOICES, HelpAlertForm
from community.villages.models import HelpCategory, PostKind
from community.villages.services import help, posts
from community.villages.views.common import space

RADII = (2, 5, 10, 20, 50)


def _help_filters() -> dict:
    kind = request.args.get("kind")
    category = request.args.get("category")
    try:
        radius = float(request.args.get("radius", "10").replace(",", "."))
    except ValueError:
        radius = 10.0
    return {
        "kind": PostKind(kind) if kind in (PostKind.HELP_REQUEST.value, PostKind.HELP_OFFER.value) else None,
        "category": HelpCategory(category) if category in HelpCategory._value2member_map_ else None,
        "radius": min(max(radius, 0.5), help.MAX_RADIUS_KM),
    }


def _origin(fallback=None) -> tuple[float | None, float | None, str | None]:
    if current_user.is_authenticated and current_user.has_home:
        return current_user.home_latitude, current_user.home_longitude, current_user.home_label
    if fallback is not None and fallback.latitude is not None:
        return fallback.latitude, fallback.longitude, fallback.title
    from community.spaces.tenancy import current_municipality

    municipality = current_municipality()
    if municipality is None:
        return None, None, None
    return municipality.latitude, municipality.longitude, municipality.name


@bp.get("/s/<space_slug>/help/")
def help_board():
    """The space's own help board: requests and offers, nearest to the citizen's home first."""
    filters = _help_filters()
    lat, lon, origin = _origin(space())
    found = []
    if lat is not None:
        found = help.nearby(
            lat,
            lon,
            radius_km=help.MAX_RADIUS_KM,
            space_ids=[space().id],
            kind=filters["kind"],
            category=filters["category"],
            limit=100,
        )
    return render_template(
        "villages/help_board.html",
        space=space(),
        found=found,
        filters=filters,
        origin=origin,
        categories=CATEGORY_CHOICES,
        radii=RADII,
        across=False,
        can_write=can_contribute(current_user, space()),
    )


@bp.get("/villages/help/")
def help_nearby():
    """Help across the villages near the citizen, within the distance they choose."""
    filters = _help_filters()
    lat, lon, origin = _origin()
    found = []
    if lat is not None:
        found = help.nearby(
            lat,
            lon,
            radius_km=filters["radius"],
            space_ids=help.visible_space_ids(current_user),
            kind=filters["kind"],
            category=filters["category"],
        )
    alert = help.alert_of(current_user) if current_user.is_authenticated else None
    form = HelpAlertForm()
    if alert is not None:
        form.radius_km.data = alert.radius_km
        form.categories.data = list(alert.categories)
    elif form.radius_km.data is None:
        form.radius_km.data = 5
    return render_template(
        "villages/help_board.html",
        space=None,
        found=found,
        filters=filters,
        origin=origin,
        categories=CATEGORY_CHOICES,
        radii=RADII,
        across=True,
        alert=alert,
        alert_form=form,
        remove_form=ActionForm(),
    )


@bp.post("/villages/help/alert")
@login_required
def help_alert():
    form = HelpAlertForm()
    if form.validate_on_submit():
        try:
            help.set_alert(
                current_user,
                radius_km=float(form.radius_km.data),
                categories=[HelpCategory(c) for c in form.categories.data or []],
            )
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("We will tell you about new help requests near you."), "success")
    else:
        flash_errors(form)
    return redirect(url_for("villages.help_nearby", _anchor="alert"))


@bp.post("/villages/help/alert/remove")
@login_required
def help_alert_remove():
    if ActionForm().validate_on_submit():
        help.remove_alert(current_user)
        db.session.commit()
        flash(_("You will no longer hear about new help requests."), "info")
    return redirect(url_for("villages.help_nearby"))


@bp.get("/villages/messages/")
def conversations_list():
    """Messages moved to /messages/ when help requests got their threads; old links keep working."""
    return redirect(url_for("conversations.index"), 301)


@bp.get("/villages/messages/<int:conversation_id>")
def conversation(conversation_id: int):
    return redirect(url_for("conversations.show", conversation_id=conversation_id), 301)


@bp.get("/villages/people/<int:user_id>")
def person(user_id: int):
    """What others see of a neighbour: their name, the favours they have given, what they wrote in
    spaces the visitor can see. Never their e-mail address."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        abort(404)
    return render_template(
        "villages/person.html",
        person=user,
        favours=help.favours_given(user),
        recent=posts.posts_by(user, help.visible_space_ids(current_user)),
    )
