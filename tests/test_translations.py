"""The translation catalogs against the source.

Every message marked in ``community/`` must be translated into Danish, without fuzzy entries and with the
same ``%(name)s`` placeholders as the English msgid. The messages are extracted afresh from the source with
the same command as ``make extract-messages``, so a new ``_("…")`` fails here until
``make extract-messages`` has been run and ``community/translations/da/LC_MESSAGES/messages.po`` translated.
"""

from __future__ import annotations

import re
from pathlib import Path

import flask_babel
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from community import create_app
from tests.support import make_config as make_test_config

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "community" / "translations"
LOCALES = ("da", "en")
#: The same keywords as the ``extract-messages`` target of the Makefile (the defaults cover ``_``,
#: ``gettext`` and ``ngettext``).
KEYWORDS = ("_l", "lazy_ngettext:1,2")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def mo_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def label(message: Message) -> str:
    return repr(message.id[0] if isinstance(message.id, tuple) else message.id)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> list[Message]:
    """The messages marked in the source today, extracted as ``make extract-messages`` does."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            *keywords,
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    found = messages(read_catalog(pot))
    assert found, "pybabel extracted no messages at all: check babel.cfg"
    return found


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    missing = [str(po_path(locale).relative_to(ROOT)) for locale in LOCALES if not po_path(locale).exists()]
    assert not missing, f"missing catalogs {missing}: run `pybabel init` (see `make extract-messages`)"
    return {locale: read_catalog(po_path(locale), locale) for locale in LOCALES}


def test_every_source_message_is_translated_into_danish(
    source_messages: list[Message], catalogs: dict[str, Catalog]
) -> None:
    da = catalogs["da"]
    missing, untranslated, fuzzy = [], [], []
    for source in source_messages:
        entry = da.get(source.id)
        if entry is None:
            missing.append(label(source))
            continue
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = da.num_plurals if source.pluralizable else 1
        if entry.fuzzy:
            fuzzy.append(label(source))
        elif len(forms) != wanted or not all(forms):
            untranslated.append(label(source))

    problems = []
    if missing:
        problems.append(f"{len(missing)} not in da/messages.po (run `make extract-messages`):")
        problems += [f"  {m}" for m in missing]
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated in da/messages.po:")
        problems += [f"  {m}" for m in untranslated]
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy in da/messages.po (check them, then drop '#, fuzzy'):")
        problems += [f"  {m}" for m in fuzzy]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(catalogs: dict[str, Catalog], locale: str) -> None:
    """``%(space)s`` must survive translation: a dropped or renamed name breaks or hides the value."""
    wrong = []
    for entry in messages(catalogs[locale]):
        if entry.pluralizable:
            singular, plural = entry.id
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            for n, form in enumerate(forms):
                if not form:
                    continue
                found = placeholders(form)
                if n == 0:
                    # The form for one may leave out the number ("Ét medlem"), never add or rename a name.
                    names = placeholders(singular) | placeholders(plural)
                    ok = found <= names
                else:
                    names = placeholders(plural)
                    ok = found == names
                if not ok:
                    wrong.append(f"  {label(entry)} msgstr[{n}]: {sorted(found)} instead of {sorted(names)}")
        elif entry.string:
            found, names = placeholders(entry.string), placeholders(entry.id)
            if found != names:
                wrong.append(f"  {label(entry)}: {sorted(found)} instead of {sorted(names)}")
    assert not wrong, f"placeholders changed in {locale}/messages.po:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_plural_forms(catalogs: dict[str, Catalog], locale: str) -> None:
    assert catalogs[locale].plural_forms == PLURAL_FORMS


def test_compiled_catalogs_load_in_the_app(tmp_path: Path) -> None:
    missing = [str(mo_path(locale).relative_to(ROOT)) for locale in LOCALES if not mo_path(locale).exists()]
    if missing:
        pytest.skip(f"compiled catalogs {missing} are missing: run `make translations` (pybabel compile)")
    stale = [
        str(mo_path(locale).relative_to(ROOT))
        for locale in LOCALES
        if mo_path(locale).stat().st_mtime < po_path(locale).stat().st_mtime
    ]
    if stale:
        pytest.skip(f"compiled catalogs {stale} are older than their .po: run `make translations`")

    app = create_app(make_test_config(tmp_path))
    with app.test_request_context():
        with flask_babel.force_locale("da"):
            assert flask_babel.gettext("Log in") == "Log ind"
        with flask_babel.force_locale("en"):
            assert flask_babel.gettext("Log in") == "Log in"
