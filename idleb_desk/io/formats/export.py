"""Export a project to another tool's format: one call per format, written atomically.

Files, in the output folder: `prodigy.jsonl`, `project.spacy`, `brat/` (a `.txt` and an
`.ann` per document, and `annotation.conf`), `labelstudio.json` with
`labelstudio-config.xml`, and `actors.conll`. Like the CSV export, only reviewed items
go out unless `include_all`; nothing replaces an earlier file until the new one is
complete.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.io.csv_export import AtomicFiles, remove_stale_parts
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


def _text_file(target: Path, docs: _Counted, fmt: str) -> tuple[int, str]:
    files = AtomicFiles()
    note = ""
    try:
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
    except BaseException:
        files.discard()
        raise
    files.commit()
    return n, note


def _spacy_file(target: Path, docs: _Counted) -> int:
    remove_stale_parts(target)
    fd, tmp = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".part"
    )
    os.close(fd)
    try:
        n = docbin.write(iter(docs), Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return n


def _brat_folder(target: Path, docs: _Counted) -> int:
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        n = brat.write(iter(docs), tmp)
        if target.exists():  # replaced only now that the new folder is complete
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n


def export_format(
    store: Store, fmt: str, out_dir: Path | str, include_all: bool = False
) -> FormatExport:
    """Write the project in `fmt` (a key of FILES) into `out_dir`."""
    if fmt not in FILES:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FILES)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / FILES[fmt]
    docs = _Counted(store, include_all)
    note = ""
    with store.transaction("DEFERRED"):  # one moment of the project in every file
        if fmt == "spacy":
            n = _spacy_file(target, docs)
        elif fmt == "brat":
            n = _brat_folder(target, docs)
        else:
            n, note = _text_file(target, docs, fmt)
    log.info("%s export: %d documents to %s", fmt, n, target)
    return FormatExport(fmt, target, n, docs.skipped, note)
