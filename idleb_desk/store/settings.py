"""Project settings as stored: JSON values by key (claim kinds, memory, linking rules,
each reviewer's last position)."""

from __future__ import annotations

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


# Each reviewer's last position, under this prefix and their name: bookkeeping the window
# writes every few seconds, which changes nothing any window draws.
POSITION_KEY = "last_position/"


def contents(store: Store) -> tuple[tuple[str, str], ...]:
    """Every setting as stored, in key order, but the reviewers' positions: tells a write
    by another program apart. The table holds a few dozen small rows, so the rows
    themselves are compared; a hash would cost an import of OpenSSL (about 3.5 MB of the
    window's memory) and nothing else. The positions are left out because a window's
    own position, written since its last look, would make the next commit of any other
    connection (a team sync, a second window) look like a settings change: the open
    article read again whole."""
    rows = store.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    return tuple(
        (str(key), str(value)) for key, value in rows if not str(key).startswith(POSITION_KEY)
    )
