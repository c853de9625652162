"""gunicorn settings for Fælled: ``gunicorn -c python:community.gunicorn_conf 'community:create_app()'``.

gunicorn has no setting for its ``Server: gunicorn`` header, which tells a scanner which server and so
which known flaws to try; this module drops it from every response (the proxy in front adds its own,
or none). Other settings stay on the command line (``--workers``, ``--bind``) or ``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

from gunicorn.http import wsgi as _wsgi

_default_headers = _wsgi.Response.default_headers


def _without_server(self: _wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


_wsgi.Response.default_headers = _without_server  # type: ignore[method-assign]
