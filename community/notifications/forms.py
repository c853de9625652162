from __future__ import annotations

from wtforms import BooleanField, HiddenField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from community.forms import Form, choices
from community.i18n import _l
from community.notifications.models import FREQUENCY_LABELS, LEVEL_LABELS, Level


def _level_choices():
    return choices((level.value, label) for level, label in LEVEL_LABELS.items())


def _frequency_choices(default_label=None):
    pairs = [(f.value, label) for f, label in FREQUENCY_LABELS.items()]
    return choices([("", default_label), *pairs] if default_label else pairs)


class FollowForm(Form):
    """Follow, change how, or stop following one thing (the button on its page)."""

    level = SelectField(_l("What reaches you"), choices=_level_choices, default=Level.EVERYTHING.value)


class FollowRowForm(Form):
    """One row of the list of everything one follows."""

    level = SelectField(_l("What reaches you"), choices=_level_choices)
    frequency = SelectField(_l("E-mail"), choices=lambda: _frequency_choices(_l("As my default")))


class SettingsForm(Form):
    frequency = SelectField(_l("E-mail about what I follow"), choices=_frequency_choices)
    digest_hour = IntegerField(
        _l("Hour of the digest (0–23, Danish time)"),
        validators=[
            InputRequired(message=_l("Give an hour from 0 to 23.")),
            NumberRange(min=0, max=23, message=_l("Give an hour from 0 to 23.")),
        ],
    )
    auto_follow = BooleanField(_l("Follow what I write, answer, sign up for or support"))


class UndoForm(Form):
    previous = HiddenField()

    def previous_level(self) -> Level | None:
        value = self.previous.data or ""
        return Level(value) if value in Level._value2member_map_ else None
