"""Logging in through an OpenID provider in Chromium: the login page's "Log in with MitID", the real
provider's sign-in page (tests/oidc/provider.mjs, npm oidc-provider on 127.0.0.1), and back in Fælled,
logged in. A first login whose verified e-mail has an account here asks for that account's password."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, LOG_OUT, assert_no_csp_violations
from tests.oidc import provider_config, require_provider, running_provider


class _Later:
    """A WSGI app set once the real one exists (the provider needs the server's port first)."""

    app: Any = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def oidc_server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    require_provider()  # skipped without Node locally, failed under CI
    from flask_migrate import upgrade
    from werkzeug.serving import WSGIRequestHandler, make_server

    from community import create_app, geo
    from community.accounts.services import create_user
    from community.extensions import db
    from community.spaces.services import create_municipality

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    later = _Later()
    server = make_server("127.0.0.1", 0, later, threaded=True, request_handler=QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    instance = tmp_path_factory.mktemp("oidc-browser")
    with running_provider([f"{url}/login/oidc/mitid/callback"]) as issuer:
        app = create_app(
            {
                "COMMUNITY_ENV": "testing",
                "TESTING": True,
                "INSTANCE_PATH": str(instance),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'oidc.sqlite'}",
                "SECRET_KEY": "oidc-browser-secret",
                "HUEY_IMMEDIATE": True,
                "ARGON2_TIME_COST": 1,
                "ARGON2_MEMORY_COST": 1024,
                "RATELIMIT_ENABLED": False,
                "GEOCODER": None,
                "LOG_LEVEL": "WARNING",
                "BASE_URL": url,
                "OIDC_PROVIDERS": {"mitid": provider_config(issuer, label="MitID")},
            }
        )
        with app.app_context():
            upgrade()
            # A municipality and its staff member with the demo's address (not the whole demo: its
            # moderation lists would stay cached in this process for the next server's seeding).
            place = create_municipality(name="Skanderborg Kommune", place=geo.resolve("Skanderborg"))
            mette = create_user(
                email="kommune@example.org", password=DEMO_PASSWORD, display_name="Mette Sørensen"
            )
            mette.staff_municipality_id = place.id
            db.session.commit()
        later.app = app
        thread = threading.Thread(target=server.serve_forever, name="oidc-live-server", daemon=True)
        thread.start()
        try:
            yield url, issuer
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()


@pytest.fixture
def oidc_page(browser, oidc_server) -> Iterator[Any]:
    url, issuer = oidc_server
    context = browser.new_context(base_url=url, locale="da-DK")
    context.set_default_timeout(10_000)
    allowed = (url, issuer)

    def _local_only(route: Any) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            route.abort()

    context.route(re.compile(r"^(?!data:|blob:|about:)"), _local_only)
    context.csp_violations = []
    context.on(
        "console",
        lambda m: context.csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        yield context.new_page()
        assert_no_csp_violations(context)
    finally:
        context.close()


def _sign_in_at_provider(page: Any, username: str, password: str) -> None:
    page.get_by_role("link", name=re.compile(r"^(Log ind med|Log in with) MitID$")).click()
    expect(page.get_by_role("heading", name="Sign in at the test provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_log_in_with_mitid_through_the_provider(oidc_page, oidc_server):
    page = oidc_page
    page.goto("/login")
    _sign_in_at_provider(page, "anna", "anna-password")
    expect(page.get_by_role("banner").get_by_role("button", name=LOG_OUT)).to_be_visible()
    assert page.url.startswith(oidc_server[0])
    expect(page.get_by_text(re.compile(r"Anna Provider"))).to_be_visible()
    page.goto("/profile")
    expect(page.get_by_text("anna.provider@example.org")).to_be_visible()


def test_a_first_login_with_a_known_address_asks_for_the_password(oidc_page):
    page = oidc_page
    page.goto("/login")
    _sign_in_at_provider(page, "mette", "mette-password")
    expect(
        page.get_by_role("heading", name=re.compile(r"^(Forbind din konto|Link your account)$"))
    ).to_be_visible()
    page.get_by_role("main").get_by_label(
        re.compile(r"^(Adgangskoden til din konto|Password of your account)")
    ).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^(Forbind og log ind|Link and log in)$")).click()
    expect(page.get_by_role("banner").get_by_role("button", name=LOG_OUT)).to_be_visible()
    expect(
        page.get_by_role("banner").get_by_role("link", name=re.compile(r"^(Konsol|Console)$"))
    ).to_be_visible()
