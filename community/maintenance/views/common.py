"""Pieces the maintenance views share."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from flask_login import current_user

from community.errors import DomainError
from community.extensions import db
from community.i18n import to_local
from community.spaces.models import Municipality, Space
from community.spaces.services import default_municipality


def space() -> Space:
    return g.space


def attach_error(form: Any, exc: DomainError, default: str) -> None:
    field = exc.field if exc.field and hasattr(form, exc.field) else default
    getattr(form, field).errors.append(str(exc))


def municipality() -> Municipality:
    """The municipality whose pages these are: the staff member's own, else the default one."""
    if current_user.is_authenticated and current_user.staff_municipality_id:
        found = db.session.get(Municipality, current_user.staff_municipality_id)
        if found is not None:
            return found
    found = default_municipality()
    if found is None:
        abort(404)
    return found


def local(moment):
    return to_local(moment) if moment is not None else None
