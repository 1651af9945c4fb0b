"""The package as it was at an older revision, for a benchmark's baseline measured in the
same run (`bench/bulk.py`, `bench/export_csv.py`)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def checkout(rev: str, into: Path) -> Path | None:
    """`idleb_desk/` at `rev`, unpacked under `into` (returned); None, said on stderr, when
    git cannot give it (no git, a shallow clone without that revision)."""
    archive = into / "tree.tar"
    try:
        subprocess.run(
            ["git", "-C", str(ROOT), "archive", "-o", str(archive), rev, "idleb_desk"],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"{rev} skipped: cannot check out ({exc})", file=sys.stderr)
        return None
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into
