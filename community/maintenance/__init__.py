"""Maintenance: sports clubs and contractors look after the pitches together, directly."""

from flask import Blueprint

bp = Blueprint("maintenance", __name__, template_folder="templates", url_prefix="/maintenance")

from community.maintenance import views  # noqa: E402,F401
