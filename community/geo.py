"""Places: an offline gazetteer of Danish towns and villages (GeoNames, CC BY 4.0) shipped in
``community/data``, places added by municipality staff, geodesic distances, and an online geocoder
only when one is configured (``COMMUNITY_GEOCODER=nominatim``)."""

from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from geopy.distance import geodesic
from sqlalchemy.orm import Mapped, mapped_column

from community.db import TimestampMixin
from community.errors import DomainError
from community.extensions import db
from community.i18n import _

DATA = Path(__file__).parent / "data"
EARTH_KM_PER_DEGREE = 111.32


class CustomPlace(TimestampMixin, db.Model):
    """A village the gazetteer lacks, added by municipality staff with its coordinates."""

    __tablename__ = "custom_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    postcode: Mapped[str | None] = mapped_column(sa.String(4))
    latitude: Mapped[float]
    longitude: Mapped[float]
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # "gn:<geonameid>" for the gazetteer, "cp:<id>" for a custom place, "pc:<postcode>"
    name: str
    lat: float
    lon: float
    label: str  # what a person picks: the name, with postcode and post town where the name repeats
    region: str | None = None
    population: int = 0
    postcode: str | None = None
    alternates: tuple[str, ...] = ()


def fold(text: str) -> str:
    """Case- and space-insensitive form for comparing place names (keeps æ, ø, å distinct)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _qualified(name: str, postcode: str | None, postcodes: dict[str, dict]) -> str:
    if not postcode:
        return name
    town = postcodes.get(postcode, {}).get("name")
    return f"{name} ({postcode} {town})" if town else f"{name} ({postcode})"


@cache
def _gazetteer() -> tuple[tuple[Place, ...], dict[str, dict]]:
    places_file = DATA / "places.json"
    postcode_file = DATA / "postcodes.json"
    raw = json.loads(places_file.read_text("utf-8")) if places_file.exists() else {"places": []}
    postcodes = json.loads(postcode_file.read_text("utf-8")) if postcode_file.exists() else {}
    counts = Counter(fold(p["name"]) for p in raw["places"])
    places = tuple(
        Place(
            key=f"gn:{p['id']}",
            name=p["name"],
            lat=p["lat"],
            lon=p["lon"],
            label=_qualified(p["name"], p.get("postcode"), postcodes)
            if counts[fold(p["name"])] > 1
            else p["name"],
            region=p.get("region"),
            population=p.get("population") or 0,
            postcode=p.get("postcode"),
            alternates=tuple(p.get("alt") or ()),
        )
        for p in raw["places"]
    )
    return places, postcodes


def attribution() -> str:
    return "GeoNames (geonames.org), CC BY 4.0"


def _custom_places() -> list[Place]:
    rows = db.session.scalars(sa.select(CustomPlace).order_by(CustomPlace.name)).all()
    taken = {fold(p.name) for p in _gazetteer()[0]}
    postcodes = _gazetteer()[1]
    return [
        Place(
            key=f"cp:{r.id}",
            name=r.name,
            lat=r.latitude,
            lon=r.longitude,
            postcode=r.postcode,
            label=_qualified(r.name, r.postcode, postcodes) if fold(r.name) in taken else r.name,
        )
        for r in rows
    ]


def _all_places() -> list[Place]:
    return [*_gazetteer()[0], *_custom_places()]


def postcode_place(code: str) -> Place | None:
    entry = _gazetteer()[1].get(code.strip())
    if entry is None:
        return None
    return Place(
        key=f"pc:{code}",
        name=entry["name"],
        lat=entry["lat"],
        lon=entry["lon"],
        postcode=code,
        label=f"{code} {entry['name']}",
    )


def find(query: str, *, limit: int = 10) -> list[Place]:
    """Places whose name, alternate name or label matches ``query``; exact matches first, then larger."""
    q = fold(query)
    if not q:
        return []
    if q.isdigit() and len(q) == 4:
        hit = postcode_place(q)
        return [hit] if hit else []
    exact, prefix = [], []
    for place in _all_places():
        names = {fold(place.name), fold(place.label), *(fold(a) for a in place.alternates)}
        if q in names:
            exact.append(place)
        elif any(n.startswith(q) for n in names):
            prefix.append(place)
    exact.sort(key=lambda p: -p.population)
    prefix.sort(key=lambda p: (-p.population, p.name))
    return (exact + prefix)[:limit]


def _online(query: str) -> Place | None:
    if current_app.config.get("GEOCODER") != "nominatim":
        return None
    from geopy.geocoders import Nominatim

    try:
        found = Nominatim(user_agent=current_app.config["GEOCODER_USER_AGENT"], timeout=3).geocode(
            query, country_codes="dk"
        )
    except Exception:  # an online service that is away must not break a form
        current_app.logger.warning("geocoder unavailable for %r", query)
        return None
    if found is None:
        return None
    return Place(key="geo", name=query.strip(), lat=found.latitude, lon=found.longitude, label=query.strip())


def resolve(query: str) -> Place:
    """The one place a person meant by a town name, a label like "Hørning (Midtjylland)" or a postcode.

    Raises ``DomainError`` that says how to be more precise when the name is unknown or ambiguous.
    """
    text = query.strip()
    if text.isdigit():
        if len(text) != 4:
            raise DomainError(_("A Danish postcode has four digits, for example 8660."))
        hit = postcode_place(text)
        if hit is None:
            raise DomainError(
                _("We do not know the postcode %(code)s. Check it, or write your town.", code=text)
            )
        return hit
    matches = [
        p
        for p in find(text, limit=50)
        if fold(text) in {fold(p.name), fold(p.label), *map(fold, p.alternates)}
    ]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        labels = ", ".join(p.label for p in matches[:4])
        raise DomainError(
            _(
                "Several places are called %(name)s: choose one of %(labels)s, or write your postcode.",
                name=text,
                labels=labels,
            )
        )
    online = _online(text)
    if online is not None:
        return online
    suggestions = find(text, limit=3)
    if suggestions:
        raise DomainError(
            _(
                "We do not know %(name)s. Did you mean %(labels)s? You can also write your postcode.",
                name=text,
                labels=", ".join(p.label for p in suggestions),
            )
        )
    raise DomainError(_("We do not know %(name)s. Write your postcode instead, for example 8660.", name=text))


def place_labels() -> list[str]:
    """Every place label, for a <datalist> that helps people type their town."""
    return sorted({p.label for p in _all_places()})


#: WGS84, the ellipsoid of GPS and of geopy's geodesic.
_WGS84_A_KM = 6378.137
_WGS84_E2 = 0.00669437999014
#: Up to this far the local ellipsoid formula below is used instead of the full geodesic.
LOCAL_FORMULA_KM = 150.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance on the WGS84 ellipsoid. Within a municipality and its neighbours (up to
    ``LOCAL_FORMULA_KM``) it is the plane of the ellipsoid's radii of curvature at the mean latitude:
    within a few metres of geopy's geodesic up to 100 km (tests/test_geo.py holds it to that) and a few
    hundred times cheaper, which a list of the nearest help asks for dozens of times a page. Further
    away it is the geodesic itself."""
    phi = math.radians((lat1 + lat2) / 2)
    sin_phi = math.sin(phi)
    w = math.sqrt(1 - _WGS84_E2 * sin_phi * sin_phi)
    north = math.radians(lat2 - lat1) * _WGS84_A_KM * (1 - _WGS84_E2) / (w * w * w)
    east = math.radians(lon2 - lon1) * _WGS84_A_KM / w * math.cos(phi)
    km = math.hypot(north, east)
    return km if km <= LOCAL_FORMULA_KM else geodesic((lat1, lon1), (lat2, lon2)).km


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle of ``km`` around a point,
    for an indexed pre-filter before the exact geodesic distance."""
    km *= 1.01  # a degree of latitude is 110.6-111.7 km on the ellipsoid: a margin for the shortest
    dlat = km / EARTH_KM_PER_DEGREE
    # The degrees of longitude are shortest at the box's edge furthest from the equator: measured there,
    # the box is wide enough along that edge too.
    widest = min(abs(lat) + dlat, 89.0)
    dlon = km / (EARTH_KM_PER_DEGREE * max(math.cos(math.radians(widest)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def add_place(
    *, name: str, postcode: str | None, latitude: float, longitude: float, by_id: int | None
) -> CustomPlace:
    """Adds a village the gazetteer lacks; it is found by name from then on."""
    place = CustomPlace(
        name=name.strip(),
        postcode=(postcode or "").strip() or None,
        latitude=latitude,
        longitude=longitude,
        added_by_id=by_id,
    )
    db.session.add(place)
    db.session.flush()
    return place


def approx_km_sql(lat_col, lon_col, lat: float, lon: float):
    """Squared equirectangular distance (in km²) as a SQL expression: plain arithmetic that SQLite and
    PostgreSQL both evaluate, good for ordering candidates inside a bounding box before the exact
    geodesic distance is computed for the few that are shown."""
    kx = EARTH_KM_PER_DEGREE * math.cos(math.radians(lat))
    dy = (lat_col - lat) * EARTH_KM_PER_DEGREE
    dx = (lon_col - lon) * kx
    return dy * dy + dx * dx


def approx_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The equirectangular distance: within half a percent of the geodesic at the scale of a municipality."""
    kx = EARTH_KM_PER_DEGREE * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot((lat2 - lat1) * EARTH_KM_PER_DEGREE, (lon2 - lon1) * kx)
