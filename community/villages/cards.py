"""A post's card in a list (a feed, a space's front page, the home page, the nearest help), and what a
comment says on its post's page, rendered once and then taken from memory.

The card shows the same thing to everyone who reads it in the same language: the viewer's own state
(blocked authors, RSVPs, votes, unread counts) is never on it, and which posts a viewer may see is decided
before a card is asked for. So the cache needs no invalidation: its key is ``Card``, every value the card
shows, read from the post already loaded for the list, plus the language, the host the links are made
for, the heading level, the distance and the minute (the card says "for 5 minutter siden"). The template
(``card_article`` in ``villages/_macros.html``) reads nothing but that ``Card``, so a value it shows
cannot be missing from the key. A post that changes has another key; old entries fall out of the
least-recently-used end.

A comment (``comment_content_html``) is kept the same way: its author, badge, time, "edited", "best
answer" and text (``CommentContent``). What is the reader's own stays in ``villages/post.html`` around
it: whether they may see it at all (hidden, held, blocked), their thanks, the buttons and the reply box.

Why not Flask-Caching or Redis: a card is about a kilobyte that costs half a millisecond to render. A
shared cache would spend that on the network and on pickling, and would need the invalidation a key made
of the content does without. Each worker keeps its own ``CARDS_KEPT`` cards."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import get_template_attribute, request
from flask_babel import get_locale
from markupsafe import Markup

from community.formatting import format_km
from community.villages.models import Comment, HelpCategory, HelpStatus, Post, PostKind

CARDS_KEPT = 4096
COMMENTS_KEPT = 4096


class Kept:
    """One worker's rendered fragments, least recently used out first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.counts = {"rendered": 0, "reused": 0}
        self._kept: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, render: Callable[[], str]) -> Markup:
        with self._lock:
            html = self._kept.get(key)
            if html is not None:
                self._kept.move_to_end(key)
                self.counts["reused"] += 1
                return html
        html = Markup(render())
        with self._lock:
            self.counts["rendered"] += 1
            self._kept[key] = html
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def _shown_where() -> tuple:
    """What every fragment also depends on: the language, the host and path prefix its links are made
    for, and the minute (it says "for 5 minutter siden")."""
    return (str(get_locale()), request.host, request.script_root, int(time.time() // 60))


@dataclass(frozen=True, slots=True)
class Card:
    """Everything a post's card shows."""

    id: int
    space_slug: str
    space_title: str
    kind: PostKind
    pinned: bool
    title: str
    author_name: str
    badge: Any
    created_at: datetime
    help_status: HelpStatus | None
    help_category: HelpCategory | None
    solved: bool
    comment_count: int
    starts_at: datetime | None
    closed: bool
    thanks_count: int
    excerpt: str | None
    tags: tuple[str, ...]
    thumbnail: tuple[str, str | None] | None
    moderation: str | None  # "hidden", "held" or None when everyone may see it

    @classmethod
    def of(cls, post: Post, badges: dict | None = None) -> Card:
        first = post.images[0] if post.images else None
        return cls(
            id=post.id,
            space_slug=post.space.slug,
            space_title=post.space.title,
            kind=post.kind,
            pinned=post.pinned,
            title=post.title,
            author_name=post.author.display_name,
            badge=badges.get(post.author_id) if badges else None,
            created_at=post.created_at,
            help_status=post.help_status,
            help_category=post.help_category,
            solved=post.is_solved,
            comment_count=post.comment_count,
            starts_at=post.starts_at,
            closed=post.is_closed,
            thanks_count=post.thanks_count,
            excerpt=post.excerpt,
            tags=tuple(t.name for t in post.tags),
            thumbnail=(first.thumbnail, first.description) if first else None,
            moderation=None if post.is_visible_to_all else ("hidden" if post.is_hidden else "held"),
        )


_cards = Kept(CARDS_KEPT)
_comments = Kept(COMMENTS_KEPT)
counts = _cards.counts


def post_card_html(
    post: Post,
    badges: dict | None = None,
    level: int = 3,
    show_space: bool = False,
    distance: float | None = None,
) -> Markup:
    """The ``<article>`` of a post's card (the ``post_card`` macro wraps it for a blocked author)."""
    card = Card.of(post, badges)
    shown_distance = format_km(distance) if distance is not None else None
    key = (card, level, show_space, shown_distance, *_shown_where())
    article = get_template_attribute("villages/_macros.html", "card_article")
    return _cards.get(key, lambda: article(card, level, show_space, shown_distance))


@dataclass(frozen=True, slots=True)
class CommentContent:
    """Everything a comment shows to whoever may read it."""

    id: int
    author_id: int
    author_name: str
    badge: Any
    created_at: datetime
    edited: bool
    accepted: bool
    body_html: str

    @classmethod
    def of(cls, comment: Comment, post: Post, badges: dict | None = None) -> CommentContent:
        return cls(
            id=comment.id,
            author_id=comment.author_id,
            author_name=comment.author.display_name,
            badge=badges.get(comment.author_id) if badges else None,
            created_at=comment.created_at,
            edited=comment.edited_at is not None,
            accepted=post.accepted_comment_id == comment.id,
            body_html=comment.body_html,
        )


def comment_content_html(comment: Comment, post: Post, badges: dict | None = None) -> Markup:
    """A comment's byline and text (``comment_content`` in ``villages/_macros.html``)."""
    content = CommentContent.of(comment, post, badges)
    macro = get_template_attribute("villages/_macros.html", "comment_content")
    return _comments.get((content, *_shown_where()), lambda: macro(content))


def forget_all() -> None:
    """Empties this worker's cards and comments (tests that compare a first and a second rendering)."""
    _cards.clear()
    _comments.clear()
