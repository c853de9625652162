"""Pieces the village views share: feed filters, official badges, turning a form into PostInput."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import g, request

from community import geo
from community.errors import DomainError
from community.extensions import db
from community.i18n import to_utc
from community.spaces.models import Membership, Official, Space
from community.spaces.permissions import _cache as membership_cache
from community.villages.forms import PostForm
from community.villages.models import HelpCategory, PostKind
from community.villages.services.posts import PostInput, parse_tags


def feed_filters(args: Mapping[str, str]) -> dict[str, Any]:
    """Filters from the query string; values that are not ours are ignored, never an error."""
    kind = args.get("kind")
    return {
        "order": args.get("order") if args.get("order") in ("active", "new") else "active",
        "kind": PostKind(kind) if kind in PostKind._value2member_map_ else None,
        "tag": (args.get("tag") or "").strip().lower()[:40] or None,
        "unanswered": args.get("unanswered") == "1",
        "cursor": args.get("cursor") or None,
    }


def official_badges(space: Space, user_ids: list[int]) -> dict[int, Official]:
    """Officials among ``user_ids`` in ``space``, in one query that also primes the permission cache
    with the current user's membership."""
    from flask_login import current_user

    wanted = set(user_ids)
    me = current_user.id if current_user.is_authenticated else None
    if me is not None:
        wanted.add(me)
    if not wanted:
        return {}
    rows = db.session.scalars(
        sa.select(Membership).where(Membership.space_id == space.id, Membership.user_id.in_(wanted))
    ).all()
    cache = membership_cache()
    if me is not None:
        cache[(me, space.id)] = next((m for m in rows if m.user_id == me), None)
    return {m.user_id: m.official for m in rows if m.official is not None and m.is_active}


def _field_error(form: PostForm, exc: DomainError) -> None:
    getattr(form, exc.field if exc.field and hasattr(form, exc.field) else "title").errors.append(str(exc))


def post_input(form: PostForm, kind: PostKind) -> PostInput | None:
    """The form as the service wants it; None (with the errors on the fields) when it cannot be."""
    place = None
    ok = True
    if (form.place.data or "").strip():
        try:
            place = geo.resolve(form.place.data)
        except DomainError as exc:
            form.place.errors.append(str(exc))
            ok = False
    try:
        tags = parse_tags(form.tags.data or "")
    except DomainError as exc:
        _field_error(form, exc)
        tags, ok = [], False
    category = form.help_category.data
    uploads = [f for f in request.files.getlist(form.images.name) if f and f.filename]
    if not ok:
        return None
    return PostInput(
        kind=kind,
        title=form.title.data or "",
        body=form.body.data or "",
        tags=tags,
        place=place,
        help_category=HelpCategory(category) if category in HelpCategory._value2member_map_ else None,
        help_when=form.help_when.data,
        starts_at=to_utc(form.starts_at.data) if form.starts_at.data else None,
        ends_at=to_utc(form.ends_at.data) if form.ends_at.data else None,
        capacity=form.capacity.data,
        poll_options=(form.poll_options.data or "").splitlines(),
        poll_multiple=bool(form.poll_multiple.data),
        poll_closes_at=to_utc(form.poll_closes_at.data) if form.poll_closes_at.data else None,
        images=[(u, form.image_description.data or "") for u in uploads],
        remove_image_ids=list(getattr(form, "remove_images", None).data or [])
        if hasattr(form, "remove_images")
        else [],
    )


def attach_error(form: Any, exc: DomainError, default: str) -> None:
    field = exc.field if exc.field and hasattr(form, exc.field) else default
    getattr(form, field).errors.append(str(exc))


def space() -> Space:
    return g.space
