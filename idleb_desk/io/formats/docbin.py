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
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from spacy.tokens import DocBin, Span
from spacy.util import filter_spans

from idleb_desk.io.errors import ImportProblem, Problem
from idleb_desk.io.fields import Anything, FieldError, Int, Key, ListOf, Obj, Opt, Str, check
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
from idleb_desk.io.jsonl_reader import jsonl_line_to_doc
from idleb_desk.io.source import SourceDoc
from idleb_desk.model import LAYER_ACTOR, REVIEWED_STATUSES

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
        if span is None:  # aligned_doc puts a token edge at every span edge
            raise ValueError(f"span {s['start']}-{s['end']} is not on token edges")
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


SPAN_REF = Opt(ListOf(Anything))  # [group, index]; resolved (and refused) by `key` below
EXT_CLAIM = Obj(
    {**{r: SPAN_REF for r in ROLES}, "addressees": Opt(ListOf(Anything)), "nested_in": Opt(Int)}
)
EXTENSION = Obj(
    {
        "id": Opt(Key),
        "title": Opt(Str),
        "meta": Opt(Obj()),
        "document": Opt(Obj()),
        "spans": Opt(Obj({ACTOR_GROUP: Opt(ListOf(Opt(Obj()))),
                          CLAIM_GROUP: Opt(ListOf(Opt(Obj())))})),
        "claims": Opt(ListOf(EXT_CLAIM, item="claim")),
    }
)  # fmt: skip
# A DocBin holds token arrays that compress about 10 to 20 times; this many times its size
# on disk (but at least MIN_CAP, at most MAX_CAP) is not a DocBin but a zlib bomb, which
# spaCy would decompress whole into memory (a 2 MB file took 4.2 GB).
RATIO_CAP = 100
MIN_CAP = 64 * 1024 * 1024
MAX_CAP = 2 * 1024 * 1024 * 1024
_CHUNK = 1024 * 1024
MAX_USER_DATA_DEPTH = 64


def _as_json(value: Any, depth: int = 0) -> Any:
    """msgpack gives tuples where JSON has lists; our checks and restore expect lists."""
    if depth > MAX_USER_DATA_DEPTH:
        raise FormatError(f"user_data is nested more than {MAX_USER_DATA_DEPTH} levels deep")
    if isinstance(value, (list, tuple)):
        return [_as_json(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _as_json(v, depth + 1) for k, v in value.items()}
    return value


def _ours(sdoc: Any, ext: dict[str, Any], defaults: Defaults) -> dict[str, Any]:
    check(ext, EXTENSION, f'user_data "{EXT_KEY}"')
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
        if not (isinstance(ref, list) and len(ref) == 2 and _hashable(ref) in keys):
            raise FormatError(f"a claim refers to span {ref!r}, which is not in the doc")
        return keys[_hashable(ref)]

    grouped = claim_map.Grouped()
    for c in ext.get("claims") or []:
        claim: dict[str, Any] = {r: key(c.get(r)) for r in ROLES}
        claim["addressees"] = [key(a) for a in c.get("addressees") or []]
        known = (*claim_map.CLAIM_ATTRS, *claim_map.OPTIONAL_ATTRS, claim_map.NESTED_IN)
        extra_attrs = {k: c[k] for k in known if k in c}
        grouped.claims.append(claim | extra_attrs)
    return our_line(ext.get("id"), ext.get("title"), sdoc.text, ext.get("meta"), spans,
                    finish_claims(grouped, defaults), defaults, ext.get("document"))  # fmt: skip


def _hashable(ref: list[Any]) -> tuple[Any, Any]:
    group, index = ref
    return (group if isinstance(group, str) else repr(group),
            index if isinstance(index, int) and not isinstance(index, bool) else -1)  # fmt: skip


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


def decompressed_cap(compressed: int) -> int:
    """The most a DocBin of `compressed` bytes may decompress to."""
    return min(MAX_CAP, max(MIN_CAP, RATIO_CAP * compressed))


def _checked_bytes(path: Path) -> bytes:
    """The file's bytes, once its zlib stream is known to decompress to no more than
    `decompressed_cap`: counted a chunk at a time, so a bomb is refused without ever
    being held in memory."""
    data = path.read_bytes()
    cap = decompressed_cap(len(data))
    inflate = zlib.decompressobj()
    total = 0
    pending = data
    while not inflate.eof:
        out = inflate.decompress(pending, _CHUNK)
        pending = inflate.unconsumed_tail
        total += len(out)
        if not out and not pending:
            break  # a truncated stream: spaCy's own read reports it
        if total > cap:
            raise FormatError(
                f"decompresses to more than {cap / 1e6:,.0f} MB ({cap // len(data)} times its "
                f"{len(data) / 1e6:,.1f} MB on disk); a DocBin never does, so it is not read "
                "(a zlib bomb?)"
            )
    return data


def read(path: Path, accepted: bool) -> Iterator[SourceDoc | Problem]:
    """Documents of a `.spacy` file, as SourceDocs (or Problems)."""
    name = str(path)
    defaults = Defaults(NAME, accepted)
    try:
        data = _checked_bytes(path)
    except FormatError as exc:
        yield Problem(name, str(exc))
        return
    except OSError as exc:
        yield Problem(name, f"cannot be read ({exc.strerror or exc})")
        return
    except zlib.error as exc:
        yield Problem(name, f"is not a spaCy DocBin file (not zlib data: {exc})")
        return
    try:
        sdocs = DocBin(store_user_data=True).from_bytes(data).get_docs(blank().vocab)
        for n, sdoc in enumerate(sdocs, 1):
            yield _one(sdoc, n, path, defaults)
    except Exception as exc:  # noqa: BLE001 - msgpack, numpy and spaCy raise many kinds
        log.info("cannot read %s as a DocBin: %s", path, exc)
        yield Problem(name, f"is not a spaCy DocBin file ({exc.__class__.__name__}: {exc})")


def _one(sdoc: Any, n: int, path: Path, defaults: Defaults) -> SourceDoc | Problem:
    name = str(path)
    ext = sdoc.user_data.get(EXT_KEY) if isinstance(sdoc.user_data, dict) else None
    try:
        if isinstance(ext, dict):
            line = _ours(sdoc, _as_json(ext), defaults)
        else:
            line = _foreign(sdoc, defaults, f"{path.stem}-{n}")
        return jsonl_line_to_doc(line, name, n, "utf-8")
    except (FormatError, FieldError) as exc:
        return Problem(name, f"doc {n}: {exc}")
    except ImportProblem as exc:
        return Problem(name, f"doc {n}: {exc.problem}")
