"""Who may do what, sessions, limits, passwords, headers and the request log (issue 9, findings 5-14)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from community import create_app
from community.extensions import db
from community.spaces import services
from community.spaces.models import Membership, Role
from tests.support import PASSWORD, link_in, make_config

EN = {"Accept-Language": "en"}


# --- 5: an invitation is for the invited address --------------------------------------------------------


def test_an_invitation_cannot_be_taken_by_another_account(client, login, make_user, make_space, outbox):
    space = make_space("contractor_network", name="Grønne Områder", place="Skanderborg", visibility="members")
    peter = make_user("peter@example.org", name="Peter")
    services.invite(space, email="peter@example.org", role=Role.ADMIN, by=None)
    db.session.commit()  # the e-mail leaves with the commit
    link = link_in(outbox()[-1])
    login(make_user("mallory@example.org", name="Mallory"))
    page = client.get(link, headers=EN).get_data(as_text=True)
    assert "This invitation was sent to another e-mail address." in page
    assert "Accept and join" not in page
    response = client.post(link, headers=EN, follow_redirects=True)
    assert b"This invitation was sent to another e-mail address." in response.data
    assert db.session.scalars(sa.select(Membership).where(Membership.space_id == space.id)).all() == []
    login(peter)
    response = client.post(link, headers=EN, follow_redirects=True)
    assert "Welcome to Grønne Områder!" in response.get_data(as_text=True)
    [membership] = db.session.scalars(sa.select(Membership).where(Membership.space_id == space.id)).all()
    assert membership.user_id == peter.id and membership.role == Role.ADMIN


# --- 10: cookies and logout -----------------------------------------------------------------------------


def test_a_cookie_saved_before_logout_no_longer_logs_in(app, client, make_user):
    make_user("anna@example.org", name="Anna")
    client.post("/login", data={"email": "anna@example.org", "password": PASSWORD, "remember": "y"})
    saved = {cookie.key: cookie.value for cookie in client._cookies.values()}
    assert {"session", "remember_token"} <= set(saved)
    assert client.get("/profile").status_code == 200
    response = client.post("/logout", headers=EN, follow_redirects=True)
    assert b"You are logged out on all your devices." in response.data
    thief = app.test_client()
    for key, value in saved.items():
        thief.set_cookie(key, value)
    assert thief.get("/profile").status_code == 302, "the saved session cookie still works"
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", saved["remember_token"])
    assert only_remember.get("/profile").status_code == 302, "the saved remember-me cookie still works"


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("COMMUNITY_ENV", "production")
    monkeypatch.setenv("COMMUNITY_SECRET_KEY", "a long production secret")
    config = make_config(tmp_path)
    config.pop("COMMUNITY_ENV")
    app = create_app(config)
    assert app.config["COMMUNITY_ENV"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.setenv("COMMUNITY_SESSION_COOKIE_SECURE", "0")
    assert create_app(config).config["SESSION_COOKIE_SECURE"] is False, "an explicit setting wins"


def test_the_remember_me_cookie_is_secure_and_same_site(tmp_path, monkeypatch):
    from tests.support import reset_schema

    app = create_app(make_config(tmp_path, SESSION_COOKIE_SECURE=True))
    reset_schema(app)
    with app.app_context():
        from community.accounts.services import create_user

        create_user(email="anna@example.org", password=PASSWORD, display_name="Anna")
        db.session.commit()
    response = app.test_client().post(
        "/login",
        data={"email": "anna@example.org", "password": PASSWORD, "remember": "y"},
        base_url="https://faelled.test",
    )
    [remember] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert "Secure" in remember and "SameSite=Lax" in remember and "HttpOnly" in remember


def test_a_password_change_logs_out_the_other_devices(app, client, make_user):
    make_user("anna@example.org", name="Anna")
    laptop = app.test_client()
    laptop.post("/login", data={"email": "anna@example.org", "password": PASSWORD, "remember": "y"})
    saved = {cookie.key: cookie.value for cookie in laptop._cookies.values()}
    assert {"session", "remember_token"} <= set(saved) and laptop.get("/profile").status_code == 200
    client.post("/login", data={"email": "anna@example.org", "password": PASSWORD})
    new = "et helt nyt kodeord"
    changed = client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "password": new, "confirm": new},
        headers=EN,
        follow_redirects=True,
    )
    assert "Your password is changed. Other devices are logged out." in changed.text
    assert client.get("/profile").status_code == 200, "the device that changed it stays logged in"
    assert laptop.get("/profile").status_code == 302, "the other device's session still works"
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", saved["remember_token"])
    assert only_remember.get("/profile").status_code == 302, "its remember-me cookie still works"


# --- 14: no tokens in the request log -------------------------------------------------------------------


def test_the_request_log_redacts_tokens(client, make_user, make_space, outbox, caplog):
    make_user("anna@example.org")
    space = make_space()
    client.post("/reset", data={"email": "anna@example.org"})
    services.invite(space, email="ny@example.org", role=Role.MEMBER, by=None)
    db.session.commit()  # the e-mail leaves with the commit
    reset_link, invitation_link = link_in(outbox()[0]), link_in(outbox()[1])
    secrets = [reset_link.rsplit("/", 1)[1], invitation_link.rsplit("/", 1)[1]]
    with caplog.at_level(logging.INFO, logger="community.request"):
        client.get(reset_link)
        client.get(invitation_link)
        client.get("/confirm/" + secrets[0] + "x")
        client.get("/maintenance/feeds/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA.ics")
        client.get("/?token=abc&near=Stilling&k=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA")
    lines = [r.getMessage() for r in caplog.records if r.name == "community.request"]
    assert len(lines) == 6
    text = "\n".join(lines)
    for secret in [*secrets, "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA", "token=abc"]:
        assert secret not in text, text
    assert "GET /reset/[redacted] " in text
    assert "/maintenance/feeds/[redacted].ics" in text
    assert "near=Stilling" in text, "ordinary parameters stay readable"


# --- 12: passwords that are easy to guess ---------------------------------------------------------------

EASY = ["1234567890", "aaaaaaaaaa", "password12", "faelled-demo"]


def _register(client, password, *, email="karen@example.org", name="Karen Jensen", lang="en"):
    data = {"display_name": name, "email": email, "password": password, "confirm": password}
    data["home"] = "Stilling"
    return client.post("/register", data=data, headers={"Accept-Language": lang})


def test_registration_refuses_common_and_leaked_passwords(client):
    from community.accounts.models import User

    for password in EASY:
        response = _register(client, password)
        assert response.status_code == 200, password
        assert "This password is too easy to guess" in response.get_data(as_text=True), password
    danish = _register(client, "1234567890", lang="da").get_data(as_text=True)
    assert "Adgangskoden er for nem at gætte" in danish
    personal = _register(client, "karenjensen-2024").get_data(as_text=True)
    assert "does not contain your e-mail address or your name" in personal
    assert db.session.scalars(sa.select(User)).all() == [], "nothing is saved"
    assert _register(client, "en lang sætning").status_code == 302


def test_password_change_and_reset_refuse_the_demo_password(client, make_user, login, outbox):
    user = make_user("anna@example.org", name="Anna")
    login(user)
    change = client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "password": "faelled-demo", "confirm": "faelled-demo"},
        headers=EN,
    )
    assert change.status_code == 400 and b"This password is too easy to guess" in change.data
    client.post("/logout")
    client.post("/reset", data={"email": "anna@example.org"})
    link = link_in(outbox()[-1])
    reset = client.post(link, data={"password": "password12", "confirm": "password12"}, headers=EN)
    assert reset.status_code == 400 and b"This password is too easy to guess" in reset.data
    good = {"password": "et helt nyt kodeord", "confirm": "et helt nyt kodeord"}
    assert client.post(link, data=good).status_code == 302


def test_the_command_line_refuses_an_easy_staff_password(app, municipality):
    from community.accounts.models import User

    db.session.commit()  # the command rolls back what it refuses, as a run of its own would
    runner = app.test_cli_runner()
    for password in EASY:
        args = ["spaces", "add-staff", "--email", "it@example.org", "--name", "IT", "--password", password]
        result = runner.invoke(args=args)
        assert result.exit_code != 0, password
        assert "This password is too easy to guess" in result.output, password
    assert db.session.scalars(sa.select(User)).all() == [], "no staff account with an easy password"
    args = [
        "spaces",
        "add-staff",
        "--email",
        "it@example.org",
        "--name",
        "IT",
        "--password",
        "kommunens it afdeling",
    ]
    good = runner.invoke(args=args)
    assert good.exit_code == 0, good.output
    [staff] = db.session.scalars(sa.select(User)).all()
    assert staff.staff_municipality_id == municipality.id


# --- 8: the municipality comes from the request -----------------------------------------------------------


def test_each_municipality_sees_its_own_helpdesk_and_overview(app, client, login, make_user, municipality):
    from community import geo
    from community.spaces.models import SpaceKind

    aarhus = services.create_municipality(name="Aarhus Kommune", place=geo.resolve("Aarhus"))
    services.create_space(aarhus, kind=SpaceKind.VILLAGE, name="Tranbjerg", place=None, by=None)
    tranbjerg = db.session.scalar(sa.select(services.Space).where(services.Space.slug == "tranbjerg"))
    tranbjerg.hostname = "tranbjerg.example.dk"
    db.session.flush()

    def helpdesk_names(**kw):
        page = client.get("/helpdesk/", headers=EN, **kw).get_data(as_text=True)
        return [m.name for m in (municipality, aarhus) if f"citizen service of {m.name}" in page]

    assert helpdesk_names() == ["Skanderborg Kommune"], "the installation's default for a visitor"
    assert helpdesk_names(base_url="http://tranbjerg.example.dk") == ["Aarhus Kommune"], "the space's host"
    login(make_user(home="Aarhus"))
    assert helpdesk_names() == ["Aarhus Kommune"], "a citizen's home municipality"
    staff = make_user(home="Skanderborg", staff_of=aarhus)
    login(staff)
    assert helpdesk_names() == ["Aarhus Kommune"], "staff see their own municipality"
    overview = client.get("/maintenance/overview", headers=EN).get_data(as_text=True)
    assert "here Aarhus Kommune keeps the overview" in overview
    client.post("/logout")
    app.config["MUNICIPALITY"] = "aarhus-kommune"
    try:
        assert helpdesk_names() == ["Aarhus Kommune"], "COMMUNITY_MUNICIPALITY names the default"
    finally:
        app.config["MUNICIPALITY"] = None


def test_outside_a_request_the_guard_reads_the_municipality_the_installation_names(
    app, municipality, monkeypatch
):
    """Text written by a job or the command line is checked against the watched words of the
    municipality ``COMMUNITY_MUNICIPALITY`` names, not whichever was provisioned first."""
    from community import geo
    from community.accounts.services import create_user
    from community.moderation import services as moderation
    from community.moderation.models import WordAction

    aarhus = services.create_municipality(name="Aarhus Kommune", place=geo.resolve("Aarhus"))
    moderator = create_user(email="mod@example.org", password=PASSWORD, display_name="Moderator")
    moderator.staff_municipality_id = aarhus.id
    moderation.add_word(aarhus.id, pattern="skurk", action=WordAction.BLOCK, by=moderator)
    db.session.commit()
    monkeypatch.setitem(app.config, "MUNICIPALITY", aarhus.slug)
    runner = app.test_cli_runner()
    args = ["spaces", "add-staff", "--municipality", aarhus.slug, "--email", "s@example.org"]
    refused = runner.invoke(args=[*args, "--name", "Skurk Hansen", "--password", "kommunens it afdeling"])
    assert refused.exit_code != 0 and "skurk" in refused.output.lower(), refused.output
    accepted = runner.invoke(args=[*args, "--name", "Sofie Hansen", "--password", "kommunens it afdeling"])
    assert accepted.exit_code == 0, accepted.output
    assert municipality.id < aarhus.id, "the first provisioned is another"


# --- 6: a space's own host name is the whole space, under the same checks -----------------------------------


def _network_with_a_post(make_space, make_user, member, *, visibility="members"):
    from community.villages.models import PostKind
    from community.villages.services import posts
    from community.villages.services.posts import PostInput

    space = make_space(
        "contractor_network",
        name="Grønne Områder",
        place="Skanderborg",
        visibility=visibility,
        hostname="groenne.example.dk",
        description="Kun for entreprenørerne",
    )
    peter = make_user("peter@example.org", name="Peter")
    member(space, peter, "admin")
    post = posts.create_post(
        space, by=peter, data=PostInput(kind=PostKind.DISCUSSION, title="Klipning i uge 20", body="Plan.")
    )
    return space, peter, post


def test_a_members_only_space_is_a_404_on_its_host_name_too(client, make_space, make_user, member):
    _space, _peter, post = _network_with_a_post(make_space, make_user, member)
    host = {"base_url": "http://groenne.example.dk"}
    for path in ("/", f"/posts/{post.id}", "/help/", "/map", "/posts/", "/members"):
        response = client.get(path, headers=EN, **host)
        assert response.status_code in (404, 302), path
        assert "Kun for entreprenørerne" not in response.text and "Grønne" not in response.text, path
    assert client.get("/s/groenne-omrader/", headers=EN).status_code == 404
    make_user("ole@example.org")
    client.post("/login", data={"email": "ole@example.org", "password": PASSWORD}, **host)
    assert client.get("/", headers=EN, **host).status_code == 404, "an outsider, logged in"
    client.post("/logout", **host)
    client.post("/login", data={"email": "peter@example.org", "password": PASSWORD}, **host)
    front = client.get("/", headers=EN, **host)
    assert front.status_code == 200 and "Kun for entreprenørerne" in front.text
    detail = client.get(f"/posts/{post.id}", headers=EN, **host)
    assert detail.status_code == 200 and "Klipning i uge 20" in detail.text
    assert f'href="/posts/{post.id}"' in front.text, "links on the host leave out /s/<slug>"
    for path in ("/help/", "/map", "/posts/"):
        assert client.get(path, headers=EN, **host).status_code == 200, path
    assert client.get("/profile", headers=EN, **host).status_code == 200, "other pages still answer there"


def test_a_public_space_answers_on_its_host_name(client, make_space, make_user, member):
    _space, _peter, post = _network_with_a_post(make_space, make_user, member, visibility="public")
    host = {"base_url": "http://groenne.example.dk"}
    detail = client.get(f"/posts/{post.id}", headers=EN, **host)
    assert detail.status_code == 200 and "Klipning i uge 20" in detail.text
    assert client.get("/help/", headers=EN, **host).status_code == 200
    assert client.get("/login", headers=EN, **host).status_code == 200


# --- 9: pictures of a members-only space ----------------------------------------------------------------


def _picture(client, space_slug, title):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (len(title) * 7 % 255, 90, 30)).save(buf, "JPEG")
    buf.seek(0)
    data = {"title": title, "body": "x", "image_description": "Billede", "images": [(buf, "x.jpg")]}
    response = client.post(
        f"/s/{space_slug}/posts/new?kind=discussion", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.text
    from community.villages.models import Post

    post = db.session.scalar(sa.select(Post).where(Post.title == title))
    return post.images[0]


def test_pictures_of_a_members_only_space_are_for_its_members(
    app, client, login, make_space, make_user, member
):
    network = make_space(
        "contractor_network", name="Grønne Områder", place="Skanderborg", visibility="members"
    )
    village = make_space(name="Stilling")
    peter = make_user("peter@example.org")
    member(network, peter)
    member(village, peter)
    login(peter)
    private = _picture(client, network.slug, "Skur")
    public = _picture(client, "stilling", "Marked")
    for name in (private.filename, private.thumbnail):
        own = client.get(f"/media/{name}")
        assert own.status_code == 200
        assert "private" in own.headers["Cache-Control"] and "public" not in own.headers["Cache-Control"]
    shown = client.get(f"/media/{public.thumbnail}")
    assert shown.status_code == 200 and "public" in shown.headers["Cache-Control"]
    client.post("/logout")
    for name in (private.filename, private.thumbnail):
        assert client.get(f"/media/{name}").status_code == 404, "an outsider with the URL"
    assert client.get(f"/media/{public.filename}").status_code == 200
    login(make_user("ole@example.org"))
    assert client.get(f"/media/{private.filename}").status_code == 404, "a signed-in outsider"


def _jpeg(colour):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(buf, "JPEG")
    buf.seek(0)
    return buf


def _members_only_and_outsiders_see_not(client, login, name, *, member, outsider):
    login(member)
    own = client.get(f"/media/{name}")
    assert own.status_code == 200
    assert "private" in own.headers["Cache-Control"] and "public" not in own.headers["Cache-Control"]
    client.post("/logout")
    assert client.get(f"/media/{name}").status_code == 404, "an outsider with the URL"
    login(outsider)
    assert client.get(f"/media/{name}").status_code == 404, "a signed-in outsider"


def test_a_visit_photo_of_a_members_only_network_is_for_its_members(
    client, login, municipality, make_space, make_user, member
):
    from community.maintenance.models import Visit
    from tests.test_maintenance_journey import build_pitches

    p = build_pitches(municipality, make_space, make_user, member)
    p.network.visibility = "members"
    visit = db.session.scalars(sa.select(Visit).order_by(Visit.planned_at)).first()
    db.session.commit()
    login(p.peter)
    done = client.post(
        f"/s/{p.network.slug}/plan/visits/{visit.id}/done",
        data={"note": "Klippet", "photo": (_jpeg((20, 140, 60)), "graes.jpg")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302, done.text
    db.session.refresh(visit)
    assert visit.photo
    _members_only_and_outsiders_see_not(
        client, login, visit.photo, member=p.peter, outsider=make_user("udenfor@example.org")
    )


def test_an_idea_picture_of_a_members_only_space_is_for_its_members_and_of_the_municipality_for_all(
    client, login, make_space, make_user, member
):
    from community.engagement.models import Idea

    club = make_space("club", name="Stilling IF", place="Stilling", visibility="members")
    lars = make_user("lars@example.org", name="Lars")
    member(club, lars)
    db.session.commit()
    login(lars)
    for title, where, colour in [
        ("Nyt klubhus", str(club.id), (200, 30, 30)),
        ("Ny bænk", "", (30, 30, 200)),
    ]:
        data = {"title": title, "body": "Det ville hjælpe.", "category": "other", "space_id": where}
        data |= {"image": (_jpeg(colour), "ide.jpg"), "image_alt": "En skitse", "confirmed": "1"}
        sent = client.post("/engagement/ideas/new", data=data, content_type="multipart/form-data")
        assert sent.status_code == 302, sent.text
    private, public = (
        db.session.scalar(sa.select(Idea).where(Idea.title == t)) for t in ("Nyt klubhus", "Ny bænk")
    )
    ole = make_user("ole@example.org")
    for name in (private.image, private.thumbnail):
        _members_only_and_outsiders_see_not(client, login, name, member=lars, outsider=ole)
    client.post("/logout")
    shown = client.get(f"/media/{public.image}")
    assert shown.status_code == 200 and "public" in shown.headers["Cache-Control"]


# --- 11: rate limits -------------------------------------------------------------------------------------


def _from(ip):
    return {"environ_base": {"REMOTE_ADDR": ip}}


def test_a_guesser_elsewhere_does_not_lock_the_owner_out(app, client, make_user, monkeypatch):
    make_user("anna@example.org")
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_ACCOUNT", "5 per hour")
    for _ in range(5):
        client.post(
            "/login", data={"email": "anna@example.org", "password": "guess"}, **_from("198.51.100.7")
        )
    limited = client.post(
        "/login", data={"email": "anna@example.org", "password": "guess"}, headers=EN, **_from("198.51.100.7")
    )
    assert limited.status_code == 429 and "Too many attempts" in limited.text
    owner = app.test_client()
    response = owner.post(
        "/login", data={"email": "anna@example.org", "password": PASSWORD}, **_from("203.0.113.9")
    )
    assert response.status_code == 302, "the owner, from their own address, still logs in"


def test_the_owners_own_logins_do_not_use_up_the_allowance(app, client, make_user, monkeypatch):
    make_user("anna@example.org")
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_ACCOUNT", "2 per hour")
    for _ in range(4):
        assert (
            client.post("/login", data={"email": "anna@example.org", "password": PASSWORD}).status_code == 302
        )
        client.post("/logout")


def test_reset_mails_are_limited_per_address_and_per_ip(app, client, make_user, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "RESET_LIMIT_IP", "3 per hour")
    make_user("anna@example.org")
    make_user("bo@example.org")
    for _ in range(2):
        assert (
            client.post("/reset", data={"email": "anna@example.org"}, **_from("198.51.100.7")).status_code
            == 302
        )
    third = client.post("/reset", data={"email": "Anna@example.org "}, headers=EN, **_from("198.51.100.8"))
    assert third.status_code == 429 and "Too many attempts" in third.text
    assert len(outbox()) == 2
    assert client.post("/reset", data={"email": "bo@example.org"}, **_from("198.51.100.7")).status_code == 302
    fourth = client.post("/reset", data={"email": "someone@example.org"}, **_from("198.51.100.7"))
    assert fourth.status_code == 429, "the same address asking for many e-mails"


def test_registration_is_limited_per_ip(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_IP", "2 per hour")
    for n in range(2):
        assert _register(client, "en lang sætning", email=f"k{n}@example.org").status_code == 302
        client.post("/logout")
    response = _register(client, "en lang sætning", email="k9@example.org", lang="da")
    assert response.status_code == 429 and "For mange forsøg" in response.text


def test_posting_is_limited_per_person_on_every_route(app, client, login, village, monkeypatch):
    limits = {**app.config["CREATE_LIMITS"], "villages.write": "2 per hour"}
    monkeypatch.setitem(app.config, "CREATE_LIMITS", limits)
    monkeypatch.setitem(app.config, "WRITE_LIMIT_USER", "3 per hour")
    login(village.jens)
    for n in range(2):
        data = {"title": f"Opslag {n}", "body": "x"}
        assert client.post("/s/stilling/posts/new?kind=discussion", data=data).status_code == 302
    third = client.post(
        "/s/stilling/posts/new?kind=discussion", data={"title": "Tre", "body": "x"}, headers=EN
    )
    assert third.status_code == 429 and "Too many attempts" in third.text
    login(village.anne)
    assert (
        client.post("/s/stilling/posts/new?kind=discussion", data={"title": "Anne", "body": "x"}).status_code
        == 302
    )
    for _ in range(2):  # any other route that writes counts against one allowance per person
        assert client.post("/notifications/read-all").status_code == 302
    assert client.post("/notifications/read-all").status_code == 429


def test_every_stricter_limit_names_a_route_that_exists(app):
    """A renamed endpoint would silently lose its stricter allowance (``villages.send_message`` did when
    conversations moved to their own blueprint)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert set(app.config["CREATE_LIMITS"]) - endpoints == set()
    writes = {"conversations.send", "moderation.report", "engagement.idea_new", "engagement.idea_comment"}
    writes |= {"engagement.qa_ask", "engagement.meeting_comment", "engagement.consultation_comment"}
    writes |= {"engagement.consultation_propose"}
    assert writes <= set(app.config["CREATE_LIMITS"])


