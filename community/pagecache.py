"""Whole pages for visitors without a cookie, kept for a few seconds (``PAGE_CACHE_SECONDS``).

Most page views on a municipal platform come from people who are not logged in: a link shared in a
village's Facebook group, a search engine, a feed reader, a citizen who reads before joining. They all
see the same page for the same address and language, so it is rendered once and served from memory
until something is written (Discourse's "anonymous cache" does the same).

Who is served from the cache, and what is kept, are one rule each, and both err on the side of
rendering:

- **Served** (``_cacheable_request``): a GET or HEAD with *no cookie at all* and no ``Authorization``
  header, no conditional request (``If-None-Match``: those views answer 304 themselves) and not from
  htmx (``HX-Request``: a part of a page). A cookie
  is where everything personal lives: the login, a flash message, a chosen language or text size, a
  form's CSRF token. Without one the page can only depend on what the key holds: the scheme, the host,
  the path and query, and the language the browser asks for (its best match, not the raw header).
- **Kept** (``_keepable``): a 200 from a view that did not opt out (``no_page_cache``), that wrote
  nothing to the database, that put nothing in the session (a CSRF token would mean a cookie), that set
  no cookie and no ``Cache-Control`` of private or no-store (the live Q&A, the API with a token, the
  members' pictures), and that is not a file being streamed. An ETag is kept with its page (the API's
  is a digest of its body), and "no-cache" is for the caches after this one: a page kept here is never
  older than the last write, and a client asking again with its ETag reaches the view.

The space is still loaded (and its visibility checked) before the cache is asked, and the rate limits,
the security headers and the request log run for a cached page as for any other: the cache sits
between them and the view.

**Invalidation.** Every commit that wrote something moves a *generation* on; a page kept under an older
generation is not served. The generation lives where every process on the machine sees it at the cost
of one ``stat``: the modification time of ``page-generation`` in the instance folder. With
``COMMUNITY_REDIS_URL`` (several machines) it is a Redis counter instead. A post, a comment, a vote, a
moderator hiding something, a space turned members-only: the next anonymous request renders again.
What changes with the clock alone (an event that has started, "5 minutes ago") is at most
``PAGE_CACHE_SECONDS`` old.

Each worker keeps its own ``PAGE_CACHE_ENTRIES`` pages, least recently used out first; a page larger
than ``PAGE_CACHE_MAX_BYTES`` is not kept. ``PAGE_CACHE_SECONDS = 0`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
from flask import Flask, Response, current_app, g, request, session

HEADER = "X-Page-Cache"  # "hit" or "miss": for the operator, the tests and the benchmark
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "Vary", "ETag")


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    generation: str
    kept_at: float


class Pages:
    """The worker's pages, least recently used out first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def drop(self, key: tuple) -> None:
        with self._lock:
            self._pages.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


