"""The manifest of a batch run: its settings, its sources and every complete shard.

`OUT/manifest.json` is replaced whole (written under a temporary name, flushed, renamed:
the way `io/atomic.py` writes exports), after each shard that completes, so it never
lists a shard that is not on disk. A shard folder renamed into place just before a kill
is not listed yet; the next run finds it (`adopt`) instead of extracting it again.

A run resumes only with the settings it started with (the same sources, unchanged, the
same shard size, model and rules); anything else would number or extract records
differently, so it is refused with a message saying what differs.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idleb_desk.batch.shard import SHARDS, ShardInfo, read_info

MANIFEST = "manifest.json"
FORMAT = "idleb-desk-batch/1"
# The settings a resumed run must share with the first one.
SETTINGS = ("shard_size", "max_chars", "model", "rules_version", "sources")


class ManifestMismatch(Exception):
    """OUT holds a run with other settings."""


@dataclass
class Manifest:
    settings: dict[str, Any]
    shards: dict[str, dict[str, int]] = field(default_factory=dict)
    complete: bool = False
    engine: str = ""

    def to_json(self) -> dict[str, Any]:
        totals = {
            k: sum(s[k] for s in self.shards.values())
            for k in ("records", "documents", "rejects", "actors", "claims", "words")
        }
        return {
            "format": FORMAT,
            **self.settings,
            "engine": self.engine,
            "complete": self.complete,
            "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "totals": totals,
            "shards": dict(sorted(self.shards.items())),
        }

    def add(self, info: ShardInfo) -> None:
        self.shards[info.name] = info.counts()

    def save(self, out: Path) -> None:
        write_json_atomic(out / MANIFEST, self.to_json())


def write_json_atomic(path: Path, obj: object) -> None:
    """Write JSON under a temporary name beside `path`, flush it, rename it onto `path`.
    An OSError (a full disk) leaves the earlier file as it was and no temporary file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=1, sort_keys=False, ensure_ascii=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load(out: Path) -> dict[str, Any] | None:
    path = out / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestMismatch(f"{path}: cannot be read ({exc}); use a new --out") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ManifestMismatch(f"{path}: is not a batch manifest; use a new --out")
    return data


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for key in SETTINGS:
        if old.get(key) != new.get(key):
            if key == "sources":
                out.append("the input files (other files, or changed since)")
            else:
                out.append(f"{key.replace('_', ' ')} {old.get(key)!r} then, {new.get(key)!r} now")
    return out


def open_manifest(out: Path, settings: dict[str, Any]) -> Manifest:
    """The manifest to continue: the one in OUT when its settings match, else a new one.
    Shards on disk that it does not list yet are adopted."""
    old = load(out)
    manifest = Manifest(settings)
    if old is not None:
        diff = _differences(old, settings)
        if diff:
            raise ManifestMismatch(
                f"{out}: holds a batch run with other settings ({'; '.join(diff)}); "
                "run it with the same ones to resume, or give a new --out"
            )
        # A listed shard whose folder has gone since is extracted again.
        manifest.shards = {
            str(k): dict(v)
            for k, v in old.get("shards", {}).items()
            if read_info(out / SHARDS / str(k)) is not None
        }
    adopt(out, manifest)
    return manifest


def adopt(out: Path, manifest: Manifest) -> int:
    """Add the complete shard folders the manifest does not list; returns how many."""
    root = out / SHARDS
    added = 0
    if not root.is_dir():
        return 0
    for folder in sorted(root.iterdir()):
        if folder.name.startswith(".") or folder.name in manifest.shards:
            continue
        info = read_info(folder)
        if info is not None:
            manifest.shards[folder.name] = info
            added += 1
    return added
