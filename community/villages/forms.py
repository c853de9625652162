from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange

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
from community.villages.models import CATEGORY_LABELS, RSVP_LABELS

CATEGORY_CHOICES = [(c.value, label) for c, label in CATEGORY_LABELS.items()]
IMAGE_ACCEPT = {"accept": "image/png,image/jpeg,image/gif,image/webp", "multiple": True}


class PostForm(Form):
    title = StringField(
        _l("Title"), filters=[strip], validators=[Required(), length(min=3, max=200), NoControlCharacters()]
    )
    body = TextAreaField(
        _l("Text"),
        validators=[Optional(), length(max=20000)],
        description=_l("You can use Markdown: **bold**, *italic*, lists and links. Never write CPR numbers."),
    )
    tags = StringField(
        _l("Tags (optional)"),
        validators=[Optional(), length(max=200)],
        description=_l(
            "Words that help others find the post, separated by commas, for example garden, tools."
        ),
    )
    place = StringField(
        _l("Place (optional)"),
        validators=[Optional(), length(max=120), NoControlCharacters()],
        description=_l("A town, village or postcode. It puts the post on the map."),
        render_kw={"list": "places", "autocomplete": "off"},
    )
    help_category = SelectField(
        _l("What kind of help"),
        choices=choices([("", _l("Choose…")), *CATEGORY_CHOICES]),
        validate_choice=False,
    )
    help_when = StringField(
        _l("When (optional)"),
        validators=[Optional(), length(max=200), NoControlCharacters()],
        description=_l("For example: Friday afternoon, or any weekday morning."),
    )
    starts_at = DateTimeLocalField(_l("Starts"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Ends (optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    capacity = IntegerField(
        _l("Number of places (optional)"),
        validators=[Optional(), NumberRange(min=1, max=100000, message=_l("Give a number of at least 1."))],
        description=_l("Leave empty when there is room for everyone."),
    )
    poll_options = TextAreaField(
        _l("Options"),
        validators=[Optional(), length(max=2200)],
        description=_l("One option on each line, at least two."),
    )
    poll_multiple = BooleanField(_l("People may choose more than one option"))
    poll_closes_at = DateTimeLocalField(
        _l("The poll closes (optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    images = MultipleFileField(
        _l("Pictures (optional, up to 4)"),
        description=_l("PNG, JPEG, GIF or WebP, at most 10 MB each. Location data in the files is removed."),
        render_kw=IMAGE_ACCEPT,
    )
    image_description = StringField(
        _l("Describe the pictures"),
        validators=[Optional(), length(max=300)],
        description=_l("For those who cannot see them, for example: the blue trailer in our driveway."),
    )


class EditPostForm(PostForm):
    remove_images = MultiCheckboxField(
        _l("Remove pictures"), coerce=coerce_id, choices=[], validate_choice=False
    )


class CommentForm(Form):
    body = TextAreaField(_l("Your comment"), validators=[Required(), length(max=10000)])
    parent_id = HiddenField()


class ReplyForm(Form):
    body = TextAreaField(_l("Your reply"), validators=[Required(), length(max=10000)])
    parent_id = HiddenField()


class AcceptForm(Form):
    comment_id = HiddenField(validators=[Required()])


class RespondForm(Form):
    message = TextAreaField(
        _l("Your message"),
        validators=[Required(), length(max=5000)],
        description=_l("Only the author sees it. Your e-mail address is not shown."),
    )


class ResolveForm(Form):
    helper_id = SelectField(_l("Who helped you?"), coerce=str, choices=[], validate_choice=False)


class RsvpForm(Form):
    status = SelectField(
        _l("Will you come?"), choices=choices([(r.value, label) for r, label in RSVP_LABELS.items()])
    )
    waitlist = HiddenField()


class VoteForm(Form):
    options = MultiCheckboxField(_l("Your choice"), coerce=coerce_id, choices=[], validate_choice=False)


class HelpAlertForm(Form):
    radius_km = NumberField(
        _l("Within (km)"),
        places=1,
        validators=[
            Required(),
            NumberRange(min=0.5, max=50, message=_l("Choose a distance between 0.5 and 50 km.")),
        ],
    )
    categories = MultiCheckboxField(
        _l("Kinds of help (choose none to hear about every kind)"),
        choices=choices(CATEGORY_CHOICES),
        validate_choice=True,
    )
