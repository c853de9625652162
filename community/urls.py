"""Redirect targets that stay on this site, and requests that come from it."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: a ``next`` to another host is ignored."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def sent_from_this_site() -> bool:
    """Whether the current request was sent by one of this site's own pages, as the browser tells it:
    ``Sec-Fetch-Site``, else ``Origin``, else ``Referer``. A request that carries none of them (an old
    browser, a script) is taken as sent from here: this guards choices only, not accounts (see
    ``accounts.views.language``)."""
    from flask import request

    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host
