"""Whether a new password is good enough: not among the passwords attackers try first.

zxcvbn (Dropbox's estimator, ported to Python) knows the common and breached-password lists, English
words, names, keyboard patterns, repeats and sequences, and estimates how many guesses a password
takes. We refuse one that falls within 10^8 guesses (score below 3), also after adding Danish words
and passwords from ``community/data/common_passwords_da.txt`` (and the published demo password) and
the person's own e-mail and name, which zxcvbn treats as the first things to guess. Registration, a
password change and a reset check; the command line and the demo seed do not.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from zxcvbn import zxcvbn

from community.errors import DomainError
from community.i18n import _

MIN_SCORE = 3
_LIST = Path(__file__).resolve().parent.parent / "data" / "common_passwords_da.txt"


class WeakPassword(DomainError):
    """The new password would be guessed quickly; the message says why and what to choose instead."""


@cache
def danish_words() -> tuple[str, ...]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _personal(email: str | None, name: str | None) -> list[str]:
    """The person's e-mail, its local part and its pieces, their name and its parts (4 letters and more:
    a shorter name, "Bo" or "Ole", is part of too many ordinary words to refuse outright)."""
    found: list[str] = []
    if email:
        email = email.strip().lower()
        local = email.partition("@")[0]
        found += [email, local, *re.split(r"[._+\-]", local)]
    if name:
        found += [name.strip().lower(), *name.lower().split()]
    return [part for part in dict.fromkeys(found) if len(part) >= 4]


def check_new_password(password: str, *, email: str | None = None, name: str | None = None) -> None:
    """Raises ``WeakPassword`` (for the ``password`` field) if ``password`` is easy to guess."""
    lowered = password.lower()
    personal = _personal(email, name)
    if any(part in lowered for part in personal):
        raise WeakPassword(
            _(
                "Choose a password that does not contain your e-mail address or your name: "
                "they are the first things someone trying to get into your account would guess."
            ),
            field="password",
        )
    result = zxcvbn(password[:100], user_inputs=[*personal, *danish_words()])
    if result["score"] < MIN_SCORE:
        raise WeakPassword(
            _(
                "This password is too easy to guess: it is a common password, or close to one, of the "
                "kind found in lists of leaked passwords that attackers try first. Choose a longer one "
                "of your own, for example a short sentence only you would think of."
            ),
            field="password",
        )
