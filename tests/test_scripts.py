"""scripts/setup.sh (behind run.sh and test.sh) checks system packages once, then never."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAMP = ROOT / ".venv" / ".idleb-system-packages"


@pytest.mark.skipif(not STAMP.exists(), reason="needs a finished scripts/setup.sh")
def test_setup_skips_the_system_package_step_once_done(tmp_path: Path) -> None:
    calls = tmp_path / "calls.log"
    fake = tmp_path / "bin"
    fake.mkdir()
    for tool in ("dpkg-query", "apt-get", "sudo"):
        script = fake / tool
        # A package manager that is busy (a dpkg lock held elsewhere): every call fails.
        script.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{calls}"\nexit 97\n')
        script.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    env.pop("IDLEB_SETUP_SYSTEM", None)
    done = subprocess.run(
        ["bash", "scripts/setup.sh"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert not calls.exists(), calls.read_text()

    forced = subprocess.run(
        ["bash", "scripts/setup.sh"],
        cwd=ROOT,
        env={**env, "IDLEB_SETUP_SYSTEM": "1"},
        capture_output=True,
        text=True,
    )
    assert calls.exists() and "dpkg-query" in calls.read_text()  # the check did run
    assert forced.returncode != 0  # and a failed install is not hidden
    assert STAMP.exists()  # the earlier success is kept
