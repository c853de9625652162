from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, NumberRange, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from community.forms import Form, NoControlCharacters, NumberField, Optional, Required, choices, length, strip
from community.i18n import _l
from community.maintenance.models import (
    FACILITY_LABELS,
    FAULT_CATEGORY_LABELS,
    FAULT_STATUS_LABELS,
    FIXTURE_LABELS,
    TASK_LABELS,
)
from community.maintenance.services.recurrence import within_years
from community.maintenance.services.repeat import FREQUENCY_LABELS, Frequency, day_names
from community.maintenance.services.service_level import INTERVALS

WHEN = "%Y-%m-%dT%H:%M"
IMAGE_ACCEPT = {"accept": "image/png,image/jpeg,image/gif,image/webp"}
TASK_CHOICES = [(t.value, label) for t, label in TASK_LABELS.items()]
FIXTURE_CHOICES = [(k.value, label) for k, label in FIXTURE_LABELS.items()]
CATEGORY_CHOICES = [(c.value, label) for c, label in FAULT_CATEGORY_LABELS.items()]
REPEAT_CHOICES = [(f.value, label) for f, label in FREQUENCY_LABELS.items() if f != Frequency.CUSTOM]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoNul:
    """Refuses the NUL character in multi-line text (where line breaks and tabs are welcome): PostgreSQL
    cannot store it in a text column, and saving it was a 500."""

    def __call__(self, _form, field) -> None:
        if isinstance(field.data, str) and "\x00" in field.data:
            raise ValidationError(_l("Remove the invisible control characters from this text."))


class WhenField(DateTimeLocalField):
    """A Danish wall-clock time; one outside ``recurrence.YEARS`` is as unreadable as "tomorrow" (year 1
    or 9999 overflowed when turned into UTC, or when a visit's length was added)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not within_years(self.data):
            self.data = None
            raise ValueError(self.gettext("Not a valid datetime value."))


def _when(label) -> WhenField:
    return WhenField(label, validators=[Required()], format=WHEN)


class DayField(DateField):
    """A Danish date (no time); outside ``recurrence.YEARS`` it is not a date we can use."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not within_years(self.data):
            self.data = None
            raise ValueError(self.gettext("Not a valid date value."))


class FacilityForm(Form):
    name = StringField(
        _l("Name"), filters=[strip], validators=[Required(), length(max=120), NoControlCharacters()]
    )
    kind = SelectField(
        _l("Kind"), choices=choices([(k.value, label) for k, label in FACILITY_LABELS.items()])
    )
    surface = StringField(
        _l("Surface (optional)"),
        filters=[strip],
        validators=[Optional(), length(max=80), NoControlCharacters()],
    )
    place = StringField(
        _l("Town or postcode"),
        filters=[strip],
        validators=[Optional(), length(max=120), NoControlCharacters()],
        description=_l("Used when you leave the coordinates empty."),
        render_kw={"list": "places", "autocomplete": "off"},
    )
    latitude = NumberField(_l("Latitude (optional)"), places=6, validators=[Optional()])
    longitude = NumberField(_l("Longitude (optional)"), places=6, validators=[Optional()])
    description = TextAreaField(
        _l("Description (optional)"), validators=[Optional(), length(max=2000), NoNul()]
    )


def _month_choices() -> list:
    """The months by name, in the reader's language (built per form, when the language is known)."""
    from community.maintenance.services.service_level import month_name

    return choices([("", _l("All year")), *((str(m), month_name(m)) for m in range(1, 13))])


