from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange

from community.forms import (
    Form,
    MultiCheckboxField,
    NoControlCharacters,
    NotUserText,
    NumberField,
    Optional,
    Required,
    choices,
    coerce_id,
    length,
    strip,
)
from community.helpdesk.models import GUIDE_LANGUAGES, LANGUAGE_LABELS, MODE_LABELS
from community.i18n import _l

MODE_CHOICES = [(m.value, label) for m, label in MODE_LABELS.items()]
LANGUAGE_CHOICES = list(LANGUAGE_LABELS.items())
TIME_FORMAT = "%Y-%m-%dT%H:%M"
#: The consent an assisted citizen gives; stored word for word with the request.
PHONE_PRIVACY = _l(
    "Only the volunteer who says yes to your request sees it (and whoever asked for help for you), "
    "so they can call you. Other volunteers and the organisers do not see it."
)
CONSENT_TEXT = _l(
    "The person I ask for has agreed that Fælled passes their name, phone number and request on to a "
    "volunteer and to the organisers, to arrange the help."
)


class TopicForm(Form):
    name = StringField(
        _l("Name"), filters=[strip], validators=[Required(), length(min=2, max=120), NoControlCharacters()]
    )
    summary = TextAreaField(_l("What it is about"), validators=[Optional(), length(max=500)])


class GuideForm(Form):
    title = StringField(
        _l("Title"), filters=[strip], validators=[Required(), length(min=3, max=200), NoControlCharacters()]
    )
    language = SelectField(
        _l("Language of the guide"), choices=choices(list(GUIDE_LANGUAGES.items())), default="da"
    )
    summary = TextAreaField(_l("In one or two sentences"), validators=[Optional(), length(max=500)])
    steps = TextAreaField(
        _l("Steps"),
        validators=[Required(), length(max=20000)],
        description=_l("One step per paragraph: leave an empty line between the steps. Use plain words."),
    )
    images = MultipleFileField(
        _l("Pictures (optional)"),
        description=_l("One picture per step, in the order of the steps. PNG, JPEG, GIF or WebP."),
        render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp", "multiple": True},
    )
    image_alts = TextAreaField(
        _l("Describe the pictures"),
        validators=[Optional(), length(max=3000)],
        description=_l("One line per picture, for those who cannot see it: what does it show?"),
    )


class VolunteerForm(Form):
    topics = MultiCheckboxField(_l("I can help with"), coerce=coerce_id, choices=[], validate_choice=False)
    modes = MultiCheckboxField(_l("How I can help"), choices=choices(MODE_CHOICES))
    languages = MultiCheckboxField(_l("Languages I speak"), choices=choices(LANGUAGE_CHOICES), default=["da"])
    radius_km = NumberField(
        _l("How far I go (km)"),
        places=1,
        validators=[
            Required(),
            NumberRange(min=0.5, max=50, message=_l("Choose a distance between 0.5 and 50 km.")),
        ],
        default=5,
    )
    availability = StringField(
        _l("When I am usually free"),
        validators=[Optional(), length(max=300), NoControlCharacters()],
        description=_l("For example: weekday mornings, Thursday afternoons."),
    )
    about = TextAreaField(_l("A few words about me (optional)"), validators=[Optional(), length(max=1000)])
    paused = BooleanField(_l("Pause: I take no new requests for now"))


class SessionForm(Form):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[Required(), length(min=3, max=200), NoControlCharacters()],
        default="IT-café",
    )
    place = StringField(
        _l("Where"),
        validators=[Required(), length(max=120), NoControlCharacters()],
        description=_l(
            "A town or postcode; write the room in the notes, for example: the library's reading room."
        ),
        render_kw={"list": "places", "autocomplete": "off"},
    )
    starts_at = DateTimeLocalField(_l("Starts"), validators=[Required()], format=TIME_FORMAT)
    ends_at = DateTimeLocalField(_l("Ends"), validators=[Required()], format=TIME_FORMAT)
    seats = IntegerField(
        _l("Seats"),
        validators=[
            Required(),
            NumberRange(min=1, max=500, message=_l("Give a number of seats between 1 and 500.")),
        ],
        default=8,
    )
    weeks = IntegerField(
        _l("Repeat every week for (weeks)"),
        validators=[Required(), NumberRange(min=1, max=26, message=_l("Repeat it for 1 to 26 weeks."))],
        default=1,
    )
    topics = MultiCheckboxField(_l("Topics"), coerce=coerce_id, choices=[], validate_choice=False)
    notes = TextAreaField(_l("Notes (optional)"), validators=[Optional(), length(max=1000)])


