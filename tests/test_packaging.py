"""The wheel and the sdist, as a new user gets them, away from this checkout.

The wheel is built from this source tree and installed with pip into a fresh virtual
environment. To stay offline and fast, that environment reuses the third-party packages
already installed here (PySide6, spaCy, the model, platformdirs, tqdm) through a `.pth`
line, and `pip check` confirms they satisfy the wheel's own requirements; idleb_desk itself
comes only from the wheel. Then every subcommand and the window (offscreen, on the seed,
until the model's suggestions are stored) run from a folder outside the checkout.

About half a minute; deselect with `-m "not packaging"`. `IDLEB_WHEEL_TEST_CLEAN=1` installs
the dependencies from the package index instead (no reuse), as a new user would.
"""

from __future__ import annotations

import os
import site
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(
        not (ROOT / "pyproject.toml").exists(), reason="needs the source tree to build from"
    ),
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX venv layout"),
]


def sh(*cmd: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        timeout=600,
        **kw,  # type: ignore[arg-type]
    )
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done


def build(kind: str, out: Path) -> Path:
    """The wheel or sdist, built from the tree with the setuptools installed here."""
    code = f"import sys; from setuptools import build_meta as b; print(b.build_{kind}(sys.argv[1]))"
    name = sh(sys.executable, "-c", code, out, cwd=ROOT).stdout.strip().splitlines()[-1]
    return out / name


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; returns its bin folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = build("wheel", tmp / "dist")
    venv = tmp / "venv"
    sh(sys.executable, "-m", "venv", "--without-pip", venv)
    purelib = sh(
        venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
    ).stdout.strip()
    if os.environ.get("IDLEB_WHEEL_TEST_CLEAN") == "1":
        # The whole way, as a new user: dependencies from the package index (about a minute
        # with a warm pip cache).
        sh(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
           "-q", "--disable-pip-version-check", wheel)  # fmt: skip
    else:
        Path(purelib, "_reuse_dependencies.pth").write_text(
            "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
        )
        sh(
            sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
            "--no-deps", "--no-index", "--force-reinstall", "--disable-pip-version-check", "-q",
            wheel,
        )  # fmt: skip
    sh(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "check")
    return venv / "bin"


@pytest.fixture
def away(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A working folder outside the checkout, and an environment with nothing of it."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        IDLEB_DESK_HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "share"),
        QT_QPA_PLATFORM="offscreen",
        PATH=os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p),
    )
    return cwd, env


def test_wheel_runs_every_subcommand_away_from_the_checkout(
    installed: Path, away: tuple[Path, dict[str, str]]
) -> None:
    cwd, env = away
    where = sh(installed / "python", "-c", "import idleb_desk; print(idleb_desk.__file__)",
               cwd=cwd, env=env).stdout  # fmt: skip
    assert str(installed.parent) in where and str(ROOT) not in where

    article = cwd / "talks.txt"
    article.write_text(
        "Russian Foreign Minister Sergei Lavrov said on Monday that the talks had failed.\n",
        encoding="utf-8",
    )
    app = installed / "idleb-desk"
    sh(app, "import", "p.sqlite3", "talks.txt", cwd=cwd, env=env)
    extracted = sh(app, "extract", "talks.txt", cwd=cwd, env=env).stdout
    assert '"model": "en_core_web_sm' in extracted and "Lavrov" in extracted
    exported = sh(app, "export", "p.sqlite3", "--out", "out", "--all", cwd=cwd, env=env).stdout
    assert "actor rows" in exported
    assert (cwd / "out" / "actors.csv").is_file() and (cwd / "out" / "project.jsonl").is_file()
    assert '"documents"' in sh(app, "stats", "p.sqlite3", cwd=cwd, env=env).stdout
    assert "statement" in sh(app, "kinds", "p.sqlite3", cwd=cwd, env=env).stdout
    # A team's hand-out and the agreement of two analysts' files (one file twice is refused).
    assert "reliability sample" in sh(
        app, "team", "split", "p.sqlite3", "--analysts", "ana,ben", "--overlap", "1", "--out",
        "team", cwd=cwd, env=env,
    ).stdout  # fmt: skip
    assert '"documents_compared": 1' in sh(
        app, "agree", "team/ana.sqlite3", "team/ben.sqlite3", cwd=cwd, env=env
    ).stdout
    assert "installed" in sh(app, "install-desktop", cwd=cwd, env=env).stdout
    assert "removed" in sh(app, "install-desktop", "--uninstall", cwd=cwd, env=env).stdout


def test_wheel_window_opens_on_the_seed_with_suggestions(
    installed: Path, away: tuple[Path, dict[str, str]]
) -> None:
    cwd, env = away
    project = Path(env["IDLEB_DESK_HOME"]) / "project.sqlite3"
    proc = subprocess.Popen(
        [str(installed / "idleb-desk")], cwd=cwd, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    rows: list[tuple[str, int]] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            rows = _suggested(project)
            if rows and rows[0][1] > 0:
                break
            time.sleep(0.25)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    finally:
        proc.terminate()
        proc.wait(30)
    assert rows and rows[0][0] == "idleb-eu-ministers" and rows[0][1] > 0, rows
    log = (Path(env["IDLEB_DESK_HOME"]) / "idleb_desk.log").read_text(encoding="utf-8")
    assert "window shown" in log and "loaded spaCy pipeline" in log


def _suggested(project: Path) -> list[tuple[str, int]]:
    """(document ext_id, spans stored) per document; [] while the file is not ready."""
    if not project.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{project}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(
                "SELECT d.ext_id, count(s.id) FROM documents d "
                "LEFT JOIN spans s ON s.document_id = d.id GROUP BY d.id ORDER BY d.id"
            ).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return []


def test_sdist_holds_what_its_tests_need(tmp_path: Path) -> None:
    sdist = build("sdist", tmp_path / "dist")
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
        names = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    for needed in (
        "LICENSE",
        "tests/conftest.py",
        "tests/data/gold/idleb-eu-ministers.json",
        "idleb_desk/seeds/idleb-eu-ministers.txt",
        "idleb_desk/resources/labels.json",
        "idleb_desk/resources/desktop/org.idleb_desk.IdlebDesk.metainfo.xml",
    ):
        assert needed in names, needed
    unpacked = tmp_path / sdist.name.removesuffix(".tar.gz")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    # A few of its tests, run in the unpacked sdist with its own copy of the package.
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_layers.py", "tests/test_install_desktop.py", "tests/test_extract_schema.py"],
        cwd=unpacked, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert str(unpacked) in subprocess.run(
        [sys.executable, "-c", "import idleb_desk; print(idleb_desk.__file__)"],
        cwd=unpacked, env=env, capture_output=True, text=True,
    ).stdout  # fmt: skip
