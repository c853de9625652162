"""The content types the core packages own: a whole space (reported to the municipality's staff)."""

from __future__ import annotations

from flask import url_for

from community.i18n import _l
from community.moderation.registry import ContentType, register
from community.spaces.models import Space
from community.spaces.permissions import can_view_space

register(
    ContentType(
        name="space",
        label=_l("space"),
        model=Space,
        space_of=lambda s: s,
        author_id_of=lambda s: None,
        url_of=lambda s: url_for("spaces.front", space_slug=s.slug),
        title_of=lambda s: s.title,
        excerpt_of=lambda s: (s.description or "")[:240],
        can_view=can_view_space,
        moderatable=False,
    )
)
