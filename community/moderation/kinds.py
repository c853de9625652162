"""The notifications moderation sends: to an author about a decision, to staff about an appeal."""

from __future__ import annotations

from community.i18n import _
from community.notifications.kinds import Kind, register


def _what(c) -> str:
    from community.moderation.models import ACTION_LABELS, ActionKind

    try:
        return str(ACTION_LABELS[ActionKind(c["what"])])
    except (KeyError, ValueError):
        return str(c.get("what", ""))


def _action(c):
    return "moderation.action_detail", {"action_id": c["action_id"]}


def _sentence(c) -> str:
    if c.get("what") == "approve":
        return _("A moderator approved “%(title)s”: others can see it now.", title=c.get("title", ""))
    return _(
        "A moderator acted on “%(title)s”: %(what)s. Reason: %(reason)s. You can see why and appeal.",
        title=c.get("title", ""),
        what=_what(c),
        reason=c.get("reason") or "-",
    )


register("moderation.action", Kind(_sentence, _action))
register(
    "moderation.appeal",
    Kind(lambda c: _("%(name)s appealed a moderation decision.", name=c["name"]), _action),
)
register(
    "moderation.appeal_decided",
    Kind(
        lambda c: (
            _("Your appeal was granted: %(note)s", note=c["note"])
            if c.get("decision") == "overturned"
            else _("Your appeal was turned down: %(note)s", note=c["note"])
        ),
        _action,
    ),
)
