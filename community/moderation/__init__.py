"""Moderation and privacy, the municipality's duty of care: reports and the queue, actions with one
appeal, the audit log, watched words, protected names, think-before-posting, blocking and a citizen's
own data. A core package: features register their content (``registry``) and use its predicates
(``permissions.visible_clause``, ``is_blocked_between``); none reimplements it."""

from flask import Blueprint, g

bp = Blueprint("moderation", __name__, template_folder="templates")
# The views (and with them the notification kinds and core content types) are imported by
# ``setup.configure_blueprints`` through ``community.moderation.views``: importing this package stays
# light, so feature models can take ``ModeratableMixin`` from ``community.moderation.models``.


@bp.before_request
def _moderating() -> None:
    # Reasons, notes and appeals quote what was wrong: the watched-word checks leave them alone (the
    # CPR guard still applies).
    g.moderating = True


@bp.record_once
def _init(state) -> None:
    from community.moderation import components, guard, permissions  # noqa: F401  (components: the count)

    guard.init_app()
    state.app.jinja_env.globals["perm_moderation"] = permissions
    state.app.jinja_env.globals["moderation_open_count"] = _open_count


def _open_count(space) -> int:
    """The open cases in a space's queue (one indexed count), for the links its moderators see."""
    from community.moderation.services import open_count

    return open_count(space.municipality_id, space.id)
