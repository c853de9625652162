"""Moderation's checks in the one text guard (``community.textguard``): watched words (block, hold,
flag), protected names (hold, with a gentle explanation), the "think before posting" prompt (forms
only) and the gentle limits for new accounts."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, flash, g, has_app_context, has_request_context
from flask_login import current_user
from limits import parse_many
from sqlalchemy.orm import Session

from community import textguard
from community.db import utcnow
from community.errors import DomainError
from community.extensions import db, limiter
from community.i18n import _
from community.moderation import registry, words
from community.moderation.models import (
    Action,
    AuditEntry,
    Case,
    ModeratableMixin,
    ModerationState,
    Reason,
    Report,
    WordAction,
)
from community.spaces.models import Membership, MembershipStatus, Space

MODERATION_MODELS = (Action, AuditEntry, Case, Report)

# --- where a text is written ----------------------------------------------------------------------

#: By (database, space id) and by database: see ``words.database_key``.
_space_municipality: dict[tuple[str, int], tuple[float, int]] = {}
_default: dict[tuple[str, str | None], tuple[float, int | None]] = {}


@contextmanager
def unwatched():
    """Moderators at work: the text they touch (an edited passage, a reason) is not held again."""
    previous = g.get("moderating", False) if has_app_context() else False
    if has_app_context():
        g.moderating = True
    try:
        yield
    finally:
        if has_app_context():
            g.moderating = previous


def _suspended() -> bool:
    return has_app_context() and bool(g.get("moderating"))


def _ttl() -> float:
    return float(current_app.config.get("MODERATION_CACHE_SECONDS", 5))


def municipality_of_space(space_id: int) -> int | None:
    now = time.monotonic()
    key = (words.database_key(), space_id)
    known = _space_municipality.get(key)
    if known is not None and now - known[0] < max(_ttl(), 60.0 if _ttl() else 0.0):
        return known[1]
    found = db.session.scalar(sa.select(Space.municipality_id).where(Space.id == space_id))
    if found is not None:
        _space_municipality[key] = (now, found)
    return found


def forget_default() -> None:
    """Tests roll their municipalities back unseen by this cache."""
    _default.clear()


def _default_municipality() -> int | None:
    """The request's municipality (``tenancy.current_municipality``, remembered for the request), or
    outside a request the installation's own (``tenancy.default_municipality``: the one
    ``COMMUNITY_MUNICIPALITY`` names, else the first; remembered for the cache's lifetime)."""
    from community.spaces.tenancy import current_municipality, default_municipality

    if has_request_context():
        found = current_municipality()
        return found.id if found is not None else None
    now = time.monotonic()
    key = (words.database_key(), current_app.config.get("MUNICIPALITY"))
    at, found = _default.get(key, (-1e9, None))
    if now - at >= _ttl() or found is None:
        municipality = default_municipality()
        found = municipality.id if municipality is not None else None
        _default[key] = (now, found)
    return found


def scope_of(obj: Any | None) -> tuple[int | None, int | None]:
    """(municipality id, space id) of the place a text is written."""
    if isinstance(obj, Space):
        return obj.municipality_id, obj.id
    space_id = getattr(obj, "space_id", None) if obj is not None else None
    if space_id is None and has_request_context() and g.get("space") is not None:
        return g.space.municipality_id, g.space.id
    if space_id is not None:
        return municipality_of_space(space_id), space_id
    return _default_municipality(), None


# --- the checks -------------------------------------------------------------------------------------


def complaint_hint() -> str:
    url = current_app.config.get("COMPLAINT_URL")
    if url:
        return _(
            "To complain about a decision or a caseworker, use the municipality's complaint route: %(url)s",
            url=url,
        )
    return _(
        "To complain about a decision or a caseworker, use the municipality's complaint route on its website."
    )


def protected_message() -> str:
    return " ".join(
        [
            _(
                "Personal cases and named employees are not discussed here, to protect everyone involved. "
                "Your text is saved and a moderator will look at it before others can see it."
            ),
            complaint_hint(),
        ]
    )


def _held_message() -> str:
    return _("Your text is saved and waits for a moderator's approval before others can see it.")


def _talks_to_official(user_id: int | None, space_id: int | None) -> bool:
    """A protected employee who takes part in this space under an official badge may be addressed."""
    if user_id is None or space_id is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(Membership.id).where(
                Membership.space_id == space_id,
                Membership.user_id == user_id,
                Membership.official.is_not(None),
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
    )


def _pending(session: Session) -> list[tuple[Any, Reason, str]]:
    return session.info.setdefault("moderation_pending", [])


