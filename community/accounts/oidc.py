"""Log in through the municipality's identity provider, or MitID through a broker, with OpenID Connect.

Authlib does the protocol: discovery (``/.well-known/openid-configuration``), the authorization code
flow with PKCE (S256), ``state`` and ``nonce`` kept in the session and checked on the way back, the ID
token's signature checked against the provider's published keys and its issuer, audience, expiry and
nonce validated. This module decides what an identity means here:

- an identity seen before logs its account in;
- a first login whose *verified* e-mail belongs to an account links to it only after the person types
  that account's password (``/login/oidc/link``);
- otherwise a new account is made (confirmed when the provider vouches for the e-mail);
- a staff provider grants the staff role of its municipality when the configured claim says so.

Only the provider's name and its subject identifier are stored (``UserIdentity``), and from the claims
only the e-mail address and the name: everything else the provider sends is dropped first, so a CPR
number or another national identifier (``cpr``, ``dk:gov:cpr``, ``national_id`` …) never reaches the
database, the session or a log line (``allowed_claims``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from authlib.oidc.core import CodeIDToken
from flask import Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from joserfc.errors import JoseError
from requests import RequestException

from community import signals
from community.accounts import bp
from community.accounts.forms import OidcLinkForm
from community.accounts.models import User, UserIdentity
from community.accounts.services import authenticate, normalize_email, user_by_email
from community.db import utcnow
from community.errors import DomainError
from community.extensions import db, limiter
from community.forms import ActionForm
from community.i18n import _
from community.spaces.models import Municipality
from community.urls import safe_next

#: Claims this module reads. Everything else the provider sends is dropped before anything is kept.
READ_CLAIMS = frozenset({"sub", "email", "email_verified", "name", "given_name", "family_name"})
#: Seconds a pending link (a first login waiting for the account's password) stays valid.
LINK_SECONDS = 600
#: An account made through a provider has no password until its owner sets one (reset).
NO_PASSWORD = "!oidc"


def clock() -> int:
    """Now, in seconds: the ID token's ``exp`` and ``iat`` are checked against it (tests move it)."""
    return int(time.time())


class IdTokenClaims(CodeIDToken):
    def validate(self, now: int | None = None, leeway: int = 0) -> None:
        super().validate(now=clock() if now is None else now, leeway=leeway)


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str | None
    scopes: str
    staff_claim: str | None
    municipality: str | None


class LoginRefused(Exception):
    """The provider's answer cannot log anyone in; the message says why, in the person's language."""


def providers(app: Flask | None = None) -> dict[str, Provider]:
    """The configured providers that can be used. One named without its issuer or client id is left out
    (no login button) and a warning says which setting is missing, once per app (at start-up: this runs
    for every page)."""
    app = app or current_app
    config = app.config.get("OIDC_PROVIDERS") or {}
    warned: set[str] = app.extensions.setdefault("faelled_oidc_warned", set())
    found = {}
    for name, settings in config.items():
        settings = settings or {}
        lacking = [key for key in ("issuer", "client_id") if not settings.get(key)]
        if lacking:
            if name not in warned:
                warned.add(name)
                app.logger.warning(
                    "OpenID provider %r is left out: it has no %s (set %s)",
                    name,
                    " and no ".join(lacking),
                    ", ".join(f"COMMUNITY_OIDC_{str(name).upper()}_{key.upper()}" for key in lacking),
                )
            continue
        found[name] = Provider(
            name=name,
            label=settings.get("label") or name,
            issuer=settings["issuer"].rstrip("/"),
            client_id=settings["client_id"],
            client_secret=settings.get("client_secret"),
            scopes=settings.get("scopes") or "openid email profile",
            staff_claim=settings.get("staff_claim"),
            municipality=settings.get("municipality"),
        )
    return found


def allowed_claims(claims: dict[str, Any], provider: Provider) -> dict[str, Any]:
    """The claims this module uses, and nothing else (no CPR, no national identifier, no address)."""
    keep = set(READ_CLAIMS)
    if provider.staff_claim:
        keep.add(provider.staff_claim.partition("=")[0])
    return {key: value for key, value in claims.items() if key in keep}


def grants_staff(claims: dict[str, Any], provider: Provider) -> bool:
    if not provider.staff_claim:
        return False
    name, _sep, wanted = provider.staff_claim.partition("=")
    value = claims.get(name)
    if isinstance(value, list):
        return wanted in [str(v) for v in value]
    return value is not None and (not wanted or str(value) == wanted)


def _display_name(claims: dict[str, Any]) -> str:
    name = claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")]))
    name = " ".join(str(name).split())[:80]
    return name if len(name) >= 2 else _("New member")


