"""Who said what to whom across a whole archive, as GraphML for Gephi.

The project's Network export (`core.network`, `io.graph_export`) draws one edge per claim;
an archive has millions, so here a node is a speaker or addressee by its normalised text
(the rule `core.network.normalise_mention` gives the project's unlinked mentions, so the
names match), with the same **(public)** and **(unattributed)** placeholders, and an edge is
one (speaker, addressee, kind) with `weight` = its number of claims and `documents` = in how
many documents. Memory grows with the distinct pairs, not with the claims; the file is
written whole or not at all (`io.atomic.AtomicFiles`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyarrow.parquet as pq

from idleb_desk.batch.select import speaker_text
from idleb_desk.core.network import (
    PUBLIC,
    PUBLIC_NAME,
    UNATTRIBUTED,
    UNATTRIBUTED_NAME,
    kind_color,
    normalise_mention,
)
from idleb_desk.io.atomic import AtomicFiles

ROWS = 4096
_KEYS = (
    ("d_name", "node", "name", "string"),
    ("d_kind", "node", "kind", "string"),
    ("d_claims", "node", "claims", "long"),
    ("d_ekind", "edge", "label", "string"),
    ("d_weight", "edge", "weight", "long"),
    ("d_docs", "edge", "documents", "long"),
    ("d_r", "edge", "r", "int"),
    ("d_g", "edge", "g", "int"),
    ("d_b", "edge", "b", "int"),
)


@dataclass(frozen=True)
class ArchiveGraphReport:
    path: Path
    nodes: int
    edges: int
    claims: int

    def summary(self) -> str:
        return f"{self.nodes} nodes, {self.edges} edges for {self.claims} claims -> {self.path}"


class _Graph:
    def __init__(self) -> None:
        self.names: dict[str, str] = {PUBLIC: PUBLIC_NAME, UNATTRIBUTED: UNATTRIBUTED_NAME}
        self.claims: Counter[str] = Counter()
        self.weight: Counter[tuple[str, str, str]] = Counter()
        self.docs: Counter[tuple[str, str, str]] = Counter()
        self.total = 0

    def node(self, text: str | None, placeholder: str) -> str:
        if text is None:
            return placeholder
        name = normalise_mention(text)
        node_id = f"t:{name.casefold()}"
        self.names.setdefault(node_id, name)
        return node_id

    def add_shard(self, folder: Path) -> None:
        pf = pq.ParquetFile(folder / "claims.parquet")
        seen: set[tuple[int, str, str, str]] = set()  # (document, edge) once per document
        columns = ["seq", "kind", "speaker", "speaker_antecedent", "addressees"]
        for batch in pf.iter_batches(batch_size=ROWS, columns=columns):
            for c in batch.to_pylist():
                self.total += 1
                src = self.node(speaker_text(c), UNATTRIBUTED)
                targets = [self.node(a["text"], PUBLIC) for a in c["addressees"] or []] or [PUBLIC]
                self.claims[src] += 1
                for tgt in dict.fromkeys(targets):
                    key = (src, tgt, c["kind"])
                    self.weight[key] += 1
                    self.claims[tgt] += 1
                    if (c["seq"], *key) not in seen:
                        seen.add((c["seq"], *key))
                        self.docs[key] += 1


def write_archive_graphml(
    folders: Sequence[Path], path: Path, files: AtomicFiles
) -> ArchiveGraphReport:
    graph = _Graph()
    for folder in folders:
        graph.add_shard(folder)
    used = set(graph.claims)
    nodes = [n for n in graph.names if n in used]
    with files.open(path) as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n')
        fh.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        for key_id, domain, name, typ in _KEYS:
            fh.write(
                f'  <key id="{key_id}" for="{domain}" attr.name="{name}" attr.type="{typ}"/>\n'
            )
        fh.write('  <graph id="archive" edgedefault="directed">\n')
        for node_id in nodes:
            kind = "placeholder" if node_id in (PUBLIC, UNATTRIBUTED) else "mention"
            fh.write(
                f"    <node id={quoteattr(node_id)}>"
                f'<data key="d_name">{escape(graph.names[node_id])}</data>'
                f'<data key="d_kind">{kind}</data>'
                f'<data key="d_claims">{graph.claims[node_id]}</data></node>\n'
            )
        for i, ((src, tgt, kind), weight) in enumerate(sorted(graph.weight.items())):
            c = kind_color(kind).lstrip("#")
            r, g, b = (int(c[k : k + 2], 16) for k in (0, 2, 4))
            fh.write(
                f'    <edge id="e{i}" source={quoteattr(src)} target={quoteattr(tgt)}>'
                f'<data key="d_ekind">{escape(kind)}</data>'
                f'<data key="d_weight">{weight}</data>'
                f'<data key="d_docs">{graph.docs[(src, tgt, kind)]}</data>'
                f'<data key="d_r">{r}</data><data key="d_g">{g}</data>'
                f'<data key="d_b">{b}</data></edge>\n'
            )
        fh.write("  </graph>\n</graphml>\n")
    return ArchiveGraphReport(path, len(nodes), len(graph.weight), graph.total)
