"""`team curate`: the analysts' files checked and pre-merged into one gold project.

The analysts' files are only read (`Store.open(..., read_only=True)`). The gold project is
an ordinary project: every position where analysts coded something holds each distinct
unit found there as a gold span or claim, and a `curation_units` row (schema v9) with
every analyst's version. A strategy (`core.curation_units.merged_version`) accepts the
agreed units and rejects the rest; what it leaves stays suggested, for the curator.

A re-run, with the same or another strategy, never touches a position the curator decided
(the decision is in the unit, and its event in the log); it updates the others.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idleb_desk.core import curation_units as cu
from idleb_desk.core.actors import link_actor_id
from idleb_desk.core.claim_ops import KINDS_SETTING
from idleb_desk.core.team_split import TEAM_ANALYST, TEAM_ID, TEAM_SAMPLE, TeamError
from idleb_desk.model import ACCEPTED, LAYER_ACTOR, LAYER_CLAIM, REJECTED, SUGGESTED
from idleb_desk.store import curation_queries as cq
from idleb_desk.store import memory, team_queries, walguard
from idleb_desk.store.connection import StoreError
from idleb_desk.store.rows import now
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

CURATION_TEAM = "curation.team_id"
CURATION_ANALYSTS = "curation.analysts"
CURATION_STRATEGY = "curation.strategy"
# Where the analysts' files were at the last curation (their absolute paths, in the
# analysts' order), so the Agreement view of a gold project needs no file dialog. Left
# out when curation is anonymised: a file's name usually is the analyst's.
CURATION_FILES = "curation.files"
ORIGIN = "curation"


def analyst_key(team_id: str, name: str) -> str:
    """An analyst's name as a gold project keeps it when curation is anonymised: enough for
    `team feedback` to find their versions, not enough to read the name."""
    import hashlib  # here, not at the top: the window imports this module; see model.py

    return hashlib.sha256(f"{team_id}\0{name}".encode()).hexdigest()[:16]


@dataclass
class TeamFile:
    path: Path
    store: Store
    name: str
    team_id: str
    sample: list[str]


def open_team(paths: list[Path]) -> list[TeamFile]:
    """Open the analysts' files read-only and check they belong together; every refusal
    names the file. The caller closes the stores."""
    files: list[TeamFile] = []
    try:
        for path in paths:
            store = Store.open(path, create=False, read_only=True)
            team_id, name = store.setting(TEAM_ID), store.setting(TEAM_ANALYST)
            files.append(TeamFile(path, store, str(name), str(team_id),
                                  list(store.setting(TEAM_SAMPLE, []))))  # fmt: skip
            if not team_id or not name:
                raise TeamError(f"{path}: is not an analyst's file made by 'idleb-desk team split'")
        _check_together(files)
    except BaseException:
        for f in files:
            f.store.close()
        raise
    return files


def _check_together(files: list[TeamFile]) -> None:
    first = files[0]
    seen: dict[str, TeamFile] = {}
    texts: dict[str, tuple[str, Path]] = {}  # ext_id -> (sha256, file)
    for f in files:
        if f.team_id != first.team_id:
            raise TeamError(
                f"{f.path}: belongs to another team (id {f.team_id}) than {first.path} "
                f"(id {first.team_id}); curate files from one 'team split' only"
            )
        if f.name in seen:
            raise TeamError(f"{f.path}: is {f.name}'s file, and so is {seen[f.name].path}")
        seen[f.name] = f
        for doc in team_queries.document_rows(f.store):
            ext, sha = str(doc["ext_id"]), str(doc["sha256"])
            was = texts.setdefault(ext, (sha, f.path))
            if was[0] != sha:
                raise TeamError(
                    f"{f.path}: document {ext!r} has another text than in {was[1]} "
                    "(SHA-256 differs); the files come from different projects"
                )


@dataclass
class CurateReport:
    gold: Path
    documents: int = 0
    states: Counter[str] = field(default_factory=Counter)
    kept: int = 0  # positions the curator had decided, left as they were

    def summary(self) -> str:
        parts = ", ".join(f"{self.states[s]} {s}" for s in cu.STATES if self.states[s])
        kept = f"; {self.kept} curator decisions kept" if self.kept else ""
        return f"{self.gold}: {self.documents} documents; positions: {parts or 'none'}{kept}"


def curate(
    paths: list[Path], gold: Path, strategy: cu.Strategy = "complete", min_votes: int = 2,
    min_share: float = 0.5, anonymise: bool = False, curator: str = "curator",
) -> CurateReport:  # fmt: skip
    """Create or update `gold` from the analysts' files (see the module docstring)."""
    if strategy not in cu.STRATEGIES:
        raise TeamError(f"unknown strategy {strategy!r}; choose from {', '.join(cu.STRATEGIES)}")
    if not 0.0 <= min_share <= 1.0 or min_votes < 1:
        raise TeamError("--min-votes must be 1 or more and --min-share between 0 and 1")
    if any(p.exists() and gold.exists() and p.samefile(gold) for p in paths):
        raise TeamError(f"{gold}: is one of the analysts' files; the gold project must be another")
    files = open_team(paths)
    try:
        new = not gold.exists()
        work = gold.with_name(f".{gold.name}.curating-{os.getpid()}") if new else gold
        try:
            with Store.open(work, create=new) as store:
                report = _fill(store, files, strategy, min_votes, min_share, anonymise, curator)
            if new:
                try:
                    os.link(work, gold)
                except FileExistsError as exc:
                    raise StoreError(gold, "appeared while curating; it was not replaced") from exc
        finally:
            if new:
                for suffix in ("", "-wal", "-shm", "-journal", ".wal-id"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{work}{suffix}")
        if new:
            walguard.fsync_dir(gold.parent)
    finally:
        for f in files:
            f.store.close()
    report.gold = gold
    log.info("%s", report.summary())
    return report


def _analysts(store: Store, files: list[TeamFile], anonymise: bool) -> list[TeamFile]:
    """The files in the gold project's analyst order (fixed by its first curation)."""
    team_id = files[0].team_id
    had = store.setting(CURATION_TEAM)
    if had is not None and had != team_id:
        raise TeamError(f"{store.path}: is the gold project of another team (id {had})")
    by_key = {analyst_key(team_id, f.name): f for f in files}
    listed = store.setting(CURATION_ANALYSTS)
    if listed is None:
        listed = [
            {"label": f"Analyst {i + 1}", "name": None if anonymise else f.name,
             "key": analyst_key(team_id, f.name)}
            for i, f in enumerate(files)
        ]  # fmt: skip
        kinds = sorted({k for f in files for k in f.store.setting(KINDS_SETTING, [])})
        with store.transaction():
            team_queries.write_settings(store, {
                CURATION_TEAM: team_id, CURATION_ANALYSTS: listed, KINDS_SETTING: kinds,
                # Memory would spread the curator's accepts as new suggestions that no
                # analyst coded: off in a gold project.
                memory.ENABLED_SETTING: False,
            })  # fmt: skip
    keys = [a["key"] for a in listed]
    if sorted(keys) != sorted(by_key):
        raise TeamError(
            f"{store.path}: was curated from {len(keys)} analysts' files; give the same files "
            "again (the team's other files were missing or extra)"
        )
    return [by_key[k] for k in keys]


def _fill(store: Store, files: list[TeamFile], strategy: cu.Strategy, min_votes: int,
          min_share: float, anonymise: bool, curator: str) -> CurateReport:  # fmt: skip
    ordered = _analysts(store, files, anonymise)
    report = CurateReport(store.path)
    seen: set[str] = set()
    for f in ordered:
        for doc in team_queries.document_rows(f.store):
            sha = str(doc["sha256"])
            if sha in seen:
                continue
            seen.add(sha)
            report.documents += 1
            with store.transaction():
                gold_doc = _gold_document(store, f.store, doc)
                docs = [_analyst_doc(g.store, sha) for g in ordered]
                _write_positions(store, gold_doc, cu.positions(docs), strategy, min_votes,
                                 min_share, curator, report)  # fmt: skip
    named = all(a.get("name") for a in store.setting(CURATION_ANALYSTS, []))
    paths = [str(Path(f.store.path).resolve()) for f in ordered] if named else None
    with store.transaction():
        team_queries.write_settings(
            store,
            {
                CURATION_STRATEGY: {
                    "strategy": strategy,
                    "min_votes": min_votes,
                    "min_share": min_share,
                },
                CURATION_FILES: paths,
            },
        )
    return report


def _gold_document(store: Store, source: Store, doc: dict[str, Any]) -> int:
    found = store.document_id_by_sha(str(doc["sha256"]))
    if found is not None:
        return found
    doc_id = store.insert_document(
        doc["ext_id"], doc["title"], doc["text"], doc["path"], doc["encoding"],
        json.loads(doc["meta"] or "{}"),
    )  # fmt: skip
    assert doc_id is not None
    store.add_regions(doc_id, source.regions(int(doc["id"])))
    return doc_id


def _analyst_doc(store: Store, sha: str) -> cu.AnalystDoc | None:
    doc_id = store.document_id_by_sha(sha)
    if doc_id is None:
        return None
    return cu.analyst_doc(store.spans(doc_id), store.claims(doc_id),
                          store.document(doc_id).status)  # fmt: skip


def _write_positions(
    store: Store, doc_id: int, found: list[cu.Position], strategy: cu.Strategy,
    min_votes: int, min_share: float, curator: str, report: CurateReport,
) -> None:  # fmt: skip
    existing = cq.units(store, doc_id)
    decided = {u.key for u in existing if cu.parse_decision(u.decision)[0] in ("take", "none")}
    report.kept += len(decided)
    for u in existing:
        if u.key in decided:
            report.states[cu.state(u.versions, u.decision)] += 1
    others = {u.key: u for u in existing if u.key not in decided}
    at = now()
    for p in found:
        if p.key in decided:
            continue
        merged = cu.merged_version(p.versions, strategy, min_votes, min_share)
        verdict = None if merged is None else cu.decision("merged", merged)
        old = others.pop(p.key, None)
        if old is not None and old.versions == p.versions and \
                [u["sig"] for u in old.units] == [u.sig for u in p.units]:  # fmt: skip
            unit_list, unit_id = old.units, old.id
        else:
            if old is not None:
                _delete(store, old)
            unit_list = [_insert_unit_rows(store, doc_id, u) for u in p.units]
            unit_id = cq.insert_unit(store, doc_id, p.layer, p.start, p.end, unit_list,
                                     p.versions, None, None, None)  # fmt: skip
        _set_statuses(store, p.layer, unit_list, merged, curator, at)
        cq.set_decision(store, unit_id, verdict, curator if verdict else None,
                        at if verdict else None)  # fmt: skip
        report.states[cu.state(p.versions, verdict)] += 1
    for old in others.values():  # positions no analyst codes any more
        _delete(store, old)


def _insert_unit_rows(store: Store, doc_id: int, unit: cu.Unit) -> dict[str, Any]:
    text = store.document_text(doc_id)
    sig = unit.sig
    if unit.layer == LAYER_ACTOR:
        s, e, label = sig["start"], sig["end"], sig["label"]
        actor = link_actor_id(store, text[s:e], label, doc_id)
        row = cq.insert_span(store, doc_id, s, e, label, LAYER_ACTOR, SUGGESTED, ORIGIN, actor,
                             None, None)  # fmt: skip
        return {"sig": sig, "row": row, "spans": [row]}
    spans: list[int] = []

    def part(rng: list[int] | None, label: str) -> int | None:
        if rng is None:
            return None
        spans.append(cq.insert_span(store, doc_id, rng[0], rng[1], label, LAYER_CLAIM,
                                    SUGGESTED, ORIGIN, None, None, None))  # fmt: skip
        return spans[-1]

    content = sig["content"]
    roles = {"speaker": part(sig["speaker"], "SPEAKER"), "cue": part(sig["cue"], "CUE"),
             "content": part([content[0][0], content[-1][1]], "CONTENT")}  # fmt: skip
    parts = [p for p in (part(r, "CONTENT") for r in content) if p] if len(content) > 1 else []
    addressees = [a for a in (part(r, "ADDRESSEE") for r in sig["addressees"]) if a]
    claim = cq.insert_claim(store, doc_id, roles, parts, addressees, sig["kind"],
                            unit.quote_type, SUGGESTED, ORIGIN, None, None)  # fmt: skip
    return {"sig": sig, "row": claim, "spans": spans}


def _set_statuses(store: Store, layer: str, unit_list: list[dict[str, Any]],
                  merged: list[int] | None, curator: str, at: str) -> None:  # fmt: skip
    for k, u in enumerate(unit_list):
        if merged is None:
            status, who, when = SUGGESTED, None, None
        else:
            status, who, when = (ACCEPTED if k in merged else REJECTED), curator, at
        if layer == LAYER_CLAIM:
            cq.set_rows_status(store, "claims", [u["row"]], status, who, when)
        cq.set_rows_status(store, "spans", list(u["spans"]), status, who, when)


def _delete(store: Store, unit: cq.UnitRow) -> None:
    claims = [u["row"] for u in unit.units] if unit.layer == LAYER_CLAIM else []
    spans = [s for u in unit.units for s in u["spans"]]
    cq.delete_rows(store, claims, spans)
    cq.delete_unit(store, unit.id)