class BookingForm(Form):
    attendee_name = StringField(
        _l("The seat is for (leave empty if it is for you)"),
        validators=[Optional(), length(max=120), NoControlCharacters()],
        description=_l("Booking for a parent or a neighbour? Write their name."),
    )


class RequestForm(Form):
    who = RadioField(
        _l("Who needs help?"),
        choices=choices([("me", _l("I do")), ("other", _l("Someone else, who has no e-mail"))]),
        default="me",
    )
    topic = SelectField(_l("What is it about?"), coerce=coerce_id, choices=[], validate_choice=False)
    mode = RadioField(_l("How would you like the help?"), choices=choices(MODE_CHOICES), default="drop_in")
    description = TextAreaField(
        _l("Tell a little about what is difficult"),
        validators=[Optional(), length(max=2000)],
        description=_l("Never write CPR numbers, passwords or MitID codes."),
    )
    window_1_start = DateTimeLocalField(
        _l("A time that suits: from"), validators=[Optional()], format=TIME_FORMAT
    )
    window_1_end = DateTimeLocalField(_l("until"), validators=[Optional()], format=TIME_FORMAT)
    window_2_start = DateTimeLocalField(_l("Another time: from"), validators=[Optional()], format=TIME_FORMAT)
    window_2_end = DateTimeLocalField(_l("until"), validators=[Optional()], format=TIME_FORMAT)
    window_3_start = DateTimeLocalField(_l("A third time: from"), validators=[Optional()], format=TIME_FORMAT)
    window_3_end = DateTimeLocalField(_l("until"), validators=[Optional()], format=TIME_FORMAT)
    place = StringField(
        _l("Where (town or postcode)"),
        validators=[Optional(), length(max=120), NoControlCharacters()],
        description=_l("For help at home or at the library. Leave empty to use your home village."),
        render_kw={"list": "places", "autocomplete": "off"},
    )
    person_name = StringField(
        _l("Their name"), validators=[Optional(), length(max=120), NoControlCharacters()]
    )
    phone = StringField(
        _l("Their phone number"),
        validators=[Optional(), length(max=30)],
        description=_l("Only the volunteer who helps and the organisers see it."),
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    consent = BooleanField(CONSENT_TEXT)
    my_phone = StringField(
        _l("Your phone number (optional)"),
        validators=[Optional(), length(max=30)],
        description=PHONE_PRIVACY,
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )


class PhoneForm(Form):
    phone = StringField(
        _l("Phone number"),
        validators=[Optional(), length(max=30)],
        description=PHONE_PRIVACY,
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )


class AssignForm(Form):
    volunteer_id = SelectField(_l("Volunteer"), coerce=coerce_id, choices=[], validate_choice=False)
    assign_reason = TextAreaField(
        _l("Why (kept on record and told to the volunteers)"),
        validators=[Optional(), length(max=500)],
        description=_l("Needed when another volunteer had the request."),
    )


class ReleaseForm(Form):
    release_reason = TextAreaField(
        _l("Why (kept on record and told to the volunteer)"), validators=[Required(), length(max=500)]
    )


class HandBackForm(Form):
    hand_back_reason = TextAreaField(
        _l("Why (optional, the organisers see it)"), validators=[Optional(), length(max=500)]
    )


class AttendanceForm(Form):
    came = MultiCheckboxField(_l("Came"), coerce=coerce_id, choices=[], validate_choice=False)


class FeedbackForm(Form):
    #: "good" or "bad", from a button
    answer = StringField(validators=[Required(), length(max=20), NotUserText()])


class ScheduleForm(Form):
    agreed_at = DateTimeLocalField(_l("The agreed time"), validators=[Required()], format=TIME_FORMAT)


class DoneForm(Form):
    hours = NumberField(
        _l("Time spent (hours)"),
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0.25, max=24, message=_l("Give the time spent in hours, between 0.25 and 24.")),
        ],
    )
    rating = SelectField(
        _l("How did it go?"),
        choices=choices(
            [
                ("", _l("Rather not say")),
                ("5", _l("Very well")),
                ("4", _l("Well")),
                ("3", _l("So-so")),
                ("2", _l("Not so well")),
                ("1", _l("Badly")),
            ]
        ),
    )
    feedback = TextAreaField(_l("A few words (optional)"), validators=[Optional(), length(max=1000)])
