"""Every failure path of `idleb-desk` exits non-zero with a message, and leaves no file behind.

Exit codes: 0 done; 1 done, but some inputs were refused; 2 nothing done. The commands run
as a user runs them, in a subprocess, with a temporary home and no display.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from idleb_desk.cli import COMMANDS, tool_parser
from idleb_desk.paths import SEED_PATH


def run(
    *args: str | Path, home: Path, display: bool = False, stderr_tty: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["IDLEB_DESK_HOME"] = str(home)
    if not display:
        env.pop("QT_QPA_PLATFORM", None)
    cmd = [sys.executable, "-m", "idleb_desk", *map(str, args)]
    if not stderr_tty:
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    # stderr on a pseudo-terminal, as in an interactive shell; stdout stays a pipe.
    import fcntl  # POSIX only, like the terminal this stands for
    import pty
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=follower) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        out = proc.stdout.read().decode() if proc.stdout else ""
        proc.wait(300)
    os.close(leader)
    err = b"".join(chunks).decode(errors="replace")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_unknown_subcommand_is_an_error_not_the_window(home: Path) -> None:
    done = run("bogus", home=home)
    assert done.returncode == 2, done.stderr
    assert "unknown subcommand 'bogus'" in done.stderr and "import" in done.stderr
    assert not (home / "project.sqlite3").exists()


def test_window_without_a_display_says_so(home: Path) -> None:
    done = run(home=home)  # Qt would abort (exit 134) without a display
    assert done.returncode == 2
    assert "no display" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("stats", "{missing}"),
        ("export", "{missing}", "--out", "{tmp}/out"),
        ("kinds", "{missing}"),
        ("agree", "{missing}", "{missing}"),
    ],
)
def test_missing_project_is_an_error_and_is_not_created(
    tmp_path: Path, home: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "typo.sqlite3"
    done = run(*(a.format(missing=missing, tmp=tmp_path) for a in args), home=home)
    assert done.returncode == 2
    assert f"{missing}: no such project" in done.stderr
    assert not missing.exists()
    assert not (tmp_path / "out").exists()


def test_missing_inputs_are_errors(tmp_path: Path, home: Path) -> None:
    db = tmp_path / "p.sqlite3"
    done = run("extract", tmp_path / "missing.txt", home=home)
    assert done.returncode == 2 and "missing.txt" in done.stderr and not done.stdout
    done = run("import", db, SEED_PATH, tmp_path / "gone.md", home=home)
    assert done.returncode == 2 and "gone.md" in done.stderr
    assert not db.exists(), "nothing is imported when an input is missing"
    done = run(tmp_path / "gone.txt", home=home, display=True)  # the window's ARTICLE
    assert done.returncode == 2 and "gone.txt" in done.stderr


def test_project_that_is_a_folder_or_export_into_a_file(tmp_path: Path, home: Path) -> None:
    done = run("stats", tmp_path, home=home)
    assert done.returncode == 2 and "folder" in done.stderr
    db = tmp_path / "p.sqlite3"
    assert run("import", db, SEED_PATH, "--no-extract", home=home).returncode == 0
    blocker = tmp_path / "out.csv"
    blocker.write_text("x", encoding="utf-8")
    done = run("export", db, "--out", blocker, home=home)
    assert done.returncode == 2 and "not a folder" in done.stderr


def test_unknown_model_lists_the_models_found(tmp_path: Path, home: Path) -> None:
    for args in (
        ("extract", SEED_PATH, "--model", "no_such_model"),
        ("import", tmp_path / "p.sqlite3", SEED_PATH, "--model", "no_such_model"),
    ):
        done = run(*args, home=home)
        assert done.returncode == 2, done.stderr
        assert "no_such_model" in done.stderr
        assert "Models found: en_core_web_sm" in done.stderr
        assert not done.stdout
    assert not (tmp_path / "p.sqlite3").exists()


def test_refused_inputs_exit_1_and_the_rest_goes_through(tmp_path: Path, home: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    db = tmp_path / "p.sqlite3"
    done = run("import", db, SEED_PATH, binary, "--no-extract", home=home)
    assert done.returncode == 1
    assert "photo.txt" in done.stdout and "1 imported" in done.stdout
    done = run("extract", SEED_PATH, binary, home=home)
    assert done.returncode == 1
    assert "photo.txt" in done.stderr
    assert [json.loads(x)["id"] for x in done.stdout.splitlines()] == ["idleb-eu-ministers"]


def test_usage_errors_exit_2(home: Path) -> None:
    assert run("export", home=home).returncode == 2  # no DB, no --out
    assert run("--no-such-option", home=home).returncode == 2


def test_export_prints_a_readable_summary(tmp_path: Path, home: Path) -> None:
    db = tmp_path / "p.sqlite3"
    assert run("import", db, SEED_PATH, "--no-extract", home=home).returncode == 0
    done = run("export", db, "--out", tmp_path / "out", home=home)
    assert done.returncode == 0, done.stderr
    assert "Report(" not in done.stdout and "PosixPath" not in done.stdout
    assert "actor rows" in done.stdout and "claim rows" in done.stdout
    assert "reviewed items only" in done.stdout
    assert "1 documents" in done.stdout.replace("  ", " ").replace("  ", " ")


def test_every_subcommand_and_argument_has_help() -> None:
    parser = tool_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in COMMANDS:
        sp = sub.choices[name]
        assert sp.description, name
        for action in sp._actions:
            assert action.help, f"{name} {action.dest} has no help text"


def test_progress_on_a_terminal_only(tmp_path: Path, home: Path) -> None:
    files = []
    for i in range(3):
        f = tmp_path / f"art{i}.txt"
        f.write_text(f"Article {i}. The minister said talks had failed.\n", encoding="utf-8")
        files.append(f)
    piped = run("import", tmp_path / "a.sqlite3", *files, "--no-extract", home=home)
    assert piped.returncode == 0
    assert "\r" not in piped.stderr and "3/3" not in piped.stderr
    tty = run("import", tmp_path / "b.sqlite3", *files, "--no-extract", home=home, stderr_tty=True)
    assert tty.returncode == 0, tty.stderr
    assert "3/3" in tty.stderr and "art2.txt" in tty.stderr  # per file, named
    assert "import: 3 imported" in tty.stdout
    tty = run("extract", *files, home=home, stderr_tty=True)
    assert tty.returncode == 0, tty.stderr
    assert "3/3" in tty.stderr
    assert len(tty.stdout.splitlines()) == 3
