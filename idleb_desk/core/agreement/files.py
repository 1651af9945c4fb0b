"""Reading analysts' project files for agreement, without ever writing to one.

Each file is checked (ours, sound, not newer) and opened read-only; a file from an older
idleb_desk is upgraded in a temporary copy, never in place. Then the files are refused
together when they cannot be one reliability study: the same file twice, two files by the
same analyst, or files of different projects (one document id with two different texts).
Every refusal names the file.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from idleb_desk.model import REVIEWED_STATUSES, SUGGESTED
from idleb_desk.store import agreement_queries as q
from idleb_desk.store import gate
from idleb_desk.store.connection import StoreError
from idleb_desk.store.schema import SCHEMA_VERSION
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)
Range = tuple[int, int]
MAX_ANALYSTS = 10
# The project setting `team split` writes into each analyst's file: whose file it is.
TEAM_ANALYST = "team.analyst"


class AgreementInputError(StoreError):
    """The files cannot be compared; the message names the file and why."""


# Named tuples, not frozen dataclasses: a study makes one per unit of every file, and a
# frozen dataclass sets each field through object.__setattr__ (three times slower).
class Mention(NamedTuple):
    start: int
    end: int
    label: str
    actor: str


class ClaimCoding(NamedTuple):
    content: tuple[Range, ...]
    cue: Range | None
    kind: str
    quote_type: str
    speaker: str
    addressees: str

    @property
    def span(self) -> Range:
        return (self.content[0][0], self.content[-1][1])


@dataclass
class DocCoding:
    mentions: list[Mention] = field(default_factory=list)
    claims: list[ClaimCoding] = field(default_factory=list)


@dataclass(frozen=True)
class DocInfo:
    sha256: str
    ext_id: str
    title: str
    text: str


@dataclass
class AnalystFile:
    name: str
    path: Path
    docs: dict[str, DocCoding]
    # What the model suggested, as far as this file still shows it (see `model_coding`).
    model: dict[str, DocCoding]


def _analyst_name(path: Path, store: Store) -> str:
    """Whose file it is: the analyst `team split` wrote it for, else the reviewer who
    made most decisions in it (counted only then: a scan of every span), else the
    file's name."""
    handed_to = store.setting(TEAM_ANALYST)
    if isinstance(handed_to, str) and handed_to.strip():
        return handed_to.strip()
    reviewers = dict(q.reviewers(store))
    if not reviewers:
        return path.stem
    return max(sorted(reviewers), key=lambda name: reviewers[name])


@contextlib.contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Python's cycle collector paused while agreement builds its values: a study makes
    a million small objects (units, ranges, rows) and none refers back to another, yet
    each collection walks all the live ones, over and over (about a quarter of the time
    of bench/agreement.py). Reference counting still frees everything as usual."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


Checked = tuple[int | None, str | None]


def _check(path: Path, sound: bool = True) -> Checked:
    """`Store.check`: the file ours, not newer and (`sound`) sound, SQLite's own check."""
    if path.is_dir():
        raise AgreementInputError(path, "is a folder, not a project file")
    return Store.check(path, create=False, sound=sound)


@contextlib.contextmanager
def open_read_only(path: Path, checked: Checked | None = None) -> Iterator[Store]:
    """The project at `path`, opened so that nothing can be written to it; `checked`:
    what `_check` returned for it a moment ago (else it is checked here, in full)."""
    # Ours, sound and not newer: refused before any read (and checked once, not again).
    checked = _check(path) if checked is None else checked
    version = gate.inspect_file(path, check=False).user_version
    if version == SCHEMA_VERSION:
        with Store.open(path, create=False, read_only=True, checked=checked) as store:
            yield store
        return
    # Older: upgrade a copy, so the analyst's own file keeps its version and its bytes.
    with tempfile.TemporaryDirectory(prefix="idleb-agree-") as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        for side in ("-wal",):
            if Path(f"{path}{side}").exists():
                shutil.copyfile(f"{path}{side}", f"{copy}{side}")
        log.info("%s: schema version %s, upgraded in a temporary copy", path, version)
        with Store.open(copy, create=False) as store:
            yield store


