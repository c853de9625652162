"""What a conversation is about. A feature registers a resolver for its kind of subject: given ids, it
returns each one's title and link (or nothing for a subject that is gone). Core never imports a
feature, and a page of conversations resolves each kind once, not once per conversation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SubjectLink:
    title: str
    endpoint: str
    values: dict[str, Any]


Resolver = Callable[[list[int]], dict[int, SubjectLink]]
_resolvers: dict[str, Resolver] = {}


def register_subject(kind: str, resolver: Resolver) -> None:
    _resolvers[kind] = resolver


def resolve(pairs: Iterable[tuple[str | None, int | None]]) -> dict[tuple[str, int], SubjectLink]:
    """{(kind, id): link} for the subjects that still exist."""
    wanted: dict[str, set[int]] = {}
    for kind, subject_id in pairs:
        if kind is not None and subject_id is not None and kind in _resolvers:
            wanted.setdefault(kind, set()).add(subject_id)
    found: dict[tuple[str, int], SubjectLink] = {}
    for kind, ids in wanted.items():
        for subject_id, link in _resolvers[kind](sorted(ids)).items():
            found[(kind, subject_id)] = link
    return found


def link_of(kind: str | None, subject_id: int | None) -> SubjectLink | None:
    return resolve([(kind, subject_id)]).get((kind, subject_id)) if kind and subject_id else None  # type: ignore[index]
