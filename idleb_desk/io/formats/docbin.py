"""spaCy DocBin (`.spacy`): the training-data format of `spacy train`.

Out: one `Doc` per document, tokenised so that every span lies on token edges. Actor
mentions go to the span group `doc.spans["actors"]`, claim parts to
`doc.spans["claim_parts"]`, and the reviewed, non-overlapping actor mentions are also set
as `doc.ents` for NER training. spaCy has no relations, so the claims and each span's
review state travel in `doc.user_data["idleb"]`, which DocBin keeps
(`store_user_data=True`); a claim's roles name spans as `[group, index]`.
In: those groups when present; in a DocBin from elsewhere, `doc.ents` and every span
group (spans repeated across them are read once), with one claim per CONTENT span.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from spacy.tokens import DocBin, Span
from spacy.util import filter_spans

from idleb_desk.core.model import LAYER_ACTOR, REVIEWED_STATUSES
from idleb_desk.io.errors import Problem
from idleb_desk.io.formats import claim_map
from idleb_desk.io.formats.common import (
    EXT_KEY,
    Defaults,
    ExportDoc,
    FormatError,
    finish_claims,
    foreign_span,
    our_line,
)
from idleb_desk.io.formats.tokens import aligned_doc, blank

log = logging.getLogger(__name__)

NAME = "spacy"
ACTOR_GROUP = "actors"
CLAIM_GROUP = "claim_parts"
ROLES = ("speaker", "cue", "content", "antecedent")


def _group_of(span: dict[str, Any]) -> str:
    return ACTOR_GROUP if span["layer"] == LAYER_ACTOR else CLAIM_GROUP


def doc_to_spacy(doc: ExportDoc) -> Any:
    sdoc = aligned_doc(doc.text, ((s["start"], s["end"]) for s in doc.spans))
    groups: dict[str, list[Span]] = {ACTOR_GROUP: [], CLAIM_GROUP: []}
    extras: dict[str, list[dict[str, Any]]] = {ACTOR_GROUP: [], CLAIM_GROUP: []}
    where: dict[Any, list[Any]] = {}
    for s in doc.spans:
        group = _group_of(s)
        span = sdoc.char_span(s["start"], s["end"], label=s["label"])
        where[s["id"]] = [group, len(groups[group])]
        groups[group].append(span)
        extras[group].append(doc.span_extra(s))
    for name, spans in groups.items():
        sdoc.spans[name] = spans
    reviewed = [
        sp
        for sp, ex in zip(groups[ACTOR_GROUP], extras[ACTOR_GROUP], strict=True)
        if ex["status"] in REVIEWED_STATUSES
    ]
    sdoc.ents = filter_spans(reviewed)
    claims = []
    for c in doc.claims:
        refs = {r: where[c[r]] if c.get(r) is not None else None for r in ROLES}
        claims.append(refs | {"addressees": [where[a] for a in c["addressees"]]}
                      | doc.claim_extra(c))  # fmt: skip
    sdoc.user_data[EXT_KEY] = {
        "id": doc.ext_id,
        "title": doc.title,
        "meta": doc.meta,
        "document": doc.doc_extra,
        "spans": extras,
        "claims": claims,
    }
    return sdoc


def write(docs: Iterator[ExportDoc], fh: IO[bytes]) -> int:
    """Write a DocBin into `fh` (a temporary file the caller renames into place)."""
    bin_ = DocBin(store_user_data=True)
    n = 0
    for doc in docs:
        bin_.add(doc_to_spacy(doc))
        n += 1
    fh.write(bin_.to_bytes())
    return n


# ---- import ---------------------------------------------------------------------------


def _ours(sdoc: Any, ext: dict[str, Any], defaults: Defaults) -> dict[str, Any]:
    spans: list[dict[str, Any]] = []
    keys: dict[tuple[str, int], int] = {}
    for group in (ACTOR_GROUP, CLAIM_GROUP):
        found = list(sdoc.spans[group]) if group in sdoc.spans else []
        extra = (ext.get("spans") or {}).get(group) or []
        for i, sp in enumerate(found):
            keys[(group, i)] = len(spans)
            ex = extra[i] if i < len(extra) else None
            spans.append(foreign_span(len(spans), sp.start_char, sp.end_char, sp.label_,
                                      defaults, sp.text, ex))  # fmt: skip

    def key(ref: object) -> int | None:
        if ref is None:
            return None
        if not (isinstance(ref, (list, tuple)) and len(ref) == 2 and tuple(ref) in keys):
            raise FormatError(f"a claim refers to span {ref!r}, which is not in the doc")
        return keys[(str(ref[0]), int(ref[1]))]

    grouped = claim_map.Grouped()
    for c in ext.get("claims") or []:
        claim = {r: key(c.get(r)) for r in ROLES}
        claim["addressees"] = [key(a) for a in c.get("addressees") or []]
        grouped.claims.append(claim | {k: c[k] for k in claim_map.CLAIM_ATTRS if k in c})
    return our_line(ext.get("id"), ext.get("title"), sdoc.text, ext.get("meta"), spans,
                    finish_claims(grouped, defaults), defaults, ext.get("document"))  # fmt: skip


def _foreign(sdoc: Any, defaults: Defaults, ext_id: str) -> dict[str, Any]:
    spans: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    for sp in [*sdoc.ents, *(s for name in sdoc.spans for s in sdoc.spans[name])]:
        k = (sp.start_char, sp.end_char, sp.label_)
        if k in seen:
            continue
        seen.add(k)
        spans.append(foreign_span(len(spans), *k, defaults, sp.text))
    contents = [s["id"] for s in spans if claim_map.is_content_label(s["label"])]
    grouped = claim_map.claims_from_relations([], contents)
    return our_line(ext_id, None, sdoc.text, None, spans, finish_claims(grouped, defaults),
                    defaults)  # fmt: skip


def read(path: Path, accepted: bool) -> Iterator[object]:
    """Documents of a `.spacy` file, as SourceDocs (or Problems)."""
    from idleb_desk.io.errors import ImportProblem
    from idleb_desk.io.readers import jsonl_line_to_doc

    name = str(path)
    defaults = Defaults(NAME, accepted)
    try:
        bin_ = DocBin(store_user_data=True).from_disk(path)
        sdocs = bin_.get_docs(blank().vocab)
        for n, sdoc in enumerate(sdocs, 1):
            ext = sdoc.user_data.get(EXT_KEY) if isinstance(sdoc.user_data, dict) else None
            try:
                if isinstance(ext, dict):
                    line = _ours(sdoc, ext, defaults)
                else:
                    line = _foreign(sdoc, defaults, f"{path.stem}-{n}")
                yield jsonl_line_to_doc(line, name, n, "utf-8")
            except FormatError as exc:
                yield Problem(name, f"doc {n}: {exc}")
            except ImportProblem as exc:
                yield Problem(name, f"doc {n}: {exc.problem}")
    except (ValueError, KeyError, TypeError, OSError) as exc:
        log.info("cannot read %s as a DocBin: %s", path, exc)
        yield Problem(name, f"is not a spaCy DocBin file ({exc.__class__.__name__}: {exc})")