def _optional_int(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class TermsForm(Form):
    """The terms of an agreement: its season and service level, as data."""

    interval_days = SelectField(
        _l("How often"),
        choices=choices(
            [("", _l("No fixed frequency")), *((str(days), label) for days, label in INTERVALS.items())]
        ),
        coerce=_optional_int,
        validate_choice=False,
    )
    season_start_month = SelectField(
        _l("Season from"),
        choices=[],
        coerce=_optional_int,
        validate_choice=False,
        description=_l("For example April to October for mowing. Plans give no visits outside it."),
    )
    season_end_month = SelectField(_l("Season to"), choices=[], coerce=_optional_int, validate_choice=False)
    height_mm = IntegerField(
        _l("Cut to this grass height in mm (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=500, message=_l("Give a height between 1 and 500 mm.")),
        ],
    )
    max_height_mm = IntegerField(
        _l("The grass never taller than this in mm (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=1000, message=_l("Give a height between 1 and 1000 mm.")),
        ],
        description=_l("For example 60 for “under 6 cm”. The crew notes the height when they come."),
    )
    quiet_hours_before = IntegerField(
        _l("Not within this many hours before kick-off (optional)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=72, message=_l("Give a number of hours from 0 to 72.")),
        ],
        description=_l("Empty: 2 hours for mowing, watering and brushing, otherwise none."),
    )
    wanted_within_hours = IntegerField(
        _l("Wanted within this many hours before a match (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=168, message=_l("Give a number of hours from 1 to 168.")),
        ],
        description=_l("Empty: 48 hours for line marking, otherwise not asked for."),
    )
    service_level = StringField(
        _l("Other terms (optional)"),
        filters=[strip],
        validators=[Optional(), length(max=300), NoControlCharacters()],
        description=_l("In words, for what the fields above do not cover."),
    )
    fault_categories = MultiCheckboxField(
        _l("Fault reports this contractor handles here"),
        choices=choices(CATEGORY_CHOICES),
        validate_choice=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.season_start_month.choices = _month_choices()
        self.season_end_month.choices = _month_choices()

    def validate_season_start_month(self, field) -> None:
        if field.data is not None and not 1 <= field.data <= 12:
            raise ValidationError(_l("A month is a number from 1 to 12."))

    def validate_season_end_month(self, field) -> None:
        if field.data is not None and not 1 <= field.data <= 12:
            raise ValidationError(_l("A month is a number from 1 to 12."))

    def validate_interval_days(self, field) -> None:
        if field.data is not None and field.data not in INTERVALS:
            raise ValidationError(_l("Not a valid choice."))


class AgreementForm(TermsForm):
    contractor = SelectField(_l("Contractor"), choices=[], validate_choice=False)
    task = SelectField(_l("Task"), choices=choices(TASK_CHOICES))


class ClubLinkForm(Form):
    club = SelectField(_l("Club"), choices=[], validate_choice=False)


class ClosureForm(Form):
    starts_at = _when(_l("Closed from"))
    ends_at = _when(_l("Closed until"))
    reason = StringField(
        _l("Why"),
        filters=[strip],
        validators=[Required(), length(max=300), NoControlCharacters()],
        description=_l("For example: waterlogged after the rain, or frost."),
    )


class FixtureForm(Form):
    facility_id = SelectField(_l("Facility"), choices=[], validate_choice=False)
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[Required(), length(max=200), NoControlCharacters()],
        description=_l("For example: U13 against Hørning IF."),
    )
    kind = SelectField(_l("Kind"), choices=choices(FIXTURE_CHOICES))
    starts_at = _when(_l("Starts"))
    ends_at = _when(_l("Ends"))
    repeat = SelectField(_l("Repeats"), choices=choices(REPEAT_CHOICES), validate_choice=False)
    weekdays = MultiCheckboxField(
        _l("On these days"),
        choices=[],
        validate_choice=False,
        description=_l(
            "Every week or every other week: tick the days. Every month: none for the same date "
            "each month, or the weekday for, say, the first Saturday of each month."
        ),
    )
    until = DayField(
        _l("Last date (optional)"),
        validators=[Optional()],
        description=_l("Empty: it goes on until you change it."),
    )
    skip_holidays = BooleanField(_l("Not on Danish public holidays"))
    skipped_dates = TextAreaField(
        _l("Not on these dates (optional)"),
        validators=[Optional(), length(max=2000), NoNul()],
        description=_l("For example the autumn holiday: 17-10-2026, 24-10-2026. Separate dates with commas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekdays.choices = choices([(str(i), name) for i, name in day_names().items()])
        if self.repeat.data not in {f.value for f in Frequency}:
            self.repeat.data = Frequency.ONCE.value


class ImportForm(Form):
    facility_id = SelectField(_l("Facility"), choices=[], validate_choice=False)
    kind = SelectField(
        _l("Kind, when the file does not say"),
        choices=choices(FIXTURE_CHOICES),
        description=_l("Events with a word like kamp, turnering or træning in the title get that kind."),
    )
    file = FileField(
        _l("Calendar file (.ics)"),
        validators=[Required(_l("Choose a calendar file (.ics)."))],
        description=_l("Exported from your club system or calendar app, at most 1 MB."),
        render_kw={"accept": ".ics,text/calendar"},
    )


class RequestForm(Form):
    facility_id = SelectField(_l("Facility"), choices=[], validate_choice=False)
    task = SelectField(_l("What should be done"), choices=choices(TASK_CHOICES))
    occurrence = SelectField(
        _l("For which booking (optional)"),
        choices=[],
        validate_choice=False,
        description=_l("Each time of a repeating fixture is listed on its own."),
    )
    wanted_before = WhenField(
        _l("Done before"),
        validators=[Optional()],
        format=WHEN,
        description=_l("Empty: before the booking you chose starts."),
    )
    message = TextAreaField(
        _l("Message"),
        validators=[Optional(), length(max=5000), NoNul()],
        description=_l("For example: we play the U13 final at 10:00; please mow pitch 2 before."),
    )


class ProposeForm(Form):
    at = _when(_l("Proposed time"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), length(max=2000), NoNul()])


class DeclineForm(Form):
    reason = TextAreaField(_l("Why not"), validators=[Required(), length(max=500), NoNul()])


class ThreadForm(Form):
    body = TextAreaField(_l("Message"), validators=[Required(), length(max=5000), NoNul()])


class PlanForm(Form):
    agreement = SelectField(_l("Agreement"), choices=[], validate_choice=False)
    starts_at = _when(_l("First visit"))
    duration_minutes = IntegerField(
        _l("Minutes per visit"),
        default=60,
        validators=[Required(), NumberRange(min=10, max=720, message=_l("Give between 10 and 720 minutes."))],
    )
    rrule = StringField(
        _l("Repeats"),
        filters=[strip],
        default="FREQ=WEEKLY",
        validators=[Required(), length(max=500), NoControlCharacters()],
        description=_l(
            "A calendar rule: FREQ=WEEKLY for every week on the first visit's weekday, "
            "FREQ=WEEKLY;INTERVAL=2 for every other week."
        ),
    )
    note = StringField(
        _l("Note (optional)"),
        filters=[strip],
        validators=[Optional(), length(max=300), NoControlCharacters()],
    )


class DoneForm(Form):
    height_mm = IntegerField(
        _l("Grass height when you came, in mm (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=1000, message=_l("Give a height between 1 and 1000 mm.")),
        ],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), length(max=2000), NoNul()])
    photo = FileField(
        _l("Photo (optional)"),
        description=_l("PNG, JPEG, GIF or WebP, at most 10 MB. Location data in the file is removed."),
        render_kw=IMAGE_ACCEPT,
    )


