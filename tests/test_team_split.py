"""Issue 13, item 1: `team split` hands every document to one analyst, the sample to all,
the model's suggestions as the model made them, and never writes to the source."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from team_project import ANALYSTS, build_source, sha256

from idleb_desk.cli import main
from idleb_desk.core.review import ReviewSession
from idleb_desk.core.team_split import plan_split, split_project
from idleb_desk.model import SUGGESTED
from idleb_desk.store import schema
from idleb_desk.store.store import Store


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_source(tmp_path_factory.mktemp("source"))


def _shas(path: Path) -> set[str]:
    with Store.open(path, create=False, read_only=True) as store:
        return {store.document(d.id).sha256 for d in store.document_summaries()}


def test_split_is_balanced_and_the_sample_is_in_every_file(source: Path, tmp_path: Path) -> None:
    report = split_project(source, list(ANALYSTS), 0.3, tmp_path / "team", seed=3)
    all_docs = _shas(source)
    files = {n: _shas(p) for n, p in report.files.items()}
    with Store.open(report.files["ben"], create=False, read_only=True) as store:
        sample = set(store.setting("team.sample"))
        assert store.setting("team.analyst") == "ben"
        assert store.setting("team.analysts") == list(ANALYSTS)
        team_id = store.setting("team.id")
    assert len(sample) == round(0.3 * len(all_docs)) == 3
    assert all(sample <= shas for shas in files.values())
    own = {n: shas - sample for n, shas in files.items()}
    # Every other document goes to exactly one analyst, and the shares differ by one at most.
    assert sorted(s for shas in own.values() for s in shas) == sorted(all_docs - sample)
    sizes = [len(v) for v in own.values()]
    assert max(sizes) - min(sizes) <= 1
    for path in report.files.values():
        with Store.open(path, create=False, read_only=True) as store:
            assert store.setting("team.id") == team_id


def test_the_same_seed_draws_the_same_plan(source: Path, tmp_path: Path) -> None:
    one = split_project(source, list(ANALYSTS), 0.3, tmp_path / "one", seed=11)
    two = split_project(source, list(ANALYSTS), 0.3, tmp_path / "two", seed=11)
    for name in ANALYSTS:
        assert _shas(one.files[name]) == _shas(two.files[name])
    assert one.team_id != two.team_id  # two hand-outs are two teams
    ids = list(range(1, 41))
    assert plan_split(ids, ANALYSTS, 0.2, 5) == plan_split(ids, ANALYSTS, 0.2, 5)
    assert plan_split(ids, ANALYSTS, 0.2, 5).sample != plan_split(ids, ANALYSTS, 0.2, 6).sample


def test_nothing_of_an_analyst_is_handed_out(source: Path, tmp_path: Path) -> None:
    reviewed = tmp_path / "reviewed.sqlite3"
    shutil.copy(source, reviewed)
    s = ReviewSession.open(reviewed, "zoe", create=False)
    spans = [x for x in s.spans(1) if x.layer == "actor"]
    made_by_model = {(x.start, x.end, x.label) for x in s.spans(1)}
    s.accept_span(spans[0].id)
    s.reject_span(spans[1].id)
    s.relabel_span(spans[2].id, "NORP" if spans[2].label != "NORP" else "ORG")
    s.delete_span(spans[3].id)
    s.create_span(1, 0, 8, "ORG")  # "Fourteen": no suggestion there
    claim = s.claims(1)[0]
    s.set_claim_kind(claim.id, "threat")
    s.accept_claim(claim.id)
    s.mark_document_done(1)
    s.close()
    before = sha256(reviewed)
    report = split_project(reviewed, list(ANALYSTS), 1.0, tmp_path / "team", seed=1)
    assert sha256(reviewed) == before
    assert report.left_out == 1
    with Store.open(report.files["chen"], create=False, read_only=True) as store:
        doc = next(d.id for d in store.document_summaries() if d.ext_id == "p00")
        spans = store.spans(doc)
        assert {(x.start, x.end, x.label) for x in spans} == made_by_model
        assert {x.status for x in spans} == {SUGGESTED}
        assert not any(x.origin.startswith("analyst:") or x.reviewer for x in spans)
        claims = store.claims(doc)
        assert {c.status for c in claims} == {SUGGESTED}
        assert claims[0].kind == claim.kind
        assert store.document(doc).status == "new"
        assert store.stats()["events"] == 0


def test_an_existing_file_is_refused_and_the_source_left_alone(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "team"
    out.mkdir()
    (out / "ben.sqlite3").write_bytes(b"mine")
    before = sha256(source)
    code = main(["team", "split", str(source), "--analysts", "ana,ben", "--out", str(out)])
    assert code == 2
    assert str(out / "ben.sqlite3") in capsys.readouterr().err
    assert not (out / "ana.sqlite3").exists() and sha256(source) == before
    assert sorted(p.name for p in out.iterdir()) == ["ben.sqlite3"]
    assert main(["team", "split", str(source), "--analysts", "ana", "--out", str(out)]) == 2
    assert "two names" in capsys.readouterr().err


def test_schema_v9_upgrade_adds_the_curation_table(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    Store.open(db).close()
    con = sqlite3.connect(db)
    con.execute("DROP TABLE curation_units")
    con.execute("PRAGMA user_version = 8")
    con.commit()
    con.close()
    with Store.open(db, create=False) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 9
        assert store.execute("SELECT count(*) FROM curation_units").fetchone()[0] == 0
        assert store.backup_path is not None and store.backup_path.exists()
