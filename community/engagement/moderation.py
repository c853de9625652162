"""What engagement registers with the core moderation package: what citizens write in the dialogue with
the municipality (ideas and their comments, questions in a Q&A hour, comments in a citizen meeting,
proposed sites and comments in a consultation). An engagement held in a space is moderated by that
space's moderators and the municipality's staff; one for the whole municipality by its staff.

The Q&A hour keeps its own live pre-moderation (publish, hide, merge by the session's moderators);
a hide by moderation comes on top of it. Every page that shows these items asks moderation's
``visible_clause`` / ``can_see_content``; the live Q&A page moves its version on when a moderator
changes what others see (``content_moderated``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for

from community import signals
from community.engagement import permissions
from community.engagement.models import (
    CitizenMeeting,
    Consultation,
    Idea,
    IdeaComment,
    MeetingComment,
    QASession,
    Question,
    QuestionState,
    Site,
    SiteComment,
    SiteStatus,
)
from community.extensions import db
from community.i18n import _l
from community.moderation.permissions import can_see_content, visible_clause
from community.moderation.registry import ContentType, register
from community.spaces.models import Space
from community.text import plain_excerpt, render_markdown


def visible(model: type, user: Any, scope: Any) -> sa.ColumnElement[bool]:
    """Moderation's ``visible_clause`` for items of ``scope`` (an engagement, or an idea): its space's
    moderators, or for the whole municipality its staff, see everything; others what is visible and
    their own."""
    if scope.space_id is not None:
        return visible_clause(model, user, scope.space)
    return visible_clause(model, user, None, municipality_id=scope.municipality_id)


def _idea(obj: Any) -> Idea:
    return db.session.get(Idea, obj.idea_id)  # type: ignore[return-value]


def _meeting(obj: MeetingComment) -> CitizenMeeting:
    return db.session.get(CitizenMeeting, obj.meeting_id)  # type: ignore[return-value]


def _consultation(obj: Any) -> Consultation:
    return db.session.get(Consultation, obj.consultation_id)  # type: ignore[return-value]


def _space(scope: Any) -> Space | None:
    return scope.space


def _shown(user: Any, scope: Any) -> bool:
    """The engagement (or idea) itself is there for ``user``."""
    return permissions.can_view(user, scope) and can_see_content(user, scope)


# --- ideas ----------------------------------------------------------------------------------------------


def _idea_edited(idea: Idea) -> None:
    from community.engagement.services import search

    idea.body_html = render_markdown(idea.body)
    db.session.flush()
    search.index_idea(idea)


def _delete_idea(idea: Idea, _by: Any) -> None:
    from community.engagement.services import search

    search.unindex_idea(idea)
    db.session.delete(idea)


def _delete_idea_comment(comment: IdeaComment, _by: Any) -> None:
    db.session.execute(
        sa.update(Idea)
        .where(Idea.id == comment.idea_id, Idea.comment_count > 0)
        .values(comment_count=Idea.comment_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(comment)


def _rendered(obj: Any) -> None:
    obj.body_html = render_markdown(obj.body)


def _delete(obj: Any, _by: Any) -> None:
    db.session.delete(obj)


register(
    ContentType(
        name="idea",
        label=_l("idea"),
        model=Idea,
        space_of=_space,
        author_id_of=lambda i: i.created_by_id,
        url_of=lambda i: url_for("engagement.idea_detail", idea_id=i.id),
        title_of=lambda i: i.title,
        excerpt_of=lambda i: i.body[:600],
        can_view=permissions.can_view,
        delete=_delete_idea,
        author_attr="created_by_id",
        text_attr="body",
        after_edit=_idea_edited,
        municipality_of=lambda i: i.municipality_id,
    )
)
register(
    ContentType(
        name="idea_comment",
        label=_l("comment on an idea"),
        model=IdeaComment,
        space_of=lambda c: _space(_idea(c)),
        author_id_of=lambda c: c.author_id,
        url_of=lambda c: url_for("engagement.idea_detail", idea_id=c.idea_id, _anchor=f"c-{c.id}"),
        title_of=lambda c: plain_excerpt(c.body)[:80] or "…",
        excerpt_of=lambda c: c.body[:600],
        can_view=lambda user, c: _shown(user, _idea(c)),
        delete=_delete_idea_comment,
        author_attr="author_id",
        text_attr="body",
        after_edit=_rendered,
        municipality_of=lambda c: _idea(c).municipality_id,
    )
)


# --- the Q&A hour -------------------------------------------------------------------------------------


def _question_seen(user: Any, question: Question) -> bool:
    """The session's own workflow first: a question waiting or hidden there is for its asker and the
    session's moderators only."""
    session: QASession = question.session
    if not permissions.can_view(user, session):
        return False
    if question.state == QuestionState.PUBLISHED:
        return True
    if getattr(user, "is_authenticated", False) and question.author_id == user.id:
        return question.state != QuestionState.MERGED
    return question.state != QuestionState.MERGED and permissions.can_moderate(user, session)


