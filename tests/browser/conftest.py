"""Browser fixtures: the real app served on 127.0.0.1 by a werkzeug thread (file SQLite migrated by
Alembic, the demo seeded, CSRF on), Debian's Chromium driven by Playwright (never a downloaded
browser), a fresh Danish context per test and a ``login(page, email)`` helper that uses the real form.

The directory is skipped, visibly and with the reason, when Chromium or axe-core is missing."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "faelled-demo"
DEMO_USERS = [
    "kommune@example.org",
    "borger@example.org",
    "klub@example.org",
    "entreprenor@example.org",
    "frivillig@example.org",
    "senior@example.org",
    "stilling@example.org",
]

# Visible words in either language (the Danish catalog may not be compiled yet).
EMAIL_LABEL = re.compile(r"^E-mail")
PASSWORD_LABEL = re.compile(r"^(Password|Adgangskode)$")
LOG_IN = re.compile(r"^(Log in|Log ind)$")
LOG_OUT = re.compile(r"^(Log out|Log ud)$")


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"browser tests need axe-core at {AXE.relative_to(ROOT)} (run `npm install` in {ROOT})"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the playwright Python package (pip install -e '.[dev]')"
    return None


MISSING = _missing()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if MISSING:
                item.add_marker(pytest.mark.skip(reason=MISSING))


@dataclass
class LiveServer:
    url: str
    app: Any
    instance: Path

    @property
    def outbox(self) -> Path:
        return Path(self.app.config["OUTBOX_FOLDER"])

    def emails_to(self, address: str) -> list[email.message.EmailMessage]:
        """E-mails delivered to ``address`` so far, oldest first."""
        found = []
        files = sorted(self.outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        for path in files:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address.lower() in str(message["To"]).lower():
                found.append(message)
        return found

    def link_in(self, message: email.message.EmailMessage) -> str:
        """The first link to this site in an e-mail's plain-text body."""
        body = message.get_body(preferencelist=("plain",)).get_content()
        for word in body.split():
            if word.startswith(self.url):
                return word
        raise AssertionError(f"no link to {self.url} in {body!r}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from flask_migrate import upgrade
    from werkzeug.serving import WSGIRequestHandler, make_server

    from community import create_app
    from community.demo import seed_demo
    from community.extensions import db

    instance = tmp_path_factory.mktemp("browser-instance")
    config = {
        "COMMUNITY_ENV": "testing",
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'browser.sqlite'}",
        "SECRET_KEY": "browser-test-secret",
        "WTF_CSRF_ENABLED": True,
        "HUEY_IMMEDIATE": True,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "RATELIMIT_ENABLED": False,
        "REDIS_URL": None,
        "MAIL_URL": None,
        "GEOCODER": None,
        "LOG_LEVEL": "WARNING",
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:  # the app logs its own requests
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, instance=instance)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        shutil.rmtree(instance / "media", ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_context(browser: Any, live_server: LiveServer, locale: str = "da-DK", **options: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, locale=locale, **options)
    context.set_default_timeout(10_000)

    def _local_only(route: Any) -> None:
        # Nothing beyond the live server: a stray CDN or tile request would be a defect.
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context.route(re.compile(r"^(?!data:|blob:|about:)"), _local_only)
    # Anything the Content-Security-Policy refuses (an inline script or style, a stray source) is a
    # page that breaks for real people: collect it, and the fixtures that made the context fail on it.
    context.csp_violations = []

    def _console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            context.csp_violations.append(f"{message.page.url if message.page else ''}: {message.text}")

    context.on("console", _console)
    return context


def assert_no_csp_violations(context: Any) -> None:
    assert not context.csp_violations, "\n".join(context.csp_violations)


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = new_context(browser, live_server)
    try:
        yield context.new_page()
        assert_no_csp_violations(context)
    finally:
        context.close()


def log_in(page: Any, email_address: str, password: str = DEMO_PASSWORD) -> None:
    """Logs in through the real form by its visible labels, and waits until the header says so."""
    from playwright.sync_api import expect

    page.goto("/login")
    main = page.get_by_role("main")
    main.get_by_label(EMAIL_LABEL).fill(email_address)
    main.get_by_label(PASSWORD_LABEL).fill(password)
    main.get_by_role("button", name=LOG_IN).click()
    expect(page.get_by_role("banner").get_by_role("button", name=LOG_OUT)).to_be_visible()
    page.wait_for_load_state()  # the landing page's stylesheet too, before anyone measures it


def log_out(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("banner").get_by_role("button", name=LOG_OUT).click()
    expect(page.get_by_role("banner").get_by_role("link", name=LOG_IN)).to_be_visible()


@pytest.fixture
def login() -> Any:
    """``login(page, email)``: logs ``page`` in through the real form (demo password by default)."""
    return log_in


@pytest.fixture
def logout() -> Any:
    """``logout(page)``: presses the header's log-out button."""
    return log_out


@pytest.fixture
def make_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """``make_page(locale="da-DK", **context_options)``: a page in a fresh context of its own (for example
    ``viewport={"width": 360, "height": 740}``), closed after the test."""
    contexts: list[Any] = []

    def _make(locale: str = "da-DK", **options: Any) -> Any:
        context = new_context(browser, live_server, locale, **options)
        contexts.append(context)
        return context.new_page()

    try:
        yield _make
        for context in contexts:
            assert_no_csp_violations(context)
    finally:
        for context in contexts:
            context.close()
