"""Maintenance: sports clubs and contractors look after the pitches together, directly."""

from flask import Blueprint

bp = Blueprint("maintenance", __name__, template_folder="templates")

from community.maintenance import components, demo, following, kinds, moderation  # noqa: E402,F401
from community.maintenance.views import (  # noqa: E402,F401
    club,
    contractor,
    facilities,
    faults,
    feeds,
    overview,
    requests,
)


@bp.record_once
def _template_globals(state) -> None:
    from community.maintenance import permissions
    from community.notifications.mail import external_url

    state.app.jinja_env.globals["perm_maintenance"] = permissions
    state.app.jinja_env.globals.setdefault("external_url", external_url)
