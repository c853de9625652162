from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange

from community.engagement.models import (
    ANSWER_MAX,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    IDEA_BODY_MAX,
    IDEA_CATEGORY_LABELS,
    IDEA_TITLE_MAX,
    MODE_LABELS,
    QUESTION_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
)
from community.forms import (
    Form,
    MultiCheckboxField,
    NoControlCharacters,
    NumberField,
    Optional,
    Required,
    choices,
    coerce_id,
    length,
    strip,
)
from community.i18n import _l

TIME_FORMAT = "%Y-%m-%dT%H:%M"
CATEGORY_CHOICES = [(c.value, label) for c, label in IDEA_CATEGORY_LABELS.items()]


def _title(label=None, max_length: int = TITLE_MAX) -> StringField:
    return StringField(
        label or _l("Title"),
        filters=[strip],
        validators=[Required(), length(max=max_length), NoControlCharacters()],
    )


class QASessionForm(Form):
    title = _title()
    description = TextAreaField(
        _l("What it is about (optional)"), validators=[Optional(), length(max=DESCRIPTION_MAX)]
    )
    space_id = SelectField(_l("Where"), choices=[], validate_choice=False)
    hosts = MultiCheckboxField(_l("Hosts who answer"), coerce=coerce_id, choices=[], validate_choice=False)
    helpers = StringField(
        _l("Helpers who moderate (optional)"),
        validators=[Optional(), length(max=1000)],
        description=_l("Their e-mail addresses, separated by commas. Staff can always moderate."),
    )
    starts_at = DateTimeLocalField(_l("Starts"), validators=[Required()], format=TIME_FORMAT)
    ends_at = DateTimeLocalField(_l("Ends"), validators=[Required()], format=TIME_FORMAT)
    open_hours_before = IntegerField(
        _l("Questions open this many hours before the start"),
        validators=[
            Required(),
            NumberRange(min=0, max=336, message=_l("Give a number of hours between 0 and 336.")),
        ],
        default=48,
    )
    premoderated = BooleanField(_l("Pre-moderation: a moderator publishes each question first"))


class AskForm(Form):
    body = TextAreaField(
        _l("Your question"),
        validators=[Required(_l("Write your question first.")), length(max=QUESTION_MAX)],
        description=_l("Short and to the point, at most 300 characters."),
    )
    anonymous = BooleanField(_l("Hide my name from other citizens (the moderators still see it)"))


class ReasonForm(Form):
    reason = StringField(
        _l("Why is it hidden?"),
        filters=[strip],
        validators=[Required(), length(max=REASON_MAX), NoControlCharacters()],
    )


class MergeForm(Form):
    into = SelectField(_l("Same as question"), coerce=coerce_id, choices=[], validate_choice=False)


class AnswerForm(Form):
    answer = TextAreaField(_l("Your answer"), validators=[Required(), length(max=ANSWER_MAX)])


class ActionForm(Form):
    """A button that posts: only the CSRF token."""


class MeetingForm(Form):
    title = _title()
    description = TextAreaField(
        _l("What it is about (optional)"), validators=[Optional(), length(max=DESCRIPTION_MAX)]
    )
    space_id = SelectField(_l("Where"), choices=[], validate_choice=False)
    opens_at = DateTimeLocalField(_l("Opens"), validators=[Required()], format=TIME_FORMAT)
    closes_at = DateTimeLocalField(_l("Closes"), validators=[Required()], format=TIME_FORMAT)
    topics = TextAreaField(
        _l("Agenda"),
        validators=[Required(), length(max=20000)],
        description=_l(
            "One topic per line. Add a description after a colon: “Traffic: the new school road”."
        ),
    )


class CommentForm(Form):
    body = TextAreaField(
        _l("Your comment"), validators=[Required(_l("Write your comment first.")), length(max=COMMENT_MAX)]
    )
    parent_id = HiddenField()


class SummaryForm(Form):
    summary = TextAreaField(_l("Summary"), validators=[Required(), length(max=SUMMARY_MAX)])


