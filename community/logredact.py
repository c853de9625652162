"""What the request log may say about a URL: the path and query with every secret in them replaced.

Links in e-mails and calendar subscriptions carry their authority in the URL (reset, confirmation and
invitation tokens, calendar-feed keys), so a log line with the full path would hand an account to
whoever reads the log. One function decides for every route:

- a URL variable named ``token`` or ending in ``_token``/``_key`` (the routes' own declaration), and
- anything else that looks like a token: a path segment or query value of 20 or more URL-safe
  characters with a digit, a capital or an underscore in them, which a lower-case slug never has
  (signed tokens, ``secrets.token_urlsafe`` even when it drew no digit, long hashes), or of 40 or more,
  and the value of a query parameter whose name says it is secret (``token``, ``key``, ``code`` …).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from flask import Request

REDACTED = "[redacted]"
_TOKENISH = re.compile(r"^[A-Za-z0-9_\-.~=]{20,}$")
_SECRET_KEYS = re.compile(r"(token|key|secret|code|signature|sig|password)$", re.IGNORECASE)
_SUFFIX = re.compile(r"^(?P<stem>.*?)(?P<ext>\.(ics|atom|xml|json|jpg|png))?$")


def looks_like_token(value: str) -> bool:
    match = _SUFFIX.match(value)
    text = match.group("stem") if match else value
    if not _TOKENISH.match(text):
        return False
    return re.search(r"[0-9A-Z_]", text) is not None or len(text) >= 40


def _redact_segment(segment: str, secrets_in_path: set[str]) -> str:
    if segment in secrets_in_path:
        return REDACTED
    for secret in secrets_in_path:
        if secret and secret in segment:  # "<token>.ics"
            return segment.replace(secret, REDACTED)
    if looks_like_token(segment):
        match = _SUFFIX.match(segment)
        return REDACTED + ((match.group("ext") or "") if match else "")
    return segment


def redacted_path(request: Request) -> str:
    """``request.full_path`` (without a trailing ``?``) with the secrets in it replaced."""
    view_args = request.view_args or {}
    secrets_in_path = {
        str(value)
        for name, value in view_args.items()
        if name == "token" or name.endswith(("_token", "_key"))
    }
    path = "/".join(_redact_segment(part, secrets_in_path) for part in request.path.split("/"))
    query = request.query_string.decode("latin-1")
    if not query:
        return path
    pairs = [
        (name, REDACTED if _SECRET_KEYS.search(name) or looks_like_token(value) else value)
        for name, value in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{path}?{urlencode(pairs, safe='[]')}"
