"""System messages inside conversations, stored as a kind and its parameters and put into words in the
reader's language when shown; feature packages register their own kinds. Also the notification sent
for a new message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from community.i18n import _
from community.notifications.kinds import Kind, register

SystemText = Callable[[dict[str, Any]], str]
SYSTEM: dict[str, SystemText] = {
    "joined": lambda p: _("%(name)s joined the conversation.", name=p["name"]),
    "left": lambda p: _("%(name)s left the conversation.", name=p["name"]),
}


def register_system(kind: str, text: SystemText) -> None:
    SYSTEM[kind] = text


def message_text(message: Any) -> str:
    """A system message in the current language (a person's message is shown as they wrote it)."""
    if message.kind is None:
        return message.body
    entry = SYSTEM.get(message.kind)
    try:
        if entry is not None:
            return entry(message.params or {})
    except (KeyError, ValueError):
        pass
    return _("Something changed in this conversation.")


register(
    "conversations.message",
    Kind(
        lambda c: (
            _("%(name)s wrote to you about “%(title)s”.", name=c["name"], title=c["title"])
            if c.get("title")
            else _("%(name)s wrote to you.", name=c["name"])
        ),
        lambda c: ("conversations.show", {"conversation_id": c["conversation_id"]}),
    ),
)
