"""Log in through OpenID Connect against a real provider (``tests/oidc/provider.mjs``, the npm
``oidc-provider`` package, started on 127.0.0.1): discovery, PKCE, state and nonce, the ID token's
signature and expiry; a first login makes an account or links one only after its password; a staff
provider grants the staff role by a claim; a CPR number the provider sends is never stored. And what
must be refused: a wrong state, a replayed code, a bad signature, an expired token."""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.request
from base64 import urlsafe_b64decode

import pytest
import requests
import sqlalchemy as sa
import sqlalchemy.orm
from flask_sqlalchemy.session import _app_ctx_id

from community import create_app, geo
from community.accounts import oidc
from community.accounts.models import User, UserIdentity
from community.accounts.services import create_user
from community.extensions import db as _db
from community.spaces import services as space_services
from tests.conftest import IsolatedClient
from tests.oidc import ANNA_CPR, provider_config, require_provider, running_provider, sign_in
from tests.support import PASSWORD, make_config, reset_schema

APP = "http://localhost"
EN = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
def issuer():
    require_provider()  # skipped without Node locally, failed under CI
    uris = [f"{APP}/login/oidc/{name}/callback" for name in ("mitid", "staff")]
    with running_provider(uris) as found:
        yield found


@pytest.fixture(scope="module")
def oidc_app(issuer, tmp_path_factory):
    instance = tmp_path_factory.mktemp("oidc")
    app = create_app(
        make_config(
            instance,
            OIDC_PROVIDERS={
                "mitid": provider_config(issuer, label="MitID", scopes="openid email profile cpr"),
                "staff": provider_config(
                    issuer,
                    label="Skanderborg Kommune (medarbejdere)",
                    scopes="openid email profile groups",
                    staff_claim="groups=faelled-staff",
                    municipality="skanderborg-kommune",
                ),
            },
            RATELIMIT_ENABLED=False,
        )
    )
    reset_schema(app)
    return app


@pytest.fixture
def session_db(oidc_app):
    """As ``tests.conftest.db``: one outer transaction per test, rolled back."""
    with oidc_app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        factory = sa.orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        session = sa.orm.scoped_session(factory, scopefunc=_app_ctx_id)
        original = _db.session
        _db.session = session
        try:
            space_services.create_municipality(name="Skanderborg Kommune", place=geo.resolve("Skanderborg"))
            _db.session.commit()
            yield _db
        finally:
            session.remove()
            transaction.rollback()
            connection.close()
            _db.session = original


@pytest.fixture
def client(oidc_app, session_db):
    oidc_app.test_client_class = IsolatedClient
    return oidc_app.test_client()


def _callback(client, name: str, username: str, password: str) -> str:
    """Starts the login in Fælled, signs in at the provider; the URL it sends the person back to."""
    start = client.get(f"/login/oidc/{name}")
    assert start.status_code == 302
    location = start.headers["Location"]
    assert "code_challenge=" in location and "code_challenge_method=S256" in location
    assert "state=" in location and "nonce=" in location
    return sign_in(requests.Session(), location, username, password, back_to=APP)


def _path(url: str) -> str:
    return url[len(APP) :]


def _logged_in_as(client) -> str | None:
    page = client.get("/profile", headers=EN)
    if page.status_code != 200:
        return None
    found = re.search(r"Logged in as (\S+@\S+?)\.(\s|<)", page.text)
    return found.group(1) if found else None


