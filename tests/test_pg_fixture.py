"""The suite's PostgreSQL (tests/pg_server.py, issue 15): without the server binaries the
`pgserver` tests skip and say why, and with IDLEB_REQUIRE_PG=1 (CI) that is a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = "tests/test_team_server.py::test_a_client_refuses_a_newer_server_schema"


def _run(tmp_path: Path, require: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "IDLEB_REQUIRE_PG"}
    env["IDLEB_PG_BIN"] = str(tmp_path / "no-server")
    if require:
        env["IDLEB_REQUIRE_PG"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TARGET],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


def test_missing_binaries_skip_with_a_reason(tmp_path: Path) -> None:
    done = _run(tmp_path, require=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout and "no PostgreSQL server binaries" in done.stdout


def test_ci_fails_when_the_server_tests_would_skip(tmp_path: Path) -> None:
    done = _run(tmp_path, require=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "IDLEB_REQUIRE_PG=1 but no PostgreSQL server binaries" in done.stdout
