"""User text: Markdown rendered once, when it is saved, into sanitized HTML; and the CPR guard, since
a Danish personal identity number never belongs in anything written on the platform."""

from __future__ import annotations

import re
import unicodedata
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


# --- personal data that never belongs in anything written on the platform -------------------------

#: Characters that hide inside a number without showing: zero-width spaces and joiners, the word joiner,
#: the byte-order mark, the soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\ufeff\u00ad"))
#: Every dash people (and word processors) type between digits, as a plain hyphen.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")


def _normalize(text: str) -> str:
    """Text as the guard reads it: compatibility forms folded (full-width digits, odd spaces), invisible
    characters dropped, every dash a hyphen."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_DASHES)


_D = r"(\d{2})"
#: DDMMYY, then the four digits: right after it, or after a hyphen, slash or full stop with spaces
#: around it, or after a plain space.
_CPR_COMPACT = re.compile(rf"(?<!\d){_D}{_D}{_D}(?:\s*[-/.]\s*|\s?)(\d{{4}})(?!\d)")
#: DD.MM.YY, DD MM YY, DD-MM-YY or DD/MM/YY, then a hyphen, slash or full stop and the four digits.
_CPR_SPACED = re.compile(rf"(?<!\d){_D}[ ./-]{_D}[ ./-]{_D}\s*[-/.]\s*(\d{{4}})(?!\d)")
#: The same date, then a plain space and the four digits: a CPR number, unless they read as the time of
#: day people write after a date ("10.12.26 1400", see ``_a_round_time``). A date with a four-digit year
#: ("01.02.2003") or a time with a colon ("01.02.03 12:34") never matches.
_CPR_SPACED_TIME = re.compile(rf"(?<!\d){_D}[ ./-]{_D}[ ./-]{_D} (\d{{4}})(?!\d)")
#: After the word CPR (or "personnummer") anything goes between the groups.
_CPR_NAMED = re.compile(
    rf"(?:cpr|personnummer|personnr|personal\s+number)[^\d]{{0,12}}{_D}\W{{0,3}}{_D}\W{{0,3}}{_D}\W{{0,3}}(\d{{4}})(?!\d)",
    re.IGNORECASE,
)


def _plausible_date(day: int, month: int, year2: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + year2, month, day)
        except ValueError:
            continue
        return True
    return False


def _a_round_time(digits: str) -> bool:
    """Four digits that read as a time of day on the quarter hour or the five minutes ("1400", "0930",
    "1845"), as a meeting's time is written after its date. The last four digits of a CPR number are
    that only about one time in 35, which this format lets pass; other ways of writing it are refused."""
    hours, minutes = int(digits[:2]), int(digits[2:])
    return hours <= 23 and minutes <= 55 and minutes % 5 == 0


def find_cpr(text: str) -> str | None:
    """The first thing in ``text`` that looks like a CPR number (a date that exists and four digits,
    written in any of the ways people write them), or None."""
    if not text:
        return None
    normalized = _normalize(text)
    for pattern in (_CPR_COMPACT, _CPR_SPACED, _CPR_SPACED_TIME, _CPR_NAMED):
        for match in pattern.finditer(normalized):
            day, month, year = (int(g) for g in match.groups()[:3])
            if not _plausible_date(day, month, year):
                continue
            if pattern is _CPR_SPACED_TIME and _a_round_time(match.group(4)):
                continue
            return match.group(0)
    return None


#: "My password is …", "min kode er …": a secret followed by something with a digit or a sign in it
#: (so "my password is forgotten" is fine, "min adgangskode er Sommer2024" is not).
_SECRET = re.compile(
    r"(?:\b(?:adgangskode(?:n)?|kodeord(?:et)?|password(?:et)?|passcode)"
    r"|\b(?:min|mit|my|din|dit|your)\s+(?:pin-?kode(?:n)?|kode(?:n)?|code|pin))"
    r"\s*(?:er|is|:|=|lyder\s+på)\s*[\"'“„]?(?=\S*[\d!#$%&*+?@])\S{3,}",
    re.IGNORECASE,
)
#: A six-digit MitID code near the word MitID.
_MITID_CODE = re.compile(
    r"\bmit\s?id\b.{0,60}?(?<!\d)\d{6}(?!\d)|(?<!\d)\d{6}(?!\d).{0,60}?\bmit\s?id\b",
    re.IGNORECASE | re.DOTALL,
)


def find_secret(text: str) -> str | None:
    """A password or a MitID code written out, or None."""
    if not text:
        return None
    normalized = _normalize(text)
    match = _SECRET.search(normalized) or _MITID_CODE.search(normalized)
    return match.group(0) if match else None


class PersonalDataRefused(DomainError):
    """A text holds a CPR number, a password or a MitID code, which never belong on the platform."""


def cpr_message() -> str:
    return _(
        "This looks like a CPR number. Never write CPR numbers here: anyone can read them. "
        "Remove it and try again."
    )


def secret_message() -> str:
    return _(
        "This looks like a password or a MitID code. Never write those here, not even to a helper: "
        "whoever reads them can act as you. Remove it and try again."
    )


def personal_data_problem(text: str) -> str | None:
    """The message for the first kind of personal data found in ``text``, or None when it is clean."""
    if find_cpr(text):
        return cpr_message()
    if find_secret(text):
        return secret_message()
    return None


def refuse_cpr(text: str, *, field: str) -> None:
    problem = personal_data_problem(text)
    if problem:
        raise PersonalDataRefused(problem, field=field)
