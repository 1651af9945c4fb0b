"""A team's files for the team tests: the seed article's paragraphs as documents, with the
real pipeline's suggestions, split among three analysts who each decide differently (but
deterministically), so that every position state occurs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from idleb_desk.core.review import ReviewSession
from idleb_desk.core.team_split import split_project
from idleb_desk.io.importer import import_paths
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.store.store import Store

SEED = Path(__file__).resolve().parents[1] / "seeds" / "idleb-eu-ministers.txt"
ANALYSTS = ("ana", "ben", "chen")


def build_source(folder: Path) -> Path:
    """One document per paragraph of the seed (11 of them), imported with suggestions."""
    arts = folder / "articles"
    arts.mkdir(parents=True)
    paras = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p) > 120]
    for i, para in enumerate(paras):
        (arts / f"p{i:02d}.txt").write_text(para, encoding="utf-8")
    db = folder / "source.sqlite3"
    with Store.open(db) as store:
        import_paths(store, sorted(arts.iterdir()), Extractor.load())
    return db


def code(path: Path, k: int, leave_undecided: int | None = None) -> None:
    """Analyst k's decisions: each rejects a different quarter of the mentions, ben
    relabels some, chen changes some claims' kinds. `leave_undecided` is a document
    (by ext_id) this analyst leaves half-done: the first half of its mentions undecided."""
    s = ReviewSession.open(path, ANALYSTS[k], create=False)
    try:
        for d in s.documents():
            spans = [x for x in s.spans(d.id) if x.layer == "actor"]
            half = d.ext_id == leave_undecided
            for j, sp in enumerate(spans):
                if half and j < len(spans) // 2 + 1:
                    continue
                if (j + k) % 4 == 0:
                    s.reject_span(sp.id)
                elif (j + k) % 4 == 1 and k == 1:
                    s.relabel_span(sp.id, "ORG" if sp.label != "ORG" else "PERSON")
                else:
                    s.accept_span(sp.id)
            for j, c in enumerate(s.claims(d.id)):
                if k == 2 and j % 2 == 0:
                    s.set_claim_kind(c.id, "warning" if c.kind != "warning" else "demand")
                s.accept_claim(c.id)
            if not half:
                s.mark_document_done(d.id)
    finally:
        s.close()


def build_team(folder: Path, seed: int = 7, overlap: float = 0.3) -> dict[str, Path]:
    """Split the source among ana, ben and chen and code each file; ana leaves one sample
    document half-done (positions there are incomplete)."""
    source = build_source(folder)
    report = split_project(source, list(ANALYSTS), overlap, folder / "team", seed)
    with Store.open(report.files["ana"], create=False, read_only=True) as store:
        sample = set(store.setting("team.sample"))
        ext = next(d.ext_id for d in store.document_summaries()
                   if store.document(d.id).sha256 in sample)  # fmt: skip
    for k, name in enumerate(ANALYSTS):
        code(report.files[name], k, ext if name == "ana" else None)
    return dict(report.files)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
