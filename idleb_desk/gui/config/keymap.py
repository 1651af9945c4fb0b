"""Key bindings as one data table (resources/keymap.json) with user overrides in QSettings.

Every shortcut in the window comes from here, so F1 can list all of them and the conflict
check sees all of them. A binding is refused when another action has the key, or when the
platform reserves it for something else (Copy, Select All, Quit, ...): an analyst's muscle
memory for those must keep working.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

from idleb_desk.gui.config.options import KEYMAP_GROUP
from idleb_desk.paths import RESOURCES, settings_path

log = logging.getLogger(__name__)

SETTINGS_GROUP = KEYMAP_GROUP  # one key per remapped action (gui/config/options.py)
SCOPE_REVIEW = "review"
SCOPE_WINDOW = "window"
# Keys of the Network view: they work only while it has focus, so they may reuse review
# keys (J, K, Enter), which work only in the review area; never window keys.
SCOPE_NETWORK = "network"


def scopes_overlap(a: str, b: str) -> bool:
    """Two bindings clash on a key only where both can fire: the same widget area, or
    either one a window key."""
    return a == b or SCOPE_WINDOW in (a, b)


# Platform shortcuts whose meaning users rely on in every application. Text-editing keys
# (Shift+Left, Del, ...) are not here: the article view is read-only, so the review keys
# may reuse them.
_RESERVED_STANDARD = (
    "Copy",
    "Cut",
    "Paste",
    "SelectAll",
    "Undo",
    "Redo",
    "Find",
    "FindNext",
    "FindPrevious",
    "Open",
    "Save",
    "SaveAs",
    "New",
    "Close",
    "Quit",
    "Print",
    "HelpContents",
    "WhatsThis",
    "ZoomIn",
    "ZoomOut",
    "Refresh",
    "FullScreen",
    "Preferences",
    "NextChild",
    "PreviousChild",
    "Cancel",
    "Replace",
)
# Reserved on the common desktops even where Qt's generic theme reports nothing.
_RESERVED_EXTRA = {"Ctrl+Q": "Quit", "Ctrl+W": "Close", "Alt+F4": "Close", "Ctrl+S": "Save"}


class KeyConflict(ValueError):
    """A key is already taken; the message says by what."""


@dataclass(frozen=True)
class Binding:
    action: str
    keys: tuple[str, ...]
    scope: str
    text: str
    standard: str | None = None


def normalize(key: str) -> str:
    """Portable text of one key sequence ("ctrl+shift+z" -> "Ctrl+Shift+Z")."""
    seq = QKeySequence(key.strip())
    text = seq.toString(QKeySequence.SequenceFormat.PortableText)
    if not text or seq.count() == 0:
        raise KeyConflict(f"{key!r} is not a key Qt understands")
    return text


def reserved_keys() -> dict[str, str]:
    """{key text: the platform action it belongs to}."""
    out = dict(_RESERVED_EXTRA)
    for name in _RESERVED_STANDARD:
        std = getattr(QKeySequence.StandardKey, name, None)
        if std is None:
            continue
        for seq in QKeySequence.keyBindings(std):
            text = seq.toString(QKeySequence.SequenceFormat.PortableText)
            if text:
                out.setdefault(text, name)
    return out


def load_defaults(path: Path | None = None) -> list[Binding]:
    data = json.loads((path or RESOURCES / "keymap.json").read_text(encoding="utf-8"))
    return [
        Binding(
            action=str(b["action"]),
            keys=tuple(normalize(k) for k in b["keys"]),
            scope=str(b.get("scope", SCOPE_REVIEW)),
            text=str(b.get("text", "")),
            standard=b.get("standard"),
        )
        for b in data["bindings"]
    ]


def make_settings(path: Path | str | None = None) -> QSettings:
    """The app's settings; tests and portable installs pass an .ini path instead."""
    # One INI file in the OS's config folder (platformdirs), or in $IDLEB_DESK_HOME.
    return QSettings(str(path or settings_path()), QSettings.Format.IniFormat)


class Keymap:
    """The bindings in force: defaults with the user's overrides applied."""

    def __init__(self, settings: QSettings, defaults: list[Binding] | None = None) -> None:
        self.settings = settings
        self.defaults = {b.action: b for b in (defaults or load_defaults())}
        self._reserved = reserved_keys()
        self.bindings: dict[str, Binding] = dict(self.defaults)
        self._apply_overrides()

    def _apply_overrides(self) -> None:
        self.settings.beginGroup(SETTINGS_GROUP)
        try:
            overrides = {a: self.settings.value(a) for a in self.settings.childKeys()}
        finally:
            self.settings.endGroup()
        for action, value in overrides.items():
            if action not in self.bindings:
                log.warning("keymap: ignoring override for unknown action %r", action)
                continue
            keys = [k for k in str(value or "").split(";") if k.strip()]
            try:
                self._check(action, keys)
            except KeyConflict as exc:
                # A stale or hand-edited override must not break the window: keep defaults.
                log.warning("keymap: ignoring override for %s: %s", action, exc)
                continue
            self.bindings[action] = replace(
                self.bindings[action], keys=tuple(normalize(k) for k in keys)
            )

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.bindings.values())

    def keys(self, action: str) -> tuple[str, ...]:
        return self.bindings[action].keys

    def owner(self, key: str, exclude: str | None = None, scope: str | None = None) -> str | None:
        """The action bound to `key`, if any (ignoring `exclude`; only actions that can
        fire together with a binding of `scope`, if given)."""
        for b in self.bindings.values():
            fires = scope is None or scopes_overlap(scope, b.scope)
            if b.action != exclude and key in b.keys and fires:
                return b.action
        return None

    def _check(self, action: str, keys: list[str]) -> None:
        binding = self.bindings[action]
        for raw in keys:
            key = normalize(raw)
            other = self.owner(key, exclude=action, scope=binding.scope)
            if other is not None:
                raise KeyConflict(f"{key} is already bound to '{other}'")
            std = self._reserved.get(key)
            if std is not None and std != binding.standard:
                raise KeyConflict(f"{key} is the platform's {std} shortcut")

    def set_keys(self, action: str, keys: list[str]) -> None:
        """Remap an action; raises KeyConflict (and changes nothing) if a key is taken."""
        if action not in self.bindings:
            raise KeyError(action)
        self._check(action, keys)
        norm = tuple(normalize(k) for k in keys)
        self.bindings[action] = replace(self.bindings[action], keys=norm)
        self.settings.setValue(f"{SETTINGS_GROUP}/{action}", ";".join(norm))
        self.settings.sync()

    def reset(self, action: str) -> None:
        self.bindings[action] = self.defaults[action]
        self.settings.remove(f"{SETTINGS_GROUP}/{action}")
        self.settings.sync()

    def conflicts(self) -> list[str]:
        """Every clash in the table as it stands (the defaults must have none)."""
        seen: dict[str, list[Binding]] = {}
        out: list[str] = []
        for b in self.bindings.values():
            for key in b.keys:
                for other in seen.get(key, []):
                    if scopes_overlap(other.scope, b.scope):
                        out.append(f"{key}: {other.action} and {b.action}")
                seen.setdefault(key, []).append(b)
                std = self._reserved.get(key)
                if std is not None and std != b.standard:
                    out.append(f"{key}: {b.action} and the platform's {std}")
        return out
