"""``.ci/run`` brings Node.js for ``npm ci`` and the OpenID Connect tests' provider: Debian's nodejs and
npm when there is no node at all, nothing when one is there (a NodeSource or nvm node has its own npm,
which Debian's npm package would replace with Debian's nodejs), and on a machine that has every tool
a second run installs nothing. Every program it may call is a stub that records its call; ``node`` is
left out of the stubs (and of PATH) to play a machine without it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import ROOT

STUBBED = ["apt-get", "npm", "make", "chromium", "chromedriver", "wrk", "msgfmt", "pg_ctlcluster"]
#: What the script needs from the system besides its stubs (PATH holds nothing else, so no real node).
SYSTEM = ["dirname", "ls", "head"]


def _apt_calls(tmp_path: Path, *, node: bool) -> list[str]:
    stubs = tmp_path / "bin"
    stubs.mkdir()
    calls = tmp_path / "calls"
    for name in STUBBED + (["node"] if node else []):
        (stubs / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\nexit 0\n')
    for name in ("pg_isready", "redis-cli"):  # both up: nothing to start
        (stubs / name).write_text("#!/bin/sh\nexit 0\n")
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    for name in SYSTEM:
        (stubs / name).symlink_to(shutil.which(name))
    done = subprocess.run(
        [shutil.which("bash"), str(ROOT / ".ci" / "run")],
        env={"PATH": str(stubs), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    recorded = calls.read_text().splitlines() if calls.exists() else []
    assert any(line.startswith("make test") for line in recorded), recorded
    assert "npm ci --no-audit --no-fund --loglevel=error" in recorded
    return [line for line in recorded if line.startswith("apt-get")]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_without_node_ci_installs_debians_nodejs_and_npm(tmp_path):
    apt = _apt_calls(tmp_path, node=False)
    assert apt[0] == "apt-get update -qq"
    install = apt[1].split()
    assert install[:2] == ["apt-get", "install"] and install[-2:] == ["nodejs", "npm"]
    assert "chromium" not in install, "a tool that is there is not installed again"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_with_node_and_every_tool_ci_installs_nothing(tmp_path):
    assert _apt_calls(tmp_path, node=True) == []
