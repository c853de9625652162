"""Registration, confirmation, login, reset and profile, through the app as a person uses them."""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.extensions import db
from tests.support import PASSWORD, link_in


def _register(client, **overrides):
    data = {
        "display_name": "Karen Jensen",
        "email": "karen@example.org",
        "password": "en lang sætning",
        "confirm": "en lang sætning",
        "home": "Stilling",
    }
    data.update(overrides)
    return client.post("/register", data=data, headers={"Accept-Language": "en"})


def _users(email: str) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.email == email)))


def test_register_logs_in_and_sends_a_confirmation_link(client, outbox):
    response = _register(client, email="Karen@Example.org ")
    assert response.status_code == 302
    [user] = _users("karen@example.org")
    assert user.home_label == "Stilling" and round(user.home_latitude, 2) == 56.06
    assert user.confirmed_at is None
    [message] = outbox()
    assert message["To"] == "karen@example.org"
    assert "Confirm your e-mail" in message["Subject"]

    page = client.get(link_in(message), headers={"Accept-Language": "en"})
    assert b"Confirm my e-mail address" in page.data
    assert _users("karen@example.org")[0].confirmed_at is None, "a GET must not confirm"
    confirmed = client.post(link_in(message), headers={"Accept-Language": "en"}, follow_redirects=True)
    assert b"your e-mail address is confirmed" in confirmed.data
    assert _users("karen@example.org")[0].confirmed_at is not None


def test_confirmation_mail_is_in_the_language_of_the_page(client, outbox):
    client.post(
        "/register",
        data={
            "display_name": "Ole",
            "email": "ole@example.org",
            "password": "en lang sætning",
            "confirm": "en lang sætning",
            "home": "8660",
        },
        headers={"Accept-Language": "da"},
    )
    [message] = outbox()
    assert "Bekræft" in message["Subject"]


def test_duplicate_email_is_refused_on_the_field(client, make_user):
    make_user("karen@example.org")
    response = _register(client)
    assert response.status_code == 200
    assert b"An account with this e-mail address already exists" in response.data
    assert b'aria-describedby="email-error"' in response.data
    assert len(_users("karen@example.org")) == 1


def test_bad_fields_are_explained_and_nothing_is_saved(client, outbox):
    response = _register(client, email="not-an-address", password="short", confirm="other", display_name="")
    text = response.get_data(as_text=True)
    assert "Write an e-mail address such as name@example.dk." in text
    assert "Write between 10 and 256 characters." in text
    assert "The two passwords are not the same" in text
    assert "Fill in this field." in text
    assert _users("not-an-address") == [] and outbox() == []


def test_unknown_home_place_suggests_what_to_write(client):
    response = _register(client, home="Atlantis")
    assert b"We do not know Atlantis" in response.data
    assert _users("karen@example.org") == []


def test_ambiguous_home_place_lists_the_choices(client):
    response = _register(client, home="Hørning")
    text = response.get_data(as_text=True)
    assert "Several places are called Hørning" in text
    assert "Hørning (8362 Hørning)" in text
    assert _users("karen@example.org") == []
    assert _register(client, home="Hørning (8362 Hørning)").status_code == 302


