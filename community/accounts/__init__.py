"""Accounts: one account for every space -- registration, confirmation, login, password reset, profile."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")

from community.accounts import views  # noqa: E402,F401
