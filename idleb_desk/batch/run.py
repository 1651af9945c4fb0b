"""A batch run: check the input and OUT, resume from the manifest, run an engine, report.

The calling process is the only writer of the manifest and of `rejects.jsonl`; workers
and actors write shard folders only. `OUT/.batch.lock` keeps a second run off the same
folder while one is running (a killed run's lock goes with its process).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from idleb_desk.batch.local import ShardFailed, WorkerSetup, run_local
from idleb_desk.batch.manifest import Manifest, open_manifest
from idleb_desk.batch.plan import plan
from idleb_desk.batch.shard import (
    SHARDS,
    ShardInfo,
    ShardWriteError,
    remove_leftovers,
    rules_version,
)
from idleb_desk.batch.sources import DEFAULT_MAX_CHARS, Source, describe_sources

log = logging.getLogger(__name__)

REJECTS = "rejects.jsonl"
ENGINES = ("local", "ray")


class BatchError(Exception):
    """The run stopped (a full disk, OUT in use, settings that differ): exit 2."""


@dataclass
class BatchConfig:
    inputs: list[Path]
    out: Path
    workers: int = 1
    engine: str = "local"
    address: str | None = None
    shard_size: int = 1000
    max_chars: int = DEFAULT_MAX_CHARS
    model: str | None = None
    batch_size: int = 64


@dataclass
class BatchReport:
    shards_before: int = 0  # complete before this run (resumed)
    shards_written: int = 0
    shards_found: int = 0  # written by an earlier worker that died before reporting
    redone: list[str] = field(default_factory=list)
    documents: int = 0
    rejects: int = 0
    words: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the largest of any worker's
    workers: dict[str, int] = field(default_factory=dict)  # host:pid -> shards written
    leftovers: int = 0  # half-written shard folders of killed workers, removed
    manifest: dict[str, object] = field(default_factory=dict)

    def summary(self) -> str:
        rate = self.words / self.seconds if self.seconds else 0.0
        parts = [f"{self.shards_written} shards written"]
        if self.shards_before:
            parts.append(f"{self.shards_before} done before (resumed)")
        if self.redone:
            parts.append(f"{len(self.redone)} redone after a worker died")
        parts += [f"{self.documents} documents", f"{self.rejects} rejected", f"{rate:,.0f} words/s"]
        return ", ".join(parts)


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock; one run per folder is on the user
        yield
        return
    fh = (out / ".batch.lock").open("a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise BatchError(f"{out}: another batch run is writing here; wait for it") from exc
        yield
    finally:
        fh.close()


def _settings(
    cfg: BatchConfig, sources: list[Source], model_label: str, rules: str
) -> dict[str, object]:
    return {
        "shard_size": cfg.shard_size,
        "max_chars": cfg.max_chars,
        "model": model_label,
        "rules_version": rules,
        "sources": [s.to_json() for s in sources],
    }


def model_label(model: str | None) -> str:
    """Load the model once here: it must load before workers start, and its label is part
    of the manifest (workers check they loaded the same)."""
    from idleb_desk.nlp.pipeline import Extractor

    return Extractor.load(model, strict=bool(model)).model_label


def run_batch(
    cfg: BatchConfig,
    label: str,
    progress: Callable[[int, int], None] | None = None,
) -> BatchReport:
    """Run (or resume) a batch; raises BatchError, BatchInputError or ManifestMismatch."""
    sources = describe_sources(cfg.inputs)
    rules = rules_version()
    try:
        cfg.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"{cfg.out}: cannot be created ({exc.strerror or exc})") from exc
    report = BatchReport()
    with _locked(cfg.out):
        remove_leftovers(cfg.out)
        manifest = open_manifest(cfg.out, _settings(cfg, sources, label, rules))
        manifest.engine = cfg.engine
        manifest.complete = False
        report.shards_before = len(manifest.shards)
        total = sum(s.records or 0 for s in sources)
        done_records = sum(s["records"] for s in manifest.shards.values())
        if progress:
            progress(done_records, total)
        started = time.perf_counter()

        def on_done(info: ShardInfo) -> None:
            nonlocal done_records
            manifest.add(info)
            _save(manifest, cfg.out)
            if info.existed:
                report.shards_found += 1
            else:
                report.shards_written += 1
                report.documents += info.documents
                report.rejects += info.rejects
                report.words += info.words
            report.peak_rss_mb = max(report.peak_rss_mb, info.peak_rss_mb)
            report.workers[info.worker] = report.workers.get(info.worker, 0) + 1
            done_records += info.records
            if progress:
                progress(done_records, total)

        setup = WorkerSetup(cfg.model, label, str(cfg.out), rules, cfg.batch_size)
        done = frozenset(manifest.shards)
        try:
            if cfg.engine == "ray":
                from idleb_desk.batch.ray_engine import run_ray

                run_ray(
                    sources,
                    setup,
                    cfg.workers,
                    cfg.shard_size,
                    cfg.max_chars,
                    done,
                    cfg.address,
                    on_done,
                )
            else:
                tasks = plan(sources, cfg.shard_size, cfg.max_chars, done)
                run_local(tasks, setup, cfg.workers, on_done, report.redone.extend)
        except (ShardWriteError, OSError, ShardFailed) as exc:
            remove_leftovers(cfg.out)
            raise BatchError(_stopped(cfg.out, exc, manifest)) from exc
        finally:
            report.seconds = time.perf_counter() - started
        # Every worker has stopped: what a killed one left half-written can go now.
        report.leftovers = remove_leftovers(cfg.out)
        manifest.complete = True
        _save(manifest, cfg.out)
        _gather_rejects(cfg.out, manifest)
        report.manifest = manifest.to_json()
    return report


def _save(manifest: Manifest, out: Path) -> None:
    """Replace the manifest; a full disk here stops the run like a full disk in a shard."""
    manifest.save(out)


def _stopped(out: Path, exc: BaseException, manifest: Manifest) -> str:
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
    full = full or "No space left on device" in str(exc)  # as a Ray actor reports it
    # The manifest on disk lists only shards that are complete; save it once more if we can.
    with contextlib.suppress(OSError):
        manifest.save(out)
    kept = (
        f"{len(manifest.shards)} complete shards are kept and listed in manifest.json; "
        f"{'make room and ' if full else ''}run the same command again to resume"
    )
    why = "the disk is full" if full else "a shard failed"
    return f"{out}: batch stopped, {why} ({exc}); {kept}"


def _gather_rejects(out: Path, manifest: Manifest) -> None:
    """`OUT/rejects.jsonl`: every shard's rejects in shard order, rebuilt whole each run
    (so a resumed run never lists a reject twice)."""
    tmp = out / f".{REJECTS}.{os.getpid()}.part"
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            for name in sorted(manifest.shards):
                part = out / SHARDS / name / REJECTS
                with contextlib.suppress(FileNotFoundError), part.open(encoding="utf-8") as src:
                    for line in src:
                        fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out / REJECTS)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BatchError(_stopped(out, exc, manifest)) from exc


def read_rejects(out: Path) -> list[dict[str, object]]:
    with (out / REJECTS).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
