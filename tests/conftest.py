"""Shared test setup. Qt must run headless, so the platform is set before any Qt import."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# PySide6 6.12 on Python 3.11 drops a reference to None/True/False per void call; pin them
# before any Qt code runs (see idleb_desk/gui/compat.py; it imports no Qt).
from idleb_desk.gui.compat import pin_none  # noqa: E402

pin_none()


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """Where a test's project file goes (not created yet)."""
    return tmp_path / "project.sqlite3"
