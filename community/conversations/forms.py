from __future__ import annotations

from wtforms import TextAreaField

from community.forms import Form, Required, length
from community.i18n import _l


class MessageForm(Form):
    body = TextAreaField(_l("Message"), validators=[Required(), length(max=5000)])
