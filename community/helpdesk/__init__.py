"""Helpdesk: volunteers coach seniors and others in Digital Post and the rest of digital Denmark."""

from flask import Blueprint

bp = Blueprint("helpdesk", __name__, template_folder="templates", url_prefix="/helpdesk")

from community.helpdesk import demo, kinds, scale, tasks  # noqa: E402,F401
from community.helpdesk.views import guides, people, requests, sessions  # noqa: E402,F401


@bp.record_once
def _template_globals(state) -> None:
    from community.helpdesk import permissions

    state.app.jinja_env.globals["perm_helpdesk"] = permissions
