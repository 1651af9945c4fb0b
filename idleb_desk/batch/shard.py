"""One shard: a task of numbered records in, Parquet tables out, written whole or not at all.

A shard is a folder `shards/S-C` (source S, chunk C of `shard_size` items) holding

- `documents.parquet`  one row per extracted record: seq, id, title, source, line, text,
  text_sha256, meta (JSON), date, encoding, words, n_actors, n_claims, model,
  rules_version, regions (list of start/end/kind);
- `actors.parquet`     one row per actor mention: seq, idx, start, end, text, label;
- `claims.parquet`     one row per claim: seq, idx, kind, quote_type, content, speaker,
  cue, speaker_antecedent (each a start/end/text struct, null when absent), addressees
  and content_parts (lists of them), nested_in (the index of the claim holding it);
- `rejects.jsonl`      one line per refused record: seq, id, source, line, reason;
- `shard.json`         its counts.

`seq` joins the tables. The folder is written under a hidden temporary name beside its
place (`.S-C.PID.RANDOM`) and renamed into place when every file is flushed, so a shard
folder that exists is complete; a rename onto an existing shard fails, so no record is
ever written twice (`write_shard` then drops the copy).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import shutil
import socket
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from idleb_desk.batch.plan import ShardTask, materialize
from idleb_desk.batch.sources import Record, Reject
from idleb_desk.model import (
    ActorSuggestion,
    ClaimSuggestion,
    Extraction,
    Region,
    TextRef,
    text_sha256,
)

SHARDS = "shards"
TABLES = ("documents", "actors", "claims")
_REF = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
_REGION = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("kind", pa.string())])
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("seq", pa.int64()),
            ("id", pa.string()),
            ("title", pa.string()),
            ("source", pa.string()),
            ("line", pa.int64()),
            ("text", pa.string()),
            ("text_sha256", pa.string()),
            ("meta", pa.string()),
            ("date", pa.string()),
            ("encoding", pa.string()),
            ("words", pa.int64()),
            ("n_actors", pa.int64()),
            ("n_claims", pa.int64()),
            ("model", pa.string()),
            ("rules_version", pa.string()),
            ("regions", pa.list_(_REGION)),
        ]
    ),
    "actors": pa.schema(
        [
            ("seq", pa.int64()),
            ("idx", pa.int64()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("text", pa.string()),
            ("label", pa.string()),
        ]
    ),
    "claims": pa.schema(
        [
            ("seq", pa.int64()),
            ("idx", pa.int64()),
            ("kind", pa.string()),
            ("quote_type", pa.string()),
            ("content", _REF),
            ("speaker", _REF),
            ("cue", _REF),
            ("speaker_antecedent", _REF),
            ("addressees", pa.list_(_REF)),
            ("content_parts", pa.list_(_REF)),
            ("nested_in", pa.int64()),
        ]
    ),
}


class ExtractorLike(Protocol):
    model_label: str

    def extract_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterable[Extraction]: ...


class ShardWriteError(OSError):
    """A shard could not be written (a full disk, a read-only folder); names the shard."""


@dataclass(frozen=True)
class ShardInfo:
    """What a finished shard holds (its `shard.json`), and what the worker measured."""

    name: str
    source: int
    chunk: int
    records: int
    documents: int
    rejects: int
    actors: int
    claims: int
    words: int
    # Not part of the shard: how the worker fared (for the benchmark and the log).
    peak_rss_mb: float = 0.0
    existed: bool = False  # another run or worker had written it already
    worker: str = ""  # host:pid of the process that wrote it

    def counts(self) -> dict[str, int]:
        return {
            k: getattr(self, k)
            for k in (
                "source",
                "chunk",
                "records",
                "documents",
                "rejects",
                "actors",
                "claims",
                "words",
            )
        }


def _ref(ref: TextRef | None) -> dict[str, Any] | None:
    return None if ref is None else {"start": ref.start, "end": ref.end, "text": ref.text}


def _tables(records: list[Record], exs: list[Extraction], rules: str) -> dict[str, pa.Table]:
    docs: list[dict[str, Any]] = []
    actors: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    for rec, ex in zip(records, exs, strict=True):
        docs.append(
            {
                "seq": rec.seq,
                "id": rec.id,
                "title": rec.title,
                "source": rec.source,
                "line": rec.line,
                "text": rec.text,
                "text_sha256": text_sha256(rec.text),
                "meta": json.dumps(rec.meta, ensure_ascii=False, sort_keys=True),
                "date": rec.date,
                "encoding": rec.encoding,
                "words": len(rec.text.split()),
                "n_actors": len(ex.actors),
                "n_claims": len(ex.claims),
                "model": ex.model,
                "rules_version": rules,
                "regions": [{"start": r.start, "end": r.end, "kind": r.kind} for r in ex.regions],
            }
        )
        for i, a in enumerate(ex.actors):
            actors.append(
                {
                    "seq": rec.seq,
                    "idx": i,
                    "start": a.start,
                    "end": a.end,
                    "text": a.text,
                    "label": a.label,
                }
            )
        for i, c in enumerate(ex.claims):
            claims.append(
                {
                    "seq": rec.seq,
                    "idx": i,
                    "kind": c.kind,
                    "quote_type": c.quote_type,
                    "content": _ref(c.content),
                    "speaker": _ref(c.speaker),
                    "cue": _ref(c.cue),
                    "speaker_antecedent": _ref(c.speaker_antecedent),
                    "addressees": [_ref(r) for r in c.addressees],
                    "content_parts": [_ref(r) for r in c.content_parts],
                    "nested_in": c.nested_in,
                }
            )
    rows = {"documents": docs, "actors": actors, "claims": claims}
    return {t: pa.Table.from_pylist(rows[t], schema=SCHEMAS[t]) for t in TABLES}


def _text_ref(obj: dict[str, Any] | None) -> TextRef | None:
    return None if obj is None else TextRef(int(obj["start"]), int(obj["end"]), str(obj["text"]))


def extraction_of(
    doc: dict[str, Any], actors: list[dict[str, Any]], claims: list[dict[str, Any]]
) -> Extraction:
    """The `Extraction` a shard stored for one document (rows of its three tables)."""
    made_claims = []
    for c in sorted(claims, key=lambda r: r["idx"]):
        content = _text_ref(c["content"])
        assert content is not None  # a claim always has content
        made_claims.append(
            ClaimSuggestion(
                content=content,
                speaker=_text_ref(c["speaker"]),
                cue=_text_ref(c["cue"]),
                addressees=tuple(r for r in map(_text_ref, c["addressees"] or []) if r),
                kind=c["kind"],
                quote_type=c["quote_type"],
                speaker_antecedent=_text_ref(c["speaker_antecedent"]),
                content_parts=tuple(r for r in map(_text_ref, c["content_parts"] or []) if r),
                nested_in=c["nested_in"],
            )
        )
    return Extraction(
        model=doc["model"],
        actors=tuple(
            ActorSuggestion(a["start"], a["end"], a["text"], a["label"])
            for a in sorted(actors, key=lambda r: r["idx"])
        ),
        claims=tuple(made_claims),
        regions=tuple(Region(r["start"], r["end"], r["kind"]) for r in doc["regions"] or []),
    )


def rules_version() -> str:
    """A fingerprint of the rules that made the suggestions: the nlp package's code and
    the data it reads. Two runs with the same model and the same rules agree."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    files = sorted((root / "nlp").rglob("*.py")) + sorted((root / "data").glob("*"))
    for path in files:
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return "rules-" + h.hexdigest()[:12]


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux: VmHWM, the high-water mark of this
    address space (ru_maxrss would carry the parent's peak over fork and exec, so a
    spawned worker would report its parent's size)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except (OSError, ValueError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    scale = 1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0  # bytes on macOS
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def process_task(
    task: ShardTask, extractor: ExtractorLike, out: Path, rules: str, batch_size: int = 64
) -> ShardInfo:
    """Extract a task's records and write its shard; the one function both engines run.
    A shard already on disk (a redone task whose first worker died after the rename) is
    neither extracted nor written again."""
    there = read_info(out / SHARDS / task.name)
    if there is not None:
        n = {k: int(there.get(k, 0)) for k in ("records", "documents", "rejects", "actors")}
        return ShardInfo(
            task.name,
            task.source,
            task.chunk,
            n["records"],
            n["documents"],
            n["rejects"],
            n["actors"],
            int(there.get("claims", 0)),
            int(there.get("words", 0)),
            existed=True,
        )
    items = materialize(task)
    records = [i for i in items if isinstance(i, Record)]
    rejects = [i for i in items if isinstance(i, Reject)]
    exs: list[Extraction] = []
    kept: list[Record] = []
    try:
        exs = list(extractor.extract_many([r.text for r in records], batch_size=batch_size))
        kept = records
    except Exception:  # noqa: BLE001 - find the record that fails, keep the others
        for rec in records:
            try:
                exs.append(next(iter(extractor.extract_many([rec.text]))))
                kept.append(rec)
            except Exception as exc:  # noqa: BLE001 - any failure of the rules is a reject
                rejects.append(
                    Reject(rec.seq, rec.id, rec.source, f"extraction failed ({exc})", rec.line)
                )
    rejects.sort(key=lambda r: r.seq)
    tables = _tables(kept, exs, rules)
    info = ShardInfo(
        task.name,
        task.source,
        task.chunk,
        len(items),
        len(kept),
        len(rejects),
        tables["actors"].num_rows,
        tables["claims"].num_rows,
        sum(len(r.text.split()) for r in kept),
    )
    existed = write_shard(out, info, tables, rejects)
    who = f"{socket.gethostname()}:{os.getpid()}"
    return ShardInfo(
        **{**info.__dict__, "peak_rss_mb": _peak_rss_mb(), "existed": existed, "worker": who}
    )


def write_shard(
    out: Path, info: ShardInfo, tables: dict[str, pa.Table], rejects: list[Reject]
) -> bool:
    """Write the shard folder under a temporary name, then rename it into place.
    Returns True when the shard was there already (this copy is dropped)."""
    root = out / SHARDS
    target = root / info.name
    if target.exists():
        return True
    tmp = root / f".{info.name}.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        tmp.mkdir(parents=True)
        for name, table in tables.items():
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
        with (tmp / "rejects.jsonl").open("w", encoding="utf-8") as fh:
            for r in rejects:
                fh.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
        (tmp / "shard.json").write_text(json.dumps(info.counts(), sort_keys=True) + "\n")
        for path in tmp.iterdir():
            _fsync(path)
        _fsync(tmp)
        try:
            tmp.rename(target)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST) and target.exists():
                shutil.rmtree(tmp, ignore_errors=True)
                return True
            raise
        _fsync(root)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ShardWriteError(
            exc.errno, f"shard {info.name} could not be written in {root}: {exc.strerror or exc}"
        ) from exc
    return False


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_info(folder: Path) -> dict[str, int] | None:
    """A complete shard's counts, or None when the folder is not a shard."""
    try:
        data = json.loads((folder / "shard.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def remove_leftovers(out: Path) -> int:
    """Delete the temporary folders of shards whose writer died; returns how many."""
    root = out / SHARDS
    count = 0
    if root.is_dir():
        for tmp in root.glob(".*"):
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
                count += 1
    return count
