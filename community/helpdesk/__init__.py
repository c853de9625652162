"""Helpdesk: volunteers coach seniors and others in Digital Post and the rest of digital Denmark."""

from flask import Blueprint

bp = Blueprint("helpdesk", __name__, template_folder="templates", url_prefix="/helpdesk")

from community.helpdesk import demo, following, kinds, privacy, scale, tasks  # noqa: E402,F401
from community.helpdesk.views import guides, people, requests, sessions  # noqa: E402,F401


@bp.record_once
def _template_globals(state) -> None:
    from community.helpdesk import permissions

    state.app.jinja_env.globals["perm_helpdesk"] = permissions
    state.app.jinja_env.filters["dk_phone"] = _dk_phone


def _dk_phone(digits: str | None) -> str:
    """ "86123456" as Danes write it: "86 12 34 56"."""
    if not digits or len(digits) != 8:
        return digits or ""
    return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
