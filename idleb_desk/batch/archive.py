"""Reading shards back: which folders are shards, their documents with the facts a filter
needs, the archive's stats and its network (who said what to whom), in bounded memory.

Everything here reads one shard at a time, in `ROWS` row batches, and never the `text`
column unless a document is imported; what grows with the archive is only a count per
label, kind, speaker and speaker–addressee pair (the vocabulary, not the documents).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from idleb_desk.batch.manifest import MANIFEST
from idleb_desk.batch.select import DocFacts, name_key, speaker_text
from idleb_desk.batch.shard import SHARDS, read_info

ROWS = 2048
DOC_FACT_COLUMNS = [
    "seq",
    "id",
    "title",
    "source",
    "date",
    "text_sha256",
    "words",
    "n_actors",
    "n_claims",
    "model",
    "rules_version",
]


class NotShards(ValueError):
    """A path given as shards that is not a batch folder or a shard."""


def is_shard_input(path: Path) -> bool:
    """A batch output folder, its `shards` folder, or one shard folder."""
    return path.is_dir() and (
        (path / MANIFEST).is_file()
        or (path / "documents.parquet").is_file()
        or (path.name == SHARDS and any(read_info(p) for p in path.iterdir() if p.is_dir()))
    )


def shard_folders(paths: Sequence[Path]) -> list[Path]:
    """The complete shard folders under `paths`, in name order, each once."""
    found: dict[Path, None] = {}
    for path in paths:
        if not path.is_dir():
            raise NotShards(f"{path}: is not a batch output folder (no such folder)")
        if read_info(path) is not None:
            found[path.resolve()] = None
            continue
        root = path / SHARDS if (path / SHARDS).is_dir() else path
        shards = [p for p in sorted(root.iterdir()) if not p.name.startswith(".") and read_info(p)]
        if not shards:
            raise NotShards(f"{path}: holds no complete shard (a batch --out folder, or a shard)")
        for p in shards:
            found[p.resolve()] = None
    return sorted(found, key=lambda p: (p.name, str(p)))


def _rows(path: Path, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=ROWS, columns=columns):
        yield from batch.to_pylist()


def shard_facts(folder: Path, with_mentions: bool) -> Iterator[DocFacts]:
    """Each document of a shard with its actors, speakers and kinds (when asked for)."""
    actors: dict[int, set[str]] = {}
    speakers: dict[int, set[str]] = {}
    kinds: dict[int, set[str]] = {}
    if with_mentions:  # a shard's mentions: bounded by the shard size
        for a in _rows(folder / "actors.parquet", ["seq", "text"]):
            actors.setdefault(a["seq"], set()).add(name_key(a["text"]))
        for c in _rows(folder / "claims.parquet", ["seq", "kind", "speaker", "speaker_antecedent"]):
            kinds.setdefault(c["seq"], set()).add(str(c["kind"]).casefold())
            if (who := speaker_text(c)) is not None:
                speakers.setdefault(c["seq"], set()).add(name_key(who))
    for doc in _rows(folder / "documents.parquet", DOC_FACT_COLUMNS):
        seq = doc["seq"]
        yield DocFacts(doc, actors.get(seq, set()), speakers.get(seq, set()), kinds.get(seq, set()))


def shard_documents(
    folder: Path, seqs: set[int]
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """(document row, its actor rows, its claim rows) for the chosen documents of a shard."""
    actors: dict[int, list[dict[str, Any]]] = {}
    claims: dict[int, list[dict[str, Any]]] = {}
    for a in _rows(folder / "actors.parquet"):
        if a["seq"] in seqs:
            actors.setdefault(a["seq"], []).append(a)
    for c in _rows(folder / "claims.parquet"):
        if c["seq"] in seqs:
            claims.setdefault(c["seq"], []).append(c)
    for doc in _rows(folder / "documents.parquet"):
        if doc["seq"] in seqs:
            yield doc, actors.get(doc["seq"], []), claims.get(doc["seq"], [])


# ---- stats ------------------------------------------------------------------------------

TOP = 20


def archive_stats(folders: Sequence[Path]) -> dict[str, Any]:
    """Counts over every shard: documents, words, rejects, mentions by label, claims by
    kind and quote type, the most frequent speakers, the models and rules used."""
    docs = words = rejects = with_claims = 0
    labels: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    quotes: Counter[str] = Counter()
    speakers: Counter[str] = Counter()
    names: dict[str, str] = {}
    models: Counter[str] = Counter()
    claims = with_speaker = addressed = 0
    for folder in folders:
        info = read_info(folder) or {}
        rejects += int(info.get("rejects", 0))
        for doc in _rows(
            folder / "documents.parquet", ["words", "n_claims", "model", "rules_version"]
        ):
            docs += 1
            words += doc["words"]
            with_claims += doc["n_claims"] > 0
            models[f"{doc['model']} {doc['rules_version']}"] += 1
        for a in _rows(folder / "actors.parquet", ["label"]):
            labels[a["label"]] += 1
        columns = ["kind", "quote_type", "speaker", "speaker_antecedent", "addressees"]
        for c in _rows(folder / "claims.parquet", columns):
            claims += 1
            kinds[c["kind"]] += 1
            quotes[c["quote_type"]] += 1
            addressed += bool(c["addressees"])
            if (who := speaker_text(c)) is not None:
                with_speaker += 1
                key = name_key(who)
                speakers[key] += 1
                names.setdefault(key, who)
    return {
        "shards": len(folders),
        "documents": docs,
        "rejected": rejects,
        "words": words,
        "documents_with_claims": with_claims,
        "actor_mentions": dict(sorted(labels.items())),
        "claims": {
            "total": claims,
            "with_speaker": with_speaker,
            "with_addressee": addressed,
            "by_kind": dict(sorted(kinds.items())),
            "by_quote_type": dict(sorted(quotes.items())),
        },
        "top_speakers": [[names[k], n] for k, n in speakers.most_common(TOP)],
        "model_and_rules": dict(sorted(models.items())),
    }


def shards_meta(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The manifests of the batch folders given (for the stats' header)."""
    out = []
    for p in paths:
        if (p / MANIFEST).is_file():
            data = json.loads((p / MANIFEST).read_text(encoding="utf-8"))
            out.append(
                {
                    "folder": str(p),
                    "complete": data.get("complete"),
                    "model": data.get("model"),
                    "rules_version": data.get("rules_version"),
                }
            )
    return out
