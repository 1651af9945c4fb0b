"""JSONL export: one document a line, with every annotation, for programs and re-import.

Each line is `{"id", "title", "text", "meta", "annotations"}`. `annotations` holds the
spans (offsets, label, layer, status, origin, reviewer, time, canonical actor), the claims
with their roles and addressees as references to those spans, the regions, the document's
review state and the pipeline that extracted it. `import_paths` restores all of it as is
instead of extracting again, so export followed by import is a faithful round trip.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from idleb_desk.io.atomic import AtomicFiles, ensure_folder
from idleb_desk.store import annotations as annotation_rows
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]


def loads_meta(raw: str | None) -> dict[str, Any]:
    """A stored meta column as a dict; a damaged one is exported as {} with a warning."""
    try:
        meta = json.loads(raw or "{}")
    except json.JSONDecodeError:
        log.warning("document meta is not valid JSON; exported as {}")
        return {}
    return meta if isinstance(meta, dict) else {}


@dataclass(frozen=True)
class JsonlReport:
    path: Path
    documents: int
    cancelled: bool = False


def export_jsonl(
    store: Store,
    out_path: Path | str,
    include_all: bool = True,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    files: AtomicFiles | None = None,
) -> JsonlReport:
    """Write every document with its annotations to `out_path`, one JSON object a line.

    include_all (the default) keeps suggested and rejected items too, which a faithful
    round trip needs; without it only reviewed items, and the spans their claims use.
    Given `files`, the new file is only staged there, for the caller to commit.
    """
    target = Path(out_path)
    ensure_folder(target.parent)
    total = store.document_count()
    own = files is None
    files = files if files is not None else AtomicFiles()
    done = 0
    cancelled = False
    try:
        with store.transaction("DEFERRED"), files.open(target) as fh:
            for doc_id, ext_id, title, text, meta in annotation_rows.iter_documents(store):
                if cancel and cancel():
                    cancelled = True
                    break
                line = {
                    "id": ext_id,
                    "title": title,
                    "text": text,
                    "meta": loads_meta(meta),
                    "annotations": annotation_rows.document_annotations(
                        store, doc_id, text, include_all
                    ),
                }
                # ensure_ascii=False keeps Arabic and emoji readable; JSON escapes every
                # newline inside strings, so one document stays one line.
                fh.write(json.dumps(line, ensure_ascii=False))
                fh.write("\n")
                done += 1
                if progress:
                    progress(done, total, str(ext_id))
    except BaseException:
        files.discard()
        raise
    if cancelled:
        # Discarded only now that the file is closed (Windows cannot delete an open file).
        files.discard()
        log.info("JSONL export to %s cancelled", target)
        return JsonlReport(target, 0, cancelled=True)
    if own:
        files.commit()
    log.info("JSONL export: %d documents to %s", done, target)
    return JsonlReport(target, done)
