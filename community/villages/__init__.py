"""Villages: local dialogue and mutual help in a village's own space."""

from flask import Blueprint

bp = Blueprint("villages", __name__, template_folder="templates")

from community.villages import components, demo, following, kinds, moderation, scale  # noqa: E402,F401
from community.villages.views import discover, help, posts  # noqa: E402,F401


@bp.record_once
def _template_globals(state) -> None:
    from community.villages import permissions

    state.app.jinja_env.globals["perm_villages"] = permissions
