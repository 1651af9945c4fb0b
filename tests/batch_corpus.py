"""A small mixed archive for the batch tests: a folder of .txt/.md/.html articles, a JSONL
file with bad lines among good ones, and a Parquet file; plus readers of shard folders."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "idleb_desk" / "seeds"


def paragraphs() -> list[str]:
    out: list[str] = []
    for f in sorted(SEEDS.glob("*.txt")):
        out += [p for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return out


def articles(n: int, seed: int = 5, size: tuple[int, int] = (2, 4)) -> list[str]:
    paras = paragraphs()
    rng = random.Random(seed)
    return ["\n\n".join(rng.choice(paras) for _ in range(rng.randint(*size))) for _ in range(n)]


def make_archive(
    root: Path, n_folder: int = 5, n_jsonl: int = 6, n_parquet: int = 5
) -> dict[str, object]:
    """The inputs and what the batch run must make of them."""
    texts = articles(n_folder + n_jsonl + n_parquet)
    folder = root / "wire"
    folder.mkdir(parents=True)
    for i in range(n_folder):
        text = texts[i]
        if i % 3 == 1:
            (folder / f"a{i:02d}.md").write_text(
                f"---\ndate: 2024-02-0{i}\n---\n{text}\n", encoding="utf-8"
            )
        elif i % 3 == 2:
            body = text.replace("\n\n", "</p><p>")
            page = f"<html><body><article><p>{body}</p></article></body></html>"
            (folder / f"a{i:02d}.html").write_text(page, encoding="utf-8")
        else:
            (folder / f"a{i:02d}.txt").write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    jsonl = root / "feed.jsonl"
    with jsonl.open("wb") as fh:
        for i in range(n_jsonl):
            obj = {
                "id": f"j{i}",
                "title": f"Feed {i}",
                "text": texts[n_folder + i],
                "meta": {"date": f"2024-03-{i + 10}", "outlet": "Wire"},
            }
            fh.write(json.dumps(obj).encode() + b"\n")
        fh.write(b'{"id": "broken", "text": \n')  # not JSON
        fh.write(b'{"id": "latin1", "text": "caf\xe9 au lait"}\n')  # not UTF-8
        fh.write(json.dumps({"id": "blank", "text": "   \n "}).encode() + b"\n")
        fh.write(json.dumps({"id": "huge", "text": "word " * 4000}).encode() + b"\n")
    parquet = root / "archive.parquet"
    rows = [
        {
            "id": f"p{i}",
            "title": f"Archive {i}",
            "text": texts[n_folder + n_jsonl + i],
            "meta": json.dumps({"date": f"2023-12-{i + 10}"}),
        }
        for i in range(n_parquet)
    ]
    rows.append({"id": "nulltext", "title": "No text", "text": None, "meta": None})
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=2)
    return {
        "inputs": [folder, jsonl, parquet],
        "documents": n_folder + n_jsonl + n_parquet,
        "rejects": 1 + 4 + 1,  # the empty file; four bad JSONL lines; a Parquet null text
    }


def run_cli(*args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "idleb_desk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def shard_tables(out: Path) -> dict[str, dict[str, object]]:
    """Every shard's tables and rejects, by shard name (what two runs must agree on)."""
    found: dict[str, dict[str, object]] = {}
    for shard in sorted((out / "shards").iterdir()):
        if shard.name.startswith("."):
            continue
        found[shard.name] = {
            **{t: pq.read_table(shard / f"{t}.parquet") for t in ("documents", "actors", "claims")},
            "rejects": (shard / "rejects.jsonl").read_text(encoding="utf-8"),
        }
    return found


def all_seqs(out: Path) -> list[tuple[str, int]]:
    """(source, seq) of every document and reject in every shard, duplicates kept."""
    seen: list[tuple[str, int]] = []
    for name, tables in shard_tables(out).items():
        source = name.split("-")[0]
        seen += [(source, s) for s in tables["documents"].column("seq").to_pylist()]  # type: ignore[attr-defined]
        seen += [(source, json.loads(line)["seq"]) for line in str(tables["rejects"]).splitlines()]
    return seen
