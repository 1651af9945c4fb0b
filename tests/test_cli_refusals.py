"""Issue 12, items 8 and 20: arguments and output folders the CLI cannot use exit 2 with a
message naming the path or the argument and the problem, with no traceback and no file
left behind. Run as a user runs them, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from idleb_desk.paths import SEED_PATH


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "idleb_desk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("project") / "p.sqlite3"
    assert cli("import", path, SEED_PATH, "--no-extract").returncode == 0
    return path


def refused(done: subprocess.CompletedProcess[str], *named: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("error: ") or "error:" in done.stderr
    for text in named:
        assert text in done.stderr, (text, done.stderr)


@pytest.mark.parametrize("sub", ["export", "network"])
def test_out_under_a_file_is_refused(sub: str, db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine", encoding="utf-8")
    done = cli(sub, db, "--out", blocker / "sub")
    refused(done, str(blocker / "sub"), f"{blocker} is a file")
    assert blocker.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("sub", ["export", "network"])
@pytest.mark.parametrize("out", ["/proc", "/proc/idleb-desk-test"])
def test_out_in_proc_is_refused(sub: str, out: str, db: Path) -> None:
    refused(cli(sub, db, "--out", out), out, "cannot")
    assert not Path("/proc/idleb-desk-test").exists()


@pytest.mark.parametrize("sub", ["export", "network"])
def test_out_on_a_read_only_mount_is_refused(
    sub: str, db: Path, tmp_path: Path, mount_tmpfs
) -> None:
    disk = mount_tmpfs(tmp_path / "ro", "1m")
    (disk / "out").mkdir()
    remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True)
    if remount.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {remount.stderr.decode().strip()}")
    for out in (disk / "out", disk / "new"):
        refused(cli(sub, db, "--out", out), str(out), "read-only")
    assert [p.name for p in disk.iterdir()] == ["out"]
    assert list((disk / "out").iterdir()) == []


def test_network_of_a_document_id_too_large_for_sqlite(db: Path, tmp_path: Path) -> None:
    done = cli("network", db, "--out", tmp_path / "net", "--document", "99999999999999999999")
    refused(done, "has no document 99999999999999999999")
    assert not (tmp_path / "net").exists()


@pytest.mark.parametrize("value", ["0", "-2"])
def test_extract_n_process_below_one_is_a_usage_error(value: str) -> None:
    done = cli("extract", SEED_PATH, "--n-process", value)
    refused(done, "--n-process", "1 or more")
    assert not done.stdout


@pytest.mark.parametrize("sub", ["import", "extract"])
def test_batch_size_below_one_is_a_usage_error(sub: str, tmp_path: Path) -> None:
    project = tmp_path / "p.sqlite3"
    args = ("import", project, SEED_PATH, "--no-extract") if sub == "import" else (sub, SEED_PATH)
    refused(cli(*args, "--batch-size", "0"), "--batch-size", "1 or more")
    assert not project.exists()


@pytest.mark.parametrize(
    "argv", [("exprot",), ("exprot", "p.sqlite3", "--out", "x"), ("stast", "p.sqlite3")]
)
def test_a_misspelt_subcommand_is_named_with_the_closest_one(
    argv: tuple[str, ...], tmp_path: Path
) -> None:
    done = cli(*argv)
    wanted = {"exprot": "export", "stast": "stats"}[argv[0]]
    refused(done, f"unknown subcommand {argv[0]!r}", f"did you mean {wanted!r}")
    assert not (tmp_path / "x").exists()


def test_excel_without_csv_is_refused(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = cli("export", db, "--out", out, "--format", "jsonl", "--excel")
    refused(done, "--excel", "CSV")
    assert not out.exists()
    # With the default formats (CSV among them) it applies to the CSV files.
    assert cli("export", db, "--out", out, "--excel").returncode == 0
    assert (out / "actors.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (out / "project.jsonl").read_bytes().startswith(b"\xef\xbb\xbf")