def test_expired_confirmation_link_says_so(app, client, make_user, monkeypatch):
    from community.accounts.services import make_token

    user = make_user(confirmed=False)
    token = make_token(user, "confirm")
    monkeypatch.setitem(app.config, "CONFIRM_MAX_AGE", -1)
    response = client.get(f"/confirm/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert b"This confirmation link has expired" in response.data


def test_tampered_confirmation_link_is_refused(client, make_user):
    from community.accounts.services import make_token

    token = make_token(make_user(confirmed=False), "confirm")
    response = client.post(f"/confirm/{token[:-2]}xx", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert b"This confirmation link is not valid" in response.data


def test_login_with_the_right_password(client, make_user):
    make_user("anna@example.org", name="Anna")
    response = client.post(
        "/login",
        data={"email": "ANNA@example.org", "password": PASSWORD},
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert b"Welcome back, Anna." in response.data
    assert b"Log out" in response.data


def test_login_with_a_wrong_password_says_what_to_do(client, make_user):
    make_user("anna@example.org")
    response = client.post(
        "/login",
        data={"email": "anna@example.org", "password": "wrong password"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert b"The e-mail or the password is wrong" in response.data
    response = client.post(
        "/login",
        data={"email": "nobody@example.org", "password": "wrong password"},
        headers={"Accept-Language": "en"},
    )
    assert b"The e-mail or the password is wrong" in response.data


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    make_user("anna@example.org")
    response = client.post(
        "/login", data={"email": "anna@example.org", "password": PASSWORD, "remember": "y"}
    )
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_next_to_another_host_is_ignored(client, make_user):
    make_user("anna@example.org")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(
            "/login", data={"email": "anna@example.org", "password": PASSWORD, "next": evil}
        )
        assert response.headers["Location"] == "/", evil
        client.post("/logout")
    response = client.post(
        "/login", data={"email": "anna@example.org", "password": PASSWORD, "next": "/profile"}
    )
    assert response.headers["Location"] == "/profile"


def test_login_is_throttled_per_account(app, client, make_user, monkeypatch):
    make_user("anna@example.org")
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_ACCOUNT", "3 per hour")
    for _ in range(3):
        client.post("/login", data={"email": "anna@example.org", "password": "wrong"})
    response = client.post(
        "/login", data={"email": "anna@example.org", "password": PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    other = client.post("/login", data={"email": "other@example.org", "password": "x"})
    assert other.status_code == 200, "another account from the same address is not blocked yet"


def test_logout_needs_a_post_and_ends_the_session(client, make_user, login):
    login(make_user(name="Anna"))
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/profile").status_code == 302


def test_password_reset_works_once(client, make_user, outbox):
    make_user("anna@example.org")
    response = client.post(
        "/reset", data={"email": "anna@example.org"}, headers={"Accept-Language": "en"}, follow_redirects=True
    )
    assert b"a link to choose a new password is on its way" in response.data
    [message] = outbox()
    link = link_in(message)
    new = {"password": "et helt nyt kodeord", "confirm": "et helt nyt kodeord"}
    assert client.post(link, data=new).status_code == 302
    again = client.get(link, headers={"Accept-Language": "en"}, follow_redirects=True)
    assert b"This reset link has already been used" in again.data
    ok = client.post("/login", data={"email": "anna@example.org", "password": "et helt nyt kodeord"})
    assert ok.status_code == 302


def test_reset_for_an_unknown_address_reveals_nothing(client, outbox):
    response = client.post(
        "/reset",
        data={"email": "ghost@example.org"},
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )
    assert b"If ghost@example.org has an account" in response.data
    assert outbox() == []


def test_reset_ends_other_sessions(app, make_user, outbox):
    user = make_user("anna@example.org")
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = user.session_token
    assert other_device.get("/profile").status_code == 200
    app.test_client().post("/reset", data={"email": "anna@example.org"})
    app.test_client().post(
        link_in(outbox()[0]), data={"password": "et helt nyt kodeord", "confirm": "et helt nyt kodeord"}
    )
    assert other_device.get("/profile").status_code == 302


def test_profile_saves_name_language_and_home(client, make_user, login):
    user = login(make_user(name="Anna")) and make_user  # noqa: F841
    response = client.post(
        "/profile",
        data={"display_name": "Anna B.", "locale": "en", "home": "8680", "email_notifications": ""},
        follow_redirects=True,
    )
    assert b"Your profile is saved." in response.data
    assert b'<html lang="en">' in response.data
    [anna] = list(db.session.scalars(sa.select(User).where(User.display_name == "Anna B.")))
    assert anna.locale == "en" and anna.home_label == "8680 Ry" and anna.email_notifications is False


def test_profile_refuses_an_unknown_home_and_keeps_the_old(client, make_user, login):
    user = make_user(name="Anna")
    login(user)
    response = client.post(
        "/profile",
        data={"display_name": "Anna", "locale": "en", "home": "Xyzzy"},
        headers={"Accept-Language": "en"},
    )
    assert b"We do not know Xyzzy" in response.data
    db.session.refresh(user)
    assert user.home_label == "Stilling" and user.locale is None


def test_change_password_checks_the_current_one(client, make_user, login):
    user = make_user()
    login(user)
    wrong = client.post(
        "/profile/password",
        data={
            "current_password": "nope",
            "password": "et nyt langt kodeord",
            "confirm": "et nyt langt kodeord",
        },
        headers={"Accept-Language": "en"},
    )
    assert wrong.status_code == 400 and b"That is not your current password" in wrong.data
    right = client.post(
        "/profile/password",
        data={
            "current_password": PASSWORD,
            "password": "et nyt langt kodeord",
            "confirm": "et nyt langt kodeord",
        },
    )
    assert right.status_code == 302
    assert client.get("/profile").status_code == 200, "this session survives its own password change"


def test_pages_that_need_an_account_send_to_login(client):
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
