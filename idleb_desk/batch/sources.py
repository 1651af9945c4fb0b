"""The input of a batch run as sources of numbered records, read as a stream.

A source is one folder (its supported article files, in the sorted order of
`io.folders.iter_files`), one run of loose article files named on the command line, one
JSONL file or one Parquet file (`id, title, text, meta` columns). Each item a source
yields has a number, `seq`, counted from 0 inside the source, rejected items included, so
the same input always numbers the same way: shard boundaries, resumption and both engines
rest on that. Nothing holds more than one record (a Parquet batch of `PARQUET_BATCH`
rows) at a time.

Files are read by the readers `import` uses (`io.readers`, `io.jsonl_reader`), so the
offsets of a shard index the very text a project stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from idleb_desk.io.errors import ImportProblem, Problem
from idleb_desk.io.folders import iter_files
from idleb_desk.io.jsonl_reader import jsonl_line_to_doc, read_jsonl
from idleb_desk.io.readers import read_file
from idleb_desk.io.source import HTML_EXTS, JSONL_EXTS, TEXT_EXTS, SourceDoc

PARQUET_EXTS = (".parquet", ".pq")
ARTICLE_FILE_EXTS = TEXT_EXTS + HTML_EXTS
# Rows per Parquet read: a few MB of text at news lengths.
PARQUET_BATCH = 256
# A text beyond this many characters is not an article (a dump, a concatenated feed): it
# is rejected rather than parsed for minutes. `--max-chars` changes it.
DEFAULT_MAX_CHARS = 1_000_000
# Meta keys read as a document's date, for `--where date...` (the first one present).
DATE_KEYS = ("date", "published", "published_at", "datetime", "pubdate")


class BatchInputError(Exception):
    """An input that cannot be used at all (not a single bad record): exit 2."""


@dataclass(frozen=True)
class Record:
    """One readable document of the input."""

    seq: int
    id: str
    title: str
    text: str
    source: str  # the file it came from
    line: int | None = None  # its line (JSONL) or row (Parquet, from 1)
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def date(self) -> str | None:
        for key in DATE_KEYS:
            value = self.meta.get(key)
            if value not in (None, ""):
                return str(value)
        return None


@dataclass(frozen=True)
class Reject:
    """One input record refused, with why; it goes to the rejects file, the run goes on."""

    seq: int
    id: str
    source: str
    reason: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Item = Record | Reject


def item_from_json(obj: dict[str, Any]) -> Item:
    return Reject(**obj) if "reason" in obj else Record(**obj)


@dataclass(frozen=True)
class Source:
    index: int
    kind: str  # "folder", "files", "jsonl" or "parquet"
    paths: tuple[str, ...]
    # What a resumed run compares: sizes and modification times, or a folder's listing.
    fingerprint: str
    records: int | None  # how many items it yields, when cheap to know (for the ETA)

    @property
    def label(self) -> str:
        return (
            self.paths[0] if len(self.paths) == 1 else f"{self.paths[0]} (+{len(self.paths) - 1})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "paths": list(self.paths),
            "fingerprint": self.fingerprint,
        }


def _stat_print(paths: Sequence[Path]) -> str:
    parts = []
    for p in paths:
        st = p.stat()
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
    return f"{len(paths)} files " + ",".join(parts) if len(paths) < 8 else _digest(parts)


def _digest(parts: list[str]) -> str:
    import hashlib

    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() + b"\n")
    return f"{len(parts)} files sha256:{h.hexdigest()[:16]}"


def folder_files(folder: Path) -> list[Path]:
    """The article files of a folder, in the order they are read (paths only)."""
    return [p for p in iter_files([folder]) if isinstance(p, Path) and _is_article(p)]


def _is_article(path: Path) -> bool:
    return path.suffix.lower() in ARTICLE_FILE_EXTS


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:
        raise BatchInputError(f"{path}: is not a readable Parquet file ({exc})") from exc
    names = set(pf.schema_arrow.names)
    if "text" not in names:
        raise BatchInputError(
            f"{path}: has no 'text' column (found {', '.join(sorted(names))}); "
            "a batch input needs id, title, text, meta"
        )
    return int(pf.metadata.num_rows)


def _jsonl_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for raw in fh if raw.strip())


def describe_sources(inputs: Sequence[Path]) -> list[Source]:
    """The sources of the input paths, in the order given; BatchInputError if a path is
    missing, a folder holds no article file, or a file is of a kind batch cannot read."""
    sources: list[Source] = []
    loose: list[Path] = []

    def add(kind: str, paths: list[Path], records: int | None, print_: str) -> None:
        sources.append(Source(len(sources), kind, tuple(str(p) for p in paths), print_, records))

    def flush_loose() -> None:
        if loose:
            add("files", list(loose), len(loose), _stat_print(loose))
            loose.clear()

    for path in inputs:
        if not path.exists():
            raise BatchInputError(f"{path}: does not exist")
        if path.is_dir():
            flush_loose()
            files = folder_files(path)
            if not files:
                raise BatchInputError(
                    f"{path}: is a folder with no .txt, .md or .html files (in subfolders too)"
                )
            add(
                "folder",
                [path],
                len(files),
                _digest(
                    [
                        f"{f.relative_to(path)}:{f.stat().st_size}:{f.stat().st_mtime_ns}"
                        for f in files
                    ]
                ),
            )
            continue
        suffix = path.suffix.lower()
        if suffix in ARTICLE_FILE_EXTS:
            loose.append(path)
            continue
        flush_loose()
        if suffix in JSONL_EXTS or suffix == ".ndjson":
            add("jsonl", [path], _jsonl_lines(path), _stat_print([path]))
        elif suffix in PARQUET_EXTS:
            add("parquet", [path], _parquet_rows(path), _stat_print([path]))
        else:
            raise BatchInputError(
                f"{path}: batch reads folders, .txt .md .html, .jsonl and .parquet files"
            )
    flush_loose()
    return sources


# ---- reading ------------------------------------------------------------------------------


def checked(seq: int, doc: SourceDoc, max_chars: int) -> Item:
    """A reader's document as a record, or a reject when it is empty or too long."""
    if not doc.text.strip():
        return Reject(seq, doc.ext_id, doc.path, "empty (no text)", doc.line)
    if len(doc.text) > max_chars:
        return Reject(
            seq,
            doc.ext_id,
            doc.path,
            f"too long ({len(doc.text):,} characters; the limit is {max_chars:,}, --max-chars)",
            doc.line,
        )
    # Front matter may hold dates and other YAML values: the shard stores JSON.
    meta = json.loads(json.dumps(doc.meta, default=str))
    return Record(seq, doc.ext_id, doc.title, doc.text, doc.path, doc.line, doc.encoding, meta)


