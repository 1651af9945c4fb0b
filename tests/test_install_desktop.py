"""Packaged data, per-OS folders, desktop integration, and opening an article file."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import idleb_desk
from idleb_desk import desktop, paths
from idleb_desk.paths import APP_ID

PACKAGE = Path(idleb_desk.__file__).resolve().parent


def test_data_files_live_inside_the_package() -> None:
    """A wheel only carries what is inside the package: resources/ and seeds/ once were not."""
    for path in (
        paths.SEED_PATH,
        paths.RESOURCES / "labels.json",
        paths.RESOURCES / "keymap.json",
        paths.ICON_PATH,
        desktop.DESKTOP_SOURCE,
        desktop.METAINFO_SOURCE,
    ):
        assert path.is_file(), path
        assert PACKAGE in path.resolve().parents, f"{path} is outside the package"


def test_folders_follow_the_os_and_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IDLEB_DESK_HOME", raising=False)
    if sys.platform.startswith("linux"):
        for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
            monkeypatch.setenv(var, str(tmp_path / var))
        assert paths.data_dir() == tmp_path / "XDG_DATA_HOME" / "idleb_desk"
        assert paths.log_dir().is_relative_to(tmp_path / "XDG_STATE_HOME")
        assert paths.config_dir() == tmp_path / "XDG_CONFIG_HOME" / "idleb_desk"
    monkeypatch.setenv("IDLEB_DESK_HOME", str(tmp_path / "portable"))
    for folder in (paths.data_dir(), paths.log_dir(), paths.config_dir()):
        assert folder == tmp_path / "portable"


def test_one_application_id_everywhere() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(desktop.DESKTOP_SOURCE, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert desktop.DESKTOP_SOURCE.name == f"{APP_ID}.desktop"
    assert section["Icon"] == APP_ID
    assert section["StartupWMClass"] == APP_ID
    meta = desktop.METAINFO_SOURCE.read_text(encoding="utf-8")
    assert f"<id>{APP_ID}</id>" in meta
    assert f'<launchable type="desktop-id">{APP_ID}.desktop</launchable>' in meta
    assert paths.ICON_PATH.name == f"{APP_ID}.svg"


def test_exec_arguments_are_quoted_as_the_spec_says() -> None:
    assert desktop.quote_exec_arg("/usr/bin/idleb-desk") == "/usr/bin/idleb-desk"
    assert desktop.quote_exec_arg("/opt/my apps/idleb-desk") == '"/opt/my apps/idleb-desk"'
    assert desktop.quote_exec_arg('/a"b$c') == '"/a\\"b\\$c"'


def _cli(*args: str, data_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    return subprocess.run(
        [sys.executable, "-m", "idleb_desk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_install_and_uninstall_desktop_files(tmp_path: Path) -> None:
    data_home = tmp_path / "share"
    done = _cli("install-desktop", data_home=data_home)
    assert done.returncode == 0, done.stderr
    t = desktop.targets(data_home)
    for path in t.all():
        assert path.is_file(), path
        assert str(path) in done.stdout
    assert t.icon.read_bytes() == paths.ICON_PATH.read_bytes()
    exec_line = next(x for x in t.desktop.read_text().splitlines() if x.startswith("Exec="))
    # This installation's own command, not whatever is first on PATH.
    assert exec_line.endswith(" %f")
    assert str(Path(sys.executable).parent) in exec_line

    # What the desktop's own validators say about the installed files.
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(t.desktop)], capture_output=True)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout
    if shutil.which("appstreamcli"):
        check = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(t.metainfo)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "E:" not in check.stdout and "W:" not in check.stdout, check.stdout

    done = _cli("install-desktop", "--uninstall", data_home=data_home)
    assert done.returncode == 0, done.stderr
    assert not any(path.exists() for path in t.all())
    again = _cli("install-desktop", "--uninstall", data_home=data_home)
    assert again.returncode == 0 and "nothing to remove" in again.stdout


def test_opening_an_article_imports_it_and_shows_it(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`idleb-desk art.txt`, as a file manager runs it, once refused the file."""
    from idleb_desk.cli import COMMANDS
    from idleb_desk.cli_support import window_target
    from idleb_desk.gui.config.keymap import make_settings
    from idleb_desk.gui.window.app import open_window
    from idleb_desk.project import import_article

    monkeypatch.setenv("IDLEB_DESK_HOME", str(tmp_path / "home"))
    art = tmp_path / "art.html"
    art.write_text(
        "<html><head><title>Talks fail</title></head><body><p>Lavrov said the talks had "
        "failed.</p></body></html>",
        encoding="utf-8",
    )
    assert window_target(art, COMMANDS) == (None, art)
    opened = import_article(art)
    assert opened.doc_id is not None and not opened.problems
    again = import_article(art)  # opened twice: the same document, not a copy
    assert again.doc_id == opened.doc_id
    w = open_window(
        None, show_doc=opened.doc_id, settings=make_settings(tmp_path / "s.ini"), load_model=False
    )
    qtbot.addWidget(w)
    assert w.focus.state is not None and w.focus.state.doc.id == opened.doc_id
    assert "Lavrov said" in w.view.toPlainText()
    assert [d.ext_id for d in w.doc_model.rows] == ["idleb-eu-ministers", "art"]  # seeded
    w.close()
