"""Helpers shared by the test modules and fixtures (import as ``from tests.support import …``)."""

from __future__ import annotations

import email
import email.message
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from community.extensions import db as _db

PASSWORD = "correct horse battery"
TEST_DATABASE_URL = os.environ.get("COMMUNITY_TEST_DATABASE_URL") or None
ENGINE = "postgresql" if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgres") else "sqlite"


def make_config(instance: Path, url: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "COMMUNITY_ENV": "testing",
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{instance / 'test.sqlite'}",
        "SECRET_KEY": "test-secret",
        "HUEY_IMMEDIATE": True,
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "REDIS_URL": None,
        "MAIL_URL": None,
        "GEOCODER": None,
        "BASE_URL": "http://faelled.test",
        # Each test rolls back its watched words: read the lists fresh (the cache has its own test).
        "MODERATION_CACHE_SECONDS": 0,
        **extra,
    }


def reset_schema(app: Flask) -> None:
    """Drops everything (a PostgreSQL test database may hold an earlier run) and migrates to head."""
    from flask_migrate import upgrade

    with app.app_context():
        meta = sa.MetaData()
        meta.reflect(_db.engine)
        meta.drop_all(_db.engine)
        upgrade()


def body_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: email.message.EmailMessage, base: str = "http://faelled.test") -> str:
    """The path of the first link to this site in an e-mail."""
    for word in body_of(message).split():
        if word.startswith(base):
            return word[len(base) :]
    raise AssertionError(f"no link in {body_of(message)!r}")


ROOT = Path(__file__).resolve().parent.parent
#: What the build reads; the copy leaves out compiled catalogs and caches, so the build must make them.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "community")
BUILD_LEFT_OUT = ("__pycache__", "*.pyc", "*.mo", "*.egg-info")


def readme_blocks(section: str) -> list[list[str]]:
    """The ``sh`` code blocks of a section of README.md, as lists of lines."""
    text = (ROOT / "README.md").read_text()
    start = text.index(f"\n{section}\n")
    end = text.find("\n## ", start + 1)
    blocks, current = [], None
    for line in text[start : end if end > 0 else None].splitlines():
        if line.strip() == "```sh":
            current = []
        elif line.strip() == "```" and current is not None:
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def tool_path() -> str:
    """PATH with the test interpreter's environment first: ``pip`` and ``python3`` are its own."""
    import sys

    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def build_wheel(workdir: Path) -> Path:
    """Builds the project's wheel with the README's build command (``pip wheel``, isolated build
    environment) in a clean copy of the source in ``workdir``, and returns its path."""
    import shutil
    import subprocess

    source = workdir / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns(*BUILD_LEFT_OUT))
        else:
            shutil.copy2(ROOT / name, source / name)
    build = readme_blocks("## Production")[0]
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(build)],
        cwd=source,
        env={**os.environ, "PATH": tool_path(), "PIP_QUIET": "1"},
        check=True,
        timeout=300,
    )
    (wheel,) = (source / "dist").glob("faelled-*.whl")
    return wheel


class _FormReader(HTMLParser):
    """Collects the forms of a page with the values a browser would submit for them, untouched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._textarea: list[Any] | None = None
        self._select: dict[str, Any] | None = None
        self._option: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "enctype": a.get("enctype", ""), "fields": []}
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        kind = a.get("type", "text" if tag == "input" else "submit").lower()
        if tag in ("input", "button") and kind in ("submit", "image"):
            if "submitter" not in form:  # the first submit button is the one pressed
                form["submitter"] = (name, a.get("value", "")) if name else None
        elif tag == "input" and name:
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form["fields"].append((name, a.get("value", "on")))
            elif kind == "file":
                form["fields"].append((name, FILE_NOT_CHOSEN))
            elif kind not in ("button", "reset"):
                form["fields"].append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]
            self._select["options"].append(self._option)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            # A browser reads CRLF as one line break, drops one right after <textarea>, and sends each
            # line break as CRLF.
            text = text.replace("\r\n", "\n")
            text = text[1:] if text.startswith("\n") else text
            self._form["fields"].append((name, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            options = self._select["options"]
            chosen = [o for o in options if o[2]] or ([] if self._select["multiple"] else options[:1])
            for value, text, _selected in chosen:
                self._form["fields"].append(
                    (self._select["name"], value if value is not None else text.strip())
                )
            self._select = None


#: What a browser sends for a file input nobody chose a file for.
FILE_NOT_CHOSEN = ("", b"")


def rendered_form(html: str, action: str, page: str) -> tuple[list[tuple[str, Any]], bool]:
    """The fields of the form on ``page`` that posts to ``action``, as a browser submits them untouched
    (pressing its first submit button), and whether it is sent as multipart/form-data."""
    reader = _FormReader()
    reader.feed(html)
    forms = [f for f in reader.forms if (f["action"] or page) == action]
    assert len(forms) == 1, f"{len(forms)} forms post to {action}: {[f['action'] for f in reader.forms]}"
    form = forms[0]
    fields = list(form["fields"])
    if form.get("submitter"):
        fields.append(form["submitter"])
    return fields, form["enctype"] == "multipart/form-data"


def submit_rendered(
    client: Any, html: str, action: str, *, page: str, changes: dict[str, str] | None = None, **kwargs: Any
) -> Any:
    """Submits the form of ``html`` (shown at ``page``) that posts to ``action`` as rendered, with only
    the ``changes`` a person makes (field name -> value)."""
    import io

    from werkzeug.datastructures import MultiDict

    fields, multipart = rendered_form(html, action, page)
    changes = changes or {}
    fields = [(n, v) for n, v in fields if n not in changes] + list(changes.items())
    body: MultiDict[str, Any] = MultiDict()
    for name, value in fields:
        if value is FILE_NOT_CHOSEN:
            if multipart:
                body.add(name, (io.BytesIO(b""), "", "application/octet-stream"))
            else:
                body.add(name, "")
        else:
            body.add(name, value)
    return client.post(action, data=body, content_type="multipart/form-data" if multipart else None, **kwargs)
