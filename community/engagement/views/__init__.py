"""Engagement views by subject: the overview and settings (common), the Q&A hour (qa), citizen meetings
(meetings), consultations (consultations), ideas (ideas) and the response-time figures (promises)."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from community.engagement import permissions
from community.errors import DomainError
from community.extensions import db
from community.i18n import _
from community.spaces.models import Municipality, Space
from community.spaces.tenancy import current_municipality

T = TypeVar("T")


def municipality() -> Municipality:
    """The municipality whose pages these are (``current_municipality``: the request's space, the
    staff member's or citizen's own, else the installation's default)."""
    found = current_municipality()
    if found is None:
        abort(404)
    return found


def load(model: type[T], object_id: int) -> T:
    """An engagement the visitor may see, else 404 (one in a members-only space does not exist for
    outsiders). One held in a space wears that space's colours."""
    found: Any = db.session.get(model, object_id)
    if found is None or not permissions.can_view(current_user, found):
        abort(404)
    if found.space is not None:
        g.space = found.space
    return found


def visible_space_ids() -> list[int]:
    """Spaces whose engagements the visitor may see listed: public ones, and their own."""
    from community.spaces.models import Membership, MembershipStatus, Visibility

    query = sa.select(Space.id).where(Space.visibility == Visibility.PUBLIC)
    if current_user.is_authenticated:
        mine = sa.select(Membership.space_id).where(
            Membership.user_id == current_user.id, Membership.status == MembershipStatus.ACTIVE
        )
        query = sa.select(Space.id).where(sa.or_(Space.visibility == Visibility.PUBLIC, Space.id.in_(mine)))
        if current_user.staff_municipality_id:
            query = sa.select(Space.id).where(
                sa.or_(
                    Space.visibility == Visibility.PUBLIC,
                    Space.id.in_(mine),
                    Space.municipality_id == current_user.staff_municipality_id,
                )
            )
    return list(db.session.scalars(query))


def space_choices(place: Municipality) -> list[tuple[str, str]]:
    spaces = db.session.scalars(
        sa.select(Space)
        .where(Space.municipality_id == place.id, Space.archived_at.is_(None))
        .order_by(Space.name)
    )
    return [("", _("The whole municipality"))] + [(str(s.id), s.title) for s in spaces]


def chosen_space(place: Municipality, value: str | None) -> Space | None:
    if not (value or "").isdigit():
        return None
    space = db.session.get(Space, int(value))  # type: ignore[arg-type]
    if space is None or space.municipality_id != place.id:
        raise DomainError(_("Choose a space of this municipality."), field="space_id")
    return space


def attach_error(form: Any, exc: DomainError, default: str) -> None:
    field = exc.field if exc.field and hasattr(form, exc.field) else default
    getattr(form, field).errors.append(str(exc))


def csv_response(text: str, filename: str):
    from flask import Response

    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
