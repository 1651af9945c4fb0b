"""Import article files into a project, with optional extraction, in committed batches.

Memory stays flat: readers yield one document at a time and only `batch_size` texts (and
their suggestions) are held between commits. Extraction runs before the batch's write
transaction, so the GUI's reads are never blocked while spaCy works; the documents and
their suggestions are then committed together, so a crash or a cancel never leaves a
document half-extracted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from idleb_desk.core import memory
from idleb_desk.io.errors import Problem
from idleb_desk.io.readers import JSONL_EXTS, SourceDoc, iter_files, read_file
from idleb_desk.model import Extraction, text_sha256
from idleb_desk.store import documents
from idleb_desk.store.annotations import check_annotations, restore_annotations
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]


class ExtractorLike(Protocol):
    """What the importer needs of `idleb_desk.nlp.pipeline.Extractor`."""

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]: ...


@dataclass(frozen=True)
class Duplicate:
    """An input skipped because the same text (same sha256) is already in the project."""

    path: str
    line: int | None
    ext_id: str
    existing_id: int
    existing_title: str

    @property
    def message(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line is not None else self.path
        return (
            f"{where}: skipped, the same text is already document {self.existing_id} "
            f"({self.existing_title!r})"
        )


@dataclass
class ImportReport:
    imported: list[int] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)  # path -> encoding used
    # path -> why its text may not be what the author wrote ("line N: ..." for JSONL)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    extracted: int = 0
    restored: int = 0  # documents whose annotations came from our own JSONL
    cancelled: bool = False

    def summary(self) -> str:
        parts = [f"{len(self.imported)} imported"]
        if self.extracted:
            parts.append(f"{self.extracted} extracted")
        if self.restored:
            parts.append(f"{self.restored} with annotations restored")
        parts.append(f"{len(self.duplicates)} duplicates skipped")
        parts.append(f"{len(self.problems)} problems")
        return ", ".join(parts) + (" (cancelled)" if self.cancelled else "")

    def file_lines(self) -> list[str]:
        """One line per file read: the encoding used, and a warning if the text looks
        damaged (replacement characters, mojibake) or the encoding was a guess."""
        out = []
        for path, encoding in self.encodings.items():
            line = f"file: {path}: {encoding}"
            notes = self.warnings.get(path, [])
            if notes:
                more = f" (and {len(notes) - 1} more)" if len(notes) > 1 else ""
                line += f"; WARNING: {notes[0]}{more}"
            out.append(line)
        return out

    def summary_lines(self) -> list[str]:
        """The summary, then one line per file, duplicate and problem (for the CLI)."""
        return [
            f"import: {self.summary()}",
            *self.file_lines(),
            *(f"duplicate: {d.message}" for d in self.duplicates),
            *(f"problem: {p.message}" for p in self.problems),
        ]


def count_jsonl_lines(path: Path) -> int:
    """Non-empty lines, read as bytes (cheap), so that progress can show a total."""
    count = 0
    try:
        with path.open("rb") as fh:
            count = sum(1 for raw in fh if raw.strip())
    except OSError:
        return 1
    return max(count, 1)


def _extract(
    extractor: ExtractorLike, texts: list[str], report: ImportReport, where: list[SourceDoc]
) -> list[Extraction | None]:
    """Suggestions for each text; on failure, None for all (documents stay unextracted)."""
    if not texts:
        return []
    try:
        out: list[Extraction | None] = list(
            extractor.extract_many(texts, batch_size=min(len(texts), 64))
        )
    except Exception as exc:  # a model failure must not lose the import itself
        log.exception("extraction failed for a batch of %d documents", len(texts))
        for doc in where:
            report.problems.append(
                Problem(doc.path, f"imported but not extracted ({exc}); extract it later", doc.line)
            )
        return [None] * len(texts)
    if len(out) != len(texts):
        raise RuntimeError(f"extractor returned {len(out)} results for {len(texts)} texts")
    return out


def _for_project(store: Store, extractor: ExtractorLike | None) -> ExtractorLike | None:
    """The extractor with this project's cue lexicon (the analyst's cues added)."""
    if extractor is None:
        return None
    from idleb_desk.learn.apply import with_project_model
    from idleb_desk.nlp.project_cues import for_project  # spaCy only when extracting
    from idleb_desk.store.memory import analyst_cues

    # The project's cues extend the rules; its model (issue 14), when on, re-scores them.
    return with_project_model(store, for_project(extractor, analyst_cues(store)))


def _claim_origin(extractor: object) -> memory.ClaimOrigin | None:
    cues = getattr(extractor, "project_cues", None)
    return None if cues is None else cues.claim_origin


class _Importer:
    def __init__(
        self,
        store: Store,
        extractor: ExtractorLike | None,
        report: ImportReport,
    ) -> None:
        self.store = store
        self.extractor = extractor
        self.report = report

    def _dedupe(self, batch: list[SourceDoc]) -> list[tuple[SourceDoc, str]]:
        """Drop texts already stored; a repeat inside the batch waits for its first copy."""
        keep: list[tuple[SourceDoc, str]] = []
        for doc in batch:
            sha = text_sha256(doc.text)
            existing = self.store.document_id_by_sha(sha)
            if existing is not None:
                self._duplicate(doc, existing)
            else:
                keep.append((doc, sha))
        return keep

    def _duplicate(self, doc: SourceDoc, existing: int) -> None:
        title = documents.title(self.store, existing)
        self.report.duplicates.append(Duplicate(doc.path, doc.line, doc.ext_id, existing, title))
        log.info("%s: duplicate of document %d, skipped", doc.path, existing)

    def _checked(self, docs: list[tuple[SourceDoc, str]]) -> list[tuple[SourceDoc, str]]:
        """Refuse lines whose annotations cannot be restored faithfully, before writing."""
        good = []
        for doc, sha in docs:
            if doc.annotations is not None:
                try:
                    check_annotations(doc.annotations, doc.text)
                except ValueError as exc:
                    self.report.problems.append(
                        Problem(
                            doc.path, f"has annotations that cannot be restored: {exc}", doc.line
                        )
                    )
                    continue
            good.append((doc, sha))
        return good

    def commit(self, batch: list[SourceDoc]) -> None:
        docs = self._checked(self._dedupe(batch))
        fresh = [d for d, _ in docs if d.annotations is None]
        extractions: dict[int, Extraction | None] = {}
        if self.extractor is not None and fresh:
            results = _extract(self.extractor, [d.text for d in fresh], self.report, fresh)
            extractions = {id(d): ex for d, ex in zip(fresh, results, strict=True)}
        first_of: dict[str, int] = {}
        learned = memory.project_learned(self.store)
        with self.store.transaction():
            for doc, sha in docs:
                if sha in first_of:  # same text twice in one batch
                    self._duplicate(doc, first_of[sha])
                    continue
                path, encoding = doc.path, doc.encoding
                source = (doc.annotations or {}).get("source")
                if isinstance(source, dict):  # our own export: keep the original file's
                    path = str(source.get("path") or path)
                    encoding = str(source.get("encoding") or encoding)
                doc_id = self.store.insert_document(
                    doc.ext_id, doc.title, doc.text, path, encoding, doc.meta
                )
                if doc_id is None:  # stored by another writer since _dedupe
                    self._duplicate(doc, self.store.document_id_by_sha(sha) or 0)
                    continue
                first_of[sha] = doc_id
                self.report.imported.append(doc_id)
                if doc.annotations is not None:
                    restore_annotations(self.store, doc_id, doc.annotations)
                    self.report.restored += 1  # as exported: memory adds nothing here
                elif (ex := extractions.get(id(doc))) is not None:
                    memory.add_extraction(
                        self.store, doc_id, ex, learned, _claim_origin(self.extractor)
                    )
                    self.report.extracted += 1
                elif learned is not None:  # no model: project memory still suggests
                    memory.suggest_in_document(self.store, doc_id, learned)


def _total(files: list[Path | Problem]) -> int:
    return sum(
        count_jsonl_lines(f) if f.suffix.lower() in JSONL_EXTS else 1
        for f in files
        if isinstance(f, Path)
    )


def import_paths(
    store: Store,
    paths: Sequence[Path | str],
    extractor: ExtractorLike | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    batch_size: int = 32,
    fmt: str = "auto",
    accepted: bool = False,
) -> ImportReport:
    """Import files and folders; returns what was imported, skipped and refused.

    `fmt` and `accepted` choose how other tools' annotation files are read
    (`idleb_desk.io.formats`): their spans and claims come in as suggestions, or as
    accepted items with `accepted`, and are not extracted again.

    `progress(done, total, path)` is called after each committed batch (done and total
    count documents, JSONL lines included). `cancel()` is polled between documents; on
    True the current uncommitted batch is dropped and every committed batch stays.
    A `StoreError` (locked or read-only project) propagates, with committed batches kept.
    """
    report = ImportReport()
    files = [_not_the_project(f, store.path) for f in iter_files(paths)]  # paths, no texts
    total = _total(files)
    importer = _Importer(store, _for_project(store, extractor), report)
    batch: list[SourceDoc] = []
    done = 0
    if progress:
        progress(0, total, "")

    def flush(label: str) -> None:
        nonlocal done
        if batch:
            importer.commit(batch)
            done += len(batch)
            batch.clear()
        if progress:
            progress(min(done, total), total, label)

    for item in files:
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        for got in read_file(item, fmt, accepted):
            if cancel and cancel():
                report.cancelled = True
                log.info("import cancelled; %d documents committed", len(report.imported))
                return report
            if isinstance(got, Problem):
                report.problems.append(got)
                done += 1
                continue
            report.encodings.setdefault(got.path, got.encoding)
            if got.warning:
                where = f"line {got.line}: " if got.line is not None else ""
                report.warnings.setdefault(got.path, []).append(where + got.warning)
            batch.append(got)
            if len(batch) >= max(1, batch_size):
                flush(got.path)
    flush(str(files[-1]) if files and isinstance(files[-1], Path) else "")
    log.info("import: %s", report.summary())
    return report


def _not_the_project(item: Path | Problem, project: Path) -> Path | Problem:
    """Refuse the project's own files as articles: opening and closing them with plain
    file I/O would drop the SQLite locks this process holds on the project."""
    if isinstance(item, Problem):
        return item
    try:
        st = item.stat()
    except OSError:
        return item  # reading it reports the problem
    for own in (project, Path(f"{project}-wal"), Path(f"{project}-shm")):
        try:
            ost = own.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (ost.st_dev, ost.st_ino):
            return Problem(str(item), "is this project's own file, not an article; skipped")
    return item


def extract_documents(
    store: Store,
    extractor: ExtractorLike,
    doc_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    batch_size: int = 32,
) -> int:
    """Extract documents never extracted (`extracted_with IS NULL`); returns how many.

    The GUI calls this once the model has loaded in the background. Each batch is one
    transaction; a document extracted meanwhile by someone else is left alone.
    """
    ids = store.unextracted_document_ids() if doc_ids is None else list(doc_ids)
    extractor = _for_project(store, extractor) or extractor
    learned = memory.project_learned(store)
    total, done, count = len(ids), 0, 0
    if progress:
        progress(0, total, "")
    for i in range(0, total, max(1, batch_size)):
        if cancel and cancel():
            log.info("extraction cancelled after %d documents", count)
            break
        chunk = ids[i : i + batch_size]
        rows = documents.unextracted_texts(store, chunk)
        results = list(extractor.extract_many([r[1] for r in rows], batch_size=64))
        with store.transaction():
            for (doc_id, _), ex in zip(rows, results, strict=True):
                if documents.is_unextracted(store, doc_id):
                    memory.add_extraction(store, doc_id, ex, learned, _claim_origin(extractor))
                    count += 1
        done += len(chunk)
        if progress:
            progress(done, total, f"document {chunk[-1]}")
    return count


class _Given:
    """An extractor that answers with suggestions extracted elsewhere (batch shards), by
    text: the importer's dedupe, storage and project memory run as for any import."""

    def __init__(self, by_text: dict[str, Extraction]) -> None:
        self.by_text = by_text

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        return (self.by_text[t] for t in texts)


def import_extracted(
    store: Store,
    items: Iterable[tuple[SourceDoc, Extraction]],
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import documents with the suggestions they were extracted with (issue 16: shards of
    a batch run); nothing is extracted again. `progress(n)` after each committed batch."""
    report = ImportReport()
    batch: list[tuple[SourceDoc, Extraction]] = []

    def flush() -> None:
        if batch:
            given = _Given({doc.text: ex for doc, ex in batch})
            _Importer(store, given, report).commit([doc for doc, _ in batch])
            if progress:
                progress(len(batch))
            batch.clear()

    for doc, ex in items:
        batch.append((doc, ex))
        if len(batch) >= max(1, batch_size):
            flush()
    flush()
    log.info("import from shards: %s", report.summary())
    return report
