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


def system_text(kind: str | None, params: dict[str, Any] | None, written: str = "") -> str:
    """What the system said (a registered ``kind`` and its ``params``) in the current language, or
    ``written`` as a person wrote it when there is no kind. Any row that stores a kind and its
    parameters beside its text is put into words here, not only a conversation's messages."""
    if kind is None:
        return written
    entry = SYSTEM.get(kind)
    try:
        if entry is not None:
            return entry(params or {})
    except (KeyError, ValueError):
        pass
    return _("Something changed in this conversation.")


def message_text(message: Any) -> str:
    """A system message in the current language (a person's message is shown as they wrote it)."""
    return system_text(message.kind, message.params, message.body)


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
