"""The following benchmark runs (its figures are for ``make bench``; this only proves it works and
leaves the database as it found it)."""

from __future__ import annotations

import sqlalchemy as sa

from bench import following as bench
from community.extensions import db
from community.notifications.models import Follow, Notification
from community.villages.models import PostKind
from community.villages.services import posts
from community.villages.services.posts import PostInput


def test_the_fan_out_and_digest_figures_run_and_leave_nothing_behind(
    village, make_user, member, monkeypatch, outbox
):
    for n in range(20):
        member(village.space, make_user(f"nabo{n}@example.org", name=f"Nabo {n}"))
    for title in ("Stige", "Trillebør"):
        posts.create_post(
            village.space, by=village.jens, data=PostInput(kind=PostKind.QUESTION, title=title, body="?")
        )
    db.session.commit()
    follows = db.session.scalar(sa.select(sa.func.count(Follow.id)))
    monkeypatch.setattr(bench, "FOLLOWERS", 5)
    monkeypatch.setattr(bench, "DIGEST_USERS", 20)
    cost = bench.comment_fan_out_cost()
    assert cost is not None and cost["p95"] >= cost["p50"] > 0 and cost["none_p50"] > 0
    digest = bench.digest_figures()
    assert digest is not None and digest["sent"] == 20 and digest["small_sent"] == 2
    assert len(outbox()) == 22, "one digest each"
    assert db.session.scalar(sa.select(sa.func.count(Follow.id))) == follows
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(Notification.created_at == bench.MARKER)
        )
        == 0
    )