def test_private_messages_have_their_own_limit(app, client, login, village, monkeypatch):
    from community.villages.models import HelpCategory, PostKind
    from community.villages.services import help as village_help
    from community.villages.services import posts as village_posts
    from community.villages.services.posts import PostInput

    monkeypatch.setitem(app.config, "NEW_ACCOUNT_DAYS", 0)  # the gentle limit for new accounts aside
    help_request = village_posts.create_post(
        village.space,
        by=village.anne,
        data=PostInput(
            kind=PostKind.HELP_REQUEST,
            title="Hjælp i haven",
            body="Hækken",
            help_category=HelpCategory.GARDEN,
        ),
    )
    thread = village_help.respond(help_request, village.space, by=village.jens, message="Jeg kan hjælpe")
    db.session.commit()
    allowed = int(app.config["CREATE_LIMITS"]["conversations.send"].split()[0])
    assert allowed < 60, "stricter than the allowance every write has"
    login(village.jens)
    for n in range(allowed):
        response = client.post(f"/messages/{thread.id}", data={"body": f"Besked nummer {n}"})
        assert response.status_code == 302, n
    over = client.post(f"/messages/{thread.id}", data={"body": "En til"}, headers=EN)
    assert over.status_code == 429 and "Too many attempts" in over.text
    login(village.anne)  # per person: the other side can still answer
    assert client.post(f"/messages/{thread.id}", data={"body": "Tak!"}).status_code == 302


