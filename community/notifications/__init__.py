"""Notifications: ``notify()``, the in-app list with its unread bell, following (levels, frequencies,
digests, one-click unsubscribe) and e-mail delivery."""

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, g

bp = Blueprint("notifications", __name__, template_folder="templates", url_prefix="/notifications")


@bp.app_template_global()
def follow_state(target: str, target_id: int):
    """What the person viewing the page chose for this thing (for the follow box), or None."""
    from flask_login import current_user

    from community.notifications.following import follow_of

    if not current_user.is_authenticated:
        return None
    space = g.get("space")
    if target == "space" and space is not None and space.id == target_id:
        # The page's space: its facts come in one statement with the header's counts.
        from community.notifications.models import Level
        from community.spaces.components import space_facts

        level = space_facts(space, current_user).get("follow_level")
        return None if level is None else FollowState(Level(level))
    return follow_of(current_user, target, target_id)


@dataclass(frozen=True)
class FollowState:
    """What the follow box shows of a follow."""

    level: Any


@bp.record_once
def _header_count(_state) -> None:
    from community.notifications import components  # noqa: F401  (the bell's count; spaces is loaded now)


@bp.app_template_global()
def follow_levels():
    from community.notifications.models import LEVEL_LABELS

    return [(level.value, label) for level, label in LEVEL_LABELS.items()]


from community.notifications import cli, privacy, views  # noqa: E402,F401
