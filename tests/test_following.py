"""Following and digests, through the app: people hear about what they follow, at the pace they chose,
and leave with one click (RFC 8058) without logging in."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from community.extensions import db
from community.moderation.models import ModerationState
from community.moderation.services import block
from community.notifications import following
from community.notifications.models import Follow, Frequency, Level, Notification, NotificationSettings
from community.spaces.models import Visibility
from community.villages.models import PostKind
from community.villages.services import comments, posts
from community.villages.services.posts import PostInput
from tests.support import body_of
from tests.test_mail import smtp_server, subject  # noqa: F401  (the real SMTP server fixture)

EN = {"Accept-Language": "en"}
DA = {"Accept-Language": "da"}


def _question(space, by, title="Hvem kan låne mig en stige?"):
    post = posts.create_post(
        space, by=by, data=PostInput(kind=PostKind.QUESTION, title=title, body="Til tagrenden.")
    )
    db.session.commit()
    return post


def _notes(user) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)))


def _to(outbox, address):
    return [m for m in outbox() if m["To"] == address]


def _comment(client, post, body, parent=None):
    data = {"body": body}
    if parent is not None:
        data["parent_id"] = str(parent)
    return client.post(f"/s/stilling/posts/{post.id}/comments", data=data, headers=EN)


@pytest.fixture
def borger(village, make_user, member):
    user = make_user("borger@example.org", name="Birte Borger", home="Stilling")
    member(village.space, user)
    db.session.commit()
    return user


# --- the "done when" ------------------------------------------------------------------------


def test_a_reply_reaches_the_commenter_once_over_smtp_and_one_click_unsubscribes(
    app,
    client,
    login,
    village,
    borger,
    outbox,
    monkeypatch,
    smtp_server,  # noqa: F811
):
    controller, handler = smtp_server
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    question = _question(village.space, village.jens)
    login(borger)
    assert _comment(client, question, "Jeg har en i skuret.").status_code == 302
    assert _notes(borger) == [], "one's own comment tells oneself nothing"
    login(village.anne)
    _comment(client, question, "Min er længere, hvis du skal helt op.")

    [note] = _notes(borger)
    assert note.kind == "villages.comment" and note.item == f"post:{question.id}"
    [message] = [m for m in handler.messages if m["To"] == "borger@example.org"]
    assert "Anne" in subject(message) and question.title in subject(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://faelled.test/notifications/unsubscribe/")

    # A mail client unsubscribes by POSTing to that address: no login, no form, no CSRF token.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    mail_client = app.test_client()
    response = mail_client.post(
        urlsplit(link).path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Sådan: ikke flere e-mails eller notifikationer om" in response.get_data(as_text=True), "in Danish"
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    follow = following.follow_of(borger, "post", question.id)
    assert follow.level == Level.MUTED

    login(village.hanne)
    _comment(client, question, "Husk at stige sikkert.")
    assert len(_notes(borger)) == 1, "a muted post tells nothing more"
    assert len([m for m in handler.messages if m["To"] == "borger@example.org"]) == 1


def test_a_daily_digest_summarises_the_day_in_danish(client, login, village, make_user, member, outbox):
    senior = make_user("senior@example.org", name="Inger", home="Stilling", locale="da")
    member(village.space, senior)
    db.session.commit()
    login(senior)
    response = client.post(
        "/notifications/following",
        data={"frequency": "daily", "digest_hour": "8", "auto_follow": "y"},
        headers=DA,
    )
    assert response.status_code == 302
    question = _question(village.space, senior, title="Hvem kører til Skanderborg fredag?")
    login(village.anne)
    _comment(client, question, "Det gør jeg, kl. 10.")
    login(village.jens)
    _comment(client, question, "Jeg kan også.")
    assert _to(outbox, "senior@example.org") == [], "a daily digest: nothing at once"
    assert len(_notes(senior)) == 2, "the bell shows it at once all the same"

    # 7:00 UTC on a Tuesday in December is 8:00 in Denmark: Inger's hour.
    assert following.send_digests(datetime(2026, 12, 8, 7, 0)) == 1
    db.session.commit()
    [digest] = _to(outbox, "senior@example.org")
    assert "Din dag på Fælled" in digest["Subject"]
    text = body_of(digest)
    assert "Stilling" in text and "Anne" in text and "Jens" in text and question.title in text
    assert text.index("Jens") < text.index("Anne"), "newest first"
    html = digest.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="da">' in html and question.title in html
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert following.send_digests(datetime(2026, 12, 8, 7, 30)) == 0, "sent once; nothing new, nothing sent"
    assert following.send_digests(datetime(2026, 12, 8, 8, 0)) == 0, "not someone else's hour"


def test_a_digest_leaves_out_what_was_hidden_since_and_sends_nothing_then(
    client, login, village, borger, outbox
):
    db.session.add(NotificationSettings(user_id=borger.id, frequency=Frequency.DAILY, digest_hour=8))
    db.session.commit()
    question = _question(village.space, village.jens)
    login(borger)
    _comment(client, question, "Jeg har en.")
    login(village.anne)
    _comment(client, question, "Jeg har også en.")
    assert len(_notes(borger)) == 1
    question.moderation_state = ModerationState.HIDDEN  # a moderator hid it before the digest left
    db.session.commit()
    assert following.send_digests(datetime(2026, 12, 8, 7, 0)) == 0
    db.session.commit()
    assert _to(outbox, "borger@example.org") == []


def test_a_request_that_rolls_back_tells_nobody(village, borger, outbox):
    question = _question(village.space, borger)
    comments.add_comment(question, village.space, by=village.anne, body="Jeg har en.")
    db.session.rollback()
    db.session.commit()
    assert _notes(borger) == [] and outbox() == []


# --- following, levels and frequencies ------------------------------------------------------------------


def test_a_space_follower_hears_of_new_posts_and_a_muted_post_stays_quiet(client, login, village, borger):
    login(borger)
    assert client.post(f"/notifications/follow/space/{village.space.id}").status_code == 302
    page = client.get("/s/stilling/", headers=EN).get_data(as_text=True)
    assert "You follow this." in page
    question = _question(village.space, village.jens)
    [note] = _notes(borger)
    assert note.kind == "villages.new_post"
    post_page = client.get(f"/s/stilling/posts/{question.id}", headers=EN).get_data(as_text=True)
    assert "Follow this post" in post_page
    client.post(f"/notifications/follow/post/{question.id}", data={"level": "muted"})
    post_page = client.get(f"/s/stilling/posts/{question.id}", headers=EN).get_data(as_text=True)
    assert "Muted: nothing about this reaches you." in post_page
    login(village.anne)
    _comment(client, question, "Jeg har en.")
    assert len(_notes(borger)) == 1, "muting the post wins over following its space"


def test_only_replies_to_me_at_the_replies_level(client, login, village, borger):
    question = _question(village.space, village.jens)
    login(borger)
    _comment(client, question, "Jeg har en.")
    mine = db.session.scalar(sa.select(following.Follow).where(following.Follow.user_id == borger.id))
    client.post(
        f"/notifications/following/{mine.id}",
        data={f"f{mine.id}-level": "replies", f"f{mine.id}-frequency": ""},
    )
    assert following.follow_of(borger, "post", question.id).level == Level.REPLIES
    login(village.anne)
    _comment(client, question, "Min er længere.")
    assert _notes(borger) == [], "not a reply to Birte"
    first = db.session.scalar(sa.select(comments.Comment).where(comments.Comment.author_id == borger.id))
    _comment(client, question, "Kan jeg låne din?", parent=first.id)
    assert [n.kind for n in _notes(borger)] == ["villages.comment"]


def test_the_question_asker_is_told_in_their_own_words_and_a_block_silences(client, login, village):
    question = _question(village.space, village.jens)
    login(village.anne)
    _comment(client, question, "Jeg har en.")
    assert [n.kind for n in _notes(village.jens)] == ["villages.answered"]
    block(village.jens, village.anne)
    db.session.commit()
    _comment(client, question, "Hallo?")
    assert len(_notes(village.jens)) == 1, "someone Jens blocked reaches him no more"


def test_following_what_one_may_not_see_is_not_found(client, login, village, make_space, make_user, member):
    closed = make_space(name="Bestyrelsen", place="Stilling", visibility=Visibility.MEMBERS)
    insider = make_user("insider@example.org", name="Ida", home="Stilling")
    member(closed, insider)
    secret = posts.create_post(
        closed, by=insider, data=PostInput(kind=PostKind.DISCUSSION, title="Budget", body="…")
    )
    db.session.commit()
    login(village.ole)
    for target, target_id in (("post", secret.id), ("space", closed.id), ("post", 99_999), ("nothing", 1)):
        response = client.post(f"/notifications/follow/{target}/{target_id}")
        assert response.status_code == 404, (target, target_id)
    response = client.post("/notifications/follow/post/99999999999999999999")
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Follow.id)).where(Follow.user_id == village.ole.id)) == 0


def test_writing_follows_unless_turned_off(client, login, village, borger):
    login(borger)
    client.post("/notifications/following", data={"frequency": "instant", "digest_hour": "7"})
    question = _question(village.space, village.jens)
    _comment(client, question, "Jeg har en.")
    assert following.follow_of(borger, "post", question.id) is None
    page = client.get("/notifications/following", headers=EN).get_data(as_text=True)
    assert "You follow nothing yet." in page


# --- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hour", ["24", "-1", "7.5", "", "99999999999999999999"])
def test_a_digest_hour_outside_the_day_is_refused(client, login, borger, hour):
    login(borger)
    response = client.post(
        "/notifications/following", data={"frequency": "daily", "digest_hour": hour}, headers=EN
    )
    assert response.status_code == 400
    assert "Give an hour from 0 to 23." in response.get_data(as_text=True)
    assert db.session.get(NotificationSettings, borger.id) is None


def test_a_forged_expired_or_reused_token_changes_nothing(app, client, login, village, borger, monkeypatch):
    question = _question(village.space, village.jens)
    login(borger)
    _comment(client, question, "Jeg har en.")
    follow = following.follow_of(borger, "post", question.id)
    with app.test_request_context():
        token = following.unsubscribe_token(borger, follow)
    anonymous = app.test_client()

    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = anonymous.post(f"/notifications/unsubscribe/{forged}", headers=EN)
    assert response.status_code == 400 and "This link is not valid" in response.get_data(as_text=True)
    assert following.follow_of(borger, "post", question.id).level == Level.EVERYTHING

    monkeypatch.setattr(following, "UNSUBSCRIBE_MAX_AGE", timedelta(seconds=-1))
    response = anonymous.post(f"/notifications/unsubscribe/{token}", headers=EN)
    assert response.status_code == 400 and "This link is too old" in response.get_data(as_text=True)
    monkeypatch.undo()

    page = anonymous.get(f"/notifications/unsubscribe/{token}", headers=EN)
    assert "Stop e-mails and notifications about" in page.get_data(as_text=True)
    assert following.follow_of(borger, "post", question.id).level == Level.EVERYTHING, (
        "a GET (a mail scanner) changes nothing"
    )

    anonymous.post(f"/notifications/unsubscribe/{token}", headers=EN)
    again = anonymous.post(f"/notifications/unsubscribe/{token}", headers=EN).get_data(as_text=True)
    assert "You had already unsubscribed" in again and "Undo" not in again

    undone = anonymous.post(
        f"/notifications/unsubscribe/{token}/undo", data={"previous": "everything"}, headers=EN
    )
    assert "you follow" in undone.get_data(as_text=True)
    assert following.follow_of(borger, "post", question.id).level == Level.EVERYTHING


def test_the_bell_groups_by_item_and_opening_reads_them_all(client, login, village):
    question = _question(village.space, village.jens, title="Stige")
    login(village.anne)
    for text in ("Én", "To", "Tre"):
        _comment(client, question, text)
    login(village.jens)
    page = client.get("/notifications/", headers=EN).get_data(as_text=True)
    assert "3 new notifications about “Stige”" in page
    newest = max(_notes(village.jens), key=lambda n: n.id)
    response = client.post(f"/notifications/{newest.id}/read")
    assert response.headers["Location"].endswith(f"/s/stilling/posts/{question.id}")
    assert all(n.read_at is not None for n in _notes(village.jens))


def test_a_bouncing_address_gets_no_more_mail(app, village, borger, outbox):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "bouncing", "borger@example.org"])
    assert result.exit_code == 0, result.output
    question = _question(village.space, borger)
    comments.add_comment(question, village.space, by=village.anne, body="Jeg har en.")
    db.session.commit()
    assert len(_notes(borger)) == 1 and _to(outbox, "borger@example.org") == []


def test_what_one_follows_is_in_the_export_and_goes_with_the_account(client, login, village, borger):
    import json
    import zipfile

    from community.moderation import privacy

    question = _question(village.space, village.jens)
    login(borger)
    _comment(client, question, "Jeg har en.")
    client.post("/notifications/following", data={"frequency": "weekly", "digest_hour": "18"})
    with zipfile.ZipFile(privacy.assemble(borger)) as archive:
        followed = json.loads(archive.read("following.json"))
        settings = json.loads(archive.read("notification_settings.json"))
    assert followed == [
        {"target": "post", "target_id": question.id, "level": "everything", "frequency": None,
         "created_at": followed[0]["created_at"]}
    ]  # fmt: skip
    assert settings[0]["frequency"] == "weekly" and settings[0]["digest_hour"] == 18
    privacy.delete_account(borger, by=borger)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Follow.id)).where(Follow.user_id == borger.id)) == 0
    assert db.session.get(NotificationSettings, borger.id) is None


# --- mentions -----------------------------------------------------------------------------------------


def test_a_mention_links_and_tells_a_member_not_an_outsider_nor_one_who_blocked(
    client, login, village, borger
):
    from community.villages.models import Comment

    post = posts.create_post(
        village.space,
        by=village.hanne,
        data=PostInput(kind=PostKind.DISCUSSION, title="Sankthans", body="Bål?"),
    )
    block(village.jens, village.anne)  # Jens blocked Anne
    db.session.commit()
    login(village.anne)
    _comment(client, post, "Spørg @birte borger, @Jens og @Ole om brænde. `@Hanne` i kode er bare tekst.")
    comment = db.session.scalar(sa.select(Comment).where(Comment.post_id == post.id))
    assert f'<a class="mention" href="/villages/people/{borger.id}">@birte borger</a>' in comment.body_html
    assert "@Ole" in comment.body_html and f"/villages/people/{village.ole.id}" not in comment.body_html
    assert f"/villages/people/{village.hanne.id}" not in comment.body_html, "not inside code"
    assert [n.kind for n in _notes(borger)] == ["villages.mentioned"]
    assert _notes(village.ole) == [], "Ole is no member of Stilling"
    assert _notes(village.jens) == [], "Jens blocked Anne"
    assert [n.kind for n in _notes(village.hanne)] == ["villages.comment"], "Hanne follows her own post"
    page = client.get(f"/s/stilling/posts/{post.id}", headers=EN).get_data(as_text=True)
    assert f'href="/villages/people/{borger.id}">@birte borger</a>' in page


def test_a_tag_follower_hears_of_new_posts_with_that_tag_only(client, login, village, borger):
    first = posts.create_post(
        village.space,
        by=village.jens,
        data=PostInput(kind=PostKind.DISCUSSION, title="Loppemarked", body="Lørdag", tags=["loppemarked"]),
    )
    db.session.commit()
    login(borger)
    feed = client.get("/s/stilling/posts/?tag=loppemarked", headers=EN).get_data(as_text=True)
    assert "Follow #loppemarked" in feed
    tag_id = first.tags[0].id
    assert client.post(f"/notifications/follow/tag/{tag_id}").status_code == 302
    assert "You follow this." in client.get("/s/stilling/posts/?tag=loppemarked", headers=EN).get_data(
        as_text=True
    )
    for title, tags in (("Igen loppemarked", ["loppemarked"]), ("Sankthans", ["bål"])):
        posts.create_post(
            village.space,
            by=village.anne,
            data=PostInput(kind=PostKind.DISCUSSION, title=title, body="…", tags=tags),
        )
        db.session.commit()
    assert [n.context["title"] for n in _notes(borger)] == ["Igen loppemarked"]
    page = client.get("/notifications/following", headers=EN).get_data(as_text=True)
    assert "#loppemarked · Stilling" in page


def test_a_deactivated_account_hears_nothing_and_gets_no_digest(client, login, village, borger, outbox):
    login(borger)
    client.post(f"/notifications/follow/space/{village.space.id}")
    following.save_settings(borger, frequency=Frequency.DAILY, digest_hour=7, auto_follow=True)
    _question(village.space, village.jens, title="Før")
    assert [n.context["title"] for n in _notes(borger)] == ["Før"]
    borger.active = False  # suspended by the municipality, say
    db.session.commit()
    _question(village.space, village.jens, title="Efter")
    assert [n.context["title"] for n in _notes(borger)] == ["Før"]
    seven = datetime(2026, 12, 1, 6, 0)  # 07:00 in Copenhagen
    assert following.send_digests(seven) == 0
    assert not _to(outbox, borger.email)


def test_the_help_alert_is_an_area_followed_like_anything_else(client, login, village):
    from community.villages.models import HelpCategory
    from community.villages.services import help

    def ask(title):
        data = PostInput(
            kind=PostKind.HELP_REQUEST, title=title, body="…", help_category=HelpCategory.TRANSPORT
        )
        posts.create_post(village.space, by=village.jens, data=data)
        db.session.commit()

    def near(user):
        return [n.context["title"] for n in _notes(user) if n.kind == "villages.help_nearby"]

    login(village.anne)  # lives in Skanderborg, about 6 km from Stilling
    client.post("/villages/help/alert", data={"radius_km": "10", "categories": ["transport"]})
    area = help.alert_of(village.anne)
    page = client.get("/notifications/following", headers=EN).text
    assert "Help requests within 10 km of home: Transport and lifts" in page
    ask("Kørsel til lægen")
    assert near(village.anne) == ["Kørsel til lægen"]
    client.post(f"/notifications/follow/area/{area.id}", data={"level": "muted"})
    ask("Kørsel til Aarhus")
    assert near(village.anne) == ["Kørsel til lægen"], "a muted area is quiet"
    client.post(f"/notifications/follow/area/{area.id}", data={"stop": "1", "level": "everything"})
    assert help.alert_of(village.anne) is None, "stopping the follow ends the alert"
    board = client.get("/villages/help/", headers=EN).text
    assert "We will tell you about new help requests near you" not in board
    login(village.jens)
    assert client.post(f"/notifications/follow/area/{area.id}").status_code == 404, "one's own area only"