def _hold(obj: Any, reason: Reason, detail: str, message: str, field: str) -> None:
    content_type = registry.for_object(obj)
    if content_type is None or not content_type.moderatable or not isinstance(obj, ModeratableMixin):
        raise DomainError(message, field=field)  # nothing to hold: refused with the same explanation
    if obj.moderation_state in (None, ModerationState.VISIBLE):
        obj.moderation_state = ModerationState.HELD
        obj.moderation_reason = None
        obj.moderated_at = utcnow()
    _pending(db.session()).append((obj, reason, detail))
    if has_request_context():
        notices = g.setdefault("moderation_notices", set())
        if message not in notices:
            notices.add(message)
            flash(message, "info")


def watched_words(text: str, *, field: str, obj: Any | None) -> None:
    if _suspended() or isinstance(obj, MODERATION_MODELS):
        return
    municipality_id, space_id = scope_of(obj)
    if municipality_id is None:
        return
    found = words.match(text, municipality_id, space_id)
    worst = found.worst()
    if worst is not None and worst.action == WordAction.BLOCK:
        shown = worst.pattern if not words.is_regex(worst.pattern) else _("a pattern on the list")
        raise DomainError(
            _("“%(word)s” is not allowed here. Please write the text without it.", word=shown), field=field
        )
    if obj is None:
        return  # a form: holding and flagging happen when the text is saved
    people = [p for p in found.people if not _talks_to_official(p[1], space_id)]
    if people:
        _hold(obj, Reason.PROTECTED_NAME, _("names a protected employee"), protected_message(), field)
    elif worst is not None and worst.action == WordAction.HOLD:
        _hold(obj, Reason.WATCHED_WORD, worst.pattern, _held_message(), field)
    elif worst is not None and worst.action == WordAction.FLAG:
        content_type = registry.for_object(obj)
        if content_type is not None:
            _pending(db.session()).append((obj, Reason.WATCHED_WORD, worst.pattern))


SHOUTING_MIN_LETTERS = 20
SHOUTING_MIN_WORDS = 4
REPEATED_MARKS = re.compile(r"[!?]{3,}")


def think_twice(text: str, *, field: str) -> str | None:
    """The calm prompt shown before a text that may hurt is published, or None."""
    if _suspended():
        return None
    municipality_id, space_id = scope_of(None)
    if municipality_id is not None:
        found = words.match(text, municipality_id, space_id)
        if any(h.action == WordAction.FLAG for h in found.words):
            return _(
                "Your text contains words others may find hurtful. Would you like to say it another way? "
                "You can edit it, or post it as it is."
            )
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= SHOUTING_MIN_LETTERS and sum(c.isupper() for c in letters) >= 0.8 * len(
        letters
    )
    if shouting and len(text.split()) >= SHOUTING_MIN_WORDS:  # prose, not a code such as an RRULE
        return _(
            "Text in capitals reads as shouting. Would you like to write it in ordinary letters? "
            "You can edit it, or post it as it is."
        )
    if REPEATED_MARKS.search(text):
        return _(
            "Many exclamation marks can read as angry. Take a breath: would you like to change it? "
            "You can edit it, or post it as it is."
        )
    return None


# --- after the flush: held and flagged items open a case in the queue -----------------------------


def _after_flush(session: Session, _context: Any) -> None:
    pending = session.info.pop("moderation_pending", None)
    if not pending:
        return
    from community.moderation.services import system_case

    seen: set[tuple[str, int]] = set()
    for obj, reason, detail in pending:
        content_type = registry.for_object(obj)
        if content_type is None or getattr(obj, "id", None) is None:
            continue
        key = (content_type.name, obj.id)
        if key in seen:
            continue
        seen.add(key)
        system_case(session, content_type, obj, reason=reason, detail=detail)


# --- gentle limits for new accounts ----------------------------------------------------------------


def _new_account_limit(session: Session, _context: Any, _instances: Any) -> None:
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return
    config = current_app.config
    days = config.get("NEW_ACCOUNT_DAYS", 0)
    if (
        not days
        or current_user.created_at is None
        or current_user.created_at < utcnow() - timedelta(days=days)
    ):
        return
    written = [
        o
        for o in session.new
        if isinstance(o, ModeratableMixin)
        and (content_type := registry.for_object(o)) is not None
        and content_type.author_attr
        and getattr(o, content_type.author_attr, None) == current_user.id
    ]
    if not written or not config.get("RATELIMIT_ENABLED", True):
        return
    for item in parse_many(config.get("NEW_ACCOUNT_LIMIT", "5 per hour")):
        for _o in written:
            if not limiter.limiter.hit(item, "new-account", str(current_user.id)):
                raise DomainError(
                    _(
                        "New accounts can write a few posts and messages an hour during their first "
                        "%(days)s days. Please wait a little and try again.",
                        days=days,
                    )
                )


def init_app() -> None:
    textguard.register(watched_words)
    textguard.register_soft(think_twice)
    if not sa.event.contains(Session, "after_flush_postexec", _after_flush):
        sa.event.listen(Session, "after_flush_postexec", _after_flush)
    if not sa.event.contains(Session, "before_flush", _new_account_limit):
        sa.event.listen(Session, "before_flush", _new_account_limit)
