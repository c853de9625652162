"""Shared form pieces: validators with messages in the user's language, and field helpers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import flash, has_request_context, request
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from flask_wtf.file import FileField as FlaskFileField
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    DecimalField,
    EmailField,
    Field,
    FieldList,
    FormField,
    HiddenField,
    PasswordField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import FileField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from community import textguard
from community.errors import DomainError
from community.i18n import _, _l

#: WTForms' own messages that our fields can produce. WTForms has no Danish catalog, so they are
#: listed here to be extracted into ours; ``Form`` translates through our catalog.
WTFORMS_MESSAGES = (
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("This field is required."),
    _l("Invalid input."),
)


class _Translations:
    """WTForms formats its own messages after translating them, so these return the raw strings."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


class _CSRFWhenShown(_FlaskFormCSRF):
    """Flask-WTF's CSRF token, made only when the page shows it. Flask-WTF makes it as soon as a form
    is built, and so puts it in the session: a page that builds a form it does not show (a member's
    comment form, on a visitor's page) would give every visitor a cookie and keep the page out of the
    page cache (``community.pagecache``). The token is the same one, checked the same way."""

    def generate_csrf_token(self, csrf_token_field: Any) -> Any:
        return LazyString(super().generate_csrf_token, csrf_token_field)


class ActionForm(FlaskForm):
    """A button that acts (leave, delete, mark as read): nothing but its CSRF token, made when shown."""

    class Meta(FlaskForm.Meta):
        csrf_class = _CSRFWhenShown


class Form(FlaskForm):
    """Every form of the app: WTForms' built-in messages speak the user's language, an uploaded file
    only reaches a file field (Flask-WTF hands request.files to every field by name, so a file posted
    as "password" would otherwise arrive where text is expected), and the CSRF token is made when it is
    shown (``_CSRFWhenShown``)."""

    class Meta(FlaskForm.Meta):
        csrf_class = _CSRFWhenShown

        def get_translations(self, form: FlaskForm) -> _Translations:
            return _Translations()

        def wrap_formdata(self, form: FlaskForm, formdata: Any) -> Any:
            data = super().wrap_formdata(form, formdata)
            if not has_request_context() or not (data is request.form or isinstance(data, CombinedMultiDict)):
                return data
            # NUL never belongs in text (PostgreSQL refuses to store it): it is dropped here, for every form.
            # Browsers send a textarea's line breaks as CRLF: stored as LF, so a text saved again unchanged
            # stays the same.
            text = MultiDict(
                [(k, v.replace("\x00", "").replace("\r\n", "\n")) for k, v in request.form.items(multi=True)]
            )
            accepts_files = {f.name for f in form if isinstance(f, FileField)}
            files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in accepts_files])
            return CombinedMultiDict([files, text])

    def validate(self, extra_validators: Any = None) -> bool:
        """WTForms' validation, then the text guard over every text a person typed (see
        ``community.textguard``): the message lands on the field, before any service runs."""
        valid = super().validate(extra_validators)
        for field in user_text_fields(self):
            if field.errors or not isinstance(field.data, str):
                continue
            try:
                textguard.check_text(field.data, field=field.short_name)
            except DomainError as exc:
                field.errors = [*field.errors, str(exc)]
                valid = False
        if valid and not self.reconsidered():
            valid = self._think_twice()
        return valid

    def reconsidered(self) -> bool:
        """Whether the person already saw the "think before posting" prompt and chose to post anyway
        (the button of that name the prompt adds to the form, see the ``field`` macro)."""
        return has_request_context() and request.form.get(RECONSIDERED) == "1"

    def _think_twice(self) -> bool:
        """Soft checks (see ``textguard.soft_prompt``): a calm prompt beside the field, and the form
        waits for a second submit: edited, or the same text with "post anyway"."""
        calm = True
        for field in user_text_fields(self):
            if not isinstance(field.data, str):
                continue
            prompt = textguard.soft_prompt(field.data, field=field.short_name)
            if prompt is not None:
                field.prompt = prompt
                field.errors = [*field.errors, prompt]
                calm = False
        return calm


#: The name of the "post anyway" button the think-before-posting prompt adds to a form.
RECONSIDERED = "reconsidered"