def _sound_and_named(path: Path, checked: Checked) -> str | None:
    """The part of a file's checks that takes time, SQLite's own soundness check, then
    whose file it is (a scan of every span when `team split` did not say): run in a
    thread beside the reading of the file, both in SQLite, which lets go of the GIL.
    None for a file of an older version (named from its upgraded copy instead)."""
    facts = gate.inspect_file(path, header_checked=True)
    if facts.user_version != SCHEMA_VERSION:
        return None
    with Store.open(path, create=False, read_only=True, checked=checked) as store:
        return _analyst_name(path, store)


def _codings(
    mentions: list[q.ActorSpanRow], claims: list[q.ClaimRow], actors: dict[int, str]
) -> tuple[dict[int, DocCoding], dict[int, DocCoding]]:
    """(reviewed work, model suggestions) by document id. A unit in both (a suggestion
    accepted as it was) is one object in both: a study holds every file's units twice."""
    coded: dict[int, DocCoding] = {}
    model: dict[int, DocCoding] = {}
    names: dict[str, str] = {}  # one object per label, kind and quote type, not one per unit
    make = tuple.__new__  # a named tuple without its generated __new__ (twice as fast)
    mine_at = theirs_at = DocCoding()
    doc_at = None
    for doc, start, end, label, actor_id, mine, theirs, _ in mentions:
        if mine or theirs:
            if doc != doc_at:  # rows come by document
                doc_at = doc
                mine_at = coded.setdefault(doc, DocCoding())
                theirs_at = model.setdefault(doc, DocCoding())
            actor = actors.get(actor_id, "") if actor_id else ""
            mention = make(Mention, (start, end, names.setdefault(label, label), actor))
            if mine:
                mine_at.mentions.append(mention)
            if theirs:
                theirs_at.mentions.append(mention)
    doc_at = None
    for c in claims:
        if not c.content:
            continue
        mine = c.status in REVIEWED_STATUSES
        theirs = c.status in MODEL_STATUSES and not c.origin.startswith(MODEL_ORIGIN_NOT)
        if mine or theirs:
            if c.document_id != doc_at:
                doc_at = c.document_id
                mine_at = coded.setdefault(doc_at, DocCoding())
                theirs_at = model.setdefault(doc_at, DocCoding())
            claim = make(ClaimCoding, (
                c.content, c.cue, names.setdefault(c.kind, c.kind),
                names.setdefault(c.quote_type, c.quote_type),
                " & ".join(c.speaker) or "(none)", " & ".join(c.addressees) or "(none)",
            ))  # fmt: skip
            if mine:
                mine_at.claims.append(claim)
            if theirs:
                theirs_at.claims.append(claim)
    # A document with units of one kind only has an empty coding of the other, as before.
    return _drop_empty(coded), _drop_empty(model)


def _drop_empty(codings: dict[int, DocCoding]) -> dict[int, DocCoding]:
    return {d: c for d, c in codings.items() if c.mentions or c.claims}


# What an analyst made (not the model) has an origin starting so.
MODEL_ORIGIN_NOT = "analyst:"


# A model suggestion the analyst kept as it was (accepted), turned down or left alone
# still shows what the model said; an edited one does not.
MODEL_STATUSES = (SUGGESTED, "accepted", "rejected")


def read_analyst(
    store: Store, path: Path, docs: dict[str, DocInfo], name: str | None = None
) -> AnalystFile:
    """One file's reviewed work and its model suggestions, by document text hash; adds
    the file's documents to `docs`, refusing one whose id another file gave another text.
    `name`: whose file it is, when the caller knows (else `_analyst_name`)."""
    rows = q.documents(store)
    by_id: dict[int, str] = {}
    for d in rows:
        by_id[d.id] = d.sha256
        for other in docs.values():
            if other.ext_id == d.ext_id and other.sha256 != d.sha256:
                raise AgreementInputError(
                    path,
                    f"document {d.ext_id!r} has a different text than in the files before "
                    "it: the files are from different projects",
                )
        docs.setdefault(d.sha256, DocInfo(d.sha256, d.ext_id, d.title, d.text))
    mentions = q.actor_spans(store, REVIEWED_STATUSES, MODEL_STATUSES, MODEL_ORIGIN_NOT)
    claims = q.claims(store, {d.id: d.text for d in rows}, mentions)
    coded, model = _codings(mentions, claims, q.canonical_actors(store))
    return AnalystFile(
        name=_analyst_name(path, store) if name is None else name,
        path=path,
        docs={sha: coded.get(i, DocCoding()) for i, sha in by_id.items()},
        model={sha: model.get(i, DocCoding()) for i, sha in by_id.items()},
    )


