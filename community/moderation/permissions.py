"""One predicate per moderation action; views require() them and templates ask the same ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context
from flask_login import current_user

from community.accounts.models import User
from community.db import utcnow
from community.extensions import db
from community.moderation import registry
from community.moderation.models import Action, ActionKind, Block, ModerationState
from community.spaces.models import Role, Space
from community.spaces.permissions import has_role, is_staff_for


def _authenticated(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_staff_of(user: User | None, municipality_id: int | None) -> bool:
    return bool(
        _authenticated(user) and municipality_id is not None and user.staff_municipality_id == municipality_id  # type: ignore[union-attr]
    )


def can_moderate(user: User | None, space: Space | None) -> bool:
    """Space moderators and admins, and the municipality's staff."""
    if space is None:
        return False
    return has_role(user, space, Role.MODERATOR, Role.ADMIN) or is_staff_for(user, space)


def moderates(user: User | None, content_type: registry.ContentType, obj: Any) -> bool:
    """Whether ``user`` moderates ``obj``: the moderators of its space, or, for what belongs to no
    space, the staff of its municipality (``ContentType.municipality_of``)."""
    space = content_type.space_of(obj)
    if space is not None:
        return can_moderate(user, space)
    if content_type.municipality_of is None:
        return False
    return is_staff_of(user, content_type.municipality_of(obj))


def can_see_content(user: User | None, obj: Any) -> bool:
    """Hidden and held content is there only for its author and its moderators (``moderates``)."""
    state = getattr(obj, "moderation_state", None)
    if state in (None, ModerationState.VISIBLE):
        return True
    content_type = registry.for_object(obj)
    if content_type is None:
        return True
    if _authenticated(user) and content_type.author_id_of(obj) == user.id:  # type: ignore[union-attr]
        return True
    return moderates(user, content_type, obj)


def visible_clause(
    model: type, user: User | None, space: Space | None = None, *, municipality_id: int | None = None
) -> sa.ColumnElement[bool]:
    """The WHERE clause every list, search, feed, Atom and map query of moderatable content uses:
    visible items for everyone, plus the user's own held or hidden ones, plus all of them for the
    moderators of ``space`` (None: a list across spaces, where nobody sees others' hidden items), or,
    with ``municipality_id``, for the staff of that municipality (who moderate its content outside
    the spaces, and every space's)."""
    if space is not None and can_moderate(user, space):
        return sa.true()
    if space is None and municipality_id is not None and is_staff_of(user, municipality_id):
        return sa.true()
    visible = model.moderation_state == ModerationState.VISIBLE  # type: ignore[attr-defined]
    content_type = registry.for_model(model)
    if _authenticated(user) and content_type is not None and content_type.author_attr:
        return sa.or_(visible, getattr(model, content_type.author_attr) == user.id)  # type: ignore[union-attr]
    return visible


def public_clause(model: type) -> sa.ColumnElement[bool]:
    """Visible to everyone: what feeds for nobody in particular (Atom, e-mails, alerts) may show."""
    return model.moderation_state == ModerationState.VISIBLE  # type: ignore[attr-defined]


def can_report(user: User | None, obj: Any) -> bool:
    content_type = registry.for_object(obj)
    if content_type is None or not _authenticated(user) or not user.is_confirmed:  # type: ignore[union-attr]
        return False
    if content_type.author_id_of(obj) == user.id:  # type: ignore[union-attr]
        return False
    return content_type.can_view(user, obj) and can_see_content(user, obj)


def report_url(obj: Any) -> str | None:
    """Where the person viewing the page reports ``obj``, or None when they may not (for the shared
    ``report_link`` macro, imported without the template's context)."""
    from flask import url_for
    from flask_login import current_user

    if not can_report(current_user, obj):
        return None
    content_type = registry.for_object(obj)
    return url_for("moderation.report", kind=content_type.name, item_id=obj.id)  # type: ignore[union-attr]


APPEALABLE = frozenset(
    {ActionKind.HIDE, ActionKind.EDIT, ActionKind.DELETE, ActionKind.WARN, ActionKind.SUSPEND,
     ActionKind.EXCLUDE, ActionKind.AUTO_HIDE}
)  # fmt: skip


def appeal_deadline(action: Action):
    return action.created_at + timedelta(days=current_app.config.get("APPEAL_DAYS", 14))


def can_appeal(user: User | None, action: Action) -> bool:
    return (
        _authenticated(user)
        and action.author_id == user.id  # type: ignore[union-attr]
        and action.kind in APPEALABLE
        and action.appealed_at is None
        and utcnow() <= appeal_deadline(action)
    )


def can_decide_appeal(user: User | None, action: Action) -> bool:
    """The municipality's staff, but never the one who made the decision: another looks at it."""
    return (
        is_staff_of(user, action.municipality_id)
        and action.appealed_at is not None
        and action.appeal_decision is None
        and action.by_id != user.id  # type: ignore[union-attr]
    )


def can_use_moderation_console(user: User | None) -> bool:
    return _authenticated(user) and user.staff_municipality_id is not None  # type: ignore[union-attr]


# --- blocking -----------------------------------------------------------------------------------------


def blocked_ids(user: User | None) -> frozenset[int]:
    """Everyone the user blocked or was blocked by (once per request)."""
    if not _authenticated(user):
        return frozenset()
    cache = g.setdefault("_blocks", {}) if has_app_context() else {}
    if user.id not in cache and _none_in_header_counts(user):  # type: ignore[union-attr]
        cache[user.id] = frozenset()  # type: ignore[union-attr]
    if user.id not in cache:  # type: ignore[union-attr]
        rows = db.session.execute(
            sa.select(Block.blocker_id, Block.blocked_id).where(
                sa.or_(Block.blocker_id == user.id, Block.blocked_id == user.id)  # type: ignore[union-attr]
            )
        ).all()
        cache[user.id] = frozenset(b if a == user.id else a for a, b in rows)  # type: ignore[union-attr]
    return cache[user.id]  # type: ignore[union-attr]


def _none_in_header_counts(user: User) -> bool:
    """The person reading the page has no blocks, as the header's counts (one statement the page asks
    anyway) say: no query of its own. Only for the request's own person."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return False
    if current_user.id != user.id:
        return False
    from community.spaces.components import header_counts

    return header_counts(user).get("blocks") == 0


def forget_blocks() -> None:
    if has_app_context():
        g.pop("_blocks", None)
        from community.spaces.components import forget_page_facts

        forget_page_facts()  # the header's counts say whether there are any


def is_blocked_between(user: User | None, other_id: int | None) -> bool:
    """No private conversation, help offer or mention between these two; their posts collapsed."""
    return other_id is not None and other_id in blocked_ids(user)


def has_blocked(user: User | None, other_id: int) -> bool:
    if not _authenticated(user):
        return False
    return (
        db.session.get(Block, (user.id, other_id)) is not None  # type: ignore[union-attr]
    )


def can_block(user: User | None, other: User) -> bool:
    return _authenticated(user) and user.id != other.id  # type: ignore[union-attr]


def blocked_for_viewer(other_id: int | None) -> bool:
    """``is_blocked_between`` for the person viewing the page (for macros imported without context)."""
    from flask_login import current_user

    return is_blocked_between(current_user, other_id)
