"""The benchmark's profile of each page (``bench/profile.py``): it runs against the app and names the
app's own calls with their share of the page's time."""

from __future__ import annotations

from bench import profile
from community.extensions import db
from community.villages.models import PostKind
from community.villages.services import posts
from community.villages.services.posts import PostInput


def test_a_page_is_profiled_into_named_costs(app, village, monkeypatch):
    for n in range(5):
        posts.create_post(
            village.space,
            by=village.jens,
            data=PostInput(kind=PostKind.QUESTION, title=f"Stige {n}", body="?"),
        )
    db.session.commit()
    monkeypatch.setattr(profile, "RUNS", 3)
    [found] = profile.profile_pages(["/s/stilling/posts/"], app=app)
    assert found.ms_per_request > 0 and 0 < len(found.costs) <= profile.TOP
    assert all(0 <= share <= 1 for _what, share in found.costs)
    assert any("community/" in what or "Flask" in what for what, _share in found.costs)
    text = profile.render([found], {"/s/stilling/posts/": "Space feed"})
    assert "**Space feed**" in text and "%" in text
