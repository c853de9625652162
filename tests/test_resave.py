"""Every edit form of the app, sent back exactly as its page renders it, saves without a change: open
the edit page, press save without touching anything, and the answer is a success and no row differs.

A form that puts a stored value into a field in a shape its own validation refuses, or that treats
what it rendered as new input (a stored file name in a file field, a date in another format, a list
joined differently), fails here."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import url_for
from PIL import Image
from werkzeug.datastructures import FileStorage

from community import geo
from community.db import utcnow
from community.extensions import db as _db
from community.helpdesk.services import topics as hd_topics
from community.spaces import services as space_services
from community.villages.models import HelpCategory, PostKind
from community.villages.services import help as village_help
from community.villages.services import posts as village_posts
from community.villages.services.posts import PostInput
from tests.support import submit_rendered
from tests.test_forms_fuzz import World, world  # noqa: F401  (the fixture: the scene of the fuzzing)

#: Columns a save may touch without changing anything a person sees.
IGNORED_COLUMNS = {"updated_at"}


def image(name: str, size: tuple[int, int] = (60, 40)) -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 60)).save(buffer, "PNG")
    buffer.seek(0)
    return FileStorage(buffer, filename=name, content_type="image/png")


@pytest.fixture
def scene(world: World) -> World:  # noqa: F811
    """The fuzzing scene, with every field of the edited things filled in, pictures included."""
    for space in (world.village, world.club):
        space_services.update_space(
            space,
            by=world.admin,
            name=space.name,
            display_name=f"{space.name} – vores sted",
            description="Første afsnit.\n\nAndet afsnit med *kursiv*.",
            primary_color="#1f5f3a",
            show_provider=False,
            logo=image("logo.png"),
            header_image=image("header.png", (400, 100)),
        )
    soon = utcnow().replace(second=0, microsecond=0) + timedelta(days=5)
    stilling = geo.resolve("Stilling")

    def write(kind: PostKind, by: Any, **data: Any) -> Any:
        return village_posts.create_post(
            world.village,
            by=by,
            data=PostInput(
                kind=kind,
                title=f"En {kind.value}",
                body="Hej alle.\n\n- punkt ét\n- punkt to\n\nMed venlig hilsen",
                tags=["have", "stilling"],
                **data,
            ),
        )

    world.discussion = write(PostKind.DISCUSSION, world.member, images=[(image("a.png"), "Et billede")])
    world.news = write(PostKind.NEWS, world.admin)
    world.full_event = write(
        PostKind.EVENT,
        world.member,
        place=stilling,
        starts_at=soon,
        ends_at=soon + timedelta(hours=3),
        capacity=25,
    )
    world.full_poll = write(
        PostKind.POLL,
        world.member,
        poll_options=["Lørdag", "Søndag", "Begge dage"],
        poll_multiple=True,
        poll_closes_at=soon,
    )
    world.offer = write(
        PostKind.HELP_OFFER, world.member, help_category=HelpCategory.GARDEN, help_when="Weekender"
    )
    world.request = write(
        PostKind.HELP_REQUEST, world.member, help_category=HelpCategory.TRANSPORT, help_when="Tirsdag"
    )
    village_help.set_alert(world.member, radius_km=12.5, categories=[HelpCategory.GARDEN, HelpCategory.PETS])
    world.guide = hd_topics.save_guide(
        world.topic,
        title="Sådan åbner du Digital Post",
        summary="Kort fortalt.",
        steps=[
            hd_topics.StepInput("Åbn appen."),
            hd_topics.StepInput("Log ind med MitID.", image=image("step.png"), image_alt="Log ind"),
        ],
        by=world.staff,
    )
    world.volunteer.availability = "Hverdage efter kl. 16"
    world.volunteer.about = "Pensioneret lærer."
    world.member.email_notifications = False
    _db.session.commit()
    return world


@dataclass(frozen=True)
class Edit:
    endpoint: str
    #: who edits
    actor: Callable[[World], Any]
    #: URL values of the rule the form posts to
    values: Callable[[World], dict[str, Any]] = lambda w: {}
    #: the page that shows the form, as (endpoint, values); by default the form's own address
    page: Callable[[World], tuple[str, dict[str, Any]]] | None = None


def post_in_village(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"space_slug": w.village.slug, "post_id": getattr(w, name).id}


EDITS: dict[str, Edit] = {
    "profile": Edit("accounts.profile", lambda w: w.member),
    "following: defaults": Edit("notifications.following_page", lambda w: w.member),
    "space settings": Edit("spaces.settings", lambda w: w.admin, lambda w: {"space_slug": w.club.slug}),
    "console: space": Edit("admin.space_edit", lambda w: w.staff, lambda w: {"space_id": w.village.id}),
    "member's role": Edit(
        "spaces.change_role",
        lambda w: w.admin,
        lambda w: {"space_slug": w.club.slug, "membership_id": w.member_in_club.id},
        page=lambda w: ("spaces.members", {"space_slug": w.club.slug}),
    ),
    **{
        f"post: {name}": Edit("villages.edit", lambda w: w.member, post_in_village(name))
        for name in ("discussion", "question", "full_event", "full_poll", "offer", "request")
    },
    "post: news": Edit("villages.edit", lambda w: w.admin, post_in_village("news")),
    "comment": Edit(
        "villages.edit_comment",
        lambda w: w.admin,
        lambda w: {"space_slug": w.village.slug, "comment_id": w.comment.id},
    ),
    "help alert": Edit(
        "villages.help_alert", lambda w: w.member, page=lambda w: ("villages.help_nearby", {})
    ),
    "helpdesk: topic": Edit("helpdesk.topic_edit", lambda w: w.staff, lambda w: {"slug": w.topic.slug}),
    "helpdesk: guide": Edit("helpdesk.guide_edit", lambda w: w.staff, lambda w: {"guide_id": w.guide.id}),
    "helpdesk: volunteer profile": Edit("helpdesk.volunteer", lambda w: w.admin),
    "maintenance: agreement": Edit(
        "maintenance.agreement_edit", lambda w: w.staff, lambda w: {"agreement_id": w.agreement.id}
    ),
    "maintenance: fixture": Edit(
        "maintenance.fixture_edit",
        lambda w: w.admin,
        lambda w: {"space_slug": w.club.slug, "fixture_id": w.fixture.id},
    ),
}


def snapshot() -> dict[str, dict[tuple, dict[str, Any]]]:
    """Every row of every table by primary key, less the columns a save may touch."""
    rows = {}
    for table in _db.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        columns = [c for c in table.columns if c.name not in IGNORED_COLUMNS]
        found = _db.session.execute(sa.select(*columns)).mappings().all()
        rows[table.name] = {tuple(row[c.name] for c in key): dict(row) for row in found}
    return rows


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{table: {primary key: {column: (before, after)} or "added" or "removed"}}``"""
    changed: dict[str, Any] = {}
    for table, rows in before.items():
        now = after[table]
        diff: dict[tuple, Any] = {k: "removed" for k in rows.keys() - now.keys()}
        diff.update({k: "added" for k in now.keys() - rows.keys()})
        for k in rows.keys() & now.keys():
            columns = {c: (v, now[k][c]) for c, v in rows[k].items() if v != now[k][c]}
            if columns:
                diff[k] = columns
        if diff:
            changed[table] = diff
    return changed


