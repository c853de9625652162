"""User text: Markdown rendered once, when it is saved, into sanitized HTML; and the CPR guard, since
a Danish personal identity number never belongs in anything written on the platform."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import nh3
from markdown_it import MarkdownIt

from community.errors import DomainError
from community.i18n import _

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5",
    "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["strikethrough", "table"])
    md.disable("image")  # pictures are uploaded and checked, not linked from anywhere

    def shift_headings(state) -> None:
        # The page owns h1 and h2; a heading in a post starts at h3.
        for token in state.tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, int(token.tag[1]) + 2)}"

    md.core.ruler.push("shift_headings", shift_headings)
    return md


def render_markdown(source: str) -> str:
    """Sanitized HTML for ``source``: no scripts, no event handlers, only http(s) and mailto links."""
    html = _markdown().render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )


def plain_excerpt(source: str, length: int = 220) -> str:
    """A one-paragraph plain-text teaser of Markdown source, for lists and feeds."""
    text = re.sub(r"[`*_>#~\[\]()|-]+", " ", source or "")
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


CPR = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})[- ]?(\d{4})(?![\d-])")


def _plausible_date(day: int, month: int, year2: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + year2, month, day)
        except ValueError:
            continue
        return True
    return False


def find_cpr(text: str) -> str | None:
    """The first thing in ``text`` that looks like a CPR number (DDMMYY-XXXX, with or without the dash,
    with a date that exists), or None."""
    for match in CPR.finditer(text or ""):
        day, month, year = (int(g) for g in match.groups()[:3])
        if _plausible_date(day, month, year):
            return match.group(0)
    return None


def refuse_cpr(text: str, *, field: str) -> None:
    if find_cpr(text):
        raise DomainError(
            _(
                "This looks like a CPR number. Never write CPR numbers here: anyone can read them. "
                "Remove it and try again."
            ),
            field=field,
        )