def problem_reject(seq: int, problem: Problem) -> Reject:
    stem = Path(problem.path).stem
    rid = f"{stem}-{problem.line}" if problem.line is not None else stem
    return Reject(seq, rid, problem.path, problem.problem, problem.line)


def _read_parquet(path: Path) -> Iterator[SourceDoc | Problem]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    wanted = [c for c in ("id", "title", "text", "meta") if c in pf.schema_arrow.names]
    row = 0
    name = str(path)
    for batch in pf.iter_batches(batch_size=PARQUET_BATCH, columns=wanted):
        for obj in batch.to_pylist():
            row += 1
            meta = obj.get("meta")
            if isinstance(meta, str):
                try:
                    obj["meta"] = json.loads(meta) if meta.strip() else {}
                except ValueError:
                    yield Problem(name, '"meta" is not valid JSON', row)
                    continue
            elif isinstance(meta, list):  # a Parquet map arrives as key/value pairs
                obj["meta"] = dict(meta)
            if isinstance(obj.get("text"), bytes):
                try:
                    obj["text"] = obj["text"].decode("utf-8")
                except UnicodeDecodeError as exc:
                    yield Problem(name, f'"text" is not UTF-8 ({exc.reason})', row)
                    continue
            try:
                yield jsonl_line_to_doc(obj, name, row, "utf-8")
            except ImportProblem as exc:
                yield exc.to_problem()


def _read_items(source: Source) -> Iterator[SourceDoc | Problem]:
    if source.kind == "jsonl":
        yield from read_jsonl(Path(source.paths[0]))
    elif source.kind == "parquet":
        yield from _read_parquet(Path(source.paths[0]))
    else:
        files = folder_files(Path(source.paths[0])) if source.kind == "folder" else source.paths
        for path in files:
            yield from read_file(Path(path))


def iter_items(source: Source, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Item]:
    """Every item of a source, numbered from 0, as a stream."""
    for seq, got in enumerate(_read_items(source)):
        if isinstance(got, Problem):
            yield problem_reject(seq, got)
        else:
            if got.annotations is not None:  # our own export: its text is taken, not its marks
                got.annotations = None
            yield checked(seq, got, max_chars)
