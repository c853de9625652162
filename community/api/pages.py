"""The HTML side of the open interfaces: the API's documentation page, a person's tokens on their
profile, and the municipality's website tokens and Open311 API keys in the console."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from community.api import permissions, tokens
from community.api.forms import MunicipalTokenForm, TokenForm
from community.api.models import ApiToken, Scope, TokenKind
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm
from community.i18n import _
from community.permissions import require
from community.spaces.models import Municipality
from community.spaces.permissions import can_use_console
from community.spaces.tenancy import current_municipality

bp = Blueprint("api_pages", __name__, template_folder="templates")


@bp.get("/api/docs")
def docs():
    """Swagger UI, vendored (no CDN), started by a static script (no inline code): the OpenAPI
    document at ``/api/openapi.json``, generated from the views."""
    return render_template("api/docs.html")


# --- a person's own tokens -------------------------------------------------------------------------


def _tokens_page(form: TokenForm, *, secret: str | None = None, status: int = 200):
    return render_template(
        "api/tokens.html",
        form=form,
        items=tokens.tokens_of(current_user),
        secret=secret,
        revoke_form=ActionForm(),
        can_create=permissions.can_create_personal_token(current_user),
    ), status


@bp.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def profile_tokens():
    form = TokenForm()
    if form.validate_on_submit():
        require(permissions.can_create_personal_token(current_user))
        place = current_municipality()
        try:
            _token, secret = tokens.create_personal(
                current_user,
                name=form.name.data,
                scopes=[Scope(s) for s in form.scopes.data or [] if s in Scope._value2member_map_],
                days=int(form.days.data),
                municipality_id=place.id if place else None,
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field if exc.field in ("name", "scopes", "days") else "name").errors.append(
                str(exc)
            )
        else:
            db.session.commit()
            # Shown in this answer only: never in a redirect's flash message (the session cookie).
            return _tokens_page(TokenForm(formdata=None), secret=secret, status=201)
    return _tokens_page(form, status=400 if form.errors else 200)


def _token_or_404(token_id: int) -> ApiToken:
    found = db.session.get(ApiToken, token_id)
    if found is None or not permissions.can_revoke(current_user, found):
        abort(404)
    return found


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def profile_token_revoke(token_id: int):
    found = _token_or_404(token_id)
    if ActionForm().validate_on_submit():
        place = current_municipality()
        tokens.revoke(found, by=current_user, municipality_id=place.id if place else None)
        db.session.commit()
        flash(_("The token %(prefix)s… is revoked and no longer works.", prefix=found.prefix), "success")
    return redirect(url_for("api_pages.profile_tokens"))


# --- the municipality's tokens and keys ------------------------------------------------------------


def _staff_municipality() -> Municipality:
    require(can_use_console(current_user))
    found = db.session.get(Municipality, current_user.staff_municipality_id)
    if found is None:
        abort(403)
    return found


def _console_page(place: Municipality, form: MunicipalTokenForm, *, secret=None, made=None, status=200):
    return render_template(
        "api/console_tokens.html",
        municipality=place,
        form=form,
        items=tokens.municipal_tokens(place.id),
        secret=secret,
        made=made,
        revoke_form=ActionForm(),
    ), status


@bp.route("/admin/api-keys", methods=["GET", "POST"])
@login_required
def console_tokens():
    place = _staff_municipality()
    form = MunicipalTokenForm()
    if form.validate_on_submit():
        try:
            made, secret = tokens.create_municipal(
                place,
                TokenKind(form.kind.data),
                name=form.name.data,
                days=int(form.days.data),
                by=current_user,
            )
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field if exc.field in ("name", "kind", "days") else "name").errors.append(
                str(exc)
            )
        else:
            db.session.commit()
            return _console_page(
                place, MunicipalTokenForm(formdata=None), secret=secret, made=made, status=201
            )
    return _console_page(place, form, status=400 if form.errors else 200)


@bp.post("/admin/api-keys/<int:token_id>/revoke")
@login_required
def console_token_revoke(token_id: int):
    place = _staff_municipality()
    found = _token_or_404(token_id)
    if ActionForm().validate_on_submit():
        tokens.revoke(found, by=current_user, municipality_id=place.id)
        db.session.commit()
        flash(_("The key %(prefix)s… is revoked and no longer works.", prefix=found.prefix), "success")
    return redirect(url_for("api_pages.console_tokens"))
