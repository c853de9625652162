from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.conversations import bp, services
from community.conversations.forms import MessageForm
from community.conversations.models import Conversation
from community.errors import DomainError
from community.extensions import db
from community.forms import ActionForm, attention_status


@bp.get("/")
@login_required
def index():
    return render_template("conversations/index.html", summaries=services.for_user(current_user))


def _conversation(conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or services.member(conversation, current_user) is None:
        abort(404)  # someone else's conversation does not exist for you
    return conversation


def _page(found: Conversation, form: MessageForm):
    me = services.member(found, current_user)
    return render_template(
        "conversations/show.html",
        conversation=found,
        messages=services.messages(found),
        others=services.others(found, current_user),
        subject=services.subject(found),
        form=form,
        read_form=ActionForm(),
        last_read_at=me.last_read_at,  # type: ignore[union-attr]
    )


@bp.get("/<int:conversation_id>")
@login_required
def show(conversation_id: int):
    return _page(_conversation(conversation_id), MessageForm())


@bp.post("/<int:conversation_id>")
@login_required
def send(conversation_id: int):
    found = _conversation(conversation_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.send(found, sender=current_user, body=form.body.data)
        except DomainError as exc:
            db.session.rollback()
            form.body.errors.append(str(exc))
        else:
            db.session.commit()
            return redirect(url_for("conversations.show", conversation_id=found.id, _anchor="latest"))
    return _page(found, form), attention_status(form)


@bp.post("/<int:conversation_id>/read")
@login_required
def mark_read(conversation_id: int):
    found = _conversation(conversation_id)
    if ActionForm().validate_on_submit():
        services.mark_read(found, current_user)
        db.session.commit()
    if request.headers.get("HX-Request"):
        return "", 204
    return redirect(url_for("conversations.show", conversation_id=found.id))
