"""Watched words and protected names, compiled once per municipality and kept in the process.

Matching folds case and accents (é is e; æ, ø and å stay letters) and sees Danish word forms through
the same Snowball stemmer search uses, so "idioterne" is caught by "idiot". A list is recompiled when
its version row changes; the version is read at most every ``MODERATION_CACHE_SECONDS`` (and the
process that made a change drops its copy at once), so writing a text costs no query."""

from __future__ import annotations

import re
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
import sqlalchemy as sa
from flask import current_app, has_app_context

from community.extensions import db
from community.moderation.models import ListVersion, ProtectedPerson, WatchedWord, WordAction

WORD = re.compile(r"\w+")
KEEP = frozenset("æøåÆØÅ")
_stemmer = snowballstemmer.stemmer("danish")


def fold(text: str) -> str:
    """Lower case without accents; the Danish letters æ, ø and å are kept."""
    text = text.casefold()
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch in KEEP or ch.isascii():
            out.append(ch)
        else:
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
    return "".join(out)


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def words_of(text: str) -> list[str]:
    return WORD.findall(fold(text))


@dataclass(frozen=True)
class Hit:
    action: WordAction
    pattern: str
    space_id: int | None


@dataclass
class Compiled:
    #: stem of a one-word entry -> hit
    stems: dict[str, Hit] = field(default_factory=dict)
    #: stems of a phrase joined by spaces -> hit
    phrases: list[tuple[str, Hit]] = field(default_factory=list)
    regexes: list[tuple[re.Pattern[str], Hit]] = field(default_factory=list)
    #: folded names (as " word word ") -> (protected person id, their user id)
    names: list[tuple[str, int, int | None]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.stems or self.phrases or self.regexes or self.names)


ORDER = {WordAction.BLOCK: 0, WordAction.HOLD: 1, WordAction.FLAG: 2}


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A pattern written as /…/ is a regular expression; raises ``re.error`` when it is not valid."""
    return re.compile(fold(pattern), re.IGNORECASE)


def is_regex(pattern: str) -> bool:
    return len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/")


def _compile(words: list[WatchedWord], people: list[ProtectedPerson]) -> dict[int | None, Compiled]:
    """Per space id (None: the whole municipality)."""
    by_space: dict[int | None, Compiled] = {}
    for w in words:
        compiled = by_space.setdefault(w.space_id, Compiled())
        hit = Hit(w.action, w.pattern, w.space_id)
        if w.is_regex:
            try:
                compiled.regexes.append((compile_pattern(w.pattern[1:-1]), hit))
            except re.error:
                continue
            continue
        raw = words_of(w.pattern)
        tokens = [stem(t) for t in raw]
        if not tokens:
            continue
        if len(tokens) == 1:
            # The stem and the word itself: Snowball shortens "fjols" to "fjol" but "fjolset" to
            # "fjols", so both keys catch every form.
            for key in {tokens[0], raw[0]}:
                old = compiled.stems.get(key)
                if old is None or ORDER[hit.action] < ORDER[old.action]:
                    compiled.stems[key] = hit
        else:
            compiled.phrases.append((" " + " ".join(tokens) + " ", hit))
    municipal = by_space.setdefault(None, Compiled())
    for person in people:
        for name in person.all_names():
            tokens = words_of(name)
            if tokens:
                municipal.names.append((" " + " ".join(tokens) + " ", person.id, person.user_id))
    return by_space


@dataclass
class _Entry:
    version: str
    checked: float
    lists: dict[int | None, Compiled]


#: By (database, municipality): one process may serve more than one app (tests do), and ids are only
#: unique within a database.
_cache: dict[tuple[str, int], _Entry] = {}


def database_key() -> str:
    """Which database the cached rows came from."""
    return db.engine.url.render_as_string(hide_password=True) if has_app_context() else ""


def _ttl() -> float:
    if has_app_context():
        return float(current_app.config.get("MODERATION_CACHE_SECONDS", 5))
    return 5.0


def _version(municipality_id: int) -> str:
    return (
        db.session.scalar(
            sa.select(ListVersion.version).where(ListVersion.municipality_id == municipality_id)
        )
        or ""
    )


def lists_for(municipality_id: int) -> dict[int | None, Compiled]:
    now = time.monotonic()
    key = (database_key(), municipality_id)
    entry = _cache.get(key)
    if entry is not None and now - entry.checked < _ttl():
        return entry.lists
    version = _version(municipality_id)
    if entry is not None and entry.version == version:
        entry.checked = now
        return entry.lists
    words = list(
        db.session.scalars(sa.select(WatchedWord).where(WatchedWord.municipality_id == municipality_id))
    )
    people = list(
        db.session.scalars(
            sa.select(ProtectedPerson).where(ProtectedPerson.municipality_id == municipality_id)
        )
    )
    lists = _compile(words, people)
    _cache[key] = _Entry(version, now, lists)
    return lists


def changed(municipality_id: int) -> None:
    """Called after a list changed (in the same transaction): a new version for every process."""
    version = uuid.uuid4().hex
    updated = db.session.execute(
        sa.update(ListVersion).where(ListVersion.municipality_id == municipality_id).values(version=version)
    )
    if not updated.rowcount:
        db.session.add(ListVersion(municipality_id=municipality_id, version=version))
    db.session.flush()
    _cache.pop((database_key(), municipality_id), None)


def forget() -> None:
    _cache.clear()


@dataclass(frozen=True)
class Matches:
    words: list[Hit]
    people: list[tuple[int, int | None]]  # (protected person id, their user id)

    def worst(self) -> Hit | None:
        return min(self.words, key=lambda h: ORDER[h.action]) if self.words else None


def match(text: str, municipality_id: int, space_id: int | None) -> Matches:
    lists = lists_for(municipality_id)
    keys = (None,) if space_id is None else (None, space_id)
    scopes = [c for key in keys if (c := lists.get(key)) is not None and not c.empty]
    if not scopes or not text:
        return Matches([], [])
    folded = fold(text)
    tokens = WORD.findall(folded)
    joined_words = " " + " ".join(tokens) + " "
    stems: list[str] | None = None
    hits: list[Hit] = []
    people: list[tuple[int, int | None]] = []
    for compiled in scopes:
        if compiled.stems or compiled.phrases:
            if stems is None:
                stems = [stem(t) for t in tokens]
            seen: set[str] = set()
            for s in stems:
                hit = compiled.stems.get(s)
                if hit is not None and hit.pattern not in seen:
                    seen.add(hit.pattern)
                    hits.append(hit)
            if compiled.phrases:
                joined = " " + " ".join(stems) + " "
                hits.extend(hit for phrase, hit in compiled.phrases if phrase in joined)
        for regex, hit in compiled.regexes:
            if regex.search(folded):
                hits.append(hit)
        for name, person_id, user_id in compiled.names:
            # "Mette Sørensen" and "Mette Sørensens" (genitive) both name her.
            if name in joined_words or name[:-1] + "s " in joined_words:
                people.append((person_id, user_id))
    return Matches(hits, people)