register(
    ContentType(
        name="qa_question",
        label=_l("question in a Q&A hour"),
        model=Question,
        space_of=lambda q: _space(q.session),
        author_id_of=lambda q: q.author_id,
        url_of=lambda q: url_for("engagement.qa_detail", session_id=q.session_id, _anchor=f"q-{q.id}"),
        title_of=lambda q: plain_excerpt(q.body)[:80] or "…",
        excerpt_of=lambda q: q.body[:600],
        can_view=_question_seen,
        delete=_delete,
        author_attr="author_id",
        text_attr="body",
        municipality_of=lambda q: q.session.municipality_id,
    )
)


# --- citizen meetings -----------------------------------------------------------------------------------

register(
    ContentType(
        name="meeting_comment",
        label=_l("comment in a citizen meeting"),
        model=MeetingComment,
        space_of=lambda c: _space(_meeting(c)),
        author_id_of=lambda c: c.author_id,
        url_of=lambda c: url_for("engagement.meeting_detail", meeting_id=c.meeting_id, _anchor=f"c-{c.id}"),
        title_of=lambda c: plain_excerpt(c.body)[:80] or "…",
        excerpt_of=lambda c: c.body[:600],
        can_view=lambda user, c: permissions.can_view(user, _meeting(c)),
        delete=_delete,
        author_attr="author_id",
        text_attr="body",
        after_edit=_rendered,
        municipality_of=lambda c: _meeting(c).municipality_id,
    )
)


# --- consultations --------------------------------------------------------------------------------------


def _site_seen(user: Any, site: Site) -> bool:
    consultation = site.consultation
    if not permissions.can_view(user, consultation):
        return False
    return site.status != SiteStatus.DECLINED or permissions.can_manage_consultation(user, consultation)


register(
    ContentType(
        name="consultation_site",
        label=_l("site in a consultation"),
        model=Site,
        space_of=lambda s: _space(s.consultation),
        author_id_of=lambda s: s.proposed_by_id,
        url_of=lambda s: url_for(
            "engagement.consultation_detail", consultation_id=s.consultation_id, _anchor=f"site-{s.id}"
        ),
        title_of=lambda s: s.name,
        excerpt_of=lambda s: f"{s.place_label}: {s.description}"[:600] if s.description else s.place_label,
        can_view=_site_seen,
        delete=_delete,
        author_attr="proposed_by_id",
        text_attr="description",
        municipality_of=lambda s: s.consultation.municipality_id,
    )
)
register(
    ContentType(
        name="site_comment",
        label=_l("comment in a consultation"),
        model=SiteComment,
        space_of=lambda c: _space(_consultation(c)),
        author_id_of=lambda c: c.author_id,
        url_of=lambda c: url_for(
            "engagement.consultation_detail",
            consultation_id=c.consultation_id,
            _anchor=f"site-comment-{c.id}",
        ),
        title_of=lambda c: plain_excerpt(c.body)[:80] or "…",
        excerpt_of=lambda c: c.body[:600],
        can_view=lambda user, c: (
            _site_seen(user, site := db.session.get(Site, c.site_id)) and can_see_content(user, site)  # type: ignore[arg-type]
        ),
        delete=_delete,
        author_attr="author_id",
        text_attr="body",
        municipality_of=lambda c: _consultation(c).municipality_id,
    )
)


