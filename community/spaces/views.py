from __future__ import annotations

import re

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required

from community import geo
from community.errors import DomainError
from community.extensions import db, limiter
from community.forms import ActionForm, flash_errors
from community.i18n import _
from community.media import owners as media_owners
from community.permissions import require
from community.ratelimits import user_key
from community.spaces import bp, mentions, permissions, services, theme
from community.spaces.components import space_facts
from community.spaces.forms import InviteForm, JoinForm, RoleForm, ThemeForm
from community.spaces.models import Membership, MembershipStatus, Official, Role, Space
from community.spaces.tenancy import current_municipality, get_in_space_or_404


def _origin() -> tuple[float | None, float | None, str | None, str | None]:
    """Where "near" is measured from: ?near=, else the user's home, else the municipality's centre."""
    near = (request.args.get("near") or "").strip()
    if near:
        try:
            place = geo.resolve(near)
        except DomainError as exc:
            return None, None, None, str(exc)
        return place.lat, place.lon, place.label, None
    if current_user.is_authenticated and current_user.has_home:
        return current_user.home_latitude, current_user.home_longitude, current_user.home_label, None
    municipality = current_municipality()
    if municipality is not None:
        return municipality.latitude, municipality.longitude, municipality.name, None
    return None, None, None, None


@bp.get("/")
def index():
    lat, lon, origin, near_error = _origin()
    nearby = services.spaces_near(lat, lon, user=current_user)
    mine = services.memberships_of(current_user) if current_user.is_authenticated else []
    mine_ids = {m.space_id for m in mine}
    return render_template(
        "spaces/index.html",
        nearby=[n for n in nearby if n.space.id not in mine_ids],
        mine=mine,
        origin=origin,
        near_error=near_error,
        near=request.args.get("near", ""),
        places=geo.place_labels(),
    )


@bp.get("/s/<space_slug>/")
def front():
    """The space's front page; for a citizen outside a members-only space that takes requests, only its
    door: name, description and the form to ask to join (no content, no members, no counts)."""
    space = g.space
    require(permissions.can_find_space(current_user, space), hide=True)  # also on the space's own host
    inside = permissions.can_view_space(current_user, space)
    return render_template(
        "spaces/front.html",
        space=space,
        inside=inside,
        membership=permissions.membership_of(current_user, space),
        # With the header's counts and the other packages' facts about the space, in one statement.
        member_count=space_facts(space, current_user)["members"] if inside else None,
        join_form=JoinForm(),
        leave_form=ActionForm(),
    )


@bp.post("/s/<space_slug>/join")
@login_required
def join():
    space = g.space
    require(permissions.can_join(current_user, space) or permissions.can_request_to_join(current_user, space))
    form = JoinForm()
    if form.validate_on_submit():
        try:
            membership = services.join_space(space, current_user, message=form.message.data)
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            if membership.is_active:
                flash(_("Welcome to %(space)s!", space=space.title), "success")
            else:
                flash(
                    _(
                        "Your request to join %(space)s is sent. You will be told when an admin answers.",
                        space=space.title,
                    ),
                    "success",
                )
    else:
        flash_errors(form)
    return redirect(url_for("spaces.front"))


@bp.post("/s/<space_slug>/leave")
@login_required
def leave():
    space = g.space
    require(permissions.can_leave(current_user, space))
    if ActionForm().validate_on_submit():
        try:
            services.leave_space(space, current_user)
        except DomainError as exc:
            flash(str(exc), "error")
            return redirect(url_for("spaces.front"))
        db.session.commit()
        flash(_("You have left %(space)s.", space=space.title), "info")
    if not permissions.can_view_space(current_user, space):
        return redirect(url_for("spaces.index"))
    return redirect(url_for("spaces.front"))


def _members_page(*, invite_form: InviteForm | None = None, status: int = 200):
    space = g.space
    require(permissions.can_see_members(current_user, space), hide=not space.is_public)
    manage = permissions.can_manage_members(current_user, space)
    active = services.members(space)
    pending = services.members(space, status=MembershipStatus.PENDING) if manage else []
    role_forms = {}
    if manage:
        for m in active:
            form = RoleForm(prefix=f"m{m.id}")
            form.role.data = m.role.value
            form.official.data = m.official.value if m.official else ""
            role_forms[m.id] = form
    return render_template(
        "spaces/members.html",
        space=space,
        active=active,
        pending=pending,
        manage=manage,
        role_forms=role_forms,
        invite_form=invite_form or InviteForm(),
        action_form=ActionForm(),
    ), status


@bp.get("/s/<space_slug>/members")
@login_required
def members():
    return _members_page()


