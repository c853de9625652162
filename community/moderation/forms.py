from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, ValidationError

from community.forms import Form, NotUserText, Optional, Required, choices, email_field, length, strip
from community.i18n import _l
from community.moderation.models import PERSON_REASONS, REASON_LABELS, WORD_ACTION_LABELS, WordAction


class ReportForm(Form):
    reason = RadioField(
        _l("What is wrong?"),
        choices=choices([(r.value, REASON_LABELS[r]) for r in PERSON_REASONS]),
        validators=[Required(_l("Choose what is wrong."))],
    )
    note = TextAreaField(
        _l("Tell the moderators more (needed for “Something else”)"),
        filters=[strip],
        validators=[Optional(), length(max=1000)],
    )
    hide_now = BooleanField(_l("Hide it at once (moderators)"))


ACT_CHOICES = (
    ("keep", _l("Keep it: dismiss the reports")),
    ("hide", _l("Hide it, with the reason shown in its place")),
    ("edit", _l("Edit a passage out")),
    ("delete", _l("Delete it")),
    ("warn", _l("Warn the author")),
    ("suspend", _l("Suspend the author from the space for a number of days")),
    ("exclude", _l("Exclude the author from the space")),
)


class ActForm(Form):
    action = RadioField(
        _l("What to do"), choices=choices(ACT_CHOICES), validators=[Required(_l("Choose what to do."))]
    )
    reason = TextAreaField(
        _l("Reason (the author is told)"),
        filters=[strip],
        validators=[Optional(), length(max=500)],
        description=_l("Needed for everything but keeping it. Write it so the author understands."),
    )
    days = IntegerField(
        _l("Days of suspension"),
        validators=[
            Optional(),
            NumberRange(min=1, max=365, message=_l("Give a number of days from 1 to 365.")),
        ],
    )
    text = TextAreaField(_l("The text with the passage removed"), validators=[Optional(), length(max=20000)])


class SpaceActForm(Form):
    action = RadioField(
        _l("What to do with the whole space"),
        choices=choices(
            [
                ("keep", _l("Keep it: dismiss the reports")),
                ("freeze", _l("Freeze it: everyone can read, nobody can write")),
                ("unfreeze", _l("Open it for writing again")),
                ("archive", _l("Archive it")),
            ]
        ),
        validators=[Required(_l("Choose what to do."))],
    )
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Optional(), length(max=500)])


class AppealForm(Form):
    text = TextAreaField(
        _l("Why should the decision change?"),
        filters=[strip],
        validators=[Required(), length(max=2000)],
    )


class DecideForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=choices(
            [
                ("upheld", _l("Turn the appeal down: the decision stands")),
                ("overturned", _l("Grant the appeal: undo the decision")),
            ]
        ),
        validators=[Required(_l("Choose a decision."))],
    )
    note = TextAreaField(
        _l("Explanation to the author"), filters=[strip], validators=[Required(), length(max=1000)]
    )


class WordForm(Form):
    pattern = StringField(
        _l("Word, phrase or /pattern/"),
        filters=[strip],
        validators=[Required(), length(max=200), NotUserText()],
        description=_l("Other forms of a word are caught too. Write a regular expression between slashes."),
    )
    action = SelectField(
        _l("What happens"),
        choices=choices([(a.value, WORD_ACTION_LABELS[a]) for a in WordAction]),
        validators=[Required()],
    )


class ProtectedForm(Form):
    name = StringField(_l("Name"), filters=[strip], validators=[Required(), length(max=120), NotUserText()])
    variants = TextAreaField(
        _l("Other ways people write the name, one per line"),
        validators=[Optional(), length(max=2000), NotUserText()],
    )
    email = StringField(
        _l("Their account's e-mail, if they take part under an official badge (optional)"),
        filters=[strip],
        validators=[Optional(), length(max=254), NotUserText()],
    )


class DeleteAccountForm(Form):
    content = RadioField(
        _l("What you wrote"),
        choices=choices(
            [
                ("keep", _l("Keep my posts and comments, shown as written by “a former member”")),
                ("delete", _l("Delete my posts and comments too")),
            ]
        ),
        default="keep",
        validators=[Required()],
    )
    password = PasswordField(_l("Your password, to confirm"), validators=[Required()])


class StaffDeleteForm(Form):
    content = RadioField(
        _l("What they wrote"),
        choices=choices([("keep", _l("Keep, shown as “a former member”")), ("delete", _l("Delete"))]),
        default="keep",
        validators=[Required()],
    )
    confirm = BooleanField(
        _l("The person asked for this, and I have checked who they are"), validators=[Required()]
    )


class PersonForm(Form):
    email = email_field()


def _sensible_date(_form: Form, field: DateField) -> None:
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Give a date between the years 2000 and 2100."))


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    space = SelectField(_l("Space"), validators=[Optional()])
    actor = StringField(_l("Who"), filters=[strip], validators=[Optional(), length(max=80), NotUserText()])
    since = DateField(_l("From (date)"), validators=[Optional(), _sensible_date])
    until = DateField(_l("To (date, included)"), validators=[Optional(), _sensible_date])