@cycles_uncollected()
def read_analysts(paths: Sequence[Path]) -> tuple[list[AnalystFile], dict[str, DocInfo]]:
    """Every file's coding, after the checks of the module docstring."""
    if not 2 <= len(paths) <= MAX_ANALYSTS:
        raise AgreementInputError(
            paths[0] if paths else Path("."),
            f"agreement needs 2 to {MAX_ANALYSTS} analysts' files, not {len(paths)}",
        )
    seen: dict[tuple[int, int], Path] = {}
    for path in paths:
        if path.exists():
            st = os.stat(path)
            key = (st.st_dev, st.st_ino)
            if key in seen:
                raise AgreementInputError(
                    path, f"is the same file as {seen[key]}: give each analyst's file once"
                )
            seen[key] = path
    docs: dict[str, DocInfo] = {}
    analysts: list[AnalystFile] = []
    # A file's quick checks (ours, not newer, a stray WAL set aside) come before any read
    # of it; SQLite's own soundness check, the slow one, runs in a thread while the file
    # is read (both read-only). What was read is used only once the file is found sound,
    # and a file's refusal comes before any fault its reading met, file by file.
    with ThreadPoolExecutor(max_workers=len(paths), thread_name_prefix="agree-check") as pool:
        for path in paths:
            checked = _check(path, sound=False)
            job = pool.submit(_sound_and_named, path, checked)
            try:
                with open_read_only(path, checked) as store:
                    analyst = read_analyst(store, path, docs, name="")
                    name = job.result()
                    if name is None:  # an older file, read from its upgraded copy
                        name = _analyst_name(path, store)
            except BaseException:
                job.result()  # a damaged file: its refusal says why
                raise
            analyst.name = name
            for other in analysts:
                if other.name == analyst.name:
                    raise AgreementInputError(
                        path,
                        f"was reviewed by {analyst.name!r}, as {other.path} was: the same "
                        "analyst twice (each analyst's own file, once)",
                    )
            analysts.append(analyst)
    return analysts, docs


def model_coding(analysts: Sequence[AnalystFile]) -> dict[str, DocCoding]:
    """The model's suggestions, pooled: each file was extracted by the same pipeline, so
    a suggestion any file still holds as the model made it is one the model made; the
    first file's (and within a file the first) of the same suggestion is kept."""
    mentions: dict[str, dict[tuple[int, int, str], Mention]] = {}
    claims: dict[str, dict[tuple[Range, ...], ClaimCoding]] = {}
    # Later files first, each file's units last to first, so that the first one written
    # is the one kept; a dictionary a document (not a look-up per unit).
    for a in reversed(analysts):
        for sha, coding in a.model.items():
            # Keyed by what the model decided; a link an analyst added does not split it.
            if coding.mentions:
                found = mentions.get(sha)
                if found is None:
                    found = mentions[sha] = {}
                found.update({m[:3]: m for m in reversed(coding.mentions)})
            if coding.claims:
                said = claims.get(sha)
                if said is None:
                    said = claims[sha] = {}
                said.update({c.content: c for c in reversed(coding.claims)})
    # In order of (start, end, label) and of content: the keys, each met once.
    return {
        sha: DocCoding(
            [ms[k] for k in sorted(ms)] if (ms := mentions.get(sha)) else [],
            [cs[k] for k in sorted(cs)] if (cs := claims.get(sha)) else [],
        )
        for sha in {*mentions, *claims}
    }
