"""Private conversations between a few people, about a subject a feature package owns (a help post in
villages, a help request in helpdesk). Core: features start them and add system messages; the pages
to read and answer them live here."""

from flask import Blueprint

bp = Blueprint("conversations", __name__, template_folder="templates", url_prefix="/messages")

from community.conversations import components, kinds, moderation, views  # noqa: E402,F401


@bp.record_once
def _template_filters(state) -> None:
    from community.conversations.kinds import message_text

    state.app.jinja_env.filters["message_text"] = message_text