class FileGeneration:
    """The generation as a file's modification time: one ``stat`` to read, one ``utime`` to move on,
    shared by every process on the machine (the web workers and the job worker)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)

    def current(self) -> str:
        try:
            return str(os.stat(self.path).st_mtime_ns)
        except OSError:
            return ""  # gone: nothing is served from the cache until it is back

    def move_on(self) -> None:
        now = time.time_ns()
        try:
            os.utime(self.path, ns=(now, now))
        except FileNotFoundError:
            self.path.touch()


class RedisGeneration:
    """The generation as a Redis counter, for several machines behind one address."""

    KEY = "faelled:page-generation"

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def current(self) -> str:
        try:
            value = self.redis.get(self.KEY)
        except Exception:  # Redis away: render every page rather than serve a stale one
            return ""
        return value.decode() if value else "0"

    def move_on(self) -> None:
        # Nothing is served while Redis is away (``current`` answers ""), so no stale page either.
        with contextlib.suppress(Exception):
            self.redis.incr(self.KEY)


class PageCache:
    def __init__(self, app: Flask) -> None:
        self.seconds = float(app.config["PAGE_CACHE_SECONDS"])
        self.max_bytes = int(app.config["PAGE_CACHE_MAX_BYTES"])
        self.pages = Pages(int(app.config["PAGE_CACHE_ENTRIES"]))
        if app.config.get("REDIS_URL"):
            self.generation: FileGeneration | RedisGeneration = RedisGeneration(app.config["REDIS_URL"])
        else:
            self.generation = FileGeneration(Path(app.instance_path) / "page-generation")


def no_page_cache(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view whose page is never kept, whoever asks (a health check, a page about this very moment)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.no_page_cache = True
        return view(*args, **kwargs)

    return wrapper


def _cache() -> PageCache | None:
    return current_app.extensions.get("community.pagecache")


def _cacheable_request() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and "Cookie" not in request.headers
        and "Authorization" not in request.headers
        and "If-None-Match" not in request.headers
        and "If-Modified-Since" not in request.headers
        and "HX-Request" not in request.headers  # a part of a page, asked by htmx
        and request.endpoint is not None
        and request.endpoint != "static"
    )


def _key() -> tuple:
    from community.i18n import request_locale

    return (request.scheme, request.host, request.full_path, request_locale(None))


def _keepable(response: Response) -> bool:
    control = response.cache_control
    return (
        response.status_code == 200
        and not g.get("no_page_cache")
        and not g.get("page_cache_wrote")
        and not session.modified
        and not session
        and "Set-Cookie" not in response.headers
        and not (control.private or control.no_store)
        and not response.direct_passthrough
        and not response.is_streamed
    )


def _serve() -> Response | None:
    cache = _cache()
    if cache is None or not _cacheable_request():
        return None
    key = _key()
    g.page_cache_key = key
    g.page_cache_generation = generation = cache.generation.current()
    page = cache.pages.get(key)
    if page is None:
        return None
    if not generation or page.generation != generation or time.monotonic() - page.kept_at > cache.seconds:
        cache.pages.drop(key)
        return None
    g.page_cache_hit = True
    response = Response(page.body, status=page.status, headers=list(page.headers))
    response.headers[HEADER] = "hit"
    return response


def _keep(response: Response) -> Response:
    cache = _cache()
    key = g.get("page_cache_key")
    if cache is None or key is None or g.get("page_cache_hit"):
        return response
    generation = g.get("page_cache_generation")
    if generation and _keepable(response):
        body = response.get_data()
        if len(body) <= cache.max_bytes:
            headers = tuple((name, value) for name, value in response.headers if name in _KEPT_HEADERS)
            cache.pages.put(key, Page(body, response.status_code, headers, generation, time.monotonic()))
    response.headers[HEADER] = "miss"
    return response


def _note_writes(session: sa.orm.Session, _context: Any, _instances: Any) -> None:
    session.info["page_cache_wrote"] = True


def _note_statement(state: sa.orm.ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["page_cache_wrote"] = True


def _after_commit(session: sa.orm.Session) -> None:
    if not session.info.pop("page_cache_wrote", False):
        return
    try:
        cache = _cache()
    except RuntimeError:  # no application context: nobody here keeps pages
        return
    if cache is None:
        return
    cache.generation.move_on()
    with contextlib.suppress(RuntimeError):  # outside a request (a job): no page to leave out
        g.page_cache_wrote = True  # this request's own page is not kept: it was rendered mid-write


def _after_rollback(session: sa.orm.Session) -> None:
    session.info.pop("page_cache_wrote", None)


_listening = False


def _listen() -> None:
    global _listening
    if _listening:
        return
    sa.event.listen(sa.orm.Session, "before_flush", _note_writes)
    sa.event.listen(sa.orm.Session, "do_orm_execute", _note_statement)
    sa.event.listen(sa.orm.Session, "after_commit", _after_commit)
    sa.event.listen(sa.orm.Session, "after_rollback", _after_rollback)
    _listening = True


def forget(app: Flask) -> None:
    """Empties the worker's pages (the tests, between one rolled-back test and the next)."""
    cache = app.extensions.get("community.pagecache")
    if cache is not None:
        cache.pages.clear()


def init_app(app: Flask) -> None:
    """Called last of the request hooks: ``_serve`` runs after the limiter, the security headers'
    nonce and the URL checks, and ``_keep`` sees the response before any other app-wide hook has
    added its headers (those run again for a cached page)."""
    if float(app.config["PAGE_CACHE_SECONDS"]) <= 0:
        return
    app.extensions["community.pagecache"] = PageCache(app)
    _listen()
    app.before_request(_serve)
    app.after_request(_keep)
