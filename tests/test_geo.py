"""The offline gazetteer: towns, postcodes, names that repeat, villages staff add, distances."""

from __future__ import annotations

import math

import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from community import geo
from community.errors import DomainError
from community.i18n import force_locale


@pytest.fixture
def english(app, db):
    with app.test_request_context(), force_locale("en"):
        yield


def test_a_town_a_postcode_and_a_label_resolve(db):
    assert geo.resolve("stilling").name == "Stilling"
    assert geo.resolve("  Låsby ").postcode == "8670"
    assert geo.resolve("Laasby").name == "Låsby", "alternate spellings count"
    assert geo.resolve("8660").label == "8660 Skanderborg"
    assert geo.resolve("Hørning (8362 Hørning)").postcode == "8362"


def test_names_that_repeat_are_told_apart(english):
    with pytest.raises(DomainError, match="Several places are called Hørning") as caught:
        geo.resolve("Hørning")
    assert "Hørning (8362 Hørning)" in str(caught.value)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("123", "A Danish postcode has four digits"),
        ("0001", "We do not know the postcode 0001"),
        ("Atlantis", "We do not know Atlantis"),
        ("Stil", "Did you mean Stilling"),
    ],
)
def test_unknown_places_say_what_to_write(english, query, message):
    with pytest.raises(DomainError, match=message):
        geo.resolve(query)


def test_a_village_added_by_staff_is_found(client, login, make_user, municipality):
    login(make_user(staff_of=municipality))
    bad = client.post(
        "/admin/places",
        data={"name": "Fruering", "latitude": "40", "longitude": "9.9"},
        headers={"Accept-Language": "en"},
    )
    assert b"Danish latitudes lie between 54.5 and 57.8." in bad.data
    with pytest.raises(DomainError):
        geo.resolve("Fruering")
    client.post(
        "/admin/places",
        data={"name": "Fruering", "postcode": "8660", "latitude": "56.0781", "longitude": "10.0411"},
    )
    place = geo.resolve("Fruering")
    assert place.key.startswith("cp:") and round(place.lat, 2) == 56.08


def test_distances_are_geodesic_and_boxes_contain_the_circle(db):
    stilling, ry = geo.resolve("Stilling"), geo.resolve("Ry")
    km = geo.distance_km(stilling.lat, stilling.lon, ry.lat, ry.lon)
    assert 13 < km < 16
    lat0, lat1, lon0, lon1 = geo.bounding_box(stilling.lat, stilling.lon, 20)
    assert lat0 < ry.lat < lat1 and lon0 < ry.lon < lon1


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    lat=st.floats(54.5, 57.8),
    lon=st.floats(8.0, 15.2),
    km=st.floats(0, 100),
    bearing=st.floats(0, 2 * math.pi),
)
def test_the_local_formula_is_within_metres_of_the_geodesic(lat, lon, km, bearing):
    """Nearest help measures dozens of distances a page with the local formula: across Denmark and up to
    100 km it stays within 5 m of geopy's geodesic; beyond its range it is the geodesic itself."""
    lat2 = lat + km / 111.3 * math.cos(bearing)
    lon2 = lon + km / (111.3 * math.cos(math.radians(lat))) * math.sin(bearing)
    distance = geo.distance_km(lat, lon, lat2, lon2)
    assert abs(distance - geodesic((lat, lon), (lat2, lon2)).km) < 0.005
    lat0, lat1, lon0, lon1 = geo.bounding_box(lat, lon, distance)
    assert lat0 <= lat2 <= lat1 and lon0 <= lon2 <= lon1, "the box of a distance holds every point that near"


def test_far_distances_are_the_geodesic():
    copenhagen, nuuk = (55.68, 12.57), (64.18, -51.72)
    assert geo.distance_km(*copenhagen, *nuuk) == geodesic(copenhagen, nuuk).km


def test_no_online_geocoder_unless_configured(app, db, monkeypatch):
    import geopy.geocoders

    def refuse(*_a, **_k):
        raise AssertionError("the network was reached")

    monkeypatch.setattr(geopy.geocoders, "Nominatim", refuse)
    with pytest.raises(DomainError):
        geo.resolve("Nowhereville")


def test_the_gazetteer_keeps_its_attribution():
    import json

    data = json.loads((geo.DATA / "places.json").read_text("utf-8"))
    assert "GeoNames" in data["attribution"] and "CC BY" in data["attribution"]
    assert len({p["id"] for p in data["places"]}) == len(data["places"]) > 400
