"""Export a project to another tool's format: one call per format, written atomically.

Files, in the output folder: `prodigy.jsonl`, `project.spacy`, `brat/` (a `.txt` and an
`.ann` per document, and `annotation.conf`), `labelstudio.json` with
`labelstudio-config.xml`, and `actors.conll`. Like the CSV export, only reviewed items
go out unless `include_all`; nothing replaces an earlier file until the new one is
complete (`io/atomic.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.io.atomic import AtomicFiles, ensure_folder
from idleb_desk.io.formats import brat, conll, docbin, labelstudio, prodigy
from idleb_desk.io.formats.common import ExportDoc, iter_export_docs
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

FILES = {
    "prodigy": "prodigy.jsonl",
    "spacy": "project.spacy",
    "brat": "brat",
    "labelstudio": "labelstudio.json",
    "conll": "actors.conll",
}


@dataclass(frozen=True)
class FormatExport:
    fmt: str
    path: Path
    documents: int
    skipped_claims: int = 0  # claims without a content span: no format can anchor them
    note: str = ""

    def summary(self) -> str:
        parts = [f"{self.fmt}: {self.documents} documents to {self.path}"]
        if self.skipped_claims:
            parts.append(f"{self.skipped_claims} claims without content left out")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts)


class _Counted:
    """The documents to write, counting the claims each format must leave out."""

    def __init__(self, store: Store, include_all: bool) -> None:
        self.store, self.include_all, self.skipped = store, include_all, 0

    def __iter__(self) -> Iterator[ExportDoc]:
        for doc in iter_export_docs(self.store, self.include_all):
            self.skipped += doc.skipped_claims
            yield doc


def _text_file(files: AtomicFiles, target: Path, docs: _Counted, fmt: str) -> tuple[int, str]:
    note = ""
    with files.open(target) as fh:
        if fmt == "prodigy":
            n = prodigy.write(iter(docs), fh)
        elif fmt == "labelstudio":
            n, labels = labelstudio.write(iter(docs), fh)
            with files.open(target.parent / labelstudio.CONFIG_FILE) as cfg:
                cfg.write(labelstudio.labeling_config(labels))
            note = f"config in {labelstudio.CONFIG_FILE}"
        else:
            report = conll.write(iter(docs), fh, docs.include_all)
            n = report.documents
            note = f"{report.mentions} actor mentions"
            if report.overlapping_dropped:
                note += f", {report.overlapping_dropped} overlapping mentions left out"
    return n, note


def export_format(
    store: Store,
    fmt: str,
    out_dir: Path | str,
    include_all: bool = False,
    files: AtomicFiles | None = None,
) -> FormatExport:
    """Write the project in `fmt` (a key of FILES) into `out_dir`. Given `files`, the
    new files are only staged there, for the caller to commit with its other exports."""
    if fmt not in FILES:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FILES)}")
    out = Path(out_dir)
    ensure_folder(out)
    target = out / FILES[fmt]
    docs = _Counted(store, include_all)
    note = ""
    staging = files if files is not None else AtomicFiles()
    try:
        with store.transaction("DEFERRED"):  # one moment of the project in every file
            if fmt == "spacy":
                with staging.open(target, binary=True) as fh:
                    n = docbin.write(iter(docs), fh)
            elif fmt == "brat":
                with staging.folder(target) as folder:
                    n = brat.write(iter(docs), folder)
            else:
                n, note = _text_file(staging, target, docs, fmt)
    except BaseException:
        staging.discard()
        raise
    if files is None:
        staging.commit()
    log.info("%s export: %d documents to %s", fmt, n, target)
    return FormatExport(fmt, target, n, docs.skipped, note)
