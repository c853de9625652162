"""The build compiles the translations: ``pip install .`` and ``pip wheel .`` ship the ``.mo`` catalogs
without a separate ``pybabel compile`` step (Babel is a build requirement in pyproject.toml). Everything
else about the package is declared in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGS = Path("community") / "translations"


class BuildPyWithCatalogs(build_py):
    """``build_py`` that also compiles every ``messages.po`` into the ``messages.mo`` beside it: into the
    build directory for a wheel, into the source tree for an editable install (which links to it)."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(".") if getattr(self, "editable_mode", False) else Path(self.build_lib)
        for po in sorted(CATALOGS.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            target = root / po.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
