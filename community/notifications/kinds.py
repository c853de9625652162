"""What each kind of notification says and where it leads. Context holds plain values (names, slugs)
saved when it was sent; the sentence is translated when it is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for

from community.i18n import _

Target = tuple[str, dict[str, Any]]  # (endpoint, url values)


@dataclass(frozen=True)
class Kind:
    text: Callable[[dict[str, Any]], str]
    target: Callable[[dict[str, Any]], Target]


def _role(value: str) -> str:
    from community.spaces.models import ROLE_LABELS, Role

    return str(ROLE_LABELS[Role(value)])


def _space_url(c: dict[str, Any]) -> Target:
    return "spaces.front", {"space_slug": c["space_slug"]}


def _members_url(c: dict[str, Any]) -> Target:
    return "spaces.members", {"space_slug": c["space_slug"]}


KINDS: dict[str, Kind] = {
    "membership.role_changed": Kind(
        lambda c: _(
            "%(by)s gave you the role %(role)s in %(space)s.",
            by=c["by"],
            role=_role(c["role"]),
            space=c["space"],
        ),
        _space_url,
    ),
    "membership.approved": Kind(
        lambda c: _("Welcome: your request to join %(space)s was approved.", space=c["space"]), _space_url
    ),
    "membership.requested": Kind(
        lambda c: _("%(name)s asks to join %(space)s.", name=c["name"], space=c["space"]), _members_url
    ),
    "membership.invited": Kind(
        lambda c: _(
            "%(by)s invited you to %(space)s with the role %(role)s.",
            by=c["by"],
            space=c["space"],
            role=_role(c["role"]),
        ),
        lambda c: ("spaces.invitation", {"token": c["token"]}),
    ),
}


def register(name: str, kind: Kind) -> None:
    """Feature packages add their kinds here (core never imports them)."""
    KINDS[name] = kind


def describe(kind: str, context: dict[str, Any]) -> tuple[str, Target]:
    """(sentence in the current language, (endpoint, values)) of a notification."""
    entry = KINDS.get(kind)
    try:
        if entry is not None:
            return entry.text(context), entry.target(context)
    except (KeyError, ValueError):
        pass
    return _("You have a new notification."), ("notifications.index", {})


def sentence_and_url(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    text, (endpoint, values) = describe(kind, context)
    return text, url_for(endpoint, **values)
