"""Mutual help: answering a request or an offer privately, resolving it with thanks to the helper,
the nearest help around a citizen's home, and alerts about new requests nearby."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from community.accounts.models import User
from community.conversations import services as conversations
from community.conversations.models import Conversation
from community.db import insert_new, lock, utcnow
from community.errors import Conflict, DomainError, NotAllowed
from community.extensions import db
from community.geo import approx_km_sql, bounding_box, distance_km
from community.i18n import _
from community.moderation.permissions import public_clause
from community.notifications import following
from community.notifications.following import Reach
from community.notifications.models import Follow, Level
from community.notifications.services import notify
from community.spaces.models import Membership, MembershipStatus, Space, Visibility
from community.villages import permissions
from community.villages.models import HelpAlert, HelpCategory, HelpStatus, Post, PostKind

MAX_RADIUS_KM = 50.0
#: The kind of subject a conversation about a post has (see ``community.conversations.subjects``).
SUBJECT = "villages.post"


def respond(post: Post, space: Space, *, by: User, message: str) -> Conversation:
    """ "I can help" on a request, "I'd like this" on an offer: a private conversation with the author.
    A request that gets its first offer moves from open to offered."""
    lock(post)  # one conversation per helper, also when the form is sent twice
    if not permissions.can_respond_to_help(by, post, space):
        raise NotAllowed(_("You cannot answer this post."))
    author = db.session.get(User, post.author_id)
    conversation = conversations.start(SUBJECT, post.id, starter=by, others=[author] if author else [])
    conversations.send(conversation, sender=by, body=message)
    if post.kind == PostKind.HELP_REQUEST and post.help_status == HelpStatus.OPEN:
        post.help_status = HelpStatus.OFFERED
    post.last_activity_at = utcnow()
    db.session.flush()
    return conversation


def helpers_of(post: Post) -> list[User]:
    """The people who answered a help post privately: the ones who can be thanked."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Conversation, Conversation.starter_id == User.id)
            .where(Conversation.subject_kind == SUBJECT, Conversation.subject_id == post.id)
            .order_by(User.display_name)
        )
    )


def resolve(post: Post, space: Space, *, by: User, helper_id: int | None) -> Post:
    """Marks the help as resolved; the helper chosen is thanked (a favour given, no money)."""
    lock(post)
    if not permissions.can_resolve_help(by, post, space):
        raise NotAllowed(_("Only the one who asked can mark this as resolved."))
    if post.help_status == HelpStatus.RESOLVED:
        raise Conflict(_("This is already resolved."))
    helper = None
    if helper_id is not None:
        helper = next((u for u in helpers_of(post) if u.id == helper_id), None)
        if helper is None:
            raise DomainError(_("Choose one of the people who answered you."), field="helper_id")
    post.help_status = HelpStatus.RESOLVED
    post.resolved_at = utcnow()
    post.helper_id = helper.id if helper else None
    post.last_activity_at = utcnow()
    db.session.flush()
    if helper is not None:
        notify(
            helper,
            "villages.thanked",
            name=by.display_name,
            title=post.title,
            post_id=post.id,
            space_slug=space.slug,
        )
    return post


def favours_given(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Post.id)).where(
                Post.helper_id == user.id, Post.help_status == HelpStatus.RESOLVED
            )
        )
        or 0
    )


def visible_space_ids(user: User | None) -> sa.Select:
    """Spaces whose posts ``user`` may see: public ones and their own (not archived ones' help)."""
    query = sa.select(Space.id).where(Space.visibility == Visibility.PUBLIC)
    if user is not None and getattr(user, "is_authenticated", False):
        mine = sa.select(Membership.space_id).where(
            Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
        )
        query = sa.select(Space.id).where(sa.or_(Space.visibility == Visibility.PUBLIC, Space.id.in_(mine)))
    return query


#: The first circle nearest help looks in before the whole distance asked for (see ``nearby``).
FIRST_REACH_KM = 2.0


@dataclass(frozen=True)
class NearbyHelp:
    post: Post
    distance_km: float


