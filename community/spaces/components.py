"""Extension points for feature packages: sections on a space's front page and on the home page, links in
the main navigation, the counts on the header's badges, and facts about another package's item on its
page (``item_facts``: engagement's promised answer date on a fault report). Core renders what is
registered and never imports a feature package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, has_request_context
from markupsafe import Markup

from community.accounts.models import User
from community.spaces.models import Space


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    badge: int = 0


@dataclass(frozen=True)
class Fact:
    """A line one package adds to another's item page: a term and its description (``<dt>``/``<dd>``),
    both in the reader's language."""

    label: str
    value: str | Markup


@dataclass(frozen=True)
class Component:
    name: str
    order: int = 100
    front: Callable[[Space], Markup] | None = None
    home: Callable[[User | None], Markup] | None = None
    nav: Callable[[User | None], list[NavItem]] | None = None
    #: Counts for the header (unread notifications, messages): name -> a scalar subquery for the person.
    counts: Callable[[User], dict[str, sa.ScalarSelect]] | None = None
    #: Facts about an item of another package, by the item's kind ("fault") and the item itself (which
    #: the page has already loaded and checked); an empty list when there is nothing to add.
    facts: Callable[[str, object], list[Fact]] | None = None


_registry: dict[str, Component] = {}


def register(component: Component) -> None:
    _registry[component.name] = component


def _ordered() -> list[Component]:
    return sorted(_registry.values(), key=lambda c: (c.order, c.name))


def front_sections(space: Space) -> list[Markup]:
    return [c.front(space) for c in _ordered() if c.front is not None]


def home_sections(user: User | None) -> list[Markup]:
    return [c.home(user) for c in _ordered() if c.home is not None]


def nav_items(user: User | None) -> list[NavItem]:
    return [item for c in _ordered() if c.nav is not None for item in c.nav(user)]


def item_facts(kind: str, item: object) -> list[Fact]:
    """What the registered packages add to the page of ``item`` (of ``kind``: "fault", …), in order."""
    return [fact for c in _ordered() if c.facts is not None for fact in c.facts(kind, item)]


def header_counts(user: User) -> dict[str, int]:
    """Every registered count for the person (``Component.counts``), asked in one statement, once per
    request: the header of every page shows them."""
    if has_request_context() and "_header_counts" in g:
        return g._header_counts
    from community.extensions import db

    wanted = {name: q for c in _ordered() if c.counts is not None for name, q in c.counts(user).items()}
    found: dict[str, int] = {}
    if wanted:
        row = db.session.execute(sa.select(*(q.label(name) for name, q in wanted.items()))).one()
        found = {name: int(value or 0) for name, value in zip(wanted, row, strict=True)}
    if has_request_context():
        g._header_counts = found
    return found
