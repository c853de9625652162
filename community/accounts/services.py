"""Account operations. They flush and signal; the view commits."""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from community import signals
from community.accounts.models import TEXT_SIZES, User, new_session_token
from community.accounts.passwords import check_new_password
from community.db import utcnow
from community.errors import Conflict, DomainError
from community.extensions import db
from community.geo import Place
from community.i18n import _
from community.notifications.mail import send_template

# A fixed hash to verify against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH: dict[tuple[int, int], str] = {}


def hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def load_user(session_token: str) -> User | None:
    """Flask-Login's user loader: the session holds the user's rotating session token."""
    return db.session.scalar(sa.select(User).where(User.session_token == session_token, User.active))


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"faelled.{purpose}")


def _fingerprint(user: User) -> str:
    """Changes whenever the password does: a reset link stops working once it has been used."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    payload: dict[str, Any] = {"id": user.id, "email": user.email}
    if purpose == "reset":
        payload["fp"] = _fingerprint(user)
    return _serializer(purpose).dumps(payload)


def _read_token(token: str, purpose: str, max_age: int, *, expired: str, invalid: str) -> dict[str, Any]:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise DomainError(expired) from exc
    except BadSignature as exc:
        raise DomainError(invalid) from exc


def register(*, email: str, password: str, display_name: str, home: Place | None, locale: str | None) -> User:
    email = normalize_email(email)
    check_new_password(password, email=email, name=display_name)
    if user_by_email(email) is not None:
        raise Conflict(
            _(
                "An account with this e-mail address already exists. "
                "Log in, or reset your password if you forgot it."
            ),
            field="email",
        )
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=display_name.strip(),
        locale=locale,
    )
    if home is not None:
        set_home(user, home)
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    signals.user_registered.send(user)
    return user


def send_confirmation(user: User) -> None:
    send_template(user.email, "confirm", locale=user.locale, user=user, token=make_token(user, "confirm"))


def peek_confirmation(token: str) -> User:
    """The user a confirmation link is for; raises ``DomainError`` if it is expired or not valid."""
    invalid = _(
        "This confirmation link is not valid. Copy the whole link from the e-mail, or ask for a new one."
    )
    data = _read_token(
        token,
        "confirm",
        current_app.config["CONFIRM_MAX_AGE"],
        expired=_("This confirmation link has expired. Log in and ask for a new one."),
        invalid=invalid,
    )
    user = db.session.get(User, data["id"])
    if user is None or user.email != data["email"]:
        raise DomainError(invalid)
    return user


def confirm_email(token: str) -> User:
    user = peek_confirmation(token)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        db.session.flush()
        signals.user_confirmed.send(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    ph = hasher()
    if user is None:
        key = (ph.time_cost, ph.memory_cost)
        if key not in _DUMMY_HASH:
            _DUMMY_HASH[key] = ph.hash("not a password of anyone")
        with contextlib.suppress(VerificationError):
            ph.verify(_DUMMY_HASH[key], password)
        return None
    try:
        ph.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if ph.check_needs_rehash(user.password_hash):
        user.password_hash = ph.hash(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """Sends a reset link if the account exists; says nothing either way, so accounts are not revealed."""
    user = user_by_email(email)
    if user is not None and user.active:
        send_template(user.email, "reset", locale=user.locale, user=user, token=make_token(user, "reset"))


def user_for_reset(token: str) -> User:
    data = _read_token(
        token,
        "reset",
        current_app.config["RESET_MAX_AGE"],
        expired=_("This reset link has expired. Ask for a new one below."),
        invalid=_("This reset link is not valid. Ask for a new one below."),
    )
    user = db.session.get(User, data["id"])
    if user is None or data.get("fp") != _fingerprint(user):
        raise DomainError(_("This reset link has already been used. Ask for a new one if you need to."))
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset(token)
    check_new_password(password, email=user.email, name=user.display_name)
    set_password(user, password)
    if user.confirmed_at is None:  # the link reached their inbox, so the address is theirs
        user.confirmed_at = utcnow()
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Ends every session and remember-me cookie of ``user`` on every device: the session version
    (``session_token``, which the cookies carry) changes, so a saved cookie no longer logs anyone in.
    Logout, a password change and a reset call it."""
    user.session_token = new_session_token()
    db.session.flush()


def change_password(user: User, *, current: str, new: str) -> None:
    try:
        hasher().verify(user.password_hash, current)
    except (VerificationError, InvalidHashError) as exc:
        raise DomainError(
            _("That is not your current password. Try again."), field="current_password"
        ) from exc
    check_new_password(new, email=user.email, name=user.display_name)
    set_password(user, new)
    db.session.flush()


def set_home(user: User, place: Place) -> None:
    user.home_label = place.label
    user.home_latitude = place.lat
    user.home_longitude = place.lon


def update_profile(
    user: User,
    *,
    display_name: str,
    locale: str | None,
    home: Place | None,
    email_notifications: bool,
    text_size: str | None = None,
) -> User:
    user.display_name = display_name.strip()
    user.locale = locale or None
    if text_size is not None:
        set_text_size(user, text_size)
    if home is not None:
        set_home(user, home)
    user.email_notifications = email_notifications
    db.session.flush()
    return user


def set_text_size(user: User, size: str) -> None:
    """Remembers the text size a person chose ("normal" is stored as no choice)."""
    if size not in TEXT_SIZES:
        raise DomainError(_("Choose one of the text sizes."), field="text_size")
    user.text_size = None if size == "normal" else size
    db.session.flush()


def create_user(
    *, email: str, password: str, display_name: str, confirmed: bool = True, home: Place | None = None
) -> User:
    """For the command line and demo data: an account without the confirmation e-mail."""
    if user_by_email(email) is not None:
        raise Conflict(_("An account with this e-mail address already exists."), field="email")
    user = User(
        email=normalize_email(email),
        password_hash=hash_password(password),
        display_name=display_name,
        confirmed_at=utcnow() if confirmed else None,
    )
    if home is not None:
        set_home(user, home)
    db.session.add(user)
    db.session.flush()
    return user
