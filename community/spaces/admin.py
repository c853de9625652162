"""The municipality's provisioning console at /admin/: create spaces from a template for their kind,
appoint a first admin by e-mail, edit the theme, archive (nothing is deleted), add missing villages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community import geo
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm
from community.i18n import _
from community.permissions import require
from community.spaces import admin_bp as bp
from community.spaces import permissions, services
from community.spaces.forms import PlaceForm, SpaceCreateForm, SpaceSettingsForm
from community.spaces.kinds import TEMPLATES
from community.spaces.models import KIND_LABELS, Municipality, Role, Space, SpaceKind


@bp.before_request
@login_required
def _staff_only():
    require(permissions.can_use_console(current_user))


def _municipality() -> Municipality:
    municipality = db.session.get(Municipality, current_user.staff_municipality_id)
    if municipality is None:
        abort(403)
    return municipality


def _own_space(space_id: int) -> Space:
    space = db.session.get(Space, space_id)
    if space is None or space.municipality_id != current_user.staff_municipality_id:
        abort(404)
    return space


@bp.get("/")
def console():
    municipality = _municipality()
    spaces = list(
        db.session.scalars(
            sa.select(Space)
            .where(Space.municipality_id == municipality.id)
            .order_by(Space.archived_at.is_not(None), Space.kind, Space.name)
        )
    )
    counts = services.member_counts([s.id for s in spaces])
    return render_template("admin/console.html", municipality=municipality, spaces=spaces, counts=counts)


@bp.route("/spaces/new", methods=["GET", "POST"])
def space_new():
    municipality = _municipality()
    form = SpaceCreateForm()
    if request.method == "GET":
        kind = request.args.get("kind", SpaceKind.VILLAGE.value)
        form.kind.data = kind if kind in SpaceKind._value2member_map_ else SpaceKind.VILLAGE.value
        form.primary_color.data = TEMPLATES[SpaceKind(form.kind.data)].primary_color
    if form.validate_on_submit():
        try:
            place = geo.resolve(form.place.data)
        except DomainError as exc:
            form.place.errors.append(str(exc))
        else:
            try:
                space = services.create_space(
                    municipality,
                    kind=SpaceKind(form.kind.data),
                    name=form.name.data,
                    slug=(form.slug.data or "").strip() or None,
                    place=place,
                    primary_color=form.primary_color.data,
                    display_name=form.display_name.data,
                    hostname=form.hostname.data,
                    show_provider=form.show_provider.data,
                    by=current_user,
                )
                services.invite(space, email=form.admin_email.data, role=Role.ADMIN, by=current_user)
            except DomainError as exc:
                db.session.rollback()
                getattr(form, exc.field or "name").errors.append(str(exc))
            else:
                db.session.commit()
                flash(
                    _(
                        "%(space)s is created, and %(email)s is invited as its admin.",
                        space=space.title,
                        email=form.admin_email.data.strip(),
                    ),
                    "success",
                )
                return redirect(url_for("admin.console"))
    templates = {KIND_LABELS[kind]: t.description for kind, t in TEMPLATES.items()}
    return render_template("admin/space_new.html", form=form, templates=templates, places=geo.place_labels())


@bp.route("/spaces/<int:space_id>/edit", methods=["GET", "POST"])
def space_edit(space_id: int):
    space = _own_space(space_id)
    form = SpaceSettingsForm(obj=space)
    if request.method == "GET":
        form.visibility.data = space.visibility.value
        form.join_policy.data = space.join_policy.value
        form.place.data = ""
    if form.validate_on_submit():
        place = None
        if (form.place.data or "").strip():
            try:
                place = geo.resolve(form.place.data)
            except DomainError as exc:
                form.place.errors.append(str(exc))
        if not form.place.errors:
            try:
                services.update_space(
                    space,
                    by=current_user,
                    **form.theme_values(),
                    slug=form.slug.data.strip(),
                    hostname=form.hostname.data,
                    visibility=form.visibility.data,
                    join_policy=form.join_policy.data,
                    radius_km=form.radius_km.data,
                    place=place,
                )
            except DomainError as exc:
                db.session.rollback()
                getattr(form, exc.field or "name").errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("%(space)s is saved.", space=space.title), "success")
                return redirect(url_for("admin.console"))
    return render_template(
        "admin/space_edit.html", form=form, space=space, places=geo.place_labels(), archive_form=ActionForm()
    )


@bp.post("/spaces/<int:space_id>/archive")
def space_archive(space_id: int):
    space = _own_space(space_id)
    if ActionForm().validate_on_submit():
        if space.is_archived:
            services.unarchive_space(space, by=current_user)
            flash(_("%(space)s is open again.", space=space.title), "success")
        else:
            services.archive_space(space, by=current_user)
            flash(
                _("%(space)s is archived: it can be read, but nothing new can be added.", space=space.title),
                "success",
            )
        db.session.commit()
    return redirect(url_for("admin.console"))


@bp.route("/places", methods=["GET", "POST"])
def places():
    form = PlaceForm()
    if form.validate_on_submit():
        geo.add_place(
            name=form.name.data,
            postcode=form.postcode.data,
            latitude=float(form.latitude.data),
            longitude=float(form.longitude.data),
            by_id=current_user.id,
        )
        db.session.commit()
        flash(_("%(name)s is added to the places.", name=form.name.data.strip()), "success")
        return redirect(url_for("admin.places"))
    custom = db.session.scalars(sa.select(geo.CustomPlace).order_by(geo.CustomPlace.name)).all()
    return render_template("admin/places.html", form=form, custom=custom, attribution=geo.attribution())
