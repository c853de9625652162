"""The foundation issue's "done when", end to end through the app: staff provision a themed village;
a villager finds it near Stilling, joins, and is told in the app when made moderator."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from community.demo import seed_demo
from community.extensions import db
from community.spaces.models import Membership, Space

EN = {"Accept-Language": "en"}


@pytest.fixture
def demo(db):
    seed_demo()
    db.session.flush()


def _log_in(client, email):
    response = client.post("/login", data={"email": email, "password": "faelled-demo"}, headers=EN)
    assert response.status_code == 302, email


@pytest.mark.parametrize("who", ["kommune", "borger", "klub", "entreprenor", "frivillig", "senior"])
def test_each_demo_account_logs_in(client, demo, who):
    _log_in(client, f"{who}@example.org")
    assert 'action="/logout"' in client.get("/", headers=EN).text


def test_provision_find_join_and_be_made_moderator(app: Flask, client, demo, outbox):
    _log_in(client, "kommune@example.org")
    created = client.post(
        "/admin/spaces/new",
        data={
            "kind": "village",
            "name": "Fruering",
            "place": "8660",
            "primary_color": "#6b3fa0",
            "display_name": "Fruering Landsby",
            "admin_email": "kommune@example.org",
            "show_provider": "y",
        },
        headers=EN,
        follow_redirects=True,
    )
    assert "Fruering Landsby is created" in created.text
    client.post("/logout")

    _log_in(client, "borger@example.org")
    home = client.get("/", headers=EN).text
    assert "Spaces near Stilling" in home and "Fruering Landsby" in home
    front = client.get("/s/fruering/", headers=EN).text
    assert "/theme/6b3fa0.css" in front
    joined = client.post("/s/fruering/join", headers=EN, follow_redirects=True)
    assert "Welcome to Fruering Landsby!" in joined.text
    client.post("/logout")

    _log_in(client, "kommune@example.org")
    space = db.session.scalar(sa.select(Space).where(Space.slug == "fruering"))
    membership = db.session.scalar(
        sa.select(Membership)
        .join(Membership.user)
        .where(Membership.space_id == space.id, Membership.user.has(email="borger@example.org"))
    )
    client.post(
        f"/s/fruering/members/{membership.id}/role",
        data={f"m{membership.id}-role": "moderator", f"m{membership.id}-official": ""},
    )
    client.post("/logout")

    _log_in(client, "borger@example.org")
    bell = client.get("/", headers=EN).text
    assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in bell
    notes = client.get("/notifications/", headers=EN).text
    assert "Mette Sørensen gave you the role moderator in Fruering Landsby." in notes