def test_behind_a_proxy_each_citizen_has_their_own_allowance(tmp_path):
    from tests.support import reset_schema

    app = create_app(make_config(tmp_path, PROXY_FIX=1, LOGIN_LIMIT_IP="2 per hour"))
    reset_schema(app)
    client = app.test_client()

    def attempt(ip):
        headers = {"X-Forwarded-For": ip, "X-Forwarded-Proto": "https"}
        return client.post("/login", data={"email": "x@example.org", "password": "x"}, headers=headers)

    assert [attempt("198.51.100.7").status_code for _ in range(3)] == [200, 200, 429]
    assert attempt("203.0.113.9").status_code == 200, "another citizen behind the same proxy"


# --- 13: security headers ---------------------------------------------------------------------------------


def _policy(response) -> dict[str, str]:
    parts = [p.strip() for p in response.headers["Content-Security-Policy"].split(";") if p.strip()]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] if " " in p else "" for p in parts}


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, village):
    response = client.get("/s/stilling/map")
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'self'"
    assert "https://tile.openstreetmap.org" in policy["img-src"], "the map tiles"
    assert policy["style-src"] == "'self'", "the theme's colours are a stylesheet of their own"
    assert "<style" not in response.text
    assert 'href="/theme/1f5f3a.css"' in response.text
    theme = client.get("/theme/1f5f3a.css")
    assert theme.mimetype == "text/css" and "--brand: #1f5f3a;" in theme.text
    assert client.get("/theme/red;x.css").status_code == 404
    assert "<script>" not in response.text and " onclick=" not in response.text
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers, "HSTS is off outside production"


