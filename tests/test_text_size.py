"""Larger text: a button in the header (a plain form, no JavaScript) and a choice on the profile, kept on
the account and, for visitors without one, in the session; the whole page scales from the root."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db

EN = {"Accept-Language": "en"}
CSS = Path(__file__).resolve().parent.parent / "community" / "static" / "css" / "faelled.css"


def _html_tag(page: str) -> str:
    return page.split(">", 2)[1]  # <!doctype html> first, then <html …>


def _switch(client, size: str, next_page: str = "/villages/"):
    return client.post("/text-size", data={"size": size, "next": next_page}, headers=EN)


def test_a_visitor_makes_the_text_larger_and_back_from_the_header(client):
    page = client.get("/", headers=EN).text
    assert 'class="text-' not in _html_tag(page)
    form = page.split('class="text-size-switch"', 1)[1].split("</form>", 1)[0]
    assert 'action="/text-size"' in page and 'name="size" value="large"' in form and "Larger text" in form
    response = _switch(client, "large")
    assert response.status_code == 302 and response.headers["Location"] == "/villages/"
    page = client.get("/villages/", headers=EN).text
    assert 'class="text-large"' in _html_tag(page)
    assert 'name="size" value="normal"' in page and "Normal text" in page
    assert 'class="text-large"' in _html_tag(client.get("/login").text), "it stays while browsing"
    assert "Større tekst" not in client.get("/login").text and "Normal tekst" in client.get("/login").text
    _switch(client, "normal")
    assert 'class="text-' not in _html_tag(client.get("/", headers=EN).text)


def test_the_choice_is_kept_on_the_account_for_other_devices(app, client, login, make_user):
    user = make_user(name="Inger")
    login(user)
    _switch(client, "large")
    db.session.refresh(user)
    assert user.text_size == "large"
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = user.session_token
    assert 'class="text-large"' in _html_tag(other_device.get("/", headers=EN).text)


def test_the_profile_chooses_among_three_sizes(client, login, make_user):
    user = make_user(name="Inger")
    login(user)
    page = client.get("/profile", headers=EN).text
    assert '<label for="text_size">Text size</label>' in page and 'value="largest"' in page
    data = {
        "display_name": "Inger",
        "locale": "",
        "home": "",
        "email_notifications": "y",
        "text_size": "largest",
    }
    response = client.post("/profile", data=data, headers=EN, follow_redirects=True)
    assert "Your profile is saved." in response.text and 'class="text-largest"' in _html_tag(response.text)
    assert db.session.scalar(sa.select(User.text_size).where(User.id == user.id)) == "largest"
    refused = client.post("/profile", data={**data, "text_size": "enormous"}, headers=EN)
    assert refused.status_code == 200 and "Choose one of the text sizes." in refused.text
    data.pop("text_size")  # a form without the field leaves the size alone
    client.post("/profile", data=data, headers=EN)
    assert db.session.scalar(sa.select(User.text_size).where(User.id == user.id)) == "largest"


def test_an_unknown_size_changes_nothing(client):
    _switch(client, "huge")
    assert 'class="text-' not in _html_tag(client.get("/").text)


def test_the_stylesheet_scales_from_the_root():
    """Font sizes, spacing and widths in rem/em, so the root's larger size reaches every page; pixels only
    for hairlines (borders, outlines, radii, the 1-2 px of a visually hidden text or a chart's bar)."""
    css = CSS.read_text()
    assert re.search(r"html\.text-large\s*\{\s*font-size:\s*125%", css)
    assert re.search(r"html\.text-largest\s*\{\s*font-size:\s*150%", css)
    sizes = re.findall(
        r"(?<![-\w])(font-size|width|max-width|min-width|height|padding[-\w]*|margin[-\w]*|gap)\s*:\s*([^;}]*)",
        css,
    )
    in_pixels = [
        f"{prop}: {value}"
        for prop, value in sizes
        if re.search(r"(?<![\d.])([3-9]|\d{2,})(\.\d+)?\s*px", value)
    ]
    assert in_pixels == [], in_pixels
