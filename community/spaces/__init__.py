"""Spaces: the municipality, its spaces, memberships, themes and the provisioning console."""

from flask import Blueprint

bp = Blueprint("spaces", __name__, template_folder="templates")
admin_bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")

from community.spaces import admin, cli, following, views  # noqa: E402,F401