def nearby(
    lat: float,
    lon: float,
    *,
    radius_km: float,
    space_ids: list[int] | sa.Select,
    kind: PostKind | None = None,
    category: HelpCategory | None = None,
    limit: int = 50,
) -> list[NearbyHelp]:
    """Open help posts within ``radius_km``, nearest first. The search looks within ``FIRST_REACH_KM``
    first and only then within ``radius_km``: in a town full of help the small indexed bounding box
    already holds enough, so the database never sorts the whole municipality; where help is sparse the
    second, wider box has few rows anyway (two queries at most). Candidates are ordered in SQL by an
    equirectangular estimate, then measured on the ellipsoid."""
    radius_km = min(max(radius_km, 0.5), MAX_RADIUS_KM)
    want = limit * 2
    query = sa.select(Post.id, Post.latitude, Post.longitude).where(
        public_clause(Post),
        Post.help_status.in_([HelpStatus.OPEN, HelpStatus.OFFERED]),
        Post.space_id.in_(space_ids),
    )
    if kind is not None:
        query = query.where(Post.kind == kind)
    if category is not None:
        query = query.where(Post.help_category == category)
    reach = min(radius_km, FIRST_REACH_KM)
    while True:
        lat0, lat1, lon0, lon1 = bounding_box(lat, lon, reach)
        rows = db.session.execute(
            query.where(Post.latitude.between(lat0, lat1), Post.longitude.between(lon0, lon1))
            .order_by(approx_km_sql(Post.latitude, Post.longitude, lat, lon), Post.id.desc())
            .limit(want)
        ).all()
        distances = {i: km for i, y, x in rows if (km := distance_km(lat, lon, y, x)) <= reach}
        # Everything within ``reach`` is inside its box: with enough of them, nothing further away can
        # be nearer. Otherwise look as far as asked.
        if len(distances) >= want or reach >= radius_km:
            break
        reach = radius_km
    chosen = sorted(distances, key=lambda i: (distances[i], -i))[:limit]
    loads = (
        joinedload(Post.author),  # one each: joined into the same row
        joinedload(Post.space),
        selectinload(Post.tags),
        selectinload(Post.images),
    )
    posts = {p.id: p for p in db.session.scalars(sa.select(Post).where(Post.id.in_(chosen)).options(*loads))}
    return [NearbyHelp(posts[i], distances[i]) for i in chosen if i in posts]


# --- alerts ----------------------------------------------------------------------------------------


def alert_of(user: User) -> HelpAlert | None:
    """The person's area: their home and a distance, perhaps some categories. It is followed like
    anything else (``community.notifications``: "area"), so stopping that follow ends it too."""
    return db.session.scalar(
        sa.select(HelpAlert)
        .join(Follow, sa.and_(Follow.target == "area", Follow.target_id == HelpAlert.id))
        .where(HelpAlert.user_id == user.id, Follow.user_id == user.id)
    )


def set_alert(user: User, *, radius_km: float, categories: list[HelpCategory]) -> HelpAlert:
    if not user.has_home:
        raise DomainError(
            _("Set your home village on your profile first, so we know what is near."), field="radius_km"
        )
    if not 0.5 <= radius_km <= MAX_RADIUS_KM:
        raise DomainError(_("Choose a distance between 0.5 and 50 km."), field="radius_km")
    insert_new(HelpAlert, user_id=user.id, radius_km=radius_km, categories=[])  # one alert per person
    alert = db.session.scalar(sa.select(HelpAlert).where(HelpAlert.user_id == user.id))
    alert.radius_km = radius_km  # type: ignore[union-attr]
    alert.categories = [c.value for c in categories]  # type: ignore[union-attr]
    db.session.flush()
    held = following.follow_of(user, "area", alert.id)  # type: ignore[union-attr]
    if held is None or held.level == Level.MUTED:  # saving it means: tell me (the frequency is kept)
        following.follow(user, "area", alert.id, frequency=held.frequency if held else None)  # type: ignore[union-attr]
    return alert  # type: ignore[return-value]


def remove_alert(user: User) -> None:
    alert = db.session.scalar(sa.select(HelpAlert).where(HelpAlert.user_id == user.id))
    if alert is not None:
        following.unfollow(user, "area", alert.id)
        db.session.delete(alert)
        db.session.flush()


def reach(post: Post) -> list[Reach]:
    """Whose area a new help request falls in (within their distance of home, in a category they
    chose, if any): for the fan-out job, which then asks whether each may see the space."""
    if post.kind != PostKind.HELP_REQUEST or post.latitude is None or post.longitude is None:
        return []
    lat0, lat1, lon0, lon1 = bounding_box(post.latitude, post.longitude, MAX_RADIUS_KM)
    rows = db.session.execute(
        sa.select(
            HelpAlert.id,
            HelpAlert.radius_km,
            HelpAlert.categories,
            User.id,
            User.home_latitude,
            User.home_longitude,
        )
        .join(User, User.id == HelpAlert.user_id)
        .join(  # an area whose follow was stopped reaches nobody (a muted one: the fan-out's rule)
            Follow,
            sa.and_(Follow.target == "area", Follow.target_id == HelpAlert.id, Follow.user_id == User.id),
        )
        .where(
            User.id != post.author_id,
            User.home_latitude.between(lat0, lat1),
            User.home_longitude.between(lon0, lon1),
        )
    ).all()
    found = []
    for alert_id, radius_km, categories, user_id, home_lat, home_lon in rows:
        if categories and post.help_category and post.help_category.value not in categories:
            continue
        km = distance_km(post.latitude, post.longitude, home_lat, home_lon)
        if km <= radius_km:
            found.append(Reach(user_id, ("area", alert_id), "villages.help_nearby", {"km": round(km, 1)}))
    return found
