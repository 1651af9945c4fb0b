"""Logging set-up: a log file in the user data folder that users can send with a bug report."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from idleb_desk.paths import log_dir

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    return log_dir() / "idleb_desk.log"


def setup_logging(console_level: int = logging.WARNING) -> Path | None:
    """Log INFO and up to a rotating file and `console_level` and up to stderr."""
    root = logging.getLogger()
    if getattr(root, "_idleb_configured", False):
        return None
    root.setLevel(logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(console_level)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(console)
    path: Path | None = log_path()
    try:
        target = log_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    except OSError as exc:  # a read-only home must not stop the app
        logging.getLogger(__name__).warning("no log file at %s: %s", path, exc)
        path = None
    root._idleb_configured = True  # type: ignore[attr-defined]
    return path
