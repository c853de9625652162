"""Rate limits and background jobs against a real Redis, when COMMUNITY_TEST_REDIS_URL names one."""

from __future__ import annotations

import os

import pytest

from community import create_app
from community.extensions import huey
from tests.support import make_config, reset_schema

REDIS_URL = os.environ.get("COMMUNITY_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="COMMUNITY_TEST_REDIS_URL names no Redis server")


@pytest.fixture
def redis_app(tmp_path):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    app = create_app(
        make_config(tmp_path, REDIS_URL=REDIS_URL, HUEY_IMMEDIATE=False, LOGIN_LIMIT_ACCOUNT="2 per hour")
    )
    reset_schema(app)
    yield app
    huey.immediate = True  # the rest of the suite runs jobs in-process
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_login_throttle_is_shared_through_redis(redis_app):
    from limits.storage import RedisStorage

    from community.extensions import limiter

    assert isinstance(limiter.storage, RedisStorage)
    one, two = redis_app.test_client(), redis_app.test_client()  # two workers, one limit
    for client in (one, two):
        client.post("/login", data={"email": "anna@example.org", "password": "wrong"})
    assert one.post("/login", data={"email": "anna@example.org", "password": "x"}).status_code == 429


def test_a_mail_job_is_queued_in_redis_and_run_by_a_worker(redis_app, tmp_path):
    from pathlib import Path

    from community.extensions import db
    from community.notifications import mail

    with redis_app.test_request_context():
        mail.send_template(
            "x@example.org",
            "notification",
            locale="en",
            user=type("U", (), {"display_name": "X"})(),
            sentence="Queued",
            link="http://x/",
        )
        assert huey.pending_count() == 0, "queued when the transaction commits"
        db.session.commit()
        assert huey.pending_count() == 1
        outbox = Path(redis_app.config["OUTBOX_FOLDER"])
        assert not list(outbox.glob("*.eml")) if outbox.exists() else True
        task = huey.dequeue()
        huey.execute(task)  # what a consumer worker does
        [eml] = outbox.glob("*.eml")
        assert "Subject: Queued" in eml.read_text()
