"""Where things are: the packaged data files, and the user's folders on each OS.

Packaged files (labels, keymap, icon, the seed article, the desktop files) live inside the
`idleb_desk` package and are found through `importlib.resources`, so a git checkout, an
editable install, a wheel and the frozen app all read the same files.

The user's folders come from `platformdirs`: on Linux the XDG folders (`$XDG_DATA_HOME`,
`$XDG_STATE_HOME`, `$XDG_CONFIG_HOME`), on macOS `~/Library/...`, on Windows
`%LOCALAPPDATA%`. `$IDLEB_DESK_HOME` puts all three in one folder instead (portable
installs, and hermetic tests).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_DIR_NAME = "idleb_desk"
# The one application id: .desktop file name, icon name, AppStream id, WM_CLASS class.
APP_ID = "org.idleb_desk.IdlebDesk"
HOME_ENV = "IDLEB_DESK_HOME"


def package_path(*parts: str) -> Path:
    """A file or folder shipped inside the idleb_desk package."""
    node = resources.files("idleb_desk")
    for part in parts:
        node = node / part
    # idleb_desk is a regular package installed as files (never zipped), so this is a Path.
    return Path(str(node))


RESOURCES = package_path("resources")
SEED_PATH = package_path("seeds", "idleb-eu-ministers.txt")
ICON_PATH = RESOURCES / "icons" / f"{APP_ID}.svg"


def _home() -> Path | None:
    explicit = os.environ.get(HOME_ENV)
    return Path(explicit).expanduser() if explicit else None


def data_dir() -> Path:
    """Projects: $IDLEB_DESK_HOME, else the OS's user data folder."""
    return _home() or Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def log_dir() -> Path:
    """Logs: $IDLEB_DESK_HOME, else the OS's user log folder."""
    return _home() or Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    """Settings (key bindings, window state): $IDLEB_DESK_HOME, else the OS's config folder."""
    return _home() or Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))


def settings_path() -> Path:
    # The name Qt's native Linux settings had before, so key remaps survive an upgrade.
    return config_dir() / "idleb_desk.conf"