@bp.get("/s/<space_slug>/mentions")
@login_required
@limiter.limit(lambda: current_app.config["MENTION_LIMIT"], key_func=user_key, scope="mentions")
def mention_suggestions():
    """The names ``static/js/mentions.js`` offers after an ``@`` in a post or comment: ``?q=`` is what
    follows the ``@``. For those who may write in the space (outsiders of a members-only space had their
    404 when it was loaded); the name and id of each, nothing more."""
    space = g.space
    require(permissions.can_contribute(current_user, space))
    found = mentions.suggestions(space, request.args.get("q", ""), current_user)
    response = jsonify(members=[{"name": user.display_name, "id": user.id} for user in found])
    response.cache_control.no_store = True  # who is a member of a members-only space stays with them
    return response


def _managed_membership(membership_id: int) -> Membership:
    space = g.space
    require(permissions.can_manage_members(current_user, space))
    return get_in_space_or_404(Membership, membership_id, space)


@bp.post("/s/<space_slug>/members/<int:membership_id>/role")
@login_required
def change_role(membership_id: int):
    membership = _managed_membership(membership_id)
    form = RoleForm(prefix=f"m{membership.id}")
    if form.validate_on_submit():
        try:
            services.change_role(
                membership,
                role=Role(form.role.data),
                official=Official(form.official.data) if form.official.data else None,
                by=current_user,
            )
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s now has the role %(role)s.",
                    name=membership.user.display_name,
                    role=membership.role_label,
                ),
                "success",
            )
    return redirect(url_for("spaces.members"))


@bp.post("/s/<space_slug>/members/<int:membership_id>/approve")
@login_required
def approve(membership_id: int):
    membership = _managed_membership(membership_id)
    if ActionForm().validate_on_submit():
        try:
            services.approve_request(membership, by=current_user)
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("%(name)s is now a member.", name=membership.user.display_name), "success")
    return redirect(url_for("spaces.members"))


@bp.post("/s/<space_slug>/members/<int:membership_id>/reject")
@login_required
def reject(membership_id: int):
    membership = _managed_membership(membership_id)
    if ActionForm().validate_on_submit():
        name = membership.user.display_name
        try:
            services.reject_request(membership, by=current_user)
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("The request from %(name)s is declined.", name=name), "info")
    return redirect(url_for("spaces.members"))


@bp.post("/s/<space_slug>/invite")
@login_required
def invite():
    space = g.space
    require(permissions.can_manage_members(current_user, space))
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite(space, email=form.email.data, role=Role(form.role.data), by=current_user)
        except DomainError as exc:
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The invitation is sent to %(email)s.", email=form.email.data.strip()), "success")
            return redirect(url_for("spaces.members"))
    return _members_page(invite_form=form, status=400)


@bp.route("/s/<space_slug>/settings", methods=["GET", "POST"])
@login_required
def settings():
    space = g.space
    require(permissions.can_edit_space(current_user, space))
    form = ThemeForm(obj=space)
    if form.validate_on_submit():
        try:
            services.update_space(
                space,
                by=current_user,
                **form.theme_values(),
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The space is saved."), "success")
            return redirect(url_for("spaces.front"))
    return render_template("spaces/settings.html", space=space, form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    found = services.invitation_by_token(token)
    if found is None:
        abort(404)
    form = ActionForm()
    if current_user.is_authenticated and form.validate_on_submit():
        try:
            services.accept_invitation(found, current_user)
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Welcome to %(space)s!", space=found.space.title), "success")
            return redirect(url_for("spaces.front", space_slug=found.space.slug))
    return render_template("spaces/invitation.html", invitation=found, form=form, token=token)


@bp.get("/theme/<color>.css")
def theme_css(color: str):
    """A space's colours as CSS custom properties: a stylesheet of its own (not a ``<style>`` element),
    so the Content-Security-Policy allows no inline styles. Named by the colour, so cached for good."""
    if not re.fullmatch(r"[0-9a-f]{6}", color):
        abort(404)
    css = f":root {{ --brand: #{color}; --brand-tint: {theme.mix('#' + color, '#ffffff', 0.9)}; }}\n"
    response = current_app.response_class(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 31536000
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; the SVG in base.html is the modern one."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=7 * 24 * 3600)


@bp.get("/media/<path:name>")
def media(name: str):
    """An uploaded picture, under the visibility of the space it belongs to: cached publicly for a year
    when anyone may see it, privately (the browser only) for members of a members-only space, and a 404
    for everyone else."""
    owner_ids = media_owners(name)
    public = not owner_ids or None in owner_ids
    if not public:
        owners = db.session.scalars(sa.select(Space).where(Space.id.in_(owner_ids))).all()
        public = any(space.is_public for space in owners)
        if not public and not any(permissions.can_view_space(current_user, space) for space in owners):
            abort(404)
    response = send_from_directory(current_app.config["MEDIA_FOLDER"], name, max_age=31536000)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not public:
        response.cache_control.public = False
        response.cache_control.private = True
        response.cache_control.max_age = 3600
        response.vary.add("Cookie")
    return response
