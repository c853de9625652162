"""``@name`` in what people write: the active members of the space whose display name follows an
``@`` (the longest name that fits, so "@Anne Marie" is Anne Marie, not Anne), linked to their page and
told by the feature that saved the text. A name that is no member of the space is plain text and tells
nobody. At most ``MAX_MENTIONS`` people per text, so a text cannot be used to ping a whole village."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from markupsafe import escape

from community.accounts.models import User
from community.extensions import db
from community.spaces.models import Membership, MembershipStatus

MAX_MENTIONS = 10
_AT = re.compile(r"(?<![\w@])@(\w[\w'.-]*)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)  # what is written as code mentions nobody


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
            sa.or_(*(name.like(word.replace("%", "").replace("_", "") + "%") for word in list(words)[:20])),
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
