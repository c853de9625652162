"""Villages: local dialogue and mutual help in a village's own space."""

from flask import Blueprint

bp = Blueprint("villages", __name__, template_folder="templates")

from community.villages import components, demo, following, kinds, moderation, scale  # noqa: E402,F401
from community.villages.views import discover, help, posts  # noqa: E402,F401


@bp.record_once
def _template_globals(state) -> None:
    from community.villages import permissions
    from community.villages.cards import comment_content_html, post_card_html
    from community.villages.models import CATEGORY_LABELS, KIND_LABELS, STATUS_LABELS

    state.app.jinja_env.globals.update(
        perm_villages=permissions,
        post_card_html=post_card_html,
        comment_content_html=comment_content_html,
        post_labels={"kind": KIND_LABELS, "category": CATEGORY_LABELS, "status": STATUS_LABELS},
    )
