"""Danish first, English complete: the page language follows the user's choice, else the browser."""

from __future__ import annotations

from community.extensions import db


def test_danish_is_the_default(client):
    page = client.get("/")
    assert '<html lang="da">' in page.text
    assert "Log ind" in page.text


def test_the_browser_language_is_followed(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text and "Log in" in page.text
    fallback = client.get("/", headers={"Accept-Language": "fr"})
    assert '<html lang="da">' in fallback.text


def test_an_anonymous_visitor_switches_language_and_back(client):
    response = client.post("/language", data={"locale": "en", "next": "/villages/"})
    assert response.headers["Location"] == "/villages/"
    assert '<html lang="en">' in client.get("/villages/").text
    client.post("/language", data={"locale": "da", "next": "/"})
    assert '<html lang="da">' in client.get("/", headers={"Accept-Language": "en"}).text


def test_a_users_choice_beats_the_browser_and_is_saved(client, login, make_user):
    user = make_user()
    login(user)
    client.post("/language", data={"locale": "en", "next": "/"})
    db.session.refresh(user)
    assert user.locale == "en"
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "da"}).text


def test_the_language_switch_ignores_a_foreign_next(client):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_error_pages_speak_the_users_language(client):
    assert "Vi kunne ikke finde siden" in client.get("/s/nowhere/").text
    english = client.get("/s/nowhere/", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and "We could not find that page" in english.text


def test_dates_and_numbers_follow_the_locale(app):
    from datetime import datetime

    from community.i18n import force_locale, format_datetime, format_decimal

    with app.test_request_context():
        when = datetime(2026, 5, 17, 12, 0)
        with force_locale("da"):
            assert "maj" in format_datetime(when, "long") and format_decimal(1234.5) == "1.234,5"
        with force_locale("en"):
            assert "May" in format_datetime(when, "long") and format_decimal(1234.5) == "1,234.5"
