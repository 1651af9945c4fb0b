"""Shared test setup. Qt must run headless, so the platform is set before any Qt import."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """Where a test's project file goes (not created yet)."""
    return tmp_path / "project.sqlite3"


@pytest.fixture
def shown_errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Error dialogs the GUI would show, as (title, message), instead of modal boxes."""
    from idleb_desk.gui import errors  # imported late: Qt loads after the platform is set

    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "presenter", lambda _p, title, msg: seen.append((title, msg)))
    return seen
