"""Pieces the maintenance views share."""

from __future__ import annotations

from typing import Any

from flask import abort, g, url_for

from community.errors import DomainError
from community.i18n import to_local
from community.spaces.models import Municipality, Space
from community.spaces.tenancy import current_municipality


def space() -> Space:
    return g.space


def attach_error(form: Any, exc: DomainError, default: str) -> None:
    field = exc.field if exc.field and hasattr(form, exc.field) else default
    getattr(form, field).errors.append(str(exc))


def municipality() -> Municipality:
    """The municipality whose pages these are (see ``current_municipality``)."""
    found = current_municipality()
    if found is None:
        abort(404)
    return found


def local(moment):
    return to_local(moment) if moment is not None else None


def fault_points(reports) -> list[dict]:
    """Fault reports as points on a map (the fault list's and the overview's)."""
    return [
        {
            "lat": r.latitude,
            "lon": r.longitude,
            "title": f"{r.category_label}: {r.where}",
            "kind": r.status_label,
            "url": url_for("maintenance.fault", report_id=r.id),
        }
        for r in reports
    ]
