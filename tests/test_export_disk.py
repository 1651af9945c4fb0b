"""Issue 12, items 8, 9 and 13: exports on a disk that fills up, the modes of export files,
and the leftovers of a killed brat export.

A full disk is a small tmpfs, mounted when the suite runs as root (as CI does) and skipped
with the reason otherwise; a write that fails half way is also made without root, by a
file-size limit (RLIMIT_FSIZE: the kernel refuses the write with EFBIG).
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from idleb_desk.io.atomic import remove_stale_parts
from idleb_desk.io.formats.export import export_format
from idleb_desk.io.jsonl import export_jsonl
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store

N = 2000
# Sentences of one length, each with a word of its own, so that even the compressed
# .spacy file grows past the write limit below.
SENTENCES = [f"Lavrov said the talks in Ankara{i:05d} would resume. " for i in range(N)]
TEXT = "".join(SENTENCES)
EXPORT_FORMATS = ("csv", "jsonl", "prodigy", "spacy", "brat", "labelstudio", "conll")
NETWORK_FORMATS = ("graphml", "svg")


def make_project(db: Path) -> None:
    """A project of suggested mentions and claims (exported with `--all`), so every
    format has many rows to write."""
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("d", "D", TEXT)
        assert doc is not None
        step = len(SENTENCES[0])
        actors = tuple(ActorSuggestion(i * step, i * step + 6, "", "PERSON") for i in range(N))
        claims = tuple(
            ClaimSuggestion(
                TextRef(i * step + 12, i * step + 50, TEXT[i * step + 12 : i * step + 50]),
                TextRef(i * step, i * step + 6, "Lavrov"),
                TextRef(i * step + 7, i * step + 11, "said"),
            )
            for i in range(N)
        )
        store.add_extraction(doc, Extraction(model="m", actors=actors, claims=claims))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("project") / "p.sqlite3"
    make_project(db)
    return db


def cli(*args: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "idleb_desk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        **kw,  # type: ignore[arg-type]
    )


def command(fmt: str, db: Path, out: Path) -> list[str | Path]:
    if fmt in NETWORK_FORMATS:
        return ["network", db, "--out", out, "--format", fmt, "--all"]
    return ["export", db, "--out", out, "--format", fmt, "--all"]


def fill(disk: Path) -> Path:
    """Take every free byte of the disk."""
    filler = disk / "filler"
    with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as fh:
        while True:
            fh.write(b"\0" * 65536)
    with contextlib.suppress(OSError), open(filler, "ab", buffering=0) as fh:
        while True:
            fh.write(b"\0")
    return filler


def every_path(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("fmt", EXPORT_FORMATS + NETWORK_FORMATS)
def test_cli_export_on_a_full_disk_exits_2_and_leaves_nothing(
    fmt: str, project: Path, tmp_path: Path, mount_tmpfs
) -> None:
    disk = mount_tmpfs(tmp_path / "disk", "2m")
    out = disk / "out"
    out.mkdir()
    fill(disk)
    done = cli(*command(fmt, project, out))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "disk is full" in done.stderr and str(out) in done.stderr
    assert every_path(out) == [], "no file, part file or hidden folder is left behind"


@pytest.mark.parametrize("fmt", EXPORT_FORMATS + NETWORK_FORMATS)
def test_cli_export_when_a_write_fails_half_way_exits_2(
    fmt: str, project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def limit() -> None:
        # No file may grow past 40,000 bytes (more fails with EFBIG): room for SQLite's
        # 32 KiB shared-memory file, not for any export file of this project.
        resource.setrlimit(resource.RLIMIT_FSIZE, (40000, 40000))

    done = cli(*command(fmt, project, out), preexec_fn=limit)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "could not be written" in done.stderr and str(out) in done.stderr
    assert every_path(out) == []


def test_a_failed_format_leaves_the_earlier_formats_of_the_same_run_unwritten(
    project: Path, tmp_path: Path
) -> None:
    """Exit 2 means nothing was done: a later format failing takes the earlier ones back."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "project.spacy").mkdir()  # a folder where the spaCy file goes: that one fails
    done = cli("export", project, "--out", out, "--all", "--format", "csv", "--format", "spacy")
    assert done.returncode == 2, done.stderr
    assert "project.spacy" in done.stderr and "Traceback" not in done.stderr
    assert every_path(out) == ["project.spacy"]


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_export_files_follow_the_umask(umask: int, project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args: list[str | Path] = ["export", project, "--out", out, "--all"]
    for fmt in EXPORT_FORMATS:
        args += ["--format", fmt]
    assert cli(*args, umask=umask).returncode == 0
    assert cli("network", project, "--out", out, umask=umask).returncode == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {
        "actors.csv", "claims.csv", "actor_table.csv", "project.jsonl", "prodigy.jsonl",
        "project.spacy", "labelstudio.json", "labelstudio-config.xml", "actors.conll",
        "annotation.conf", "network.graphml", "network.svg",
    }  # fmt: skip
    wrong = {str(p.relative_to(out)): oct(p.stat().st_mode & 0o777) for p in files}
    assert wrong == {k: oct(0o666 & ~umask) for k in wrong}
    assert oct((out / "brat").stat().st_mode & 0o777) == oct(0o777 & ~umask)


def test_the_window_export_follows_the_umask_too(project: Path, tmp_path: Path) -> None:
    """The window calls the same writers in its own process (and a worker thread)."""
    old = os.umask(0o027)
    try:
        with Store.open(project, create=False) as store:
            report = export_jsonl(store, tmp_path / "project.jsonl")
    finally:
        os.umask(old)
    assert oct(report.path.stat().st_mode & 0o777) == oct(0o640)


def test_stale_brat_folders_of_a_killed_export_are_removed(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / ".brat.999999.x1y2z3"  # a process id that is not running
    legacy = out / ".brat.k2j3h4g5"  # the name an earlier version gave, without a pid
    for folder in (dead, legacy):
        folder.mkdir()
        (folder / "a.ann").write_text("T1\tPERSON 0 6\tLavrov\n", encoding="utf-8")
    hour_ago = time.time() - 7200
    os.utime(legacy, (hour_ago, hour_ago))
    live = out / f".brat.{os.getppid()}.a1b2c3"  # a running export in another process
    live.mkdir()
    with Store.open(project, create=False) as store:
        export_format(store, "brat", out)
    assert sorted(p.name for p in out.iterdir()) == sorted(["brat", live.name])


def test_a_brat_export_killed_between_its_renames_gets_the_old_folder_back(
    project: Path, tmp_path: Path
) -> None:
    """Killed after moving the earlier `brat/` aside: it is the only copy, so it is put
    back (the first thing every export of it does), and the export then replaces it."""
    out = tmp_path / "out"
    out.mkdir()
    aside = out / ".brat.999999.old"
    aside.mkdir()
    (aside / "annotation.conf").write_text("[entities]\n", encoding="utf-8")
    remove_stale_parts(out / "brat")
    assert sorted(p.name for p in out.iterdir()) == ["brat"]
    assert (out / "brat" / "annotation.conf").read_text(encoding="utf-8") == "[entities]\n"
    with Store.open(project, create=False) as store:
        export_format(store, "brat", out)
    assert sorted(p.name for p in out.iterdir()) == ["brat"]
    assert (out / "brat" / "d.ann").exists()
