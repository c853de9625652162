"""gunicorn settings for Fælled: ``gunicorn -c python:community.gunicorn_conf 'community:create_app()'``.

gunicorn has no setting for its ``Server: gunicorn`` header, which tells a scanner which server and so
which known flaws to try; this module drops it from every response (the proxy in front adds its own,
or none). A restart lets running requests finish for 25 seconds, within the 30 systemd gives a unit
(``deploy/faelled-web.service``). Other settings stay on the command line (``--workers``, ``--bind``)
or ``GUNICORN_CMD_ARGS``. No access log: the app logs one line per request with its tokens redacted
(``community/logredact.py``), where gunicorn's would write reset and invitation links whole.
"""

from __future__ import annotations

from gunicorn.http import wsgi as _wsgi

_default_headers = _wsgi.Response.default_headers


def _without_server(self: _wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


_wsgi.Response.default_headers = _without_server  # type: ignore[method-assign]

graceful_timeout = 25  # seconds; deploy/faelled-web.service has TimeoutStopSec=30
