"""Operations: /healthz, the friendly 503, CSRF, request logging, the 500 page."""

from __future__ import annotations

import logging

import pytest

from community import create_app
from tests.support import make_config


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def unreachable_app(tmp_path):
    """The app pointed at a PostgreSQL server that is not there (a closed port on loopback)."""
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    return create_app(make_config(tmp_path, url))


def test_healthz_is_503_when_the_database_is_unreachable(unreachable_app):
    response = unreachable_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_pages_say_so_in_the_users_language_when_the_database_is_away(unreachable_app):
    client = unreachable_app.test_client()
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "Fælled is unavailable right now" in response.text
    assert "nothing you saved is lost" in response.text
    danish = client.get("/villages/")
    assert danish.status_code == 503 and '<html lang="da">' in danish.text


def test_a_missing_csrf_token_is_a_400(app, client, monkeypatch, make_user):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    make_user("anna@example.org")
    response = client.post(
        "/login", data={"email": "anna@example.org", "password": "x"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "The request could not be used" in response.text


def test_every_request_is_logged_on_one_line_with_its_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="community.request"):
        client.get("/villages/?x=1")
    [line] = [r.getMessage() for r in caplog.records if r.name == "community.request"]
    assert line.startswith("GET /villages/?x=1 200 ") and line.endswith("ms")


def test_an_unexpected_error_is_a_friendly_500(app, client, monkeypatch):
    from community.spaces import views

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.services, "spaces_near", broken)
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text and "boom" not in response.text


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