def _apply_staff(user: User, claims: dict[str, Any], provider: Provider) -> None:
    if not grants_staff(claims, provider):
        return
    municipality = db.session.scalar(
        sa.select(Municipality).where(Municipality.slug == provider.municipality)
    )
    if municipality is not None:
        user.staff_municipality_id = municipality.id


def identity_of(provider: str, subject: str) -> UserIdentity | None:
    return db.session.scalar(
        sa.select(UserIdentity).where(UserIdentity.provider == provider, UserIdentity.subject == subject)
    )


def link(user: User, provider: Provider, claims: dict[str, Any]) -> UserIdentity:
    identity = UserIdentity(user_id=user.id, provider=provider.name, subject=str(claims["sub"]))
    identity.last_login_at = utcnow()
    db.session.add(identity)
    _apply_staff(user, claims, provider)
    user.last_login_at = utcnow()
    db.session.flush()
    return identity


def create_account(provider: Provider, claims: dict[str, Any]) -> User:
    """A new account for someone the provider vouches for. The e-mail is confirmed when the provider says
    it verified it."""
    email = normalize_email(str(claims.get("email") or ""))
    if not email:
        raise LoginRefused(
            _(
                "%(provider)s did not tell us an e-mail address, which every account needs. "
                "Create an account with your e-mail address instead.",
                provider=provider.label,
            )
        )
    if user_by_email(email) is not None:
        raise LoginRefused(
            _(
                "An account with %(email)s exists, but %(provider)s has not verified that the address is "
                "yours. Log in with your password instead.",
                email=email,
                provider=provider.label,
            )
        )
    user = User(
        email=email,
        password_hash=NO_PASSWORD,
        display_name=_display_name(claims),
        confirmed_at=utcnow() if claims.get("email_verified") is True else None,
    )
    db.session.add(user)
    db.session.flush()
    link(user, provider, claims)
    return user


def sign_in(provider: Provider, claims: dict[str, Any]) -> User | None:
    """The account the claims belong to (made now if new), or None when a first login must confirm
    linking to an existing account with its password (the claims are then kept in the session)."""
    claims = allowed_claims(claims, provider)
    subject = claims.get("sub")
    if not subject or len(str(subject)) > 255:
        raise LoginRefused(
            _("%(provider)s sent an answer we cannot use. Try again.", provider=provider.label)
        )
    identity = identity_of(provider.name, str(subject))
    if identity is not None:
        user = db.session.get(User, identity.user_id)
        if user is None or not user.active or user.is_deleted:
            raise LoginRefused(
                _("This account cannot log in. Contact the municipality if you think it should.")
            )
        identity.last_login_at = user.last_login_at = utcnow()
        _apply_staff(user, claims, provider)
        db.session.flush()
        return user
    email = normalize_email(str(claims.get("email") or ""))
    if email and claims.get("email_verified") is True and (existing := user_by_email(email)) is not None:
        if not existing.active or existing.is_deleted:
            raise LoginRefused(
                _("This account cannot log in. Contact the municipality if you think it should.")
            )
        session["oidc_link"] = {"provider": provider.name, "claims": claims, "at": int(time.time())}
        return None
    return create_account(provider, claims)


def client(name: str):
    return current_app.extensions["faelled_oauth"].create_client(name)


def init_app(app: Flask) -> None:
    oauth = OAuth(app)  # one per app: each app has its own providers
    app.extensions["faelled_oauth"] = oauth
    for provider in providers(app).values():
        oauth.register(
            provider.name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": provider.scopes,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": "client_secret_basic" if provider.client_secret else "none",
            },
        )

    @app.context_processor
    def _login_choices() -> dict[str, Any]:
        return {
            "oidc_providers": list(providers().values()),
            "password_login": bool(current_app.config.get("PASSWORD_LOGIN", True)),
        }


# --- views -----------------------------------------------------------------------------------------


def _provider_or_404(name: str) -> Provider:
    found = providers().get(name)
    if found is None:
        abort(404)
    return found


def _refused(message: str, provider: Provider | None = None):
    db.session.rollback()
    return render_template("accounts/oidc_error.html", message=message, provider=provider), 400


@bp.get("/login/oidc/<name>")
def oidc_start(name: str):
    """Off to the provider: Authlib makes the state, nonce and PKCE verifier and keeps them in the
    session."""
    provider = _provider_or_404(name)
    if current_user.is_authenticated:
        return redirect(url_for("spaces.index"))
    session["oidc_next"] = safe_next(request.args.get("next")) or None
    try:
        return client(name).authorize_redirect(url_for("accounts.oidc_callback", name=name, _external=True))
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError):
        current_app.logger.warning("OpenID provider %s could not be reached", name, exc_info=True)
        return _refused(
            _("%(provider)s cannot be reached right now. Try again in a moment.", provider=provider.label),
            provider,
        )


