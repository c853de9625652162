"""What villages registers with the core moderation package: its content (posts — help requests and
offers included —, comments, private messages, and a person's profile page) and its share of a
citizen's own data (export, and anonymising on account deletion)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for

from community import signals
from community.db import utcnow
from community.extensions import db
from community.i18n import _l
from community.moderation.registry import ContentType, register
from community.spaces.models import Space
from community.spaces.permissions import can_view_space
from community.text import plain_excerpt, render_markdown
from community.villages.models import Comment, EventRsvp, HelpAlert, PollVote, Post, PostImage
from community.villages.services import comments


def _space(obj: Any) -> Space:
    return db.session.get(Space, obj.space_id)


def _post_url(post: Post) -> str:
    return url_for("villages.post_detail", space_slug=_space(post).slug, post_id=post.id)


def _after_post_edit(post: Post) -> None:
    from community.villages.services import search

    post.body_html = render_markdown(post.body)
    post.excerpt = plain_excerpt(post.body)
    db.session.flush()
    search.index_post(post)


def _delete_post(post: Post, by: Any) -> None:
    from community.villages.services.posts import delete_post

    delete_post(post, _space(post), by=by)


def _delete_comment(comment: Comment, by: Any) -> None:
    from community.villages.services.comments import delete_comment

    delete_comment(comment, db.session.get(Post, comment.post_id), _space(comment), by=by)


def _comment_rendered(comment: Comment) -> None:
    comment.body_html = render_markdown(comment.body)


register(
    ContentType(
        name="post",
        label=_l("post"),
        model=Post,
        space_of=_space,
        author_id_of=lambda p: p.author_id,
        url_of=_post_url,
        title_of=lambda p: p.title,
        excerpt_of=lambda p: p.body[:600] if p.body else p.title,
        can_view=lambda user, p: can_view_space(user, _space(p)),
        delete=_delete_post,
        author_attr="author_id",
        text_attr="body",
        after_edit=_after_post_edit,
    )
)
register(
    ContentType(
        name="comment",
        label=_l("comment"),
        model=Comment,
        space_of=_space,
        author_id_of=lambda c: c.author_id,
        url_of=lambda c: comments.comment_url(c, _space(c).slug),
        title_of=lambda c: plain_excerpt(c.body)[:80] or "…",
        excerpt_of=lambda c: c.body[:600],
        can_view=lambda user, c: can_view_space(user, _space(c)),
        delete=_delete_comment,
        author_attr="author_id",
        text_attr="body",
        after_edit=_comment_rendered,
    )
)


def _profile_model():
    from community.accounts.models import User

    return User


register(
    ContentType(
        name="profile",
        label=_l("profile"),
        model=_profile_model(),
        space_of=lambda u: None,
        author_id_of=lambda u: u.id,
        url_of=lambda u: url_for("villages.person", user_id=u.id),
        title_of=lambda u: u.display_name,
        excerpt_of=lambda u: u.home_label or "",
        can_view=lambda user, u: u.active and not u.is_deleted,
        moderatable=False,
    )
)


# --- a citizen's own data --------------------------------------------------------------------------


def _record(obj: Any, *columns: str) -> dict[str, Any]:
    from community.moderation.privacy import row

    return row(obj, *columns)


@signals.account_exporting.connect
def _export(user: Any, **_kw: Any) -> dict[str, Any]:
    posts = list(db.session.scalars(sa.select(Post).where(Post.author_id == user.id)))
    images = list(db.session.scalars(sa.select(PostImage).join(Post).where(Post.author_id == user.id)))
    folder = current_app.config.get("MEDIA_FOLDER") or ""
    from pathlib import Path

    files = [str(Path(folder) / i.filename) for i in images] if folder else []
    post_columns = (
        "id", "space_id", "kind", "title", "body", "place_label", "created_at", "edited_at",
        "help_category", "help_status", "help_when", "starts_at", "ends_at", "moderation_state",
    )  # fmt: skip
    return {
        "posts": [_record(p, *post_columns) for p in posts],
        "comments": [
            _record(c, "id", "post_id", "parent_id", "body", "created_at", "edited_at", "moderation_state")
            for c in db.session.scalars(sa.select(Comment).where(Comment.author_id == user.id))
        ],
        "event_answers": [
            _record(r, "post_id", "status", "waitlisted", "created_at")
            for r in db.session.scalars(sa.select(EventRsvp).where(EventRsvp.user_id == user.id))
        ],
        "poll_votes": [
            _record(v, "post_id", "option_id", "created_at")
            for v in db.session.scalars(sa.select(PollVote).where(PollVote.user_id == user.id))
        ],
        "help_alerts": [
            _record(a, "radius_km", "categories", "created_at")
            for a in db.session.scalars(sa.select(HelpAlert).where(HelpAlert.user_id == user.id))
        ],
        "files": files,
    }


@signals.account_deleting.connect
def _delete(user: Any, *, keep_content: bool = True, **_kw: Any) -> None:
    """Posts and comments stay for the threads' sake unless the person asked to delete them."""
    db.session.execute(sa.delete(HelpAlert).where(HelpAlert.user_id == user.id))
    db.session.execute(sa.delete(EventRsvp).where(EventRsvp.user_id == user.id))
    if not keep_content:
        from community.villages.services import search

        for post in db.session.scalars(sa.select(Post).where(Post.author_id == user.id)):
            search.unindex_post(post)
            post.accepted_comment_id = None
        db.session.flush()
        db.session.execute(
            sa.update(Comment)
            .where(Comment.author_id == user.id)
            .values(body="", body_html="", deleted_at=sa.func.coalesce(Comment.deleted_at, utcnow()))
            .execution_options(synchronize_session=False)
        )
        for post in list(db.session.scalars(sa.select(Post).where(Post.author_id == user.id))):
            db.session.delete(post)
    db.session.flush()


