"""Shard tasks: the input's numbered items cut into chunks of `shard_size`.

Shard `S-C` holds items `C*shard_size .. (C+1)*shard_size - 1` of source `S`, whichever
engine runs it and however often the run is resumed. A folder's (or loose files') task
carries file paths, not texts: a worker reads them (HTML main-text extraction is work
worth sharing out), and a resumed run skips a finished chunk without opening its files.
A JSONL or Parquet task carries the records themselves, read by the planner as a stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idleb_desk.batch.sources import (
    Item,
    Source,
    checked,
    folder_files,
    item_from_json,
    iter_items,
    problem_reject,
)
from idleb_desk.io.errors import Problem
from idleb_desk.io.readers import read_file


@dataclass(frozen=True)
class ShardTask:
    name: str
    source: int
    chunk: int
    first_seq: int
    items: tuple[Item, ...] = ()  # records read already (JSONL, Parquet)
    files: tuple[str, ...] = ()  # files for the worker to read (folders, loose files)
    max_chars: int = 0

    @property
    def size(self) -> int:
        return len(self.items) + len(self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "chunk": self.chunk,
            "first_seq": self.first_seq,
            "items": [i.to_json() for i in self.items],
            "files": list(self.files),
            "max_chars": self.max_chars,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> ShardTask:
        return cls(
            str(obj["name"]),
            int(obj["source"]),
            int(obj["chunk"]),
            int(obj["first_seq"]),
            tuple(item_from_json(i) for i in obj["items"]),
            tuple(obj["files"]),
            int(obj["max_chars"]),
        )


def shard_name(source: int, chunk: int) -> str:
    return f"{source:04d}-{chunk:06d}"


def materialize(task: ShardTask) -> list[Item]:
    """The task's items, reading its files if it carries files."""
    if not task.files:
        return list(task.items)
    out: list[Item] = []
    for n, path in enumerate(task.files):
        seq = task.first_seq + n
        got = list(read_file(Path(path)))
        # An article file is one document; a problem reading it is that document's reject.
        first = got[0] if got else Problem(path, "yielded nothing")
        out.append(
            problem_reject(seq, first)
            if isinstance(first, Problem)
            else checked(seq, first, task.max_chars)
        )
    return out


def plan_source(
    source: Source, shard_size: int, max_chars: int, done: set[str] | frozenset[str]
) -> Iterator[ShardTask]:
    """The tasks of one source not in `done`, in order, as a stream."""
    if source.kind in ("folder", "files"):
        files = (
            [str(p) for p in folder_files(Path(source.paths[0]))]
            if source.kind == "folder"
            else list(source.paths)
        )
        for chunk, start in enumerate(range(0, len(files), shard_size)):
            name = shard_name(source.index, chunk)
            if name not in done:
                part = tuple(files[start : start + shard_size])
                yield ShardTask(name, source.index, chunk, start, files=part, max_chars=max_chars)
        return
    batch: list[Item] = []
    chunk = 0
    for item in iter_items(source, max_chars):
        batch.append(item)
        if len(batch) == shard_size:
            if shard_name(source.index, chunk) not in done:
                yield ShardTask(
                    shard_name(source.index, chunk),
                    source.index,
                    chunk,
                    batch[0].seq,
                    items=tuple(batch),
                )
            batch = []
            chunk += 1
    if batch and shard_name(source.index, chunk) not in done:
        yield ShardTask(
            shard_name(source.index, chunk), source.index, chunk, batch[0].seq, items=tuple(batch)
        )


def plan(
    sources: list[Source], shard_size: int, max_chars: int, done: set[str] | frozenset[str]
) -> Iterator[ShardTask]:
    for source in sources:
        yield from plan_source(source, shard_size, max_chars, done)
