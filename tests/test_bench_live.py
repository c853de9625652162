"""The benchmark's live Q&A hour is measured through nginx, as ``deploy/nginx.conf`` puts the app, and
straight to gunicorn for comparison (``bench/run.py``); the report says which figure the target is
judged on."""

from __future__ import annotations

import shutil
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import run

FIGURES = {"rps": 94.0, "p50": 2.8, "p95": 15.7, "p99": 33.8, "errors": 0}
QUEUED = {"rps": 82.0, "p50": 140.0, "p95": 360.0, "p99": 470.0, "errors": 0}


def test_the_live_target_is_judged_through_the_proxy_and_the_direct_figure_shown():
    text = run.render_live(run.Live("/engagement/qa/3/live", 2, FIGURES, 30, direct=QUEUED))
    assert "| through nginx, as `deploy/nginx.conf` (target) | 94 | 2.8 | 15.7 | 33.8 | 2 | 0 |" in text
    assert "| straight to gunicorn | 82 | 140.0 | 360.0 | 470.0 | 2 | 0 |" in text
    assert "every target is met" in text and "MISSED" not in text

    alone = run.render_live(run.Live("/engagement/qa/3/live", 2, QUEUED, 30))
    assert "nginx is not installed" in alone and "MISSED: Live Q&A fragment: p99 470.0 ms" in alone


@pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx is not installed (apt-get install nginx-light)",
)
def test_nginx_in_front_passes_requests_to_the_app(tmp_path):
    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"hello from {self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{upstream.server_address[1]}"
        with run.nginx_in_front(base, tmp_path) as proxied:
            assert proxied is not None and proxied != base
            with urllib.request.urlopen(proxied + "/engagement/qa/3/live", timeout=10) as response:
                assert response.read() == b"hello from /engagement/qa/3/live"
    finally:
        upstream.shutdown()
