from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from community import geo
from community.accounts import bp, services
from community.accounts.forms import (
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetForm,
    ResetRequestForm,
    TextSizeForm,
)
from community.accounts.passwords import WeakPassword
from community.errors import DomainError
from community.extensions import csrf, db, limiter
from community.forms import ActionForm
from community.i18n import _, current_language
from community.urls import safe_next, sent_from_this_site


def _home_place(form, *, required: bool) -> geo.Place | None:
    """Resolves the home field; on failure the message lands on the field and None comes back."""
    text = (form.home.data or "").strip()
    if not text:
        return None
    try:
        return geo.resolve(text)
    except DomainError as exc:
        form.home.errors = [*form.home.errors, str(exc)]
        return None


def _email_in_form() -> str:
    return (request.form.get("email") or "").strip().lower()


def _account_key() -> str:
    """One account from one address: someone guessing from elsewhere does not lock the owner out."""
    return f"login:{_email_in_form()}:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code != 302  # a successful login redirects


def _registered(response) -> bool:
    return response.status_code == 302


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["REGISTER_LIMIT_IP"],
    methods=["POST"],
    deduct_when=_registered,
    scope="register",
)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("spaces.index"))
    if not current_app.config.get("PASSWORD_LOGIN", True):
        return redirect(url_for("accounts.login"))  # accounts come from the identity provider
    form = RegisterForm(next=request.args.get("next"))
    if form.validate_on_submit():
        home = _home_place(form, required=True)
        if home is not None:
            try:
                user = services.register(
                    email=form.email.data,
                    password=form.password.data,
                    display_name=form.display_name.data,
                    home=home,
                    locale=current_language(),
                )
            except DomainError as exc:
                getattr(form, exc.field or "email").errors.append(str(exc))
            else:
                db.session.commit()
                login_user(user)
                flash(
                    _(
                        "Welcome, %(name)s! We have sent you an e-mail: "
                        "open the link in it to confirm your address.",
                        name=user.display_name,
                    ),
                    "success",
                )
                return redirect(safe_next(form.next.data) or url_for("spaces.index"))
    return render_template("accounts/register.html", form=form, places=geo.place_labels())


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The e-mailed link shows a button; the POST confirms (a GET never writes, and mail scanners that
    follow links do not confirm on anyone's behalf)."""
    form = ResendConfirmationForm()
    try:
        services.peek_confirmation(token)
        if form.validate_on_submit():
            user = services.confirm_email(token)
            db.session.commit()
            flash(_("Thank you, your e-mail address is confirmed."), "success")
            if current_user.is_authenticated and current_user.id == user.id:
                return redirect(url_for("spaces.index"))
            return redirect(url_for("accounts.login"))
    except DomainError as exc:
        return render_template("accounts/confirm.html", message=str(exc), form=None), 400
    return render_template("accounts/confirm.html", message=None, form=form)


@bp.post("/confirm/resend")
@login_required
def resend_confirmation():
    if ResendConfirmationForm().validate_on_submit() and not current_user.is_confirmed:
        services.send_confirmation(current_user)
        db.session.commit()  # the e-mail is queued when the transaction commits
        flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(request.referrer if safe_next(request.referrer) else url_for("accounts.profile"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_IP"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("spaces.index"))
    if request.method == "POST" and not current_app.config.get("PASSWORD_LOGIN", True):
        abort(403)  # the municipality logs people in through its identity provider only
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(
                _("The e-mail or the password is wrong. Try again, or reset your password.")
            )
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            session.pop("locale", None)
            flash(_("Welcome back, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(form.next.data) or url_for("spaces.index"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if ActionForm().validate_on_submit():
        if current_user.is_authenticated:
            # A copied or saved cookie must not outlive the logout: end the sessions on the server.
            services.end_sessions(current_user._get_current_object())
            db.session.commit()
        logout_user()
        flash(_("You are logged out on all your devices."), "info")
    return redirect(url_for("spaces.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_IP"], methods=["POST"], scope="reset-ip")
@limiter.limit(
    lambda: current_app.config["RESET_LIMIT_ADDRESS"],
    key_func=lambda: "reset:" + _email_in_form(),
    methods=["POST"],
    scope="reset-address",
)
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()  # the e-mail is queued when the transaction commits
        flash(
            _(
                "If %(email)s has an account, a link to choose a new password is on its way. "
                "It works for two hours.",
                email=form.email.data.strip(),
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        services.user_for_reset(token)
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except WeakPassword as exc:
            form.password.errors.append(str(exc))
            return render_template("accounts/reset.html", form=form), 400
        except DomainError as exc:
            flash(str(exc), "error")
            return redirect(url_for("accounts.reset_request"))
        db.session.commit()
        logout_user()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
        form.text_size.data = current_user.text_size or "normal"
        form.home.data = current_user.home_label or ""
    if form.validate_on_submit():
        home = None
        if (form.home.data or "").strip() and form.home.data.strip() != (current_user.home_label or ""):
            home = _home_place(form, required=False)
        if not form.home.errors:
            services.update_profile(
                current_user,
                display_name=form.display_name.data,
                locale=form.locale.data or None,
                home=home,
                email_notifications=form.email_notifications.data,
                text_size=form.text_size.data or None,
            )
            db.session.commit()
            session["text_size"] = current_user.text_size or "normal"
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html",
        form=form,
        password_form=PasswordChangeForm(),
        places=geo.place_labels(),
        resend_form=ResendConfirmationForm(),
    )


@bp.post("/profile/password")
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current_password.data, new=form.password.data)
        except DomainError as exc:
            getattr(form, exc.field or "current_password").errors.append(str(exc))
        else:
            db.session.commit()
            # The session token rotated: log this session in again with it; other devices are logged out.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("accounts.profile"))
    profile_form = ProfileForm(obj=current_user)
    profile_form.locale.data = current_user.locale or ""
    profile_form.text_size.data = current_user.text_size or "normal"
    profile_form.home.data = current_user.home_label or ""
    return render_template(
        "accounts/profile.html",
        form=profile_form,
        password_form=form,
        places=geo.place_labels(),
        resend_form=ResendConfirmationForm(),
    ), 400


def _header_choice_meta() -> dict[str, bool]:
    """The header's two buttons, on every page. For someone logged in the choice is kept on their
    account, so the form carries its CSRF token. A visitor's choice lives only in their own session,
    where a forged request could do no more than change the language of the page they see next; it is
    refused when the browser says it came from another site, and needs no token. So a visitor's page
    holds no token, sets no cookie, and can be served from the page cache (``community.pagecache``)."""
    if current_user.is_authenticated:
        return {}
    if not sent_from_this_site():
        abort(403)
    return {"csrf": False}


@bp.post("/text-size")
@csrf.exempt  # checked by the form when logged in, by the origin otherwise (_header_choice_meta)
def text_size():
    """The header's "larger text" button: kept on the account, and in the session for everyone."""
    form = TextSizeForm(meta=_header_choice_meta())
    if form.validate_on_submit():
        size = form.size.data
        if current_user.is_authenticated:
            services.set_text_size(current_user, size)
            db.session.commit()
        session["text_size"] = size
    return redirect(safe_next(form.next.data) or url_for("spaces.index"))


@bp.post("/language")
@csrf.exempt  # as text_size
def language():
    form = LanguageForm(meta=_header_choice_meta())
    if form.validate_on_submit():
        choice = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = choice
            db.session.commit()
        session["locale"] = choice
    return redirect(safe_next(form.next.data) or url_for("spaces.index"))
