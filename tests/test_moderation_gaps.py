"""Moderation and privacy, the gaps an audit found, each through the app: who sees a private message,
assisted help requests and a deleted filer, staff acting only on their own municipality's people, safe
watched-word patterns, links to the pages, old exports removed, images in the export, and the
decisions nobody had tested."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from community import geo
from community.conversations import services as conversations
from community.extensions import db
from community.moderation import services
from community.moderation.models import Case, Reason, WordAction
from community.spaces import services as space_services
from community.villages.models import HelpCategory, PostKind
from community.villages.services import posts
from community.villages.services.posts import PostInput

EN = {"Accept-Language": "en"}
DA = {"Accept-Language": "da"}


def _post(space, by, title="Loppemarked lørdag", body="Kom og handl i forsamlingshuset.", **kw):
    kind = kw.pop("kind", PostKind.DISCUSSION)
    category = HelpCategory.SHOPPING if kind in (PostKind.HELP_REQUEST, PostKind.HELP_OFFER) else None
    post = posts.create_post(
        space, by=by, data=PostInput(kind=kind, title=title, body=body, help_category=category, **kw)
    )
    db.session.flush()
    return post


def _report(client, login, user, kind, item_id, reason="harassment", **extra):
    login(user)
    return client.post(f"/report/{kind}/{item_id}", data={"reason": reason, **extra}, headers=EN)


@pytest.fixture
def people(village, make_user, member, municipality):
    """Stilling (Skanderborg) with more villagers, Skanderborg's staff member Mette, and Aarhus with
    its own staff member Lars."""
    village.bo = make_user("bo@example.org", name="Bo")
    village.eva = make_user("eva@example.org", name="Eva")
    member(village.space, village.bo)
    member(village.space, village.eva)
    village.mette = make_user("kommune@example.org", name="Mette", staff_of=municipality)
    village.municipality = municipality
    village.aarhus = space_services.create_municipality(name="Aarhus Kommune", place=geo.resolve("Aarhus"))
    village.lars = make_user("lars@aarhus.example.org", name="Lars", home="Aarhus", staff_of=village.aarhus)
    return village


# --- 1: a private message is for its conversation, and for staff only through a case ---------------


def test_only_members_see_a_message_and_staff_only_through_their_own_case(client, login, people):
    v = people
    conversation = conversations.start("villages.post", 1, starter=v.jens, others=[v.anne])
    message = conversations.send(conversation, sender=v.jens, body="Min hemmelige besked til Anne")
    db.session.commit()

    # Staff of another municipality, and even this one's, see nothing of it before it is reported.
    for staff in (v.lars, v.mette):
        login(staff)
        page = client.get(f"/report/message/{message.id}", headers=EN)
        assert page.status_code == 404 and "hemmelige" not in page.get_data(as_text=True)

    # A member of the conversation reports it; it goes to her municipality's staff.
    login(v.anne)
    form = client.get(f"/report/message/{message.id}", headers=EN)
    assert form.status_code == 200 and "Min hemmelige besked" in form.get_data(as_text=True)
    assert _report(client, login, v.anne, "message", message.id).status_code == 302
    case = db.session.scalar(sa.select(Case).where(Case.content_type == "message"))
    assert case.municipality_id == v.municipality.id and case.report_count == 1

    login(v.mette)
    assert "Min hemmelige besked" in client.get(f"/admin/moderation/cases/{case.id}", headers=EN).text
    assert "Min hemmelige besked" in client.get("/admin/moderation/", headers=EN).text
    login(v.lars)
    assert client.get(f"/admin/moderation/cases/{case.id}").status_code == 404
    assert client.get(f"/report/message/{message.id}").status_code == 404
    assert "Min hemmelige besked" not in client.get("/admin/moderation/", headers=EN).text
    # An outsider in the same municipality: nothing either.
    assert _report(client, login, v.bo, "message", message.id).status_code == 404

    # The case's staff act on it: hidden, and the sender is told.
    login(v.mette)
    response = client.post(
        f"/admin/moderation/cases/{case.id}", data={"action": "hide", "reason": "Chikane"}, headers=EN
    )
    assert response.status_code == 302
    assert db.session.get(type(message), message.id).is_hidden


# --- 2: an employee's account is not the seniors' data they filed requests for ----------------------


def _ask_help(client, **data):
    from datetime import timedelta

    from community.db import utcnow
    from community.i18n import to_local

    soon = utcnow() + timedelta(days=2)
    base = {
        "who": "me",
        "mode": "phone",
        "description": "Kan ikke finde brevet",
        "window_1_start": to_local(soon).strftime("%Y-%m-%dT%H:%M"),
        "window_1_end": to_local(soon + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        **data,
    }
    return client.post("/helpdesk/ask", data=base, headers=EN)


def test_an_employees_export_and_deletion_leave_the_seniors_requests_alone(
    client, login, people, make_user, outbox
):
    import io
    import zipfile

    from community.helpdesk.models import HelpRequest
    from community.helpdesk.services import topics
    from tests.support import PASSWORD, link_in

    v = people
    topic = topics.save_topic(v.municipality.id, name="MitID", summary="Log ind")
    birte = make_user("birte@example.org", name="Birte", staff_of=v.municipality)
    db.session.commit()
    login(birte)
    assisted = {
        "who": "other",
        "topic": str(topic.id),
        "mode": "home",
        "place": "Stilling",
        "person_name": "Karen Olsen",
        "phone": "86 12 34 56",
        "consent": "y",
        "description": "Karen skal have hjælp til e-Boks",
    }
    assert _ask_help(client, **assisted).status_code == 302
    assert _ask_help(client, topic=str(topic.id), description="Min egen printer driller").status_code == 302
    karens = db.session.scalar(sa.select(HelpRequest).where(HelpRequest.assisted.is_(True)))
    own = db.session.scalar(sa.select(HelpRequest).where(HelpRequest.requester_id == birte.id))

    # Her export holds her own request, and of the senior's only that she filed one.
    assert client.post("/profile/data").status_code == 302
    archive = zipfile.ZipFile(io.BytesIO(client.get(link_in(outbox()[-1])).data))
    everything = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".json"))
    assert "Min egen printer driller" in everything
    assert "Karen" not in everything and "86123456" not in everything and "e-Boks" not in everything
    assert f'"id": {karens.id}' in archive.read("help_requests_filed_for_others.json").decode()

    # She deletes her account: her own request is emptied, Karen's stays whole with an organiser.
    response = client.post("/profile/delete", data={"content": "keep", "password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    karens, own = db.session.get(HelpRequest, karens.id), db.session.get(HelpRequest, own.id)
    assert (karens.person_name, karens.phone) == ("Karen Olsen", "86123456")
    assert karens.consent_text and karens.description == "Karen skal have hjælp til e-Boks"
    assert karens.place_label and karens.latitude is not None
    assert karens.filed_by_id == v.mette.id, "handed to an organiser of the municipality"
    assert own.description == "" and own.requester_id == birte.id
    login(v.mette)
    page = client.get(f"/helpdesk/requests/{karens.id}", headers=EN).text
    assert "Karen Olsen" in page and "86" in page


# --- 3 and 8: staff act on request only for their own municipality's people --------------------------


def test_staff_export_and_delete_on_request_only_for_their_own_municipalitys_people(
    client, login, people, make_user, outbox
):
    from community.moderation.models import AuditEntry

    v = people
    aarhusianer = make_user("aarhus@example.org", name="Aarhusianer", home="Aarhus")
    db.session.commit()

    # Lars of Aarhus finds nobody of Skanderborg's: Anne is in Stilling and lives in Skanderborg.
    login(v.lars)
    found = client.get("/admin/moderation/people?find-email=anne@example.org", headers=EN)
    assert found.status_code == 400 and "has no link to Aarhus Kommune" in found.text
    assert "E-mail them their data" not in found.text
    refused = client.post(
        "/admin/moderation/people?find-email=anne@example.org",
        data={"what": "delete", "delete-content": "delete", "delete-confirm": "y"},
        headers=EN,
    )
    assert refused.status_code == 400 and db.session.get(type(v.anne), v.anne.id).active
    client.post("/admin/moderation/people?find-email=anne@example.org", data={"what": "export"})
    assert not [m for m in outbox() if m["To"] == "anne@example.org"]
    # His own citizen (a home in Aarhus) he finds.
    assert (
        "E-mail them their data"
        in client.get("/admin/moderation/people?find-email=aarhus@example.org", headers=EN).text
    )

    # Mette of Skanderborg: not the Aarhus citizen, but Anne (a member) and Ole (a home in Ry).
    login(v.mette)
    other = client.get("/admin/moderation/people?find-email=aarhus@example.org", headers=EN)
    assert other.status_code == 400 and "has no link to Skanderborg Kommune" in other.text
    assert client.get("/admin/moderation/people?find-email=ole@example.org").status_code == 200
    page = client.get("/admin/moderation/people?find-email=anne@example.org", headers=EN)
    assert page.status_code == 200 and "E-mail them their data" in page.text

    # Staff export on request: the link goes to the citizen, and the audit log says who sent it.
    response = client.post(
        "/admin/moderation/people?find-email=anne@example.org", data={"what": "export"}, headers=EN
    )
    assert response.status_code == 302
    mails = [m for m in outbox() if m["To"] == "anne@example.org"]
    assert len(mails) == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "data_exported"))
    assert entry.actor_id == v.mette.id and entry.target_user_id == v.anne.id
    assert entry.municipality_id == v.municipality.id
    from tests.support import link_in

    login(v.anne)
    download = client.get(link_in(mails[0]))
    assert download.status_code == 200 and download.mimetype == "application/zip"
    login(v.mette)
    assert "data exported" in client.get("/admin/moderation/audit", headers=EN).text
    assert aarhusianer.active


# --- 4: /patterns/ are for staff, and none that could stall the site -------------------------------


def test_watched_patterns_are_for_staff_and_never_nested(client, login, people, app):
    import time

    from community.moderation import words
    from community.moderation.models import WatchedWord
    from community.villages.models import Post

    v = people
    login(v.hanne)  # the space's admin: words and phrases only
    page = client.get("/s/stilling/moderation/words", headers=EN).text
    assert "Word or phrase" in page and "regular expression" not in page
    refused = client.post(
        "/s/stilling/moderation/words", data={"pattern": "/svin.?/", "action": "flag"}, headers=EN
    )
    assert refused.status_code == 400 and "staff can add a /pattern/" in refused.text
    dansk = client.post(
        "/s/stilling/moderation/words", data={"pattern": "/svin/", "action": "flag"}, headers=DA
    )
    assert dansk.status_code == 400 and "Kun kommunens medarbejdere" in dansk.text
    ok = client.post("/s/stilling/moderation/words", data={"pattern": "svindel", "action": "hold"})
    assert ok.status_code == 302

    login(v.mette)
    for pattern in ("/(a+)+$/", "/(a|aa)*b/", "/(\\w+\\s?)*x/"):
        nested = client.post(
            "/admin/moderation/words", data={"pattern": pattern, "action": "block"}, headers=EN
        )
        assert nested.status_code == 400 and "repetition inside a repetition" in nested.text, pattern
    costly = client.post(
        "/admin/moderation/words", data={"pattern": "/\\w*\\w*x/", "action": "block"}, headers=EN
    )
    assert costly.status_code == 400 and "too many repetitions" in costly.text
    assert (
        client.post(
            "/admin/moderation/words", data={"pattern": "/k[o0]mmune.?svin/", "action": "block"}
        ).status_code
        == 302
    )
    assert [w.pattern for w in db.session.scalars(sa.select(WatchedWord).order_by(WatchedWord.id))] == [
        "svindel",
        "/k[o0]mmune.?svin/",
    ]

    # The safe pattern still works, deep in a long text, and a long text is checked quickly.
    login(v.jens)
    long_text = "Hej naboer. " * 1_500 + "de k0mmune-svin"
    refused = client.post(
        "/s/stilling/posts/new?kind=discussion", data={"title": "Lang", "body": long_text}, headers=EN
    )
    assert refused.status_code == 400 and "is not allowed here" in refused.text
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0
    # One stored before the check (an old row) is left out rather than run.
    db.session.add(
        WatchedWord(municipality_id=v.municipality.id, pattern="/(a+)+$/", is_regex=True, action="block")
    )
    words.changed(v.municipality.id)
    db.session.commit()
    started = time.perf_counter()
    assert words.match("a" * 5_000 + "!", v.municipality.id, None).words == []
    assert time.perf_counter() - started < 1.0


# --- 5: the moderation pages are linked from where people look for them --------------------------


def test_the_moderation_pages_are_linked_for_the_right_people(client, login, people):
    v = people
    login(v.jens)
    profile = client.get("/profile", headers=EN).text
    for url in ("/profile/data", "/profile/delete", "/profile/blocked", "/moderation/decisions/"):
        assert f'href="{url}"' in profile, url

    post = _post(v.space, v.jens)
    services.report(post, by=v.anne, reason=Reason.SPAM)
    db.session.commit()

    def front(user):
        if user is None:
            with client.session_transaction() as session:
                session.clear()
        else:
            login(user)
        return client.get("/s/stilling/", headers=EN).text

    queue_link = 'href="/s/stilling/moderation/"'
    report_link = f'href="/report/space/{v.space.id}"'
    admin, staff, villager, outsider, nobody = (front(u) for u in (v.hanne, v.mette, v.jens, v.ole, None))
    assert queue_link in admin and "1 open case" in admin
    assert queue_link in staff
    assert queue_link not in villager and queue_link not in outsider and queue_link not in nobody
    assert report_link in villager and report_link in outsider and report_link not in nobody

    login(v.mette)
    console = client.get("/admin/", headers=EN).text
    assert 'href="/admin/moderation/"' in console and 'href="/admin/moderation/audit"' in console

    # A frozen space says so on its pages; an open one does not.
    read_only = "This space is read-only for now"
    assert read_only not in villager
    services.freeze(v.space, by=v.mette, reason="Tråden løb løbsk")
    db.session.commit()
    login(v.jens)
    assert read_only in client.get("/s/stilling/", headers=EN).text
    assert read_only in client.get("/s/stilling/posts/", headers=EN).text
    assert "skrivebeskyttet" in client.get("/s/stilling/", headers=DA).text


# --- 6 and 8: old exports are removed every hour, a deleted account's at once; old links refused ----


def test_old_exports_are_removed_by_the_hourly_job_and_with_the_account(
    client, login, people, outbox, monkeypatch
):
    import os
    import time
    from datetime import datetime

    from itsdangerous.timed import TimestampSigner

    from community.extensions import huey
    from community.moderation import privacy, tasks
    from tests.support import PASSWORD, link_in

    v = people
    login(v.jens)
    client.post("/profile/data")
    login(v.anne)
    client.post("/profile/data")
    folder = privacy.export_folder()
    jens_zip, anne_zip = (next(folder.glob(f"{u.id}-*.zip")) for u in (v.jens, v.anne))
    old = folder / f"{v.bo.id}-{'0' * 32}.zip"
    old.write_bytes(b"PK")
    eight_days_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (eight_days_ago, eight_days_ago))

    # The consumer runs the job every hour; it takes the expired ZIP and leaves the others.
    due = {t.name for t in huey.read_periodic(datetime(2026, 1, 5, 10, 47))}
    assert any(name.endswith("remove_old_exports") for name in due)
    assert tasks.remove_old_exports.call_local() == 1
    assert not old.exists() and jens_zip.exists() and anne_zip.exists()

    # A link past its days is refused with a message, not served.
    with monkeypatch.context() as m:
        m.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 8 * 24 * 3600)
        stale = privacy.download_token(v.anne, anne_zip)
    login(v.anne)
    response = client.get(f"/profile/data/{stale}", headers=EN, follow_redirects=True)
    assert response.request.path == "/profile/data" and "This download link has expired" in response.text
    assert response.mimetype == "text/html"
    assert client.get(link_in(outbox()[-1])).mimetype == "application/zip"  # her fresh one works

    # Deleting the account takes its waiting export with it.
    login(v.jens)
    assert client.post("/profile/delete", data={"content": "keep", "password": PASSWORD}).status_code == 302
    assert not jens_zip.exists() and anne_zip.exists()


# --- 7: the export holds the pictures one uploaded with ideas and fault reports --------------------


def test_the_export_holds_idea_pictures_and_fault_photos_with_the_faults_place(client, login, people, outbox):
    import io
    import json
    import zipfile

    from PIL import Image

    from community.engagement.models import Idea
    from community.maintenance.models import FaultReport
    from community.media import media_folder
    from tests.support import link_in

    def png(color):
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), color).save(buffer, "PNG")
        buffer.seek(0)
        return buffer

    v = people
    login(v.jens)
    idea = client.post(
        "/engagement/ideas/new",
        data={
            "title": "Bænk ved søen",
            "body": "En bænk med udsigt.",
            "category": "other",
            "space_id": "",
            "confirmed": "1",
            "image": (png((10, 120, 40)), "baenk.png"),
            "image_alt": "Søen set fra stien",
        },
        headers=EN,
    )
    assert idea.status_code == 302, idea.text
    fault = client.post(
        "/maintenance/faults/new",
        data={
            "latitude": "56.0904",
            "longitude": "9.9932",
            "category": "other",
            "description": "Hul i stien ved søen.",
            "photo": (png((120, 10, 10)), "hul.png"),
        },
        headers=EN,
    )
    assert fault.status_code == 302, fault.text
    picture = db.session.scalar(sa.select(Idea.image))
    photo = db.session.scalar(sa.select(FaultReport.photo))
    assert picture and photo

    client.post("/profile/data")
    archive = zipfile.ZipFile(io.BytesIO(client.get(link_in(outbox()[-1])).data))
    assert {f"images/{picture}", f"images/{photo}"} <= set(archive.namelist())
    assert archive.read(f"images/{photo}") == (media_folder() / photo).read_bytes()
    [reported] = json.loads(archive.read("fault_reports.json"))
    assert (reported["latitude"], reported["longitude"], reported["photo"]) == (56.0904, 9.9932, photo)
    [mine] = json.loads(archive.read("ideas.json"))
    assert mine["image"] == picture and mine["image_alt"] == "Søen set fra stien"


# --- 8: reports of a profile and of a whole space, the warning, and the map -----------------------


def test_a_reported_profile_goes_to_the_staff_who_warn_its_owner(client, login, people, outbox):
    from community.moderation.models import Action, AuditEntry
    from community.notifications.models import Notification

    v = people
    login(v.anne)
    form = client.get(f"/report/profile/{v.jens.id}", headers=EN)
    assert form.status_code == 200 and "Jens" in form.text
    assert _report(client, login, v.anne, "profile", v.jens.id, reason="harassment").status_code == 302
    own = _report(client, login, v.jens, "profile", v.jens.id)
    assert own.status_code == 400 and "cannot report what you wrote yourself" in own.text
    case = db.session.scalar(sa.select(Case).where(Case.content_type == "profile"))
    assert case.municipality_id == v.municipality.id and case.space_id is None

    login(v.hanne)  # a space's admin has no say over a person's profile
    assert "Jens" not in client.get("/s/stilling/moderation/", headers=EN).text
    login(v.lars)
    assert client.get(f"/admin/moderation/cases/{case.id}").status_code == 404
    login(v.mette)
    assert f"/admin/moderation/cases/{case.id}" in client.get("/admin/moderation/", headers=EN).text
    response = client.post(
        f"/admin/moderation/cases/{case.id}",
        data={"action": "warn", "reason": "Dit profilnavn hænger en nabo ud."},
        headers=EN,
    )
    assert response.status_code == 302

    warned = db.session.scalar(sa.select(Action).where(Action.kind == "warn"))
    assert warned.author_id == v.jens.id and warned.by_id == v.mette.id
    note = db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == v.jens.id, Notification.kind == "moderation.action"
        )
    )
    assert note.context["what"] == "warn"
    assert any("Dit profilnavn hænger en nabo ud." in m.get_body().get_content() for m in outbox())
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "warn"))
    assert (entry.actor_id, entry.target_user_id, entry.content_type) == (v.mette.id, v.jens.id, "profile")
    login(v.jens)
    decision = client.get(f"/moderation/decisions/{warned.id}", headers=EN).text
    assert "author warned" in decision and "Dit profilnavn hænger en nabo ud." in decision
    login(v.mette)
    assert "author warned" in client.get("/admin/moderation/audit?action=warn", headers=EN).text


def test_a_reported_space_is_for_the_staff_who_freeze_and_archive_it(client, login, people):
    v = people
    login(v.jens)
    assert client.get(f"/report/space/{v.space.id}", headers=EN).status_code == 200
    response = _report(client, login, v.jens, "space", v.space.id, reason="hate")
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case).where(Case.content_type == "space"))
    assert case.space_id == v.space.id

    # The space's own admin does not see reports about her space; the municipality's staff do.
    login(v.hanne)
    assert f"/cases/{case.id}" not in client.get("/s/stilling/moderation/", headers=EN).text
    assert client.get(f"/s/stilling/moderation/cases/{case.id}").status_code == 404
    assert "0 open cases" in client.get("/s/stilling/", headers=EN).text
    login(v.mette)
    assert f"/admin/moderation/cases/{case.id}" in client.get("/admin/moderation/", headers=EN).text
    page = client.get(f"/admin/moderation/cases/{case.id}", headers=EN).text
    assert "Freeze it" in page and "Archive it" in page

    url = f"/admin/moderation/cases/{case.id}"
    no_reason = client.post(url, data={"action": "freeze"}, headers=EN)
    assert no_reason.status_code == 400 and not db.session.get(type(v.space), v.space.id).is_frozen
    assert client.post(url, data={"action": "freeze", "reason": "Hadske tråde"}).status_code == 302
    space = db.session.get(type(v.space), v.space.id)
    assert space.is_frozen and db.session.get(Case, case.id).status.value == "closed"
    login(v.jens)
    written = client.post("/s/stilling/posts/new?kind=discussion", data={"title": "Hej", "body": "x"})
    assert written.status_code == 403

    assert _report(client, login, v.anne, "space", v.space.id, reason="hate").status_code == 302
    assert db.session.get(Case, case.id).status.value == "open"
    login(v.mette)
    assert (
        client.post(url, data={"action": "archive", "reason": "Lukket efter gentagne klager"}).status_code
        == 302
    )
    space = db.session.get(type(v.space), v.space.id)
    assert space.is_archived and db.session.get(Case, case.id).status.value == "closed"
    log = client.get("/admin/moderation/audit", headers=EN).text
    assert "space frozen" in log and "space archived" in log


def test_a_hidden_post_with_a_place_leaves_the_map(client, login, people):
    v = people
    post = _post(v.space, v.jens, title="Bænken ved gadekæret", place=geo.resolve("Stilling"))
    db.session.commit()

    def on_map(user):
        if user is None:
            with client.session_transaction() as session:
                session.clear()
        else:
            login(user)
        page = client.get("/s/stilling/map", headers=EN).text
        return "Bænken ved gadekæret" in page, f"/s/stilling/posts/{post.id}" in page

    assert on_map(None) == (True, True) and on_map(v.anne) == (True, True)
    api_titles = lambda: [i["title"] for i in client.get("/api/v1/spaces/stilling/posts").json["items"]]  # noqa: E731
    assert api_titles() == ["Bænken ved gadekæret"]
    services.hide(post, by=v.hanne, reason="Hænger en nabo ud")
    db.session.commit()
    assert on_map(None) == (False, False)
    assert on_map(v.anne) == (False, False)
    assert on_map(v.hanne) == (True, True), "its moderators still find it"
    assert on_map(v.jens) == (True, True), "and its author, who sees why"
    with client.session_transaction() as session:
        session.clear()
    assert api_titles() == []


# --- 9: hidden by reports reads in each reader's language -------------------------------------------


def test_hidden_by_reports_is_stored_as_a_code_and_read_in_each_language(client, login, people):
    from community.moderation.models import AUTO_HIDDEN
    from community.villages.models import Post

    v = people
    post = _post(v.space, v.jens)
    db.session.commit()
    for who in (v.anne, v.bo):
        assert _report(client, login, who, "post", post.id).status_code == 302
    login(v.eva)
    third = client.post(f"/report/post/{post.id}", data={"reason": "spam"}, headers=DA)
    assert third.status_code == 302
    hidden = db.session.get(Post, post.id)
    assert hidden.is_hidden and hidden.moderation_reason == AUTO_HIDDEN

    login(v.jens)
    english = client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    assert "Hidden until a moderator looks at it: several people reported it." in english
    assert "Hidden by a moderator" not in english
    danish = client.get(f"/s/stilling/posts/{post.id}", headers=DA).text
    assert "Skjult, indtil en moderator har set på det: flere har anmeldt det." in danish
    case = db.session.scalar(sa.select(Case).where(Case.content_id == post.id))
    login(v.hanne)
    assert (
        "Hidden: several people reported it"
        in client.get(f"/s/stilling/moderation/cases/{case.id}", headers=EN).text
    )
    # A moderator's own reason still reads as theirs.
    services.hide(post, by=v.hanne, reason="Spam om loppemarkedet", case=case)
    db.session.commit()
    login(v.jens)
    assert (
        "Hidden by a moderator: Spam om loppemarkedet"
        in client.get(f"/s/stilling/posts/{post.id}", headers=EN).text
    )


# --- 11: the audit log between two dates; nobody decides the appeal of their own decision ------------


def test_the_audit_log_filters_by_dates(client, login, people):
    from datetime import timedelta

    from community.db import utcnow
    from community.moderation.models import AuditEntry

    v = people
    post = _post(v.space, v.jens)
    services.hide(post, by=v.hanne, reason="Gammel sag")
    old = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.reason == "Gammel sag"))
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == old.id).values(created_at=utcnow() - timedelta(days=40))
    )
    services.add_word(v.municipality.id, pattern="fjols", action=WordAction.FLAG, by=v.mette)
    db.session.commit()

    login(v.mette)
    page = client.get("/admin/moderation/audit", headers=EN).text
    assert 'type="date"' in page and "Gammel sag" in page and "flag: fjols" in page
    today = utcnow().date()
    recent = client.get(f"/admin/moderation/audit?since={today - timedelta(days=7)}", headers=EN).text
    assert "flag: fjols" in recent and "Gammel sag" not in recent
    day = (utcnow() - timedelta(days=40)).date()
    back_then = client.get(f"/admin/moderation/audit?since={day}&until={day}", headers=EN).text
    assert "Gammel sag" in back_then and "flag: fjols" not in back_then
    csv = client.get(f"/admin/moderation/audit.csv?until={day}").text
    assert "Gammel sag" in csv and "fjols" not in csv
    bad = client.get("/admin/moderation/audit?since=i+går", headers=EN)
    assert bad.status_code == 400 and "Not a valid date value." in bad.text
    swapped = client.get(f"/admin/moderation/audit?since={today}&until={day}", headers=DA)
    assert swapped.status_code == 400 and "Den sidste dag ligger før den første" in swapped.text


def test_staff_do_not_decide_the_appeal_of_their_own_decision(client, login, people, make_user):
    from community.moderation.models import Action

    v = people
    post = _post(v.space, v.jens)
    services.report(post, by=v.anne, reason=Reason.SPAM)
    case = db.session.scalar(sa.select(Case))
    db.session.commit()
    login(v.mette)
    client.post(f"/admin/moderation/cases/{case.id}", data={"action": "hide", "reason": "Reklame"})
    action = db.session.scalar(sa.select(Action).where(Action.kind == "hide"))
    login(v.jens)
    client.post(f"/moderation/decisions/{action.id}", data={"appeal-text": "Det var ikke reklame."})

    login(v.mette)
    page = client.get(f"/moderation/decisions/{action.id}", headers=EN).text
    assert "another member of the" in page and "Decide the appeal" not in page
    own = client.post(
        f"/moderation/decisions/{action.id}",
        data={"decide-decision": "overturned", "decide-note": "Jeg tog fejl."},
        headers=EN,
    )
    assert own.status_code == 400 and "You made this decision yourself" in own.text
    assert db.session.get(Action, action.id).appeal_decision is None

    colleague = make_user("kollega@example.org", name="Kollega", staff_of=v.municipality)
    db.session.commit()
    login(colleague)
    assert "Decide the appeal" in client.get(f"/moderation/decisions/{action.id}", headers=EN).text
    decided = client.post(
        f"/moderation/decisions/{action.id}",
        data={"decide-decision": "upheld", "decide-note": "Afgørelsen står ved magt."},
    )
    assert decided.status_code == 302
    assert db.session.get(Action, action.id).appeal_decision.value == "upheld"
