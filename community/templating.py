"""What every template can use: the space theme as CSS custom properties, the unread bell, the
permission predicates (so a template never shows a button the view would refuse) and Babel filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, g, request, session
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from community import formatting
from community.i18n import LANGUAGE_NAMES, current_language

DEFAULT_BRAND = "#1f5f3a"


def theme_for(space: Any) -> dict[str, Any]:
    from community.spaces.theme import mix

    color = space.primary_color if space is not None else DEFAULT_BRAND
    return {
        "color": color,
        "tint": mix(color, "#ffffff", 0.9),
        "title": space.title if space is not None else "Fælled",
        "logo": space.logo if space is not None else None,
        "header_image": space.header_image if space is not None else None,
        "show_provider": space.show_provider if space is not None else True,
        "provider": space.municipality.name if space is not None else None,
    }


def _unread() -> int:
    """The bell's count, asked with the header's other counts once per request (``header_counts``)."""
    if not current_user.is_authenticated:
        return 0
    from community.spaces.components import header_counts

    return header_counts(current_user).get("notifications", 0)


def _text_size() -> str:
    """The person's text size: their account's choice, else this session's, else normal."""
    from community.accounts.models import TEXT_SIZES

    chosen = None
    try:
        if current_user.is_authenticated:
            chosen = current_user.text_size
    except SQLAlchemyError:
        pass
    chosen = chosen or session.get("text_size")
    return chosen if chosen in TEXT_SIZES else "normal"


def init_app(app: Flask) -> None:
    from community.spaces import components
    from community.spaces import permissions as space_permissions
    from community.spaces.models import OFFICIAL_LABELS

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        current_language=current_language,
        language_names=LANGUAGE_NAMES,
        perm=space_permissions,
        front_sections=components.front_sections,
        home_sections=components.home_sections,
        nav_items=components.nav_items,
        item_facts=components.item_facts,
        official_labels=OFFICIAL_LABELS,
    )

    @app.context_processor
    def _context() -> dict[str, Any]:
        bare = False
        try:
            space = g.get("space")
            theme = theme_for(space)
            unread = _unread()
        except SQLAlchemyError:  # the database is away: the page that says so must still render
            space, theme, unread, bare = None, theme_for(None), 0, True
        return {
            "text_size": _text_size(),
            "space_theme": theme,
            "unread_count": unread,
            "db_unavailable": bare,
            "request_path": request.full_path.rstrip("?") if request else "/",
        }

    # Dates and numbers as people read them, in the page's language (community/formatting.py). The old
    # style argument (|datetime('short'), |date('full')) is accepted and ignored: one short format.
    app.add_template_filter(formatting.format_datetime, "datetime")
    app.add_template_filter(formatting.format_date, "date")
    app.add_template_filter(formatting.format_time, "time")
    app.add_template_filter(formatting.format_ago, "ago")
    app.add_template_filter(formatting.format_age, "age")
    app.add_template_filter(formatting.format_span, "span")
    app.add_template_filter(formatting.format_duration, "duration")
    app.add_template_filter(formatting.format_number, "number")
    app.add_template_filter(formatting.format_km, "km")

    @app.template_filter("fromiso")
    def _fromiso(value: str) -> datetime:
        return datetime.fromisoformat(value)

    @app.template_filter("nl2br")
    def _nl2br(value: str) -> Markup:
        escaped = Markup.escape(value or "")
        return Markup("<br>".join(escaped.split("\n")))