# --- the live page follows what moderators do -----------------------------------------------------------


@signals.content_moderated.connect
def _moved_on(obj: Any, **_kw: Any) -> None:
    """A question hidden, shown or edited by moderation changes the live page of its Q&A hour, and the
    promise to answer it carries its text as edited (the public response-time page names it)."""
    if isinstance(obj, Question):
        from community.engagement.models import PromiseKind, TrackedItem
        from community.engagement.services.qa import bump

        bump(obj.session)
        db.session.execute(
            sa.update(TrackedItem)
            .where(TrackedItem.kind == PromiseKind.QUESTION, TrackedItem.ref_id == obj.id)
            .values(title=plain_excerpt(obj.body, 200))
            .execution_options(synchronize_session=False)
        )


# --- a citizen's own data -------------------------------------------------------------------------------


def _media_paths(names: Any) -> list[str]:
    from community.media import media_folder

    folder = media_folder()
    return [str(folder / name) for name in names if name]


@signals.account_exporting.connect
def _export(user: Any, **_kw: Any) -> dict[str, Any]:
    from community.engagement.models import IdeaSupport, QuestionVote, SitePreference
    from community.moderation.privacy import row

    def rows(model: type, column: Any, *columns: str) -> list[dict[str, Any]]:
        return [row(r, *columns) for r in db.session.scalars(sa.select(model).where(column == user.id))]

    ideas = rows(
        Idea,
        Idea.created_by_id,
        "id",
        "title",
        "body",
        "category",
        "place_label",
        "latitude",
        "longitude",
        "image",
        "image_alt",
        "state",
        "created_at",
        "moderation_state",
    )
    return {
        "ideas": ideas,
        # The pictures they uploaded with their ideas, in the ZIP's images/ beside the JSON.
        "files": _media_paths(idea["image"] for idea in ideas),
        "idea_comments": rows(
            IdeaComment, IdeaComment.author_id, "id", "idea_id", "body", "created_at", "moderation_state"
        ),
        "idea_support": rows(IdeaSupport, IdeaSupport.user_id, "idea_id", "created_at"),
        "questions": rows(
            Question,
            Question.author_id,
            "id",
            "session_id",
            "body",
            "anonymous",
            "state",
            "created_at",
            "moderation_state",
        ),
        "question_votes": rows(QuestionVote, QuestionVote.user_id, "question_id", "created_at"),
        "meeting_comments": rows(
            MeetingComment,
            MeetingComment.author_id,
            "id",
            "meeting_id",
            "topic_id",
            "parent_id",
            "body",
            "created_at",
            "moderation_state",
        ),
        "proposed_sites": rows(
            Site,
            Site.proposed_by_id,
            "id",
            "consultation_id",
            "name",
            "description",
            "place_label",
            "latitude",
            "longitude",
            "status",
            "moderation_state",
        ),
        "site_comments": rows(
            SiteComment, SiteComment.author_id, "id", "site_id", "body", "created_at", "moderation_state"
        ),
        "site_views": rows(SitePreference, SitePreference.user_id, "site_id", "value", "rank", "updated_at"),
    }


@signals.account_deleting.connect
def _delete_account(user: Any, *, keep_content: bool = True, **_kw: Any) -> None:
    """What they wrote stays for the debate's sake (shown as a former member) unless they asked to
    delete it; their votes and views stay in the figures without their name."""
    if keep_content:
        return
    from community.engagement.services import search

    for comment in list(db.session.scalars(sa.select(IdeaComment).where(IdeaComment.author_id == user.id))):
        _delete_idea_comment(comment, user)
    for idea in list(db.session.scalars(sa.select(Idea).where(Idea.created_by_id == user.id))):
        search.unindex_idea(idea)
        db.session.delete(idea)
    for model, column in (
        (Question, Question.author_id),
        (MeetingComment, MeetingComment.author_id),
        (SiteComment, SiteComment.author_id),
    ):
        db.session.execute(sa.delete(model).where(column == user.id))
    db.session.flush()
