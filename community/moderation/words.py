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


#: Regular expressions see a text in windows of this many characters (overlapping by ``OVERLAP``, so a
#: match of up to that length across a border is still found): the backtracking a pattern may do is
#: bounded by the window, not by the length of the text.
WINDOW = 500
OVERLAP = 100
#: The most a pattern's repetitions may multiply out to (an open-ended one counts as a window long):
#: one ``\w*`` with a few ``?`` is fine, two open-ended repetitions in a row are cubic and are not.
REPEAT_BUDGET = 5_000


class UnsafePattern(ValueError):
    """A pattern that could make matching take very long (``kind``: "nested" or "costly")."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _parsed(pattern: str):
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    return sre_parse, sre_parse.parse(fold(pattern), re.IGNORECASE)


def check_safe(pattern: str) -> None:
    """Refuses a pattern whose backtracking can explode: a repetition inside a repetition (``(a+)+``,
    ``(a|aa)*``), or repetitions that multiply out beyond ``REPEAT_BUDGET``. A structural check over the
    parsed pattern; raises ``re.error`` for an invalid one, ``UnsafePattern`` for an unsafe one."""
    sre_parse, parsed = _parsed(pattern)
    c = sre_parse  # the opcodes live beside the parser
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}
    unbounded = c.MAXREPEAT
    cost = [1]

    def children(op, av) -> list:
        if op in repeats:
            return [av[2]]
        if op == c.SUBPATTERN:
            return [av[-1]]
        if op == c.BRANCH:
            return list(av[1])
        if op in (c.ASSERT, c.ASSERT_NOT):
            return [av[1]]
        if op == getattr(c, "ATOMIC_GROUP", None):
            return [av]
        if op == c.GROUPREF_EXISTS:
            return [p for p in av[1:] if p is not None]
        return []

    def varies(items) -> bool:
        """Whether ``items`` (the body of a repetition) hold a repetition or an alternation."""
        for op, av in items:
            if op in repeats and av[1] > 1:
                return True
            if op == c.BRANCH and len(av[1]) > 1:
                return True
            if any(varies(child) for child in children(op, av)):
                return True
        return False

    def walk(items) -> None:
        for op, av in items:
            if op in repeats and av[1] > 1:
                if varies(av[2]):
                    raise UnsafePattern("nested")
                cost[0] *= (WINDOW if av[1] == unbounded or av[1] > WINDOW else av[1]) + 1
                if cost[0] > REPEAT_BUDGET:
                    raise UnsafePattern("costly")
            elif op in repeats:
                cost[0] *= 2
            for child in children(op, av):
                walk(child)

    walk(parsed)
    if cost[0] > REPEAT_BUDGET:
        raise UnsafePattern("costly")


def _search(regex: re.Pattern[str], text: str) -> bool:
    if len(text) <= WINDOW:
        return regex.search(text) is not None
    step = WINDOW - OVERLAP
    return any(regex.search(text, start, start + WINDOW) for start in range(0, len(text) - OVERLAP, step))


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
                check_safe(w.pattern[1:-1])  # one stored before patterns were checked is left out
                compiled.regexes.append((compile_pattern(w.pattern[1:-1]), hit))
            except (re.error, UnsafePattern):
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
            if _search(regex, folded):
                hits.append(hit)
        for name, person_id, user_id in compiled.names:
            # "Mette Sørensen" and "Mette Sørensens" (genitive) both name her.
            if name in joined_words or name[:-1] + "s " in joined_words:
                people.append((person_id, user_id))
    return Matches(hits, people)
