"""The wheel is what production installs: it must hold everything the app reads at run time -- every
template (pages, e-mails, the Atom feed), static file, data file, migration and compiled catalog -- and
the build compiles the catalogs itself (the source copy it builds from has no ``.mo`` file)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from babel.messages.mofile import read_mo

from tests.support import BUILD_LEFT_OUT, ROOT


def source_files() -> set[str]:
    found = set()
    for path in (ROOT / "community").rglob("*"):
        relative = path.relative_to(ROOT)
        if path.is_file() and not any(relative.match(p) or p in relative.parts for p in BUILD_LEFT_OUT):
            found.add(relative.as_posix())
    return found


def wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if not name.startswith("faelled-")}


def test_the_wheel_holds_every_file_of_the_source_tree(wheel):
    expected = source_files()
    kinds = {Path(name).suffix for name in expected}
    assert {".html", ".txt", ".xml", ".py", ".po", ".json", ".css", ".js", ".png", ".mako", ".ini"} <= kinds
    assert any(name.startswith("community/migrations/versions/") for name in expected)
    missing = expected - wheel_files(wheel)
    assert not missing, f"the wheel lacks {sorted(missing)}: add them to package-data in pyproject.toml"


def test_the_wheel_holds_nothing_else(wheel):
    catalogs = {n[: -len(".po")] + ".mo" for n in source_files() if n.endswith(".po")}
    extra = wheel_files(wheel) - source_files() - catalogs
    assert not extra, f"the wheel ships files that are not in the source tree: {sorted(extra)}"


def test_the_build_compiles_every_catalog(wheel):
    with zipfile.ZipFile(wheel) as archive:
        for po in (n for n in source_files() if n.endswith(".po")):
            catalog = read_mo(io.BytesIO(archive.read(po[: -len(".po")] + ".mo")))
            if "/da/" in po:
                assert catalog.get("Log in").string == "Log ind"
                assert len(catalog) > 500