class ConsultationForm(Form):
    title = _title()
    description = TextAreaField(
        _l("The decision to be made"), validators=[Required(), length(max=DESCRIPTION_MAX)]
    )
    space_id = SelectField(_l("Where"), choices=[], validate_choice=False)
    deadline = DateTimeLocalField(_l("Deadline"), validators=[Required()], format=TIME_FORMAT)
    mode = RadioField(
        _l("How citizens answer"),
        choices=choices([(m.value, label) for m, label in MODE_LABELS.items()]),
        default="preference",
    )
    documents = TextAreaField(
        _l("Documents (optional)"),
        validators=[Optional(), length(max=5000)],
        description=_l("One per line: a title, a vertical bar and the address. “Local plan | https://…”"),
    )
    sites = TextAreaField(
        _l("Candidate sites"),
        validators=[
            Required(_l("Place at least one candidate site: a consultation needs sites.")),
            length(max=10000),
        ],
        description=_l(
            "One per line: name | place | description. The place is a town, a postcode or latitude, "
            "longitude: “North of Ry | 56.10, 9.77 | By the bypass”."
        ),
    )


class SiteForm(Form):
    name = StringField(
        _l("Name of the site"),
        filters=[strip],
        validators=[Required(), length(max=TITLE_MAX), NoControlCharacters()],
    )
    place = StringField(
        _l("Town, postcode or address"),
        validators=[Optional(), length(max=120), NoControlCharacters()],
        description=_l("Or place a pin on the map, or give latitude and longitude below."),
        render_kw={"list": "places", "autocomplete": "off"},
    )
    latitude = NumberField(_l("Latitude (optional)"), places=6, validators=[Optional()])
    longitude = NumberField(_l("Longitude (optional)"), places=6, validators=[Optional()])
    description = TextAreaField(_l("Why here? (optional)"), validators=[Optional(), length(max=2000)])


class DecisionForm(Form):
    decision = TextAreaField(
        _l("The decision and its reasons"), validators=[Required(), length(max=DESCRIPTION_MAX)]
    )


class IdeaForm(Form):
    title = _title(_l("Your idea in a few words"), IDEA_TITLE_MAX)
    body = TextAreaField(
        _l("Describe it"),
        validators=[Required(), length(max=IDEA_BODY_MAX)],
        description=_l("What, where and why. What would it change?"),
    )
    category = SelectField(_l("Category"), choices=choices(CATEGORY_CHOICES), default="other")
    space_id = SelectField(_l("Where"), choices=[], validate_choice=False)
    place = StringField(
        _l("Place (optional)"),
        validators=[Optional(), length(max=120), NoControlCharacters()],
        description=_l("A town or postcode, if the idea is about one place."),
        render_kw={"list": "places", "autocomplete": "off"},
    )
    image = FileField(
        _l("A picture (optional)"), render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"}
    )
    image_alt = StringField(
        _l("Describe the picture"),
        validators=[Optional(), length(max=300), NoControlCharacters()],
        description=_l("For those who cannot see it: what does it show?"),
    )
    confirmed = HiddenField()


class IdeaResponseForm(Form):
    state = SelectField(_l("New state"), choices=[], validate_choice=False)
    text = TextAreaField(
        _l("Official response"),
        validators=[Required(), length(max=IDEA_BODY_MAX)],
        description=_l("Public, and sent to everyone who supports the idea. Give the reason when rejecting."),
    )


class IdeaMergeForm(Form):
    into = IntegerField(
        _l("Number of the idea it repeats"),
        validators=[Required(), NumberRange(min=1, max=2**31 - 1, message=_l("Give the number of an idea."))],
        description=_l("The number stands in the idea's address: /engagement/ideas/123."),
    )
    text = TextAreaField(
        _l("Message to the supporters (optional)"), validators=[Optional(), length(max=IDEA_BODY_MAX)]
    )


class SettingsForm(Form):
    idea_threshold = IntegerField(
        _l("Supporters an idea needs for a promised answer"),
        validators=[
            Required(),
            NumberRange(min=1, max=100_000, message=_l("Give a number of supporters between 1 and 100,000.")),
        ],
    )
    area_km = NumberField(
        _l("The municipality's reach from its centre (km)"),
        places=1,
        validators=[
            Required(),
            NumberRange(min=1, max=200, message=_l("Give a distance between 1 and 200 km.")),
        ],
        description=_l("Sites and ideas placed farther away are refused as outside the municipality."),
    )
    question_days = IntegerField(
        _l("Working days to answer a question"), validators=[Required(), NumberRange(min=1, max=120)]
    )
    question_active = BooleanField(_l("Promise to answer questions"))
    idea_days = IntegerField(
        _l("Working days to answer an idea past the threshold"),
        validators=[Required(), NumberRange(min=1, max=120)],
    )
    idea_active = BooleanField(_l("Promise to answer ideas"))
    fault_days = IntegerField(
        _l("Working days to acknowledge a fault report"), validators=[Required(), NumberRange(min=1, max=120)]
    )
    fault_active = BooleanField(_l("Promise to acknowledge fault reports"))
