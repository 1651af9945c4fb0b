"""From shards to review: a filtered, sampled set of shard documents into a project.

Two passes over the shards' small columns (never the texts): the first applies `--where`
and offers each match to the sampler (or keeps it, with no sample); the second reads only
the chosen documents' rows, shard by shard, and imports them with their suggestions as
the batch run extracted them (`io.importer.import_extracted`: duplicates skipped, the
project's memory applied, nothing re-extracted). Without `--sample`, the chosen set is
every match, kept as (shard, seq) pairs: 16 bytes a document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.batch.archive import shard_documents, shard_facts
from idleb_desk.batch.select import Clause, Sampler, matcher, needs_mentions
from idleb_desk.batch.shard import extraction_of
from idleb_desk.io.importer import ImportReport, import_extracted
from idleb_desk.io.source import SourceDoc
from idleb_desk.model import Extraction
from idleb_desk.store.store import Store


@dataclass
class Selection:
    chosen: dict[Path, set[int]]
    matched: int
    scanned: int

    @property
    def size(self) -> int:
        return sum(len(s) for s in self.chosen.values())


def select(
    folders: Sequence[Path], clauses: list[Clause], sample: int | None, seed: int
) -> Selection:
    match = matcher(clauses)
    mentions = needs_mentions(clauses)
    sampler = Sampler(sample, seed) if sample is not None else None
    by_name = {str(f): f for f in folders}
    chosen: dict[Path, set[int]] = {}
    matched = scanned = 0
    for folder in folders:
        for facts in shard_facts(folder, mentions):
            scanned += 1
            if not match(facts):
                continue
            matched += 1
            seq = int(facts.doc["seq"])
            if sampler is not None:
                sampler.offer(str(facts.doc["text_sha256"]), str(folder), seq)
            else:
                chosen.setdefault(folder, set()).add(seq)
    if sampler is not None:
        chosen = {by_name[name]: seqs for name, seqs in sampler.chosen().items()}
    return Selection(chosen, matched, scanned)


def _documents(selection: Selection) -> Iterator[tuple[SourceDoc, Extraction]]:
    for folder in sorted(selection.chosen, key=lambda p: (p.name, str(p))):
        for doc, actors, claims in shard_documents(folder, selection.chosen[folder]):
            meta = json.loads(doc["meta"] or "{}")
            meta.setdefault("batch_shard", folder.name)
            source = SourceDoc(
                ext_id=doc["id"],
                title=doc["title"],
                text=doc["text"],
                path=doc["source"],
                encoding=doc["encoding"],
                meta=meta,
                line=doc["line"],
            )
            yield source, extraction_of(doc, actors, claims)


def import_selection(
    store: Store,
    selection: Selection,
    batch_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    return import_extracted(store, _documents(selection), batch_size, progress)
