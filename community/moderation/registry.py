"""The kinds of content people can report. Each feature registers its own in its package (so moderation
never imports a feature): how to load one, its space, author, address, title and excerpt, who may
see it, and how to delete it. The queue and every action work through this registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from community.extensions import db


@dataclass(frozen=True)
class ContentType:
    name: str
    #: What a person calls it ("post", "comment"), lazily translated.
    label: Any
    model: type
    space_of: Callable[[Any], Any]
    author_id_of: Callable[[Any], int | None]
    url_of: Callable[[Any], str]
    title_of: Callable[[Any], str]
    excerpt_of: Callable[[Any], str]
    #: ``can_view(user, obj)``: whether the person may see it at all (else reporting it is a 404).
    can_view: Callable[[Any, Any], bool]
    #: ``delete(obj, by)``: removes it for good (None: it cannot be deleted by a moderator).
    delete: Callable[[Any, Any], None] | None = None
    #: The attribute holding the author's id, for ``visible_clause`` (None: no author).
    author_attr: str | None = None
    #: The text moderators may edit a passage out of, and what to do after (render HTML again).
    text_attr: str | None = None
    after_edit: Callable[[Any], None] | None = None
    #: Whether it carries the moderation columns (hide, hold); profiles and spaces do not.
    moderatable: bool = True
    #: ``municipality_of(obj)``: the municipality whose staff moderate it when it belongs to no space
    #: (None: the request's municipality). Its staff then see it as a space's moderators see theirs.
    municipality_of: Callable[[Any], int | None] | None = None


_types: dict[str, ContentType] = {}
_by_model: dict[type, ContentType] = {}


def register(content_type: ContentType) -> None:
    _types[content_type.name] = content_type
    _by_model[content_type.model] = content_type


def get(name: str) -> ContentType | None:
    return _types.get(name)


def for_object(obj: Any) -> ContentType | None:
    for cls in type(obj).__mro__:
        if cls in _by_model:
            return _by_model[cls]
    return None


def for_model(model: type) -> ContentType | None:
    return _by_model.get(model)


def names() -> list[str]:
    return list(_types)


def load(name: str, content_id: int) -> Any | None:
    content_type = get(name)
    if content_type is None:
        return None
    return db.session.get(content_type.model, content_id)


def load_many(pairs: list[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    """Loads the items of a queue page: one query per kind of content on the page."""
    wanted: dict[str, set[int]] = {}
    for name, content_id in pairs:
        wanted.setdefault(name, set()).add(content_id)
    found: dict[tuple[str, int], Any] = {}
    for name, ids in wanted.items():
        content_type = get(name)
        if content_type is None:
            continue
        model = content_type.model
        for obj in db.session.scalars(sa.select(model).where(model.id.in_(ids))):
            found[(name, obj.id)] = obj
    return found
