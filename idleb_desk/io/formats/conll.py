"""CoNLL-style BIO for actor mentions (export only): `TOKEN<TAB>TAG` a line.

Each document starts with `-DOCSTART-<TAB>O` and a blank line: the separator has the two
tab-separated columns of every token line, so a reader that splits on tabs reads it
(CoNLL-2003's `-DOCSTART- -X- -X- O` has four space-separated columns, which such a reader
refuses). Sentences (spaCy's rule sentencizer) are separated by blank lines; whitespace
tokens are left out. BIO cannot hold overlapping mentions: the longest (then the first)
is kept and the others are counted in the report. Each document reads back with spaCy's
`conll_ner_to_docs` converter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from spacy.util import filter_spans

from idleb_desk.io.formats.common import ExportDoc
from idleb_desk.io.formats.tokens import aligned_doc
from idleb_desk.model import LAYER_ACTOR, REVIEWED_STATUSES

DOCSTART = "-DOCSTART-\tO"


@dataclass
class ConllReport:
    documents: int = 0
    mentions: int = 0
    overlapping_dropped: int = 0


def doc_lines(doc: ExportDoc, report: ConllReport, include_all: bool = True) -> Iterator[str]:
    # The mentions actors.csv has: a reviewed export carries the unreviewed spans its
    # claims use (for the other formats' roles), but they are no reviewed mentions.
    actors = [
        s
        for s in doc.spans
        if s["layer"] == LAYER_ACTOR and (include_all or s["status"] in REVIEWED_STATUSES)
    ]
    sdoc = aligned_doc(doc.text, ((s["start"], s["end"]) for s in actors))
    spans = [
        span
        for s in actors
        if (span := sdoc.char_span(s["start"], s["end"], label=s["label"])) is not None
    ]  # aligned_doc puts a token edge at every span edge, so none is dropped here
    kept = filter_spans(spans)
    report.mentions += len(kept)
    report.overlapping_dropped += len(spans) - len(kept)
    tags = ["O"] * len(sdoc)
    for sp in kept:
        tags[sp.start] = f"B-{sp.label_}"
        for i in range(sp.start + 1, sp.end):
            tags[i] = f"I-{sp.label_}"
    yield DOCSTART
    yield ""
    for sent in sdoc.sents:
        lines = [f"{t.text}\t{tags[t.i]}" for t in sent if not t.is_space]
        if lines:
            yield from lines
            yield ""


def write(docs: Iterator[ExportDoc], fh: IO[str], include_all: bool = True) -> ConllReport:
    report = ConllReport()
    for doc in docs:
        for line in doc_lines(doc, report, include_all):
            fh.write(line + "\n")
        report.documents += 1
    return report