def test_hsts_is_on_in_production(tmp_path, monkeypatch):
    monkeypatch.setenv("COMMUNITY_SECRET_KEY", "a long production secret")
    app = create_app(
        make_config(
            tmp_path, COMMUNITY_ENV="production", TILE_URL="https://{s}.tiles.example/{z}/{x}/{y}.png"
        )
    )
    assert app.config["HSTS"] is True
    from community.headers import content_security_policy

    assert "https://*.tiles.example" in content_security_policy(app)["img-src"]
    response = app.test_client().get("/static/css/faelled.css", base_url="https://faelled.test")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    monkeypatch.setenv("COMMUNITY_HSTS", "off")
    assert create_app(make_config(tmp_path, COMMUNITY_ENV="production")).config["HSTS"] is False


def test_gunicorn_with_our_settings_does_not_name_itself(tmp_path):
    import http.client
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    (tmp_path / "hello.py").write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n"
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{tmp_path}"}
    process = subprocess.Popen(
        [str(gunicorn), "-c", "python:community.gunicorn_conf", "-b", f"127.0.0.1:{port}", "hello:app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/")
                response = connection.getresponse()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert response.status == 200 and response.read() == b"ok"
        assert response.getheader("Server") is None
        assert response.getheader("Date") is not None, "the other default headers stay"
    finally:
        process.terminate()
        process.wait(timeout=10)
