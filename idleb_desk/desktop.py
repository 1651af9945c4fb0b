"""Desktop integration on Linux and other XDG desktops: launcher, icon and AppStream data.

`idleb-desk install-desktop` copies the packaged `.desktop` file, the icon (into the hicolor
theme) and the metainfo under `$XDG_DATA_HOME` (default `~/.local/share`), with the
launcher's `Exec=` pointing at the command that ran the installer, so it works whether
idleb_desk came from pipx, a virtual environment or the frozen app. `--uninstall` removes
exactly those files. Nothing is written outside the user's own data folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.paths import APP_ID, ICON_PATH, RESOURCES

log = logging.getLogger(__name__)

DESKTOP_SOURCE = RESOURCES / "desktop" / f"{APP_ID}.desktop"
METAINFO_SOURCE = RESOURCES / "desktop" / f"{APP_ID}.metainfo.xml"
# Characters that make the desktop entry spec require an argument to be quoted.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


@dataclass(frozen=True)
class DesktopTargets:
    desktop: Path
    icon: Path
    metainfo: Path

    def all(self) -> tuple[Path, Path, Path]:
        return (self.desktop, self.icon, self.metainfo)


def xdg_data_home() -> Path:
    raw = os.environ.get("XDG_DATA_HOME", "").strip()
    # The spec says a relative value is invalid and must be ignored.
    if raw and Path(raw).is_absolute():
        return Path(raw)
    return Path.home() / ".local" / "share"


def targets(data_home: Path | None = None) -> DesktopTargets:
    base = data_home or xdg_data_home()
    return DesktopTargets(
        desktop=base / "applications" / f"{APP_ID}.desktop",
        icon=base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        metainfo=base / "metainfo" / f"{APP_ID}.metainfo.xml",
    )


def quote_exec_arg(arg: str) -> str:
    """Quote one Exec= argument as the desktop entry spec says."""
    if not arg or any(ch in _RESERVED for ch in arg):
        escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
        return f'"{escaped}"'
    return arg


def launch_command() -> list[str]:
    """The command that starts this very installation of idleb_desk (not another one that
    happens to be first on PATH)."""
    if getattr(sys, "frozen", False):  # the PyInstaller app: its own binary
        return [sys.executable]
    # A venv or pipx install has its `idleb-desk` script beside its Python.
    script = Path(sys.executable).parent / "idleb-desk"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "idleb_desk"]


def desktop_entry(command: list[str] | None = None) -> str:
    """The packaged .desktop file with Exec= set to `command` (plus %f)."""
    exec_line = " ".join(quote_exec_arg(a) for a in (command or launch_command())) + " %f"
    lines = DESKTOP_SOURCE.read_text(encoding="utf-8").splitlines()
    out = [f"Exec={exec_line}" if line.startswith("Exec=") else line for line in lines]
    return "\n".join(out) + "\n"


def install(data_home: Path | None = None, command: list[str] | None = None) -> DesktopTargets:
    """Write the launcher, icon and metainfo; returns where they went."""
    t = targets(data_home)
    for path in t.all():
        path.parent.mkdir(parents=True, exist_ok=True)
    _write(t.desktop, desktop_entry(command).encode("utf-8"))
    _write(t.icon, ICON_PATH.read_bytes())
    _write(t.metainfo, METAINFO_SOURCE.read_bytes())
    _refresh_caches(t)
    return t


def uninstall(data_home: Path | None = None) -> list[Path]:
    """Remove what `install` wrote; returns the files that were there."""
    removed = []
    t = targets(data_home)
    for path in t.all():
        if path.exists():
            path.unlink()
            removed.append(path)
    _refresh_caches(t)
    return removed


def _write(path: Path, data: bytes) -> None:
    # Write beside and rename, so a launcher is never seen half-written.
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _refresh_caches(t: DesktopTargets) -> None:
    """Tell the desktop about the change where its tools are installed (best effort)."""
    hicolor = t.icon.parents[2]
    for cmd in (
        ["update-desktop-database", "-q", str(t.desktop.parent)],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(hicolor)],
    ):
        if shutil.which(cmd[0]) and cmd[-1] and Path(cmd[-1]).is_dir():
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                log.info("%s: %s", cmd[0], done.stderr.strip())
