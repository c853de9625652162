"""Helpdesk: volunteers coach seniors and others in Digital Post and the rest of digital Denmark."""

from flask import Blueprint

bp = Blueprint("helpdesk", __name__, template_folder="templates", url_prefix="/helpdesk")

from community.helpdesk import views  # noqa: E402,F401
