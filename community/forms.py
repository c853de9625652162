"""Shared form pieces: validators with messages in the user's language, and field helpers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from community.i18n import _, _l


class Required(DataRequired):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _l("Fill in this field."))


def length(min: int = -1, max: int = -1) -> Length:
    if min > 0 and max > 0:
        message = _l("Write between %(min)d and %(max)d characters.")
    elif max > 0:
        message = _l("Write at most %(max)d characters.")
    else:
        message = _l("Write at least %(min)d characters.")
    return Length(min=min, max=max, message=message)


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip(value: object) -> object:
    """Pasted text often carries stray spaces; they are never meant."""
    return value.strip() if isinstance(value, str) else value


def email_field(label: object = None) -> StringField:
    return StringField(
        label or _l("E-mail"),
        filters=[strip],
        validators=[
            Required(),
            length(max=254),
            Email(message=_l("Write an e-mail address such as name@example.dk.")),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


class NoControlCharacters:
    """Refuses invisible control characters in one-line text (names, titles)."""

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        if field.data and any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in field.data):
            raise ValidationError(_("Remove the invisible control characters from this text."))


__all__ = ["NoControlCharacters", "Optional", "Required", "choices", "email_field", "length", "strip"]
