from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Regexp

from community.forms import (
    Form,
    NoControlCharacters,
    NotUserText,
    NumberField,
    Optional,
    Required,
    UploadField,
    choices,
    email_field,
    length,
)
from community.i18n import _l
from community.spaces.models import (
    JOIN_POLICY_LABELS,
    KIND_LABELS,
    OFFICIAL_LABELS,
    ROLE_LABELS,
    VISIBILITY_LABELS,
)

KIND_CHOICES = [(k.value, label) for k, label in KIND_LABELS.items()]
VISIBILITY_CHOICES = [(k.value, label) for k, label in VISIBILITY_LABELS.items()]
JOIN_CHOICES = [(k.value, label) for k, label in JOIN_POLICY_LABELS.items()]
ROLE_CHOICES = [(k.value, label) for k, label in ROLE_LABELS.items()]
OFFICIAL_CHOICES = [("", _l("No badge")), *((k.value, label) for k, label in OFFICIAL_LABELS.items())]
IMAGE_ACCEPT = {"accept": "image/png,image/jpeg,image/gif,image/webp"}


class JoinForm(Form):
    message = TextAreaField(
        _l("A few words to the admins (optional)"), validators=[Optional(), length(max=500)]
    )


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))
    official = SelectField(_l("Official badge"), choices=choices(OFFICIAL_CHOICES))


class InviteForm(Form):
    email = email_field(_l("E-mail of the person to invite"))
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))


def color_field() -> StringField:
    return StringField(
        _l("Main colour"),
        validators=[Required(), length(max=7), NotUserText()],
        description=_l("Used behind white text, so it must be dark enough: a contrast of at least 4.5:1."),
        render_kw={"type": "color"},
    )


class ThemeForm(Form):
    """What a space admin may change: the space's words and looks."""

    name = StringField(_l("Name"), validators=[Required(), length(min=2, max=120), NoControlCharacters()])
    display_name = StringField(
        _l("Display name"),
        validators=[Optional(), length(max=120), NoControlCharacters()],
        description=_l(
            'Shown instead of the name, for example "Stilling Landsby". Leave empty to use the name.'
        ),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), length(max=2000)])
    primary_color = color_field()
    show_provider = BooleanField(
        _l('Show "Provided by" and the name of the municipality at the bottom of the pages')
    )
    logo = UploadField(
        _l("Logo"), description=_l("PNG, JPEG, GIF or WebP, at most 2 MB."), render_kw=IMAGE_ACCEPT
    )
    remove_logo = BooleanField(_l("Remove the logo"))
    header_image = UploadField(
        _l("Header image"), description=_l("A wide picture, at most 2 MB."), render_kw=IMAGE_ACCEPT
    )
    remove_header = BooleanField(_l("Remove the header image"))

    def theme_values(self) -> dict:
        """The theme as ``spaces.services.update_space`` takes it."""
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "display_name": self.display_name.data,
            "primary_color": self.primary_color.data,
            "show_provider": self.show_provider.data,
            "logo": self.logo.data or None,
            "header_image": self.header_image.data or None,
            "remove_logo": self.remove_logo.data,
            "remove_header": self.remove_header.data,
        }


def place_field(required: bool) -> StringField:
    return StringField(
        _l("Town, village or postcode"),
        validators=[Required() if required else Optional(), length(max=120), NoControlCharacters()],
        description=_l("Where the space is; citizens nearby see it first."),
        render_kw={"list": "places", "autocomplete": "off"},
    )


class SpaceSettingsForm(ThemeForm):
    """The console's edit form: the theme plus what only municipality staff decide."""

    slug = StringField(
        _l("Address"),
        validators=[Required(), length(max=60)],
        description=_l("The space lives at /s/<address>/. Lower-case letters, digits and dashes."),
    )
    place = place_field(required=False)
    radius_km = NumberField(
        _l("Radius in km"),
        places=1,
        validators=[Optional(), NumberRange(min=0.5, max=200, message=_l("Choose between 0.5 and 200 km."))],
    )
    visibility = SelectField(_l("Who can see it"), choices=choices(VISIBILITY_CHOICES))
    join_policy = SelectField(_l("Who can join"), choices=choices(JOIN_CHOICES))
    hostname = StringField(
        _l("Own host name (optional)"),
        validators=[Optional(), length(max=253)],
        description=_l("For example stilling.example.dk: visitors there see this space as the front page."),
    )


class SpaceCreateForm(Form):
    kind = SelectField(_l("Kind of space"), choices=choices(KIND_CHOICES))
    name = StringField(_l("Name"), validators=[Required(), length(min=2, max=120), NoControlCharacters()])
    slug = StringField(
        _l("Address (optional)"),
        validators=[Optional(), length(max=60)],
        description=_l("Made from the name when left empty, for example /s/stilling/."),
    )
    place = place_field(required=True)
    primary_color = color_field()
    display_name = StringField(_l("Display name (optional)"), validators=[Optional(), length(max=120)])
    hostname = StringField(
        _l("Own host name (optional)"),
        validators=[Optional(), length(max=253)],
        description=_l("For example stilling.example.dk: visitors there see this space as the front page."),
    )
    show_provider = BooleanField(
        _l('Show "Provided by" and the name of the municipality at the bottom of the pages'), default=True
    )
    admin_email = email_field(_l("E-mail of its first admin"))


class PlaceForm(Form):
    name = StringField(
        _l("Name of the village"), validators=[Required(), length(min=2, max=120), NoControlCharacters()]
    )
    postcode = StringField(
        _l("Postcode (optional)"),
        validators=[
            Optional(),
            Regexp(r"^\d{4}$", message=_l("A Danish postcode has four digits, for example 8660.")),
        ],
    )
    latitude = NumberField(
        _l("Latitude"),
        places=5,
        validators=[
            Required(),
            NumberRange(min=54.5, max=57.8, message=_l("Danish latitudes lie between 54.5 and 57.8.")),
        ],
    )
    longitude = NumberField(
        _l("Longitude"),
        places=5,
        validators=[
            Required(),
            NumberRange(min=8.0, max=15.2, message=_l("Danish longitudes lie between 8.0 and 15.2.")),
        ],
    )