def only_prompts(form: Any) -> bool:
    """Whether everything the form says is a think-before-posting prompt: nothing is wrong, it only
    waits for the person to edit their text or post it anyway."""
    flagged = [f for f in form if f.errors]
    return bool(flagged) and all(getattr(f, "prompt", None) and list(f.errors) == [f.prompt] for f in flagged)


def attention_status(form: Any) -> int:
    """The status of a page shown again for a form: 200 for a think-before-posting prompt (the second
    step of the same form), 400 when something in it is wrong."""
    return 200 if only_prompts(form) else 400


@dataclass
class Kept:
    """A form the person just sent that needs their attention, shown again in its place on the page it
    came from, instead of a redirect that would throw their text away: what they wrote, the message
    beside the field, or the think-before-posting prompt with "Edit the text" and "Post anyway".

    A page has several such forms (the comment form, a reply under each comment); ``slot`` names the
    one this is, and the template asks ``kept.at(slot)`` for each (the ``comment_box`` macro). Views
    that used to redirect back return ``render(..., kept=Kept(form, slot)), kept.status``."""

    form: Any
    slot: Any = None

    def at(self, slot: Any = None) -> Any:
        return self.form if slot == self.slot else None

    @property
    def status(self) -> int:
        return attention_status(self.form)

    @property
    def messages(self) -> list[str]:
        """What is wrong (not the think-before-posting prompts), for the summary at the top of the page:
        also there when the form itself is no longer offered to the person."""
        found = [
            str(e)
            for f in self.form
            if f.name != "csrf_token"
            for e in f.errors
            if e != getattr(f, "prompt", None)
        ]
        if "csrf_token" in self.form and self.form["csrf_token"].errors:
            found.append(_("The form had expired. Please send it again."))
        return found


class NotUserText:
    """Marks a text field whose value the machine reads, not people (a token, a colour, a host name):
    the text guard leaves it alone."""

    field_flags = {"not_user_text": True}

    def __call__(self, _form: FlaskForm, _field: Field) -> None:
        return None


def user_text_fields(form: Any) -> Iterator[Field]:
    """The fields of ``form`` (nested lists and sub-forms included) in which people write text."""
    for field in form:
        if isinstance(field, FieldList):
            yield from user_text_fields(field)
        elif isinstance(field, FormField):
            yield from user_text_fields(field.form)
        elif (
            isinstance(field, StringField)
            and not isinstance(field, PasswordField | HiddenField | EmailField)
            and not getattr(field.flags, "not_user_text", False)
            and not any(isinstance(v, Email) for v in field.validators)
        ):
            yield field


class UploadField(FlaskFileField):
    """A file upload. Its data is only ever the file sent with this request: a form filled from a stored
    object (``ThemeForm(obj=space)``) would otherwise carry the stored file name in it, taken for an
    upload when the form is saved again without a new file."""

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        super().process(formdata, data=None, extra_filters=extra_filters)


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


class NumberField(DecimalField):
    """A decimal number as people write it: "4,5" as well as "4.5"; never NaN or infinity (which
    Python's Decimal would accept, and comparisons would then raise on)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice (more usable than a multiple select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


#: The largest id a database integer column holds; a larger number cannot name a row.
MAX_ID = 2**31 - 1


def small_int(value: object) -> int | None:
    """An id (or a page number) from a form field or the query string, or None when it is not a
    whole number a row could have. Every id that arrives as text is read through this one function."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:  # "²".isdigit() too
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def coerce_id(value: object) -> int:
    """``coerce=`` for a choice field whose values are ids: ``small_int``, and anything else is the
    field's own "Not a valid choice" error."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    number = small_int(value)
    if number is None:
        raise ValueError(value)
    return number


def flash_errors(form: FlaskForm) -> None:
    """Shows a form's field errors as flash messages, for small forms that redirect back to a page."""
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


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


__all__ = [
    "Form",
    "Kept",
    "MultiCheckboxField",
    "NoControlCharacters",
    "NotUserText",
    "NumberField",
    "Optional",
    "Required",
    "UploadField",
    "attention_status",
    "choices",
    "coerce_id",
    "email_field",
    "flash_errors",
    "length",
    "small_int",
    "strip",
]
