"""Project settings as stored: JSON values by key (claim kinds, memory, linking rules,
each reviewer's last position)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from idleb_desk.store.store import Store


def setting(store: Store, key: str, default: Any = None) -> Any:
    row = store.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def set_setting(store: Store, key: str, value: Any) -> None:
    """Write one setting in its own transaction."""
    with store.transaction():
        store.con.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )


def digest(store: Store) -> str:
    """A short fingerprint of every setting: tells a write by another program apart
    (the table holds a few dozen small rows)."""
    rows = store.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    h = hashlib.sha256()
    for key, value in rows:
        h.update(f"{key}\0{value}\0".encode())
    return h.hexdigest()[:16]
