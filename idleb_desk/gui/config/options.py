"""Every setting the window keeps in QSettings, declared once (as Picard's options.py).

A setting is read and written only through its `Option`: the key, type, default and a
title for people live here, so a typo in a key cannot quietly start a second setting.
The file carries a settings version; `upgrade_settings` runs the steps from the stored
version up to ours, and warns (touching nothing) when the file was written by a newer
version of the program.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings

log = logging.getLogger(__name__)

VERSION_KEY = "settings/version"
# Raise it with an upgrade step below whenever a key is renamed, moved or retyped.
SETTINGS_VERSION = 2


@dataclass(frozen=True)
class Option:
    key: str
    type: type
    default: Any
    title: str

    def get(self, settings: QSettings) -> Any:
        # Read raw and convert here: QSettings' own `type=` turns a bad value into 0.
        raw = settings.value(self.key, self.default)
        try:
            return _convert(raw, self.type)
        except (TypeError, ValueError):
            log.warning("setting %s: %r is not a %s; using %r", self.key, raw,
                        self.type.__name__, self.default)  # fmt: skip
            return self.default

    def set(self, settings: QSettings, value: Any) -> None:
        settings.setValue(self.key, self.type(value))


def _convert(raw: Any, kind: type) -> Any:
    if kind is bool and isinstance(raw, str):  # an INI file stores "true" and "false"
        word = raw.strip().lower()
        if word in ("true", "1", "yes", "on"):
            return True
        if word in ("false", "0", "no", "off"):
            return False
        raise ValueError(raw)
    return kind(raw)


FONT_SIZE = Option("view/font_size", int, 13, "Article text size (points)")
NETWORK_PROJECT = Option("network/project", bool, False, "Network view shows the whole project")
NETWORK_ALL = Option("network/all", bool, False, "Network view shows unreviewed claims too")
NETWORK_SHARE = Option("network/share", float, 0.58, "Network view's share of the window height")
CURATION_ANONYMISE = Option("curation/anonymise", bool, False,
                            "Curation shows 'Analyst N' instead of the analysts' names")
# Not an Option: one key per remapped action under this group (gui/config/keymap.py).
KEYMAP_GROUP = "keymap"

OPTIONS: tuple[Option, ...] = (
    FONT_SIZE, NETWORK_PROJECT, NETWORK_ALL, NETWORK_SHARE, CURATION_ANONYMISE,
)  # fmt: skip


def _v1_to_v2(settings: QSettings) -> None:
    """Version 1 (no version key) is the layout every earlier release wrote: the same
    keys as version 2. Only the version key is new."""


# UPGRADES[n] takes settings of version n to version n + 1.
UPGRADES: dict[int, Callable[[QSettings], None]] = {1: _v1_to_v2}


def settings_version(settings: QSettings) -> int:
    try:
        return int(str(settings.value(VERSION_KEY, 1)))
    except (TypeError, ValueError):
        return 1


def upgrade_settings(settings: QSettings) -> int:
    """Bring `settings` to SETTINGS_VERSION; returns the version found. Settings from a
    newer program are read as they are (unknown keys are ignored) and left unchanged."""
    found = settings_version(settings)
    if found > SETTINGS_VERSION:
        log.warning(
            "settings %s are version %d, newer than this program's %d: reading what it "
            "knows and writing nothing back to the version",
            settings.fileName(), found, SETTINGS_VERSION,
        )  # fmt: skip
        return found
    for version in range(found, SETTINGS_VERSION):
        UPGRADES[version](settings)
        log.info("settings upgraded from version %d to %d", version, version + 1)
    if found != SETTINGS_VERSION or settings.value(VERSION_KEY) is None:
        settings.setValue(VERSION_KEY, SETTINGS_VERSION)
    return found
