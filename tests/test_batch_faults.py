"""Faults of a batch run (issue 16): a worker killed mid-shard, the whole run killed and
resumed, a full disk; each time every record ends up in exactly one shard, and the shards
equal those of a run that nothing interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.batch_corpus import ROOT, all_seqs, articles, run_cli, shard_tables

DOCS = 36
SHARD = "3"


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "feed.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(articles(DOCS, seed=9, size=(3, 5))):
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    return path


@pytest.fixture(scope="module")
def reference(feed: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """The shards of a run nothing interrupted."""
    out = tmp_path_factory.mktemp("reference") / "out"
    done = run_cli("batch", feed, "--out", out, "--workers", "2", "--shard-size", SHARD)
    assert done.returncode == 0, done.stderr
    return shard_tables(out)


def _start(feed: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "idleb_desk",
            "batch",
            str(feed),
            "--out",
            str(out),
            "--workers",
            "2",
            "--shard-size",
            SHARD,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for(check: Callable[[], bool], proc: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 300
    while not check():
        assert proc.poll() is None, f"the run ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"no {what} in 300 s"
        time.sleep(0.05)


def _shards(out: Path) -> int:
    root = out / "shards"
    return sum(1 for p in root.iterdir() if not p.name.startswith(".")) if root.is_dir() else 0


def _pool_workers(parent: int) -> list[int]:
    """The spawned worker processes of a run (not its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"spawn_main" in cmd:
            found.append(int(entry.name))
    return found


def _exactly_once(out: Path) -> None:
    counts = Counter(all_seqs(out))
    assert sorted(counts) == [("0000", s) for s in range(DOCS)]
    assert set(counts.values()) == {1}
    assert not [p for p in (out / "shards").iterdir() if p.name.startswith(".")]


def _same_as(out: Path, reference: dict[str, dict[str, object]]) -> None:
    got = shard_tables(out)
    assert sorted(got) == sorted(reference)
    for name, tables in reference.items():
        for t in ("documents", "actors", "claims"):
            assert got[name][t].equals(tables[t]), (name, t)  # type: ignore[attr-defined]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds workers through /proc")
def test_a_worker_killed_mid_shard_is_redone(
    feed: Path, tmp_path: Path, reference: dict[str, dict[str, object]]
) -> None:
    out = tmp_path / "out"
    proc = _start(feed, out)
    _wait_for(lambda: _shards(out) >= 1, proc, "first shard")
    workers = _pool_workers(proc.pid)
    assert workers, "no pool worker found"
    os.kill(workers[0], signal.SIGKILL)  # busy: each worker holds a shard until the last ones
    # (when it dies while writing, its half-written folder is removed at the end of the run)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    assert "redone after a worker died" in stdout
    _exactly_once(out)
    _same_as(out, reference)


def test_a_killed_run_resumes(
    feed: Path, tmp_path: Path, reference: dict[str, dict[str, object]]
) -> None:
    out = tmp_path / "out"
    proc = _start(feed, out)
    _wait_for(lambda: _shards(out) >= 2, proc, "two shards")
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, at once
    proc.communicate()
    listed = json.loads((out / "manifest.json").read_text())["shards"]
    assert all((out / "shards" / name / "shard.json").is_file() for name in listed)
    assert not json.loads((out / "manifest.json").read_text())["complete"]
    again = run_cli("batch", feed, "--out", out, "--workers", "2", "--shard-size", SHARD)
    assert again.returncode == 0, again.stderr
    assert "done before (resumed)" in again.stdout
    _exactly_once(out)
    _same_as(out, reference)


def test_a_full_disk_stops_cleanly_and_resumes(
    feed: Path,
    tmp_path: Path,
    reference: dict[str, dict[str, object]],
    mount_tmpfs: Callable[[Path, str], Path],
) -> None:
    disk = mount_tmpfs(tmp_path / "disk", "1m")
    out = disk / "out"
    filler = disk / "filler"
    # Leave room for a few shards only (a shard of 3 documents takes about 15 KB here).
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    filler.write_bytes(b"\0" * (free - 48 * 1024))
    done = run_cli("batch", feed, "--out", out, "--workers", "2", "--shard-size", SHARD)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "the disk is full" in done.stderr and str(out) in done.stderr
    assert "run the same command again to resume" in done.stderr
    manifest = json.loads((out / "manifest.json").read_text())  # whole, readable
    assert not manifest["complete"]
    assert all((out / "shards" / n / "shard.json").is_file() for n in manifest["shards"])
    assert not [p for p in (out / "shards").iterdir() if p.name.startswith(".")]
    assert len(manifest["shards"]) < len(reference)
    filler.unlink()
    again = run_cli("batch", feed, "--out", out, "--workers", "2", "--shard-size", SHARD)
    assert again.returncode == 0, again.stderr
    _exactly_once(out)
    _same_as(out, reference)
