"""Accounts: one account for every space -- registration, confirmation, login (with a password or an
OpenID Connect provider), password reset, profile."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")

from community.accounts import oidc, views  # noqa: E402,F401
