"""Handing out work (issue 13): one project file per analyst, with a blind sample in all.

Every document goes to exactly one analyst (dealt round the team, so shares differ by one
at most), except the reliability sample: a share of the documents, drawn reproducibly
from the seed, that every analyst gets. Each file holds the model's suggestions as the
model made them and nothing any analyst did: no decision, no span an analyst drew.

Each file records, as project settings, who it is for, the team, the sample (by text
SHA-256, which stays the same in every file) and a team id, so that curation can check
the files belong together. The source project is only read; each file is written under a
temporary name and put in place when complete (as `store.recover` does).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from idleb_desk.store import annotations as annotations_q
from idleb_desk.store import team_queries, walguard
from idleb_desk.store.connection import StoreError
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

# Project settings of a team member's file (and, under curation.*, of a gold project).
TEAM_ID = "team.id"
TEAM_ANALYST = "team.analyst"
TEAM_ANALYSTS = "team.analysts"
TEAM_SAMPLE = "team.sample"
TEAM_SOURCE = "team.source"
# Settings of the source that are about its analysts, not the project: not handed out.
_PRIVATE = ("last_position/", "team.", "curation.")


class TeamError(ValueError):
    """Inputs that cannot make a team's files; the message names the file or option."""


@dataclass(frozen=True)
class SplitPlan:
    analysts: tuple[str, ...]
    sample: tuple[int, ...]  # source document ids every analyst gets
    shares: dict[str, tuple[int, ...]]  # analyst -> the other documents they get

    def documents_of(self, analyst: str) -> list[int]:
        return sorted({*self.sample, *self.shares[analyst]})


@dataclass
class SplitReport:
    team_id: str
    files: dict[str, Path] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    sample: int = 0
    left_out: int = 0  # analyst-made spans and claims not handed out

    def summary(self) -> str:
        lines = [f"team {self.team_id}: {self.sample} documents in the reliability sample"]
        lines += [
            f"  {name}: {self.documents[name]} documents -> {path}"
            for name, path in self.files.items()
        ]
        if self.left_out:
            lines.append(f"  {self.left_out} analyst-made spans and claims were not handed out")
        return "\n".join(lines)


def check_analysts(names: list[str]) -> tuple[str, ...]:
    cleaned = [n.strip() for n in names if n.strip()]
    if len(cleaned) < 2:
        raise TeamError("--analysts needs at least two names, separated by commas")
    if len(set(cleaned)) != len(cleaned):
        raise TeamError(f"--analysts names someone twice: {', '.join(cleaned)}")
    bad = [n for n in cleaned if n in (".", "..") or any(c in n for c in "/\\:\0")]
    if bad:
        raise TeamError(f"--analysts: {bad[0]!r} cannot be a file name")
    return tuple(cleaned)


def plan_split(doc_ids: list[int], analysts: tuple[str, ...], overlap: float, seed: int | None
               ) -> SplitPlan:  # fmt: skip
    """Which documents each analyst gets; the same seed gives the same plan."""
    if not 0.0 <= overlap <= 1.0:
        raise TeamError(f"--overlap must be between 0 and 1, not {overlap}")
    rng = random.Random(seed)
    ids = sorted(doc_ids)
    n_sample = round(overlap * len(ids))
    if overlap > 0 and ids and n_sample == 0:
        n_sample = 1  # a share asked for is never rounded away to no sample at all
    sample = sorted(rng.sample(ids, n_sample))
    rest = [i for i in ids if i not in set(sample)]
    rng.shuffle(rest)
    shares = {name: tuple(sorted(rest[k :: len(analysts)])) for k, name in enumerate(analysts)}
    return SplitPlan(analysts, tuple(sample), shares)


def split_project(
    source: Path, analysts: list[str], overlap: float, out: Path, seed: int | None = None
) -> SplitReport:
    """Write DIR/<analyst>.sqlite3 for each analyst; `source` is opened read-only."""
    names = check_analysts(analysts)
    targets = {n: out / f"{n}.sqlite3" for n in names}
    for path in targets.values():
        if path.exists():
            raise StoreError(path, "already exists; team split writes only new files")
    out.mkdir(parents=True, exist_ok=True)
    with Store.open(source, create=False, read_only=True) as src:
        docs = list(team_queries.document_rows(src))
        plan = plan_split([int(d["id"]) for d in docs], names, overlap, seed)
        first = team_queries.first_states(src)
        settings = {
            k: v for k, v in team_queries.all_settings(src).items() if not k.startswith(_PRIVATE)
        }
        by_id = {int(d["id"]): d for d in docs}
        anns = {i: team_queries.model_annotations(src, d, first) for i, d in by_id.items()}
    import uuid  # here, not at the top: the window imports this module to start

    report = SplitReport(uuid.uuid4().hex, sample=len(plan.sample))
    report.left_out = sum(1 for (_t, _i), row in first.items() if row is None)
    sample_shas = sorted(str(by_id[i]["sha256"]) for i in plan.sample)
    team = {
        TEAM_ID: report.team_id, TEAM_ANALYSTS: list(names), TEAM_SAMPLE: sample_shas,
        TEAM_SOURCE: {"name": source.name, "documents": len(docs), "seed": seed,
                      "overlap": overlap},
    }  # fmt: skip
    for name in names:
        ids = plan.documents_of(name)
        _write_file(
            targets[name], [by_id[i] for i in ids], anns, {**settings, **team, TEAM_ANALYST: name}
        )
        report.files[name] = targets[name]
        report.documents[name] = len(ids)
    log.info("%s", report.summary())
    return report


def _write_file(
    target: Path, docs: list[dict], anns: dict[int, dict], settings: dict[str, object]
) -> None:
    # Under a temporary name until complete: a killed split leaves no half-made file that
    # looks like an analyst's project, and a re-run is not refused.
    work = target.with_name(f".{target.name}.splitting-{os.getpid()}")
    try:
        with Store.open(work, create=True) as store, store.transaction():
            for d in docs:
                meta = json.loads(d["meta"] or "{}")
                doc_id = store.insert_document(
                    d["ext_id"], d["title"], d["text"], d["path"], d["encoding"], meta
                )
                if doc_id is not None:
                    annotations_q.restore_annotations(store, doc_id, anns[int(d["id"])])
            team_queries.write_settings(store, settings)
        try:
            os.link(work, target)  # fails if the file appeared meanwhile: never replace it
        except FileExistsError as exc:
            raise StoreError(target, "already exists; team split writes only new files") from exc
    finally:
        for suffix in ("", "-wal", "-shm", "-journal", ".wal-id"):
            with contextlib.suppress(OSError):
                os.unlink(f"{work}{suffix}")
    walguard.fsync_dir(target.parent)