@bp.get("/login/oidc/<name>/callback")
@limiter.limit("30 per minute", scope="oidc-callback")
def oidc_callback(name: str):
    """Back from the provider. A wrong or replayed state, a code the provider refuses (used before,
    expired), an ID token whose signature, issuer, audience, nonce or expiry does not check out: a
    clear page, and nothing is created."""
    provider = _provider_or_404(name)
    try:
        token = client(name).authorize_access_token(claims_cls=IdTokenClaims, leeway=60)
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError, TypeError):
        current_app.logger.warning("OpenID login through %s refused", name, exc_info=True)
        return _refused(
            _(
                "The login through %(provider)s could not be completed: the answer was not valid, expired "
                "or already used. Nothing was saved. Start again.",
                provider=provider.label,
            ),
            provider,
        )
    claims = dict(token.get("userinfo") or {})
    claims = {**_userinfo(name, token, claims.get("sub")), **claims}
    if not claims:
        return _refused(
            _("%(provider)s sent an answer we cannot use. Try again.", provider=provider.label), provider
        )
    try:
        user = sign_in(provider, claims)
    except (LoginRefused, DomainError) as exc:
        return _refused(str(exc), provider)
    del token, claims
    if user is None:
        db.session.rollback()
        return redirect(url_for("accounts.oidc_link"))
    db.session.commit()
    return _logged_in(user, provider)


def _userinfo(name: str, token: dict[str, Any], subject: Any) -> dict[str, Any]:
    """What the provider's userinfo endpoint adds to the ID token's claims (providers that keep e-mail
    and name out of the ID token), only when it is about the same subject."""
    oauth_client = client(name)
    if not subject or not oauth_client.load_server_metadata().get("userinfo_endpoint"):
        return {}
    try:
        found = dict(oauth_client.userinfo(token=token))
    except (AuthlibBaseError, RequestException, ValueError):
        return {}
    return found if found.get("sub") == subject else {}


def _logged_in(user: User, provider: Provider):
    login_user(user)
    session.pop("locale", None)
    flash(
        _(
            "Welcome, %(name)s. You are logged in with %(provider)s.",
            name=user.display_name,
            provider=provider.label,
        ),
        "success",
    )
    if not user.has_home:
        flash(
            _("Add your home village on your profile, so we can show the spaces and help near you."), "info"
        )
    return redirect(session.pop("oidc_next", None) or url_for("spaces.index"))


def _pending() -> tuple[Provider, dict[str, Any]] | None:
    data = session.get("oidc_link")
    if not isinstance(data, dict) or int(time.time()) - int(data.get("at", 0)) > LINK_SECONDS:
        session.pop("oidc_link", None)
        return None
    provider = providers().get(str(data.get("provider")))
    claims = data.get("claims")
    if provider is None or not isinstance(claims, dict):
        return None
    return provider, claims


@bp.route("/login/oidc/link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], methods=["POST"], scope="oidc-link")
def oidc_link():
    """A first login whose e-mail belongs to an account: the account's password proves it is the same
    person before the two are linked."""
    pending = _pending()
    if pending is None:
        flash(_("The login took too long. Start again."), "info")
        return redirect(url_for("accounts.login"))
    provider, claims = pending
    email = normalize_email(str(claims.get("email") or ""))
    form = OidcLinkForm()
    if form.validate_on_submit():
        user = authenticate(email, form.password.data)
        if user is None:
            form.password.errors.append(
                _("That is not the password of this account. Try again, or reset it.")
            )
        elif identity_of(provider.name, str(claims["sub"])) is not None:
            session.pop("oidc_link", None)
            return _refused(_("This login is already linked to an account. Start again."), provider)
        else:
            link(user, provider, claims)
            db.session.commit()
            session.pop("oidc_link", None)
            return _logged_in(user, provider)
    return render_template(
        "accounts/oidc_link.html", form=form, cancel_form=ActionForm(), provider=provider, email=email
    ), (400 if form.errors else 200)


@bp.post("/login/oidc/link/cancel")
def oidc_link_cancel():
    if ActionForm().validate_on_submit():
        session.pop("oidc_link", None)
        flash(_("Nothing was linked. You are not logged in."), "info")
    return redirect(url_for("accounts.login"))


# --- a citizen's own data --------------------------------------------------------------------------


@signals.account_exporting.connect
def _export(user: Any, **_kw: Any) -> dict[str, Any]:
    from community.moderation.privacy import row

    identities = db.session.scalars(sa.select(UserIdentity).where(UserIdentity.user_id == user.id))
    return {
        "login_providers": [row(i, "provider", "subject", "created_at", "last_login_at") for i in identities]
    }


@signals.account_deleting.connect
def _delete(user: Any, **_kw: Any) -> None:
    """The provider's identifier is personal data: gone with the account (a later login is a new one)."""
    db.session.execute(sa.delete(UserIdentity).where(UserIdentity.user_id == user.id))
