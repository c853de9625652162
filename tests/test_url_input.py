"""What a URL or a form may not carry, refused at the edge on both engines: NUL (PostgreSQL cannot
even compare text with it) and ids larger than a database id. Never a 500, also anonymously; and a
unique rule the database keeps when two requests race is a 409 page, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.forms import coerce_id, small_int
from community.helpdesk.services import topics
from community.maintenance.models import FacilityKind
from community.maintenance.services import facilities
from community.spaces import services as space_services
from community.spaces.models import Membership, Role

HUGE = "99999999999999999999999"
NOT_FOUND = "We could not find that page"
REFUSED = "The request could not be used"


@pytest.fixture
def client(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages below are the English ones
    return client


@pytest.fixture
def scene(municipality, village, make_user, make_space, member):
    """Stilling (a village), a club using a pitch, a contractor network, a staff member, a topic."""
    club = make_space("club", name="Stilling IF")
    member(club, village.jens, "admin")
    make_space("contractor_network", name="Grønne Hænder")
    pitch = facilities.create_facility(
        municipality,
        facilities.FacilityInput(
            name="Stilling Stadion", kind=FacilityKind.GRASS_PITCH, latitude=56.066, longitude=10.003
        ),
        by=None,
    )
    facilities.link_club(pitch, club, by=None)
    topics.save_topic(municipality.id, name="Digital Post", summary="Breve")
    village.club, village.pitch = club, pitch
    village.staff = make_user("staff@example.org", name="Mette", staff_of=municipality)
    return village


@pytest.mark.parametrize(
    "url",
    [
        "/s/%00/",
        "/s/stilling%00/",
        "/s/%00/posts/",
        "/helpdesk/topics/%00",
        "/invitations/%00",
        "/maintenance/feeds/%00.ics",
        "/media/%00",
        "/media/a/%00.png",
        "/static/%00",
        "/s/stilling/posts/1%00",
        f"/s/stilling/posts/{HUGE}",
        f"/maintenance/faults/{HUGE}",
        f"/helpdesk/sessions/{HUGE}",
    ],
)
def test_an_address_with_nul_or_a_huge_id_is_not_found(client, scene, url):
    response = client.get(url)
    assert response.status_code == 404
    assert NOT_FOUND in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/s/stilling/?tag=%00",
        "/s/stilling/?cursor=%00",
        "/s/stilling/?%00=1",
        "/s/stilling/search?q=%00",
        "/villages/search?q=%00",
        "/villages/help?category=%00",
        "/?near=%00",
        "/maintenance/faults/?status=%00",
        "/helpdesk/?q=a%00b",
        "/accounts/login?next=%00",
    ],
)
def test_nul_in_the_query_string_is_refused(client, scene, url):
    response = client.get(url)
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)


def test_nul_in_the_query_string_is_refused_for_members_too(client, login, scene):
    login(scene.jens)
    assert client.get("/s/stilling/posts/new?kind=%00").status_code == 400
    assert client.post("/s/stilling/posts/new?kind=%00", data={"title": "Hej"}).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        f"/villages/search?q=loppemarked&page={HUGE}",
        "/villages/search?q=loppemarked&page=²",
        f"/s/stilling/?cursor=20240101T000000000000_{HUGE[:18]}",
        f"/s/stilling/posts/?cursor=20240101T000000000000_{HUGE[:18]}",
    ],
)
def test_a_huge_number_in_the_query_string_is_ignored(client, scene, url):
    assert client.get(url).status_code == 200


def test_a_huge_facility_in_the_fault_form_address_preselects_nothing(client, login, scene):
    login(scene.jens)
    chosen = f'<option selected value="{scene.pitch.id}">'
    assert chosen in client.get(f"/maintenance/faults/new?facility={scene.pitch.id}").get_data(as_text=True)
    response = client.get(f"/maintenance/faults/new?facility={HUGE}")
    assert response.status_code == 200
    assert chosen not in response.get_data(as_text=True)


def test_a_huge_facility_in_the_club_request_address_is_refused(client, login, scene):
    login(scene.jens)
    assert client.get(f"/s/stilling-if/pitches/requests/new?facility={HUGE}").status_code == 403
    assert client.get(f"/s/stilling-if/pitches/requests/new?facility={scene.pitch.id}").status_code == 200


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("agreements", {"contractor": HUGE, "task": "mowing"}, "Choose a contractor network."),
        ("agreements", {"contractor": "²", "task": "mowing"}, "Choose a contractor network."),
        ("clubs", {"club": HUGE}, "Choose a sports club."),
    ],
)
def test_a_huge_id_in_a_staff_form_is_a_field_error(client, login, scene, path, data, message):
    login(scene.staff)
    response = client.post(f"/maintenance/facilities/{scene.pitch.id}/{path}", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_huge_topic_in_the_volunteer_form_is_a_field_error(client, login, scene):
    login(scene.jens)
    data = {"topics": HUGE, "modes": "phone", "languages": "da", "radius_km": "5"}
    response = client.post("/helpdesk/volunteer", data=data)
    assert response.status_code == 400
    assert "could not be coerced" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), (" 42 ", 42), ("2147483647", 2**31 - 1), ("2147483648", None), (HUGE, None), ("0", None),
     ("-3", None), ("²", None), ("١٢", None), ("1_000", None), ("", None), (None, None), ("4\x00", None)],
)  # fmt: skip
def test_ids_are_read_from_text_in_one_place(text, expected):
    assert small_int(text) == expected
    if expected is None:
        with pytest.raises(ValueError):
            coerce_id(text)
    else:
        assert coerce_id(text) == expected


def test_a_unique_rule_broken_by_a_race_is_a_conflict_page_not_an_error(client, login, scene, monkeypatch):
    """Should a race slip past a service (the races themselves are in tests/concurrency), the person
    is told it was already done and nothing is half-saved."""
    space, ole = scene.space, scene.ole

    def join_just_after_another_request(space_, user, message=None):
        for _ in range(2):  # the other request's row, then this one's
            db.session.add(Membership(space_id=space_.id, user_id=user.id, role=Role.MEMBER))
            db.session.flush()

    monkeypatch.setattr(space_services, "join_space", join_just_after_another_request)
    login(ole)
    response = client.post("/s/stilling/join", data={})
    assert response.status_code == 409
    assert "That was already done" in response.get_data(as_text=True)
    mine = sa.select(sa.func.count(Membership.id)).where(
        Membership.space_id == space.id, Membership.user_id == ole.id
    )
    assert db.session.scalar(mine) == 0


def _form_classes():
    import importlib
    import pkgutil

    import community
    from community.forms import Form

    for module in pkgutil.walk_packages(community.__path__, "community."):
        if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
            importlib.import_module(module.name)
    found, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def test_every_choice_of_ids_is_read_through_coerce_id():
    """A bare ``coerce=int`` takes 2147483648, which PostgreSQL cannot compare with an integer column:
    the class of bug the forms fuzz found twice is closed for every form at once."""
    from wtforms.fields import SelectFieldBase

    bare = []
    for form in _form_classes():
        for name in dir(form):
            unbound = getattr(form, name, None)
            field_class = getattr(unbound, "field_class", type(None))
            if issubclass(field_class, SelectFieldBase) and unbound.kwargs.get("coerce") is int:
                bare.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not bare, f"use coerce=coerce_id: {bare}"