def _everything_stored(db) -> str:
    """Every value in every table, as text: what the database holds."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).all():
            found.append(" ".join(str(value) for value in row))
    return "\n".join(found)


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    if cookie is None:
        return ""
    payload = cookie.value.split(".")[0].lstrip(".")
    try:
        import zlib

        raw = urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return zlib.decompress(raw).decode() if cookie.value.startswith(".") else raw.decode()
    except Exception:
        return cookie.value


# --- logging in ------------------------------------------------------------------------------------


def test_a_first_login_makes_an_account_and_never_keeps_the_cpr_number(client, session_db, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level: no line may carry the CPR number
    back = _callback(client, "mitid", "anna", "anna-password")
    landed = client.get(_path(back), headers=EN, follow_redirects=True)
    assert "You are logged in with MitID" in landed.text
    assert _logged_in_as(client) == "anna.provider@example.org"
    user = session_db.session.scalar(sa.select(User).where(User.email == "anna.provider@example.org"))
    assert user.display_name == "Anna Provider" and user.is_confirmed and user.staff_municipality_id is None
    identity = session_db.session.scalar(sa.select(UserIdentity).where(UserIdentity.user_id == user.id))
    assert identity.provider == "mitid" and identity.subject == "anna-subject-0001"
    stored = _everything_stored(session_db)
    cookie = _session_cookie(client)
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "GET /login/oidc/mitid/callback" in logged, "the callback's request is logged"
    for cpr in ANNA_CPR:
        assert cpr not in stored and cpr not in cookie
        assert cpr not in logged and cpr not in caplog.text


def test_the_claims_kept_are_only_those_read(oidc_app):
    with oidc_app.app_context():
        provider = oidc.providers()["mitid"]
        kept = oidc.allowed_claims(
            {
                "sub": "x",
                "email": "a@b.dk",
                "cpr": "0102031234",
                "dk:gov:cpr": "0102031234",
                "national_id": "1",
            },
            provider,
        )
    assert kept == {"sub": "x", "email": "a@b.dk"}


def test_a_second_login_finds_the_same_account(client, session_db):
    client.get(_path(_callback(client, "mitid", "anna", "anna-password")))
    client.post("/logout")
    client.get(_path(_callback(client, "mitid", "anna", "anna-password")))
    assert _logged_in_as(client) == "anna.provider@example.org"
    assert session_db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_an_existing_account_is_linked_only_after_its_password(client, session_db):
    mette = create_user(email="kommune@example.org", password=PASSWORD, display_name="Mette")
    session_db.session.commit()
    back = client.get(_path(_callback(client, "mitid", "mette", "mette-password")))
    assert back.status_code == 302 and back.headers["Location"].endswith("/login/oidc/link")
    assert _logged_in_as(client) is None
    page = client.get("/login/oidc/link", headers=EN)
    assert "You already have an account with kommune@example.org" in page.text
    wrong = client.post("/login/oidc/link", data={"password": "not the password"}, headers=EN)
    assert wrong.status_code == 400 and "That is not the password of this account" in wrong.text
    assert session_db.session.scalars(sa.select(UserIdentity)).all() == []
    right = client.post("/login/oidc/link", data={"password": PASSWORD}, headers=EN, follow_redirects=True)
    assert "You are logged in with MitID" in right.text
    assert _logged_in_as(client) == "kommune@example.org"
    (identity,) = session_db.session.scalars(sa.select(UserIdentity)).all()
    assert identity.user_id == mette.id
    assert session_db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_not_linking_leaves_everything_as_it_was(client, session_db):
    create_user(email="kommune@example.org", password=PASSWORD, display_name="Mette")
    session_db.session.commit()
    client.get(_path(_callback(client, "mitid", "mette", "mette-password")))
    client.post("/login/oidc/link/cancel")
    assert _logged_in_as(client) is None
    assert session_db.session.scalars(sa.select(UserIdentity)).all() == []


def test_an_unverified_address_of_an_existing_account_is_not_linked(client, session_db):
    create_user(email="ole.unverified@example.org", password=PASSWORD, display_name="Ole")
    session_db.session.commit()
    refused = client.get(_path(_callback(client, "mitid", "ole", "ole-password")), headers=EN)
    assert refused.status_code == 400 and "has not verified that the address is yours" in refused.text
    assert session_db.session.scalars(sa.select(UserIdentity)).all() == []


def test_a_staff_provider_grants_the_staff_role_by_its_claim(client, session_db):
    client.get(_path(_callback(client, "staff", "staff", "staff-password")))
    user = session_db.session.scalar(sa.select(User).where(User.email == "medarbejder@example.org"))
    assert user.is_staff
    assert client.get("/admin/").status_code == 200


def test_the_same_claim_through_a_citizens_provider_grants_nothing(client, session_db):
    client.get(_path(_callback(client, "mitid", "staff", "staff-password")))
    user = session_db.session.scalar(sa.select(User).where(User.email == "medarbejder@example.org"))
    assert not user.is_staff


# --- refused ---------------------------------------------------------------------------------------


def _refused(response) -> None:
    assert response.status_code == 400
    assert "Login not completed" in response.text and "Nothing was saved" in response.text


def test_a_wrong_state_is_refused_and_nothing_is_made(client, session_db):
    back = _callback(client, "mitid", "anna", "anna-password")
    forged = back.replace("state=", "state=forged")
    _refused(client.get(_path(forged), headers=EN))
    assert session_db.session.scalars(sa.select(User)).all() == []
    assert _logged_in_as(client) is None


def test_a_replayed_code_is_refused_by_the_provider(client, session_db):
    back = _callback(client, "mitid", "anna", "anna-password")
    before = client.get_cookie("session").value  # the state is still in this session
    assert client.get(_path(back)).status_code == 302
    client.post("/logout")
    session_db.session.execute(sa.delete(UserIdentity))
    session_db.session.execute(sa.delete(User))
    session_db.session.commit()
    client.set_cookie("session", before, domain="localhost")
    _refused(client.get(_path(back), headers=EN))  # the provider refuses a code used once
    assert session_db.session.scalars(sa.select(User)).all() == []


def test_an_id_token_with_a_bad_signature_is_refused(client, session_db, issuer, monkeypatch):
    from authlib.integrations.flask_client.apps import FlaskOAuth2App
    from joserfc.jwk import RSAKey

    with urllib.request.urlopen(f"{issuer}/jwks", timeout=5) as response:
        published = json.load(response)["keys"]
    forged = {
        "keys": [
            RSAKey.generate_key(2048, parameters={"kid": k["kid"], "alg": "RS256", "use": "sig"}).as_dict(
                private=False
            )
            for k in published
        ]
    }
    monkeypatch.setattr(FlaskOAuth2App, "fetch_jwk_set", lambda self, force=False: forged)
    back = _callback(client, "mitid", "anna", "anna-password")
    _refused(client.get(_path(back), headers=EN))
    assert session_db.session.scalars(sa.select(User)).all() == []


def test_an_id_token_for_another_nonce_is_refused_and_nothing_is_made(client, session_db):
    """The nonce Authlib keeps in the session (with the state) must be the ID token's: changed there,
    the same valid answer from the provider is refused."""
    back = _callback(client, "mitid", "anna", "anna-password")
    with client.session_transaction() as session:
        (key,) = [k for k in session if k.startswith("_state_mitid_")]
        kept = session[key]
        assert kept["data"]["nonce"]
        session[key] = {**kept, "data": {**kept["data"], "nonce": "another-nonce"}}
    _refused(client.get(_path(back), headers=EN))
    assert session_db.session.scalars(sa.select(User)).all() == []
    assert session_db.session.scalars(sa.select(UserIdentity)).all() == []
    assert _logged_in_as(client) is None


def test_an_expired_id_token_is_refused(client, session_db, monkeypatch):
    back = _callback(client, "mitid", "anna", "anna-password")
    monkeypatch.setattr(oidc, "clock", lambda: int(time.time()) + 3 * 3600)  # hours after it was issued
    _refused(client.get(_path(back), headers=EN))
    assert session_db.session.scalars(sa.select(User)).all() == []


def test_an_error_from_the_provider_is_refused(client, session_db):
    client.get("/login/oidc/mitid")
    _refused(client.get("/login/oidc/mitid/callback?error=access_denied&state=x", headers=EN))


def test_an_unknown_provider_is_a_404(client):
    assert client.get("/login/oidc/nope").status_code == 404
    assert client.get("/login/oidc/nope/callback?code=x&state=y").status_code == 404


# --- the login page --------------------------------------------------------------------------------


def test_the_login_page_offers_each_provider(client):
    page = client.get("/login", headers=EN)
    assert "Log in with MitID" in page.text and "Log in with Skanderborg Kommune (medarbejdere)" in page.text
    assert 'name="password"' in page.text


def test_password_login_can_be_turned_off(client, oidc_app, session_db):
    create_user(email="jens@example.org", password=PASSWORD, display_name="Jens")
    session_db.session.commit()
    oidc_app.config["PASSWORD_LOGIN"] = False
    try:
        page = client.get("/login", headers=EN)
        assert "Log in with MitID" in page.text and 'name="password"' not in page.text
        refused = client.post("/login", data={"email": "jens@example.org", "password": PASSWORD})
        assert refused.status_code == 403 and _logged_in_as(client) is None
        assert client.get("/register").status_code == 302
    finally:
        oidc_app.config["PASSWORD_LOGIN"] = True


def test_deleting_the_account_forgets_the_providers_identifier(client, session_db):
    from community.moderation.privacy import delete_account

    client.get(_path(_callback(client, "mitid", "anna", "anna-password")))
    user = session_db.session.scalar(sa.select(User).where(User.email == "anna.provider@example.org"))
    delete_account(user, by=user)
    session_db.session.commit()
    assert session_db.session.scalars(sa.select(UserIdentity)).all() == []


def test_without_node_the_oidc_tests_skip_locally_and_fail_under_ci(monkeypatch):
    """Locally a machine without Node skips the provider's tests with the reason; with CI set (as
    .ci/run sets it) the same reason fails them: CI never skips them silently."""
    import tests.oidc as harness

    monkeypatch.setattr(harness.shutil, "which", lambda _name: None)
    monkeypatch.delenv("CI", raising=False)
    assert "need Node.js" in harness.missing()
    with pytest.raises(pytest.skip.Exception, match=r"need Node\.js"):
        harness.require_provider()
    monkeypatch.setenv("CI", "false")
    assert "need Node.js" in harness.missing()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"need Node\.js.*CI must run them"):
        harness.missing()
    with pytest.raises(pytest.fail.Exception):
        harness.require_provider()
    monkeypatch.setattr(harness.shutil, "which", lambda _name: "/usr/bin/node")
    monkeypatch.setattr(harness, "_node_major", lambda _node: 18)
    with pytest.raises(pytest.fail.Exception, match=r"Node\.js 20 or later"):
        harness.missing()


# --- configuration ---------------------------------------------------------------------------------


def test_providers_are_read_from_the_environment():
    from community.config import providers_from_environment

    assert providers_from_environment({}) == {}
    found = providers_from_environment(
        {
            "COMMUNITY_OIDC_PROVIDERS": " MitID , staff,",
            "COMMUNITY_OIDC_MITID_ISSUER": "https://broker.example.dk",
            "COMMUNITY_OIDC_MITID_CLIENT_ID": "faelled",
            "COMMUNITY_OIDC_MITID_CLIENT_SECRET": "hemmelig",
            "COMMUNITY_OIDC_MITID_LABEL": "MitID",
            "COMMUNITY_OIDC_STAFF_ISSUER": "https://login.skanderborg.dk",
            "COMMUNITY_OIDC_STAFF_CLIENT_ID": "faelled-staff",
            "COMMUNITY_OIDC_STAFF_SCOPES": "openid email profile groups",
            "COMMUNITY_OIDC_STAFF_STAFF_CLAIM": "groups=faelled-staff",
            "COMMUNITY_OIDC_STAFF_MUNICIPALITY": "skanderborg-kommune",
            "COMMUNITY_OIDC_OTHER_ISSUER": "https://not-named.example.dk",
        }
    )["OIDC_PROVIDERS"]
    assert list(found) == ["mitid", "staff"]
    assert found["mitid"]["issuer"] == "https://broker.example.dk" and found["mitid"]["label"] == "MitID"
    assert found["mitid"]["client_secret"] == "hemmelig" and found["mitid"]["scopes"] is None
    assert found["mitid"]["staff_claim"] is None
    assert found["staff"]["client_secret"] is None and found["staff"]["staff_claim"] == "groups=faelled-staff"
    assert found["staff"]["municipality"] == "skanderborg-kommune"


def test_a_provider_without_issuer_or_client_id_is_left_out_with_a_warning(caplog):
    from flask import Flask

    from community.config import providers_from_environment

    app = Flask("oidc-config")
    app.config.update(
        providers_from_environment(
            {
                "COMMUNITY_OIDC_PROVIDERS": "mitid,staff,broken",
                "COMMUNITY_OIDC_MITID_ISSUER": "https://broker.example.dk/",
                "COMMUNITY_OIDC_MITID_CLIENT_ID": "faelled",
                "COMMUNITY_OIDC_STAFF_ISSUER": "https://login.skanderborg.dk",
                "COMMUNITY_OIDC_BROKEN_CLIENT_SECRET": "x",
            }
        )
    )
    with caplog.at_level(logging.WARNING):
        found = oidc.providers(app)
        oidc.providers(app)  # every page asks: warned once
    assert list(found) == ["mitid"] and found["mitid"].issuer == "https://broker.example.dk"
    assert found["mitid"].scopes == "openid email profile" and found["mitid"].label == "mitid"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "OpenID provider 'staff' is left out: it has no client_id (set COMMUNITY_OIDC_STAFF_CLIENT_ID)",
        "OpenID provider 'broken' is left out: it has no issuer and no client_id "
        "(set COMMUNITY_OIDC_BROKEN_ISSUER, COMMUNITY_OIDC_BROKEN_CLIENT_ID)",
    ]
