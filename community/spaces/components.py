"""Extension points for feature packages: sections on a space's front page and on the home page, and
links in the main navigation. Core renders what is registered and never imports a feature package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from community.accounts.models import User
from community.spaces.models import Space


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    badge: int = 0


@dataclass(frozen=True)
class Component:
    name: str
    order: int = 100
    front: Callable[[Space], Markup] | None = None
    home: Callable[[User | None], Markup] | None = None
    nav: Callable[[User | None], list[NavItem]] | None = None


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
