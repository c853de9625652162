"""Notifications: ``notify()``, the in-app list with its unread bell, following (levels, frequencies,
digests, one-click unsubscribe) and e-mail delivery."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, template_folder="templates", url_prefix="/notifications")


@bp.app_template_global()
def follow_state(target: str, target_id: int):
    """What the person viewing the page chose for this thing (for the follow box), or None."""
    from flask_login import current_user

    from community.notifications.following import follow_of

    if not current_user.is_authenticated:
        return None
    return follow_of(current_user, target, target_id)


@bp.record_once
def _header_count(_state) -> None:
    from community.notifications import components  # noqa: F401  (the bell's count; spaces is loaded now)


@bp.app_template_global()
def follow_levels():
    from community.notifications.models import LEVEL_LABELS

    return [(level.value, label) for level, label in LEVEL_LABELS.items()]


from community.notifications import cli, privacy, views  # noqa: E402,F401
