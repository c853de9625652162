"""``@name`` in what people write: the active members of the space whose display name follows an
``@`` (the longest name that fits, so "@Anne Marie" is Anne Marie, not Anne), linked to their page and
told by the feature that saved the text. A name that is no member of the space is plain text and tells
nobody. At most ``MAX_MENTIONS`` people per text, so a text cannot be used to ping a whole village.

Where JavaScript runs, ``suggestions`` offers the names while one writes (``static/js/mentions.js``
through ``spaces.mention_suggestions``); without it the ``@name`` typed by hand does the same."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from markupsafe import escape

from community.accounts.models import User
from community.extensions import db
from community.spaces.models import Membership, MembershipStatus, Space

MAX_MENTIONS = 10
#: The ``@`` autocomplete: how many names it offers, and the longest start of a name it looks up.
MAX_SUGGESTIONS = 8
MAX_PREFIX = 40
_AT = re.compile(r"(?<![\w@])@(\w[\w'.-]*)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)  # what is written as code mentions nobody


def _like_forms(text: str, *, cased: int = 3) -> set[str]:
    """``text`` as escaped LIKE patterns (escape ``/``) for ``lower(name)``, to find names starting with
    it in any case. SQLite's lower() folds ASCII only (so does PostgreSQL's under the C locale), and
    "Østergaard" stays "Østergaard": the first ``cased`` letters outside ASCII come in both cases, later
    ones match any character. The caller compares the names it gets with ``casefold()``."""
    forms = [""]
    for char in text:
        if char.isascii() or char.lower() == char.upper():
            forms = [form + ("/" + char if char in "%_/" else char.lower()) for form in forms]
        elif cased > 0:
            cased -= 1
            forms = [form + case for form in forms for case in dict.fromkeys((char.lower(), char.upper()))]
        else:
            forms = [form + "_" for form in forms]
    return set(forms)


def _follows_a_word(text: str, end: int) -> bool:
    return end < len(text) and (text[end].isalnum() or text[end] == "_")


def mentioned(text: str, space_id: int) -> list[User]:
    """The members of the space ``text`` mentions, in the order they appear."""
    text = _CODE.sub(" ", text or "")
    words = {m.group(1).casefold() for m in _AT.finditer(text)}
    if not words:
        return []
    name = sa.func.lower(User.display_name)
    candidates = db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.space_id == space_id,
            Membership.status == MembershipStatus.ACTIVE,
            User.deleted_at.is_(None),
            sa.or_(
                *(
                    name.like(form + "%", escape="/")
                    for word in list(words)[:20]
                    for form in _like_forms(word, cased=1)
                )
            ),
        )
        .limit(200)
    ).all()
    by_length = sorted(candidates, key=lambda u: len(u.display_name), reverse=True)
    found: list[User] = []
    folded = text.casefold()
    for match in _AT.finditer(text):
        start = match.start() + 1
        for user in by_length:
            label = user.display_name.casefold()
            end = start + len(label)
            if folded.startswith(label, start) and not _follows_a_word(text, end):
                if user not in found:
                    found.append(user)
                break
        if len(found) >= MAX_MENTIONS:
            break
    return found


def suggestions(space: Space, prefix: str, asker: User) -> list[User]:
    """Who ``asker`` may be about to mention after typing ``@prefix``: the active members of ``space``
    whose display name, or a word in it, starts with ``prefix`` (case-insensitive; "an" finds Anne
    Madsen and Lise-Anne Holm), the names that start with it first, at most ``MAX_SUGGESTIONS``.

    Never the asker, a deleted or deactivated account, nor anyone the asker blocked or was blocked by
    (a mention would not reach them). A prefix that is empty, longer than ``MAX_PREFIX`` or holds a
    control character offers nobody."""
    from community.moderation.permissions import blocked_ids  # spaces is imported by moderation

    prefix = " ".join((prefix or "").split())
    if not prefix or len(prefix) > MAX_PREFIX or not prefix.isprintable():
        return []
    forms = _like_forms(prefix)
    name = sa.func.lower(User.display_name)
    starts = sa.or_(*(name.like(form + "%", escape="/") for form in forms))
    in_word = sa.or_(*(name.like(f"%{sep}{form}%", escape="/") for form in forms for sep in (" ", "-")))
    shunned = blocked_ids(asker)
    candidates = db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.space_id == space.id,
            Membership.status == MembershipStatus.ACTIVE,
            User.deleted_at.is_(None),
            User.active.is_(True),
            User.id != asker.id,
            User.id.not_in(shunned) if shunned else sa.true(),
            sa.or_(starts, in_word),
        )
        .order_by(sa.case((starts, 0), else_=1), name, User.id)
        .limit(MAX_SUGGESTIONS * 3)
    ).all()
    folded = prefix.casefold()
    word = re.compile(r"(?:^|[\s-])" + re.escape(folded))
    fits = [u for u in candidates if word.search(u.display_name.casefold())]
    fits.sort(key=lambda u: not u.display_name.casefold().startswith(folded))  # stable: keeps the order
    return fits[:MAX_SUGGESTIONS]


_SKIP = {"a", "code", "pre"}
_TAG = re.compile(r"(<[^>]*>)")


def link_mentions(html: str, users: list[User], url: Callable[[User], str]) -> str:
    """``html`` (already sanitized) with each ``@Name`` of ``users`` made a link to ``url(user)``; text
    inside links and code is left alone."""
    if not users:
        return html
    names = sorted(users, key=lambda u: len(u.display_name), reverse=True)
    by_name = {str(escape(u.display_name)).casefold(): u for u in names}
    pattern = re.compile(
        r"(?<![\w@])@(" + "|".join(re.escape(str(escape(u.display_name))) for u in names) + r")(?!\w)",
        re.IGNORECASE,
    )

    def link(match: re.Match[str]) -> str:
        user = by_name.get(match.group(1).casefold())
        if user is None:
            return match.group(0)
        return f'<a class="mention" href="{escape(url(user))}">{match.group(0)}</a>'

    out, inside = [], 0
    for part in _TAG.split(html):
        if part.startswith("<"):
            bare = part.strip("</>")
            tag = bare.split()[0].lower() if bare.split() else ""
            if tag in _SKIP:
                inside += -1 if part.startswith("</") else 1
            out.append(part)
        else:
            out.append(pattern.sub(link, part) if inside <= 0 else part)
    return "".join(out)
