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
    #: Facts about the space a page is in, for the person reading it (None: not logged in): name -> a
    #: scalar subquery (the member count, the person's follow, whether the space has citizen dialogue).
    #: Asked together with the header's counts, in one statement (``space_facts``).
    space_facts: Callable[[Space, User | None], dict[str, sa.ScalarSelect]] | None = None


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
    found = _page_facts(user, None, about_space=False)
    return {k: v for k, v in found.items() if not k.startswith("space.")}  # type: ignore[misc]


def space_facts(space: Space, user: User | None) -> dict[str, object]:
    """Every registered fact about ``space`` for ``user`` (``Component.space_facts``), asked in the
    statement of the header's counts, once per request: a page that wants them asks before it renders
    its header, and the header's counts cost nothing more."""
    found = _page_facts(user, space, about_space=True)
    return {k.removeprefix("space."): v for k, v in found.items() if k.startswith("space.")}


def _page_facts(user: User | None, space: Space | None, *, about_space: bool) -> dict[str, object]:
    person = user if user is not None and getattr(user, "is_authenticated", False) else None
    key = (person.id if person is not None else None, space.id if space is not None else None)
    kept = g.get("_page_facts") if has_request_context() else None
    if kept is not None and (kept[0][0] == key[0]) and (not about_space or (kept[0] == key and kept[1])):
        return kept[2]
    from community.extensions import db

    wanted: dict[str, sa.ScalarSelect] = {}
    if person is not None:
        wanted |= {n: q for c in _ordered() if c.counts is not None for n, q in c.counts(person).items()}
    if about_space and space is not None:
        for c in _ordered():
            if c.space_facts is not None:
                wanted |= {f"space.{n}": q for n, q in c.space_facts(space, person).items()}
    found: dict[str, object] = {}
    if wanted:
        row = db.session.execute(sa.select(*(q.label(name) for name, q in wanted.items()))).one()
        for name, value in zip(wanted, row, strict=True):
            found[name] = value if name.startswith("space.") else int(value or 0)
    if has_request_context():
        g._page_facts = (key, about_space, found)
    return found


def forget_page_facts() -> None:
    """After a change in this request that the facts count (a block, a follow)."""
    if has_request_context():
        g.pop("_page_facts", None)


def _members(space: Space, _person: User | None) -> dict[str, sa.ScalarSelect]:
    from community.spaces.models import Membership, MembershipStatus

    active = sa.and_(Membership.space_id == space.id, Membership.status == MembershipStatus.ACTIVE)
    return {"members": sa.select(sa.func.count(Membership.id)).where(active).scalar_subquery()}


register(Component("spaces", order=0, space_facts=_members))
