from __future__ import annotations

from wtforms import SelectField, StringField

from community.api.models import SCOPE_LABELS, Scope, TokenKind
from community.api.tokens import LIFETIMES
from community.forms import Form, MultiCheckboxField, NoControlCharacters, Required, choices, length
from community.i18n import _l, lazy_ngettext


def _lifetimes():
    return choices([(str(days), lazy_ngettext("%(num)s day", "%(num)s days", days)) for days in LIFETIMES])


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        validators=[Required(), length(max=80), NoControlCharacters()],
        description=_l("What the token is for, e.g. 'calendar on my website'."),
    )
    scopes = MultiCheckboxField(
        _l("The token may"),
        choices=choices(
            [(Scope.READ.value, SCOPE_LABELS[Scope.READ]), (Scope.WRITE.value, SCOPE_LABELS[Scope.WRITE])]
        ),
        default=[Scope.READ.value],
    )
    days = SelectField(_l("Works for"), choices=_lifetimes(), default="90")


class MunicipalTokenForm(Form):
    name = StringField(
        _l("Name"),
        validators=[Required(), length(max=80), NoControlCharacters()],
        description=_l("Who uses it, e.g. 'skanderborg.dk' or 'Kolding's pothole app'."),
    )
    kind = SelectField(
        _l("Kind"),
        choices=choices(
            [
                (TokenKind.SITE.value, _l("Read token for the municipality's website")),
                (TokenKind.OPEN311.value, _l("Open311 API key for an application that reports faults")),
            ]
        ),
    )
    days = SelectField(_l("Works for"), choices=_lifetimes(), default="365")
