"""CI cannot pass without running the PostgreSQL tests (issue 9, "Done when"): ``.ci/run`` stops when
PostgreSQL or Redis is unreachable in CI, and with ``COMMUNITY_REQUIRE_SERVICES=1`` (which it sets) a
test skipped for want of either fails. Locally the same tests skip with their reason.

``.ci/run`` runs here with every program it may call replaced by a stub that records its call (no
package is installed and no test suite started); the suite's side runs pytest on tests that need the
services, in an environment that has none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

STUBBED = [
    "apt-get", "apt", "npm", "npx", "node", "corepack", "curl", "wget", "sudo", "make",
    "chromium", "chromedriver", "wrk", "msgfmt", "pg_ctlcluster", "redis-server", "createdb", "psql",
]  # fmt: skip


def _run_ci(tmp_path: Path, *, postgres_up: bool, redis_up: bool, ci: bool) -> tuple[int, str, str]:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    calls = tmp_path / "calls"
    for name in STUBBED:
        script = f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n'
        if name == "make":
            script += f'{{ echo "make $*"; env | grep "^COMMUNITY_" | sort; }} > "{tmp_path / "make-env"}"\n'
        (stubs / name).write_text(script + "exit 0\n")
    for name, up in [("pg_isready", postgres_up), ("redis-cli", redis_up)]:
        (stubs / name).write_text(f"#!/bin/sh\nexit {0 if up else 1}\n")
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    env = {"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(tmp_path)}
    if ci:
        env["CI"] = "true"
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )
    made = (tmp_path / "make-env").read_text() if (tmp_path / "make-env").exists() else ""
    return done.returncode, done.stderr, made


@pytest.mark.parametrize(
    ("postgres_up", "redis_up", "named"), [(False, True, "PostgreSQL"), (True, False, "Redis")]
)
def test_in_ci_an_unreachable_service_stops_the_run(tmp_path, postgres_up, redis_up, named):
    code, stderr, made = _run_ci(tmp_path, postgres_up=postgres_up, redis_up=redis_up, ci=True)
    assert code != 0 and made == "", "the suite ran without the service"
    assert "not reachable" in stderr and named in stderr


def test_in_ci_the_suite_runs_with_the_services_required(tmp_path):
    code, _stderr, made = _run_ci(tmp_path, postgres_up=True, redis_up=True, ci=True)
    assert code == 0 and made.startswith("make test")
    assert "COMMUNITY_REQUIRE_SERVICES=1" in made and "COMMUNITY_TEST_DATABASE_URL=postgresql://" in made


def test_outside_ci_a_missing_service_is_left_to_skip(tmp_path):
    code, _stderr, made = _run_ci(tmp_path, postgres_up=False, redis_up=False, ci=False)
    assert code == 0 and made.startswith("make test")
    assert "COMMUNITY_REQUIRE_SERVICES" not in made and "COMMUNITY_TEST_DATABASE_URL" not in made


NEEDS_SERVICES = [
    "tests/test_redis.py::test_login_throttle_is_shared_through_redis",
    "tests/test_migrations.py::test_migrations_match_the_models_on_postgresql",
    "tests/concurrency/test_space_races.py::test_joining_six_times_at_once_is_one_membership",
    "tests/test_production.py",
]


def _pytest(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMMUNITY_", "PYTEST_"))}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *NEEDS_SERVICES]
    return subprocess.run(
        command, cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=300
    )


def test_with_services_required_a_test_skipped_for_want_of_one_fails():
    required = _pytest(COMMUNITY_REQUIRE_SERVICES="1")
    assert required.returncode != 0, required.stdout[-2000:]
    assert required.stdout.count("COMMUNITY_REQUIRE_SERVICES=1, but this test was skipped") == 4
    assert " passed" not in required.stdout and "skipped" not in required.stdout.splitlines()[-1]


def test_locally_a_test_that_needs_a_service_skips_with_its_reason():
    local = _pytest()
    assert local.returncode == 0, local.stdout[-2000:]
    assert local.stdout.splitlines()[-1].startswith("4 skipped")
    assert "PostgreSQL" in local.stdout and "Redis" in local.stdout
