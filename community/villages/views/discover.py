from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from community.extensions import db
from community.forms import small_int
from community.moderation.permissions import visible_clause
from community.notifications.mail import external_url
from community.spaces.models import SpaceKind
from community.spaces.services import spaces_near
from community.spaces.tenancy import current_municipality
from community.villages import bp
from community.villages.models import Post
from community.villages.services import help, posts, search
from community.villages.views.common import space

SEARCH_PAGE = 20


@bp.get("/villages/")
def index():
    """The villages of the municipality, nearest to the citizen's home first."""
    lat = lon = None
    if current_user.is_authenticated and current_user.has_home:
        lat, lon = current_user.home_latitude, current_user.home_longitude
    elif (municipality := current_municipality()) is not None:
        lat, lon = municipality.latitude, municipality.longitude
    villages = [n for n in spaces_near(lat, lon, user=current_user) if n.space.kind == SpaceKind.VILLAGE]
    return render_template("villages/index.html", villages=villages)


def _search_page(space_ids, template_space):
    query = (request.args.get("q") or "").strip()[:200]
    page = small_int(request.args.get("page")) or 1
    hits = (
        search.search(
            query,
            space_ids,
            limit=SEARCH_PAGE + 1,
            offset=(page - 1) * SEARCH_PAGE,
            visible=visible_clause(Post, current_user, template_space),
        )
        if query
        else []
    )
    return render_template(
        "villages/search.html",
        space=template_space,
        query=query,
        hits=hits[:SEARCH_PAGE],
        page=page,
        more=len(hits) > SEARCH_PAGE,
    )


@bp.get("/s/<space_slug>/search")
def space_search():
    return _search_page([space().id], space())


@bp.get("/villages/search")
def search_all():
    return _search_page(help.visible_space_ids(current_user), None)


def _located(space_ids) -> list[Post]:
    return list(
        db.session.scalars(
            sa.select(Post)
            .where(Post.space_id.in_(space_ids), Post.latitude.is_not(None), Post.longitude.is_not(None))
            .where(visible_clause(Post, current_user, space()))
            .where(sa.or_(Post.help_status.is_(None), Post.help_status != "resolved"))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(200)
            .options(selectinload(Post.author))
        )
    )


def tile_url() -> str:
    """The configured tile server, or "" for a map without tiles (``COMMUNITY_TILE_URL=none``)."""
    url = current_app.config.get("TILE_URL") or ""
    return "" if url.strip().lower() == "none" else url


@bp.get("/s/<space_slug>/map")
def space_map():
    items = _located([space().id])
    points = [
        {
            "lat": p.latitude,
            "lon": p.longitude,
            "title": p.title,
            "kind": p.kind_label,
            "url": url_for("villages.post_detail", post_id=p.id),
        }
        for p in items
    ]
    centre = (space().latitude, space().longitude) if space().latitude is not None else None
    return render_template(
        "villages/map.html",
        space=space(),
        items=items,
        points=points,
        centre=centre,
        tile_url=tile_url(),
    )


def _atom(space_obj, page_items, *, title: str, self_url: str) -> Response:
    body = render_template(
        "villages/feed.atom.xml",
        space=space_obj,
        posts=page_items,
        title=title,
        self_url=self_url,
        external_url=external_url,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/s/<space_slug>/feed.atom")
def atom_feed():
    page = posts.feed([space().id], order="new", limit=20, with_body=True)
    return _atom(
        space(),
        page.items,
        title=space().title,
        self_url=external_url("villages.atom_feed", space_slug=space().slug),
    )


@bp.get("/s/<space_slug>/tags/<tag>/feed.atom")
def atom_tag_feed(tag: str):
    page = posts.feed([space().id], order="new", tag=tag, limit=20, with_body=True)
    return _atom(
        space(),
        page.items,
        title=f"{space().title}: #{tag.lower()}",
        self_url=external_url("villages.atom_tag_feed", space_slug=space().slug, tag=tag.lower()),
    )
