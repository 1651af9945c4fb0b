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