class SkipForm(Form):
    reason = StringField(
        _l("Why was it skipped"),
        filters=[strip],
        validators=[Required(), length(max=500), NoControlCharacters()],
        description=_l("For example: too wet to mow."),
    )


class MoveForm(Form):
    to = _when(_l("New time"))


class FaultForm(Form):
    facility_id = SelectField(_l("Facility"), choices=[], validate_choice=False)
    place = StringField(
        _l("Or a place: town or postcode"),
        filters=[strip],
        validators=[Optional(), length(max=120), NoControlCharacters()],
        render_kw={"list": "places", "autocomplete": "off"},
    )
    latitude = NumberField(
        _l("Latitude (optional)"),
        places=6,
        validators=[Optional()],
        description=_l("From the map or your phone, for example 56.0613."),
    )
    longitude = NumberField(_l("Longitude (optional)"), places=6, validators=[Optional()])
    category = SelectField(_l("What is it"), choices=choices(CATEGORY_CHOICES))
    description = TextAreaField(
        _l("Describe it"),
        validators=[Required(), length(max=3000), NoNul()],
        description=_l("Where exactly, and what is wrong. Everyone can read it; never write CPR numbers."),
    )
    photo = FileField(
        _l("Photo (optional)"),
        description=_l("PNG, JPEG, GIF or WebP, at most 10 MB. Location data in the file is removed."),
        render_kw=IMAGE_ACCEPT,
    )
    confirmed = HiddenField()
    # Without an account: how we may reach you, all optional and never shown publicly.
    reporter_name = StringField(
        _l("Your name (optional)"),
        filters=[strip],
        validators=[Optional(), length(max=120), NoControlCharacters()],
        render_kw={"autocomplete": "name"},
    )
    reporter_email = StringField(
        _l("Your e-mail (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            length(max=254),
            Email(message=_l("Write an e-mail address such as name@example.dk, or leave it empty.")),
        ],
        description=_l("We send you the private link to follow the report, and tell you when it changes."),
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    reporter_phone = StringField(
        _l("Your phone (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            length(max=40),
            Regexp(
                r"^\+?[0-9 ()-]{6,40}$",
                message=_l("Write a phone number such as 86 12 34 56, or leave it empty."),
            ),
        ],
        description=_l("Only for questions about the report from whoever fixes it."),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )


class FaultUpdateForm(Form):
    status = SelectField(
        _l("New status"),
        choices=choices(
            [("", _l("Keep the status")), *((v.value, label) for v, label in FAULT_STATUS_LABELS.items())]
        ),
        validate_choice=False,
    )
    responsible_instead = StringField(
        _l("Who is responsible instead (for “not ours”)"),
        filters=[strip],
        validators=[Optional(), length(max=300), NoControlCharacters()],
    )
    note = TextAreaField(_l("Note (shown publicly)"), validators=[Optional(), length(max=3000), NoNul()])
