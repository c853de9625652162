"""The link between permission predicates and HTTP: ``require(can_x(user, obj))``.

Predicates live in each package's ``permissions.py`` and are shared with templates, so a button is
never shown for an action that would be refused.
"""

from __future__ import annotations

from typing import NoReturn

from flask import abort


def deny(*, hide: bool = False) -> NoReturn:
    abort(404 if hide else 403)


def require(allowed: bool, *, hide: bool = False) -> None:
    """Abort with 403 unless ``allowed``; with ``hide=True`` a 404, so existence is not leaked."""
    if not allowed:
        deny(hide=hide)
