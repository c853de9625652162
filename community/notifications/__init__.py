"""Notifications: ``notify()``, the in-app list with its unread bell, and e-mail delivery."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, template_folder="templates", url_prefix="/notifications")

from community.notifications import views  # noqa: E402,F401
