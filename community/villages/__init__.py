"""Villages: local dialogue and mutual help in a village's own space."""

from flask import Blueprint

bp = Blueprint("villages", __name__, template_folder="templates", url_prefix="/villages")

from community.villages import views  # noqa: E402,F401