# --- the demo: a queue that is alive -----------------------------------------------------------------


@signals.demo_seeded.connect
def _seed_moderation(municipality: Any, *, users: dict[str, Any], spaces: dict[str, Any], **_kw: Any) -> None:
    """Watched words and a protected caseworker for Skanderborg; in Stilling a post two neighbours
    reported (one more report hides it), a post held because it names the caseworker, and a post the
    admin hid whose author appealed."""
    from community.moderation import services as moderation
    from community.moderation.models import Reason, WordAction
    from community.villages.models import PostKind
    from community.villages.services import posts
    from community.villages.services.posts import PostInput

    mette = users["kommune@example.org"]
    for pattern, action in (
        ("idiot", WordAction.FLAG),
        ("kælling", WordAction.BLOCK),
        ("svindler", WordAction.HOLD),
        ("/n[a@]zi(st)?/", WordAction.FLAG),
    ):
        moderation.add_word(municipality.id, pattern=pattern, action=action, by=mette)
    moderation.add_protected(
        municipality.id,
        name="Birgitte Lund",
        variants="sagsbehandler Birgitte\nBirgitte L.",
        by=mette,
    )
    stilling = spaces["stilling"]
    jens, lars, anne = users["borger@example.org"], users["klub@example.org"], users["frivillig@example.org"]
    for user in (lars, anne):
        from community.spaces.permissions import is_member
        from community.spaces.services import add_member

        if not is_member(user, stilling):
            add_member(stilling, user)
    loud = posts.create_post(
        stilling,
        by=lars,
        data=PostInput(
            kind=PostKind.DISCUSSION,
            title="Hvem kører så stærkt på Skovvej?",
            body="Jeg ved godt hvem det er, ham i den røde bil i nr. 14. Han burde skamme sig.",
        ),
    )
    db.session.flush()
    moderation.report(loud, by=jens, reason=Reason.NAMED_PERSON, note="Han hænger en nabo ud.")
    moderation.report(loud, by=anne, reason=Reason.HARASSMENT)
    posts.create_post(
        stilling,
        by=jens,
        data=PostInput(
            kind=PostKind.DISCUSSION,
            title="Min sag om kørselsgodtgørelse",
            body="Birgitte Lund har afvist min ansøgning uden at læse den.",
        ),
    )
    db.session.flush()
    # A decision with an appeal waiting for the municipality: a post the Stilling admin hid after a
    # report, and its author's appeal (the decision's pages, for the author and for staff).
    parking = posts.create_post(
        stilling,
        by=jens,
        data=PostInput(
            kind=PostKind.DISCUSSION,
            title="Parkering på fortovet ved skolen",
            body="Hver morgen holder de samme biler på fortovet. Skriv nummerpladerne herinde, "
            "så vi ved hvem.",
        ),
    )
    db.session.flush()
    moderation.report(
        parking, by=anne, reason=Reason.PERSONAL_DATA, note="Opfordrer til at dele nummerplader."
    )
    hidden = moderation.hide(
        parking,
        by=users["stilling@example.org"],
        reason="Vi deler ikke nummerplader her. Skriv gerne igen uden den opfordring.",
    )
    moderation.appeal(hidden, by=jens, text="Jeg ville tale om problemet, ikke hænge nogen ud.")
    db.session.flush()
