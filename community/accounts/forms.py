from __future__ import annotations

from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, EqualTo, ValidationError

from community.forms import Form, NoControlCharacters, Optional, Required, choices, email_field, length
from community.i18n import _, _l

PASSWORD_MIN = 10


class PasswordRules:
    def __call__(self, form: Form, field) -> None:
        email = getattr(form, "email", None)
        if (
            email is not None
            and email.data
            and field.data
            and field.data.strip().lower() == email.data.strip().lower()
        ):
            raise ValidationError(_("Choose a password that is not your e-mail address."))


def password_field(label: object, *, new: bool) -> PasswordField:
    validators = [Required()]
    if new:
        validators += [length(min=PASSWORD_MIN, max=256), PasswordRules()]
    return PasswordField(
        label,
        validators=validators,
        description=_l("At least 10 characters. A short sentence is easy to remember.") if new else None,
        render_kw={"autocomplete": "new-password" if new else "current-password"},
    )


def confirm_field(target: str) -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            Required(),
            EqualTo(target, message=_l("The two passwords are not the same. Type them again.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def home_field(required: bool) -> StringField:
    return StringField(
        _l("Home village or postcode"),
        validators=[Required() if required else Optional(), length(max=120), NoControlCharacters()],
        description=_l("We use it to show the spaces and help near you. For example Stilling or 8660."),
        render_kw={"list": "places", "autocomplete": "off"},
    )


class RegisterForm(Form):
    display_name = StringField(
        _l("Your name"),
        validators=[Required(), length(min=2, max=80), NoControlCharacters()],
        description=_l("Shown to others in your spaces."),
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password = password_field(_l("Password"), new=True)
    confirm = confirm_field("password")
    home = home_field(required=True)
    next = HiddenField()


class LoginForm(Form):
    email = email_field()
    password = password_field(_l("Password"), new=False)
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class ResendConfirmationForm(Form):
    pass


class ResetRequestForm(Form):
    email = email_field()


class ResetForm(Form):
    password = password_field(_l("New password"), new=True)
    confirm = confirm_field("password")


LOCALE_CHOICES = [("", _l("As my browser says")), ("da", "Dansk"), ("en", "English")]
LANGUAGES = [("da", "Dansk"), ("en", "English")]


TEXT_SIZE_CHOICES = [("normal", _l("Normal")), ("large", _l("Large")), ("largest", _l("Largest"))]


class ProfileForm(Form):
    display_name = StringField(
        _l("Your name"),
        validators=[Required(), length(min=2, max=80), NoControlCharacters()],
        render_kw={"autocomplete": "name"},
    )
    locale = SelectField(_l("Language"), choices=choices(LOCALE_CHOICES))
    text_size = SelectField(
        _l("Text size"),
        choices=choices(TEXT_SIZE_CHOICES),
        description=_l("Larger text on every page, on this and your other devices."),
        validate_choice=False,  # left out (an older form), the size stays as it is
        validators=[
            Optional(),
            AnyOf([v for v, _label in TEXT_SIZE_CHOICES], message=_l("Choose one of the text sizes.")),
        ],
    )
    home = home_field(required=False)
    email_notifications = BooleanField(_l("E-mail me when something needs my attention"))


class PasswordChangeForm(Form):
    current_password = password_field(_l("Current password"), new=False)
    password = password_field(_l("New password"), new=True)
    confirm = confirm_field("password")


class TextSizeForm(Form):
    size = SelectField(_l("Text size"), choices=choices(TEXT_SIZE_CHOICES))  # the header's button
    next = HiddenField()


class LanguageForm(Form):
    locale = SelectField(_l("Language"), choices=choices(LANGUAGES))
    next = HiddenField()


class OidcLinkForm(Form):
    password = password_field(_l("Password of your account"), new=False)