def test_every_edit_form_is_covered(app):
    """The views that validate a form filled from what is stored (``form = XForm(obj=…)``) are all in
    EDITS, so a new edit form cannot ship without being re-saved here."""
    import inspect
    import re

    editing = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if re.search(r"\bform = \w+Form\(obj=", inspect.getsource(view))
    }
    assert editing, "no edit form found: the search above is out of date"
    missing = editing - {e.endpoint for e in EDITS.values()}
    assert not missing, f"{sorted(missing)} edit stored data: add them to EDITS"


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_form_saved_unchanged_changes_nothing(app, client, login, scene, name):
    edit = EDITS[name]
    login(edit.actor(scene))
    with app.test_request_context():
        action = url_for(edit.endpoint, **edit.values(scene))
        endpoint, values = edit.page(scene) if edit.page else (edit.endpoint, edit.values(scene))
        page = url_for(endpoint, **values)
    shown = client.get(page, headers={"Accept-Language": "en"})
    assert shown.status_code == 200, f"{page}: {shown.status_code}"
    before = snapshot()
    response = submit_rendered(client, shown.text, action, page=page, headers={"Accept-Language": "en"})
    assert response.status_code in (302, 303), (
        f"{action} answered {response.status_code}: the form refused itself "
        + re.sub(r"\s+", " ", " ".join(re.findall(r"field-error[^>]*>([^<]*)<", response.text)))
    )
    landing = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "flash-error" not in landing.text, f"{action} flashed an error: the form refused itself"
    _db.session.expire_all()
    assert differences(before, snapshot()) == {}


@pytest.mark.parametrize("name", ["space settings", "console: space"])
@pytest.mark.parametrize("remove", ["remove_logo", "remove_header"])
def test_the_logo_and_the_header_image_can_be_removed(app, client, login, scene, name, remove):
    edit = EDITS[name]
    space = scene.club if name == "space settings" else scene.village
    login(edit.actor(scene))
    with app.test_request_context():
        action = url_for(edit.endpoint, **edit.values(scene))
    shown = client.get(action)
    response = submit_rendered(client, shown.text, action, page=action, changes={remove: "y"})
    assert response.status_code == 302
    _db.session.refresh(space)
    logo, header = (None, space.header_image) if remove == "remove_logo" else (space.logo, None)
    assert (space.logo, space.header_image) == (logo, header)
    assert logo or header, "the other picture stays"
