"""Spaces: provisioning, themes, visibility, membership and roles, through the app."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from community.extensions import db
from community.notifications.models import Notification
from community.spaces import services
from community.spaces.models import Invitation, Membership, MembershipStatus, Role, Space
from community.spaces.theme import contrast_with_white, darker_shade
from tests.support import link_in

EN = {"Accept-Language": "en"}


def _space(slug: str) -> Space | None:
    return db.session.scalar(sa.select(Space).where(Space.slug == slug))


def _png(size=(40, 40), color=(200, 30, 30), exif: bytes | None = None, fmt="PNG") -> io.BytesIO:
    buf = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(buf, fmt, exif=exif)
    else:
        image.save(buf, fmt)
    buf.seek(0)
    return buf


@pytest.fixture
def staff(make_user, municipality):
    return make_user("kommune@example.org", name="Mette", staff_of=municipality)


# --- provisioning ----------------------------------------------------------------------------------


def _new_space_form(**overrides):
    data = {
        "kind": "village",
        "name": "Virklund",
        "slug": "",
        "place": "Virklund",
        "primary_color": "#1d4f91",
        "display_name": "",
        "hostname": "",
        "show_provider": "y",
        "admin_email": "hanne@example.org",
    }
    data.update(overrides)
    return data


def test_staff_create_a_themed_space_and_invite_its_first_admin(client, login, staff, outbox):
    login(staff)
    form = client.get("/admin/spaces/new?kind=club", headers=EN)
    assert b'value="#1d4f91"' in form.data, "the colour comes from the club template"
    response = client.post("/admin/spaces/new", data=_new_space_form(), headers=EN, follow_redirects=True)
    assert b"Virklund is created, and hanne@example.org is invited as its admin." in response.data
    space = _space("virklund")
    assert space.kind.value == "village" and space.primary_color == "#1d4f91"
    assert space.description.startswith("The village's own place"), "the description comes from the template"
    assert round(space.latitude, 1) == 56.1
    [message] = outbox()
    assert message["To"] == "hanne@example.org" and "Virklund" in message["Subject"]
    assert link_in(message).startswith("/invitations/")

    page = client.get("/s/virklund/")
    assert b"/theme/1d4f91.css" in page.data, "the theme's colours"


def test_a_low_contrast_colour_is_refused_with_a_darker_suggestion(client, login, staff):
    login(staff)
    response = client.post("/admin/spaces/new", data=_new_space_form(primary_color="#7fd1ae"), headers=EN)
    text = response.get_data(as_text=True)
    suggestion = darker_shade("#7fd1ae")
    assert "WCAG AA needs at least 4.5:1" in text and suggestion in text
    assert "has a contrast of only 1.80:1" in text
    assert contrast_with_white(suggestion) >= 4.5
    assert _space("virklund") is None
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0


@pytest.mark.parametrize(
    ("color", "english", "danish"),
    [("#777777", "4.47:1", "4,47:1"), ("#8c7070", "4.49:1", "4,49:1")],  # 4.478 and 4.49994
)
def test_a_refused_colour_shows_its_true_ratio_rounded_down(client, login, staff, color, english, danish):
    login(staff)
    text = client.post("/admin/spaces/new", data=_new_space_form(primary_color=color), headers=EN).text
    assert f"contrast of only {english}; WCAG AA needs at least 4.5:1" in text
    text = client.post("/admin/spaces/new", data=_new_space_form(primary_color=color)).text
    assert f"kontrast på kun {danish}, men WCAG AA kræver mindst 4,5:1" in text
    assert _space("virklund") is None


def test_a_taken_address_and_a_bad_host_name_are_refused(client, login, staff, make_space):
    make_space(name="Virklund")
    login(staff)
    response = client.post("/admin/spaces/new", data=_new_space_form(), headers=EN)
    assert b"The address /s/virklund/ is taken" in response.data
    response = client.post(
        "/admin/spaces/new", data=_new_space_form(slug="virklund-2", hostname="http://x.dk/a"), headers=EN
    )
    assert b"Write a host name such as stilling.example.dk" in response.data
    assert db.session.scalar(sa.select(sa.func.count(Space.id))) == 1


def test_the_console_lists_each_spaces_join_policy(client, login, staff, make_space):
    make_space(name="Virklund")
    make_space("contractor_network", name="Grønne Områder", place="Skanderborg")
    make_space("club", name="Ry IF", place="Ry")
    login(staff)
    page = client.get("/admin/", headers=EN).text
    assert '<th scope="col">Joining</th>' in page
    for name, policy in (
        ("Virklund", "Anyone can join"),
        ("Grønne Områder", "By invitation"),
        ("Ry IF", "Ask to join"),
    ):
        row = page.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
        assert f">{policy}</td>" in row, (name, row)


def test_the_site_has_a_favicon(client):
    page = client.get("/").text
    assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in page
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    ico = client.get("/favicon.ico")  # what a browser asks for by itself
    assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"


def test_the_console_is_for_staff_only(client, login, make_user):
    assert client.get("/admin/").status_code == 302
    login(make_user())
    assert client.get("/admin/").status_code == 403
    assert client.post("/admin/spaces/new", data=_new_space_form()).status_code == 403


def test_staff_of_another_municipality_cannot_edit(client, login, make_user, make_space):
    from community import geo

    other = services.create_municipality(name="Aarhus Kommune", place=geo.resolve("8000"))
    space = make_space()
    login(make_user(staff_of=other))
    assert client.get(f"/admin/spaces/{space.id}/edit").status_code == 404


def test_staff_edit_the_theme_and_upload_a_logo_without_its_metadata(app, client, login, staff, make_space):
    space = make_space()
    login(staff)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    data = {
        "name": "Stilling",
        "display_name": "Stilling Landsby",
        "description": "Vi hjælper hinanden.",
        "primary_color": "#5b3f8c",
        "show_provider": "",
        "slug": "stilling",
        "visibility": "public",
        "join_policy": "open",
        "hostname": "",
        "radius_km": "4",
        "place": "",
        "logo": (_png(exif=exif.tobytes(), fmt="JPEG"), "logo.jpg"),
    }
    response = client.post(
        f"/admin/spaces/{space.id}/edit",
        data=data,
        content_type="multipart/form-data",
        headers=EN,
        follow_redirects=True,
    )
    assert b"Stilling Landsby is saved." in response.data
    db.session.refresh(space)
    assert space.logo and space.primary_color == "#5b3f8c" and space.show_provider is False
    stored = Image.open(f"{app.config['MEDIA_FOLDER']}/{space.logo}")
    assert "SecretCam" not in str(dict(stored.getexif()))
    front = client.get("/s/stilling/").get_data(as_text=True)
    assert "Stilling Landsby" in front and "Provided by" not in front
    assert client.get(f"/media/{space.logo}").status_code == 200


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b"GIF89a not really"), "logo.gif"), b"This file is not an image we can use"),
        ((io.BytesIO(b"%PDF-1.4 ..."), "logo.png"), b"This file is not an image we can use"),
        ((io.BytesIO(b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10)), "big.png"), b"larger than 2 MB"),
    ],
)
def test_a_logo_that_is_not_an_image_or_too_large_is_refused(
    client, login, staff, make_space, upload, message
):
    space = make_space()
    login(staff)
    data = {
        "name": "Nyt navn",
        "primary_color": "#1f5f3a",
        "slug": "stilling",
        "visibility": "public",
        "join_policy": "open",
        "logo": upload,
    }
    response = client.post(
        f"/admin/spaces/{space.id}/edit", data=data, content_type="multipart/form-data", headers=EN
    )
    assert message in response.data
    db.session.refresh(space)
    assert space.logo is None and space.name == "Stilling", "nothing is half-saved"


def test_space_admin_edits_the_theme_but_not_the_access(client, login, make_user, make_space, member):
    space = make_space()
    admin = make_user()
    member(space, admin, "admin")
    login(admin)
    page = client.get("/s/stilling/settings", headers=EN)
    assert b"Main colour" in page.data and b"Who can see it" not in page.data
    response = client.post(
        "/s/stilling/settings",
        data={"name": "Stilling", "primary_color": "#123456", "description": "Ny tekst"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    db.session.refresh(space)
    assert space.primary_color == "#123456" and space.description == "Ny tekst"
    plain = make_user()
    member(space, plain)
    login(plain)
    assert client.get("/s/stilling/settings").status_code == 403


def test_archived_space_is_read_only(client, login, staff, make_space, make_user):
    space = make_space()
    login(staff)
    client.post(f"/admin/spaces/{space.id}/archive")
    db.session.refresh(space)
    assert space.is_archived
    assert b"Stilling is archived: it can be read" in client.get("/s/stilling/", headers=EN).data
    citizen = make_user()
    login(citizen)
    response = client.post("/s/stilling/join", headers=EN)
    assert response.status_code == 403
    assert services.membership_of(citizen, space) is None if hasattr(services, "membership_of") else True
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0


# --- visibility ------------------------------------------------------------------------------------


def test_an_unknown_space_is_404(client):
    assert client.get("/s/atlantis/").status_code == 404


def test_a_members_only_space_does_not_exist_for_outsiders(client, login, make_user, make_space, member):
    space = make_space("contractor_network", name="Grønne Områder", place="Skanderborg")
    assert space.visibility.value == "members"
    assert client.get("/s/groenne-omraader/").status_code == 404
    assert client.get("/s/groenne-omraader/members").status_code in (302, 404)
    home = client.get("/").get_data(as_text=True)
    assert "Grønne Områder" not in home
    outsider = make_user()
    login(outsider)
    assert client.get("/s/groenne-omraader/").status_code == 404
    assert client.post("/s/groenne-omraader/join").status_code == 404
    assert "Grønne Områder" not in client.get("/maintenance/").get_data(as_text=True)
    insider = make_user()
    member(space, insider)
    login(insider)
    assert client.get("/s/groenne-omraader/").status_code == 200
    assert "Grønne Områder" in client.get("/").get_data(as_text=True)


def _closed_association(make_space, member, make_user):
    """A members-only association that takes requests, with an admin and one post-worthy member."""
    space = make_space(
        "association",
        name="Stilling Borgerforening",
        place="Stilling",
        visibility="members",
        join_policy="request",
    )
    space.description = "Vi passer på byens fælleshus."
    admin = make_user(name="Formand Frida", locale="en")
    member(space, admin, "admin")
    return space, admin


def test_a_citizen_finds_a_members_only_space_that_takes_requests_and_asks_to_join(
    client, login, make_user, make_space, member, outbox
):
    _space, admin = _closed_association(make_space, member, make_user)
    jens = make_user(name="Jens", home="Stilling")
    login(jens)
    home = client.get("/", headers=EN).text
    assert "Stilling Borgerforening" in home, "found among the spaces near you"
    door = client.get("/s/stilling-borgerforening/", headers=EN)
    assert door.status_code == 200
    page = door.text
    assert "<h1>Stilling Borgerforening</h1>" in page and "Vi passer på byens fælleshus." in page
    assert "Only members see what is written in Stilling Borgerforening." in page
    assert "Ask to join" in page and 'name="message"' in page
    assert "member" not in page.split("<main", 1)[1].split("Members only", 1)[0], "no count of members"
    assert "Formand Frida" not in page and ">Members</a>" not in page
    # Only the door: the content, the members, the search and the feed stay hidden.
    for path in ("members", "search?q=hus", "posts/new", "feed.atom"):
        assert client.get(f"/s/stilling-borgerforening/{path}").status_code in (404, 405), path

    response = client.post(
        "/s/stilling-borgerforening/join",
        data={"message": "Jeg er ny i byen."},
        headers=EN,
        follow_redirects=True,
    )
    assert "Your request to join Stilling Borgerforening is sent" in response.text
    assert "You have asked to join. An admin will answer, and you will be told." in response.text
    assert [m["Subject"] for m in outbox()] == ["Jens asks to join Stilling Borgerforening."]
    login(admin)
    assert "Jeg er ny i byen." in client.get("/s/stilling-borgerforening/members", headers=EN).text


def test_the_door_is_shut_to_visitors_strangers_and_other_join_policies(
    client, login, make_user, make_space, member
):
    space, _admin = _closed_association(make_space, member, make_user)
    assert client.get("/s/stilling-borgerforening/").status_code == 404, "anonymous visitors"
    assert "Stilling Borgerforening" not in client.get("/").text
    login(make_user(confirmed=False))
    assert client.get("/s/stilling-borgerforening/").status_code == 404, "an unconfirmed account"
    login(make_user(home="Skagen"))
    assert client.get("/s/stilling-borgerforening/").status_code == 404, "a home far outside the municipality"
    assert client.post("/s/stilling-borgerforening/join").status_code == 404
    assert "Stilling Borgerforening" not in client.get("/").text
    login(make_user(home=None))  # no home on file: a signed-in, confirmed account is taken at its word
    assert client.get("/s/stilling-borgerforening/").status_code == 200
    for policy in ("invitation", "open"):
        space.join_policy = policy
        db.session.commit()
        login(make_user(home="Stilling"))
        assert client.get("/s/stilling-borgerforening/").status_code == 404, policy


def test_a_pending_request_can_be_withdrawn_from_the_door(client, login, make_user, make_space, member):
    _closed_association(make_space, member, make_user)
    jens = make_user(name="Jens", home="Stilling")
    login(jens)
    client.post("/s/stilling-borgerforening/join", data={"message": ""})
    page = client.get("/", headers=EN).text
    assert "Request sent" in page
    response = client.post("/s/stilling-borgerforening/leave", headers=EN, follow_redirects=True)
    assert "You have left Stilling Borgerforening." in response.text
    assert (
        db.session.scalar(sa.select(sa.func.count(Membership.id)).where(Membership.user_id == jens.id)) == 0
    )


def test_a_space_on_its_own_host_name_keeps_members_only_content_hidden(client, login, make_user, make_space):
    space = make_space("contractor_network", name="Grønne Områder", place="Skanderborg")
    space.hostname = "groenne.example.dk"
    db.session.commit()
    from community.spaces.tenancy import forget_hosts

    forget_hosts()
    assert client.get("/", base_url="http://groenne.example.dk").status_code == 404
    forget_hosts()


def test_members_list_is_for_members_of_a_public_space(client, login, make_user, make_space, member):
    space = make_space()
    login(make_user())
    assert client.get("/s/stilling/members").status_code == 403
    insider = make_user(name="Inge Insider")
    member(space, insider)
    login(insider)
    assert "Inge Insider" in client.get("/s/stilling/members").get_data(as_text=True)


# --- joining and roles ------------------------------------------------------------------------------


def test_join_an_open_space_and_leave_it(client, login, make_user, make_space):
    space = make_space()
    user = make_user()
    login(user)
    response = client.post("/s/stilling/join", headers=EN, follow_redirects=True)
    assert b"Welcome to Stilling!" in response.data
    assert b"You are a member of Stilling, with the role member." in response.data
    again = client.post("/s/stilling/join", headers=EN)
    assert again.status_code == 403
    response = client.post("/s/stilling/leave", headers=EN, follow_redirects=True)
    assert b"You have left Stilling." in response.data
    assert db.session.scalar(sa.select(Membership).where(Membership.space_id == space.id)) is None


def test_an_unconfirmed_account_is_asked_to_confirm_first(client, login, make_user, make_space):
    make_space()
    login(make_user(confirmed=False))
    page = client.get("/s/stilling/", headers=EN).text
    assert "Confirm your e-mail address first" in page and "Join Stilling" not in page
    assert client.post("/s/stilling/join", headers=EN).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Membership.id))) == 0


def test_ask_to_join_and_an_admin_approves(client, login, make_user, make_space, member, outbox):
    club = make_space("club", name="Stilling IF")
    admin = make_user(name="Lars", locale="en")
    member(club, admin, "admin")
    citizen = make_user(name="Jens")
    login(citizen)
    response = client.post(
        "/s/stilling-if/join", data={"message": "Jeg spiller i old boys."}, headers=EN, follow_redirects=True
    )
    assert b"Your request to join Stilling IF is sent" in response.data
    [pending] = db.session.scalars(sa.select(Membership).where(Membership.status == MembershipStatus.PENDING))
    assert pending.message == "Jeg spiller i old boys."
    assert [m["Subject"] for m in outbox()] == ["Jens asks to join Stilling IF."]

    login(admin)
    members_page = client.get("/s/stilling-if/members", headers=EN).get_data(as_text=True)
    assert "Jeg spiller i old boys." in members_page and "Approve Jens" in members_page
    client.post(f"/s/stilling-if/members/{pending.id}/approve")
    db.session.refresh(pending)
    assert pending.is_active
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == citizen.id))
    assert note.kind == "membership.approved"


def test_a_request_can_be_declined(client, login, make_user, make_space, member):
    club = make_space("club", name="Stilling IF")
    admin = make_user()
    member(club, admin, "admin")
    citizen = make_user()
    membership_id = services.join_space(club, citizen).id
    login(admin)
    client.post(f"/s/stilling-if/members/{membership_id}/reject")
    assert db.session.get(Membership, membership_id) is None


def test_made_moderator_gets_an_in_app_notification_and_an_email(
    client, login, make_user, make_space, member, outbox
):
    space = make_space()
    admin = make_user(name="Hanne")
    member(space, admin, "admin")
    citizen = make_user(name="Jens", locale="en")
    membership = member(space, citizen)
    login(admin)
    response = client.post(
        f"/s/stilling/members/{membership.id}/role",
        data={f"m{membership.id}-role": "moderator", f"m{membership.id}-official": ""},
        headers=EN,
        follow_redirects=True,
    )
    assert b"Jens now has the role moderator." in response.data
    login(citizen)
    bell = client.get("/", headers=EN).get_data(as_text=True)
    assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in bell
    listing = client.get("/notifications/", headers=EN).get_data(as_text=True)
    assert "Hanne gave you the role moderator in Stilling." in listing
    [mail] = outbox()
    assert mail["To"] == citizen.email and mail["Subject"] == "Hanne gave you the role moderator in Stilling."


def test_an_official_badge_shows_who_speaks_for_the_municipality(
    client, login, make_user, make_space, member
):
    space = make_space()
    admin = make_user()
    member(space, admin, "admin")
    official = make_user(name="Borgmester Frank")
    membership = member(space, official)
    login(admin)
    client.post(
        f"/s/stilling/members/{membership.id}/role",
        data={f"m{membership.id}-role": "member", f"m{membership.id}-official": "politician"},
    )
    page = client.get("/s/stilling/members", headers=EN).get_data(as_text=True)
    assert "Borgmester Frank</strong>" in page and '<span class="official-badge">Politician</span>' in page


def test_the_last_admin_cannot_leave_or_step_down(client, login, make_user, make_space, member):
    space = make_space()
    admin = make_user()
    membership = member(space, admin, "admin")
    login(admin)
    response = client.post("/s/stilling/leave", headers=EN, follow_redirects=True)
    assert b"You are the only admin of Stilling" in response.data
    client.post(
        f"/s/stilling/members/{membership.id}/role",
        data={f"m{membership.id}-role": "member", f"m{membership.id}-official": ""},
    )
    db.session.refresh(membership)
    assert membership.role == Role.ADMIN


def test_a_member_cannot_change_roles(client, login, make_user, make_space, member):
    space = make_space()
    target = member(space, make_user())
    plain = make_user()
    member(space, plain)
    login(plain)
    response = client.post(
        f"/s/stilling/members/{target.id}/role",
        data={f"m{target.id}-role": "admin", f"m{target.id}-official": ""},
    )
    assert response.status_code == 403
    db.session.refresh(target)
    assert target.role == Role.MEMBER


def test_a_membership_of_another_space_is_not_found(client, login, make_user, make_space, member):
    stilling = make_space()
    ry = make_space(name="Ry", place="Ry")
    admin = make_user()
    member(stilling, admin, "admin")
    elsewhere = member(ry, make_user())
    login(admin)
    response = client.post(
        f"/s/stilling/members/{elsewhere.id}/role",
        data={f"m{elsewhere.id}-role": "admin", f"m{elsewhere.id}-official": ""},
    )
    assert response.status_code == 404


# --- invitations -----------------------------------------------------------------------------------


def test_an_invitation_works_for_someone_without_an_account(client, make_space, outbox):
    space = make_space("contractor_network", name="Grønne Områder", place="Skanderborg")
    services.invite(space, email="peter@example.org", role=Role.ADMIN, by=None)
    db.session.commit()
    link = link_in(outbox()[0])
    page = client.get(link, headers=EN).get_data(as_text=True)
    assert "You are invited to Grønne Områder with the role admin." in page
    client.post(
        "/register",
        data={
            "display_name": "Peter",
            "email": "peter@example.org",
            "password": "en lang sætning",
            "confirm": "en lang sætning",
            "home": "Skanderborg",
            "next": link,
        },
        headers=EN,
    )
    response = client.post(link, headers=EN, follow_redirects=True)
    assert b"Welcome to Gr\xc3\xb8nne Omr\xc3\xa5der!" in response.data
    membership = db.session.scalar(sa.select(Membership).where(Membership.space_id == space.id))
    assert membership.role == Role.ADMIN and membership.user.is_confirmed
    again = client.post(link, headers=EN, follow_redirects=True)
    assert b"This invitation has already been used" in again.data


def test_invite_from_the_members_page(client, login, make_user, make_space, member, outbox):
    space = make_space()
    admin = make_user()
    member(space, admin, "admin")
    login(admin)
    bad = client.post("/s/stilling/invite", data={"email": "nope", "role": "member"}, headers=EN)
    assert bad.status_code == 400 and b"Write an e-mail address" in bad.data
    ok = client.post(
        "/s/stilling/invite",
        data={"email": "ny@example.org", "role": "moderator"},
        headers=EN,
        follow_redirects=True,
    )
    assert b"The invitation is sent to ny@example.org." in ok.data
    assert outbox()[-1]["To"] == "ny@example.org"


# --- nearby, hostnames, CLI -----------------------------------------------------------------------------


def test_spaces_near_the_citizen_come_nearest_first(client, login, make_user, make_space):
    make_space(name="Ry", place="Ry")
    make_space(name="Hørning", place="8362")
    make_space(name="Stilling", place="Stilling")
    login(make_user(home="Stilling"))
    text = client.get("/", headers=EN).get_data(as_text=True)
    assert text.index(">Stilling<") < text.index(">Hørning<") < text.index(">Ry<")
    near_ry = client.get("/?near=8680", headers=EN).get_data(as_text=True)
    assert near_ry.index(">Ry<") < near_ry.index(">Stilling<")
    unknown = client.get("/?near=Atlantis", headers=EN).get_data(as_text=True)
    assert "We do not know Atlantis" in unknown


def test_a_space_on_its_own_hostname_is_the_front_page(client, make_space):
    make_space(hostname="stilling.example.dk", display_name="Stilling Landsby")
    page = client.get("/", base_url="http://stilling.example.dk").get_data(as_text=True)
    assert "<h1>Stilling Landsby</h1>" in page
    plain = client.get("/").get_data(as_text=True)
    assert "<h1>Stilling Landsby</h1>" not in plain


def test_cli_creates_and_lists_spaces(app, db, municipality):
    db.session.commit()  # the command rolls back what it did on an error, not the municipality
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["spaces", "create", "--kind", "village", "--name", "Fruering", "--place", "8660"]
    )
    assert result.exit_code == 0, result.output
    assert "Created Fruering at /s/fruering/" in result.output
    bad = runner.invoke(args=["spaces", "create", "--kind", "village", "--name", "X", "--color", "#ffff00"])
    assert bad.exit_code != 0 and darker_shade("#ffff00") in bad.output
    listing = runner.invoke(args=["spaces", "list"])
    assert "/s/fruering/" in listing.output and "village" in listing.output


def test_htmx_is_vendored_and_only_enhances(client):
    page = client.get("/").text
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert client.get("/static/vendor/htmx/LICENSE").status_code == 200
    # the same form works without JavaScript: a plain GET with ?near=
    assert 'action="/"' in page and 'name="near"' in page


# --- the command line --------------------------------------------------------------------------------


def test_the_command_line_speaks_english_to_operators(app, db, municipality):
    """Operators read the CLI: its errors come from the same services as the pages, but in English even
    though the site's default language is Danish."""
    db.session.commit()  # the command rolls back what it did on an error, not the municipality
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["spaces", "create", "--kind", "village", "--name", "Atlantis", "--place", "Atlantis"]
    )
    assert result.exit_code == 1
    assert "Error: We do not know Atlantis." in result.output, result.output
    result = runner.invoke(
        args=["spaces", "create", "--kind", "village", "--name", "Virklund", "--color", "#777777"]
    )
    assert (
        "White text on #777777 has a contrast of only 4.47:1; WCAG AA needs at least 4.5:1." in result.output
    )
    result = runner.invoke(args=["spaces", "list"])
    assert result.exit_code == 0 and "address" in result.output and "members" in result.output
