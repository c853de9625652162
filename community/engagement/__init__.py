"""Engagement: the municipality asks and answers. A live Q&A hour, digital citizen meetings,
consultations on a map, the idea portal and the promise to answer in time."""

from flask import Blueprint

bp = Blueprint("engagement", __name__, template_folder="templates", url_prefix="/engagement")

from community.engagement import components, demo, following, kinds, moderation, receivers, scale, tasks  # noqa: E402,F401
from community.engagement.views import (  # noqa: E402,F401
    common,
    consultations,
    ideas,
    meetings,
    promises,
    qa,
)


@bp.record_once
def _template_globals(state) -> None:
    from community.engagement import permissions

    state.app.jinja_env.globals["perm_engagement"] = permissions
