"""Issue 13, item 3: `team curate` pre-merges three analysts' files by a strategy; the
curator's decisions are events, survive a re-run and undo; the inputs are never written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from team_project import ANALYSTS, build_team, sha256

from idleb_desk.cli import main
from idleb_desk.core import curation_units as cu
from idleb_desk.core.curation import curate
from idleb_desk.core.curation_session import Curation, PositionState
from idleb_desk.model import ACCEPTED, REJECTED, SUGGESTED
from idleb_desk.store import curation_queries as cq
from idleb_desk.store.store import Store


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_team(tmp_path_factory.mktemp("team"))


@pytest.fixture
def files(team: dict[str, Path], tmp_path: Path) -> list[Path]:
    """Copies of the team's files, so a test that damages one spoils no other test."""
    out = []
    for name in ANALYSTS:
        out.append(tmp_path / f"{name}.sqlite3")
        shutil.copy(team[name], out[-1])
    return out


def _units(gold: Path) -> list[cq.UnitRow]:
    with Store.open(gold, create=False, read_only=True) as store:
        return [u for d in store.document_summaries() for u in cq.units(store, d.id)]


def _states(gold: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for u in _units(gold):
        s = cu.state(u.versions, u.decision)
        out[s] = out.get(s, 0) + 1
    return out


def test_each_strategy_merges_what_it_should(files: list[Path], tmp_path: Path) -> None:
    sums = [sha256(p) for p in files]
    golds = {}
    for strategy in cu.STRATEGIES:
        golds[strategy] = tmp_path / f"gold-{strategy}.sqlite3"
        curate(files, golds[strategy], strategy, curator="cara")
    assert [sha256(p) for p in files] == sums
    complete, coded, vote = (_states(golds[s]) for s in cu.STRATEGIES)
    for states in (complete, coded, vote):
        assert set(states) <= set(cu.STATES)
    # ana left a sample document half-done: incomplete under "complete", merged when the
    # others agree under "coded".
    assert complete.get(cu.INCOMPLETE, 0) > 0
    assert coded.get(cu.INCOMPLETE, 0) < complete[cu.INCOMPLETE]
    assert coded[cu.AGREED_MERGED] > complete[cu.AGREED_MERGED]
    assert vote[cu.AGREED_MERGED] > coded[cu.AGREED_MERGED]
    for u in _units(golds["complete"]):
        holders = [v for v in u.versions if v is not None]
        same = len({tuple(v["units"]) for v in holders}) == 1
        if u.decision:
            assert same and all(v["coded"] for v in holders)
    for u in _units(golds["vote"]):
        kind, chosen = cu.parse_decision(u.decision)
        if kind == "merged" and sum(v is not None for v in u.versions) == 3:
            votes = sum(1 for v in u.versions if v and v["coded"] and v["units"] == chosen)
            assert votes >= 2
    # Merged units are accepted in the gold project, the others rejected.
    with Store.open(golds["complete"], create=False, read_only=True) as store:
        for u in [x for d in store.document_summaries() for x in cq.units(store, d.id)]:
            _, chosen = cu.parse_decision(u.decision)
            for k, unit in enumerate(u.units):
                status = (store.span(unit["row"]) if u.layer == "actor"
                          else store.claim(unit["row"])).status  # fmt: skip
                want = SUGGESTED if not u.decision else ACCEPTED if k in chosen else REJECTED
                assert status == want


def _first_to_decide(c: Curation) -> PositionState:
    for d in c.session.documents():
        found = c.next_disagreement(d.id)
        if found is not None and found.state == cu.DISAGREED:
            return found
    raise AssertionError("no disagreement in the team's files")


def test_decisions_are_events_kept_by_a_rerun_and_undone(files: list[Path], tmp_path: Path
                                                         ) -> None:  # fmt: skip
    gold = tmp_path / "gold.sqlite3"
    curate(files, gold, "complete", curator="cara")
    c = Curation.open(gold, "cara")
    try:
        first = _first_to_decide(c)
        doc = first.document_id
        versions = c.versions(first.id)
        assert [v.analyst for v in versions] == list(ANALYSTS)
        taken = c.take(first.id, 1)
        assert taken.state in (cu.CURATOR_ACCEPTED, cu.CURATOR_REJECTED) and taken.taken_from == 1
        changes = c.take_changes()
        assert changes.touches_document(doc) and (changes.spans or changes.claims)
        event = c.session.events(doc)[-1]
        assert event.op == "curate_take"
        unit_after = event.after["curation_units"][str(first.id)]
        assert unit_after["versions"] == event.before["curation_units"][str(first.id)]["versions"]
        assert unit_after["decision"].startswith("take:1|")
        second = c.next_disagreement(doc, first.start) or _first_to_decide(c)
        c.take_none(second.id)
        assert c.state(second.id).state == cu.CURATOR_REJECTED
        kept = {u.id: u.decision for u in _units(gold) if u.decision and "merged" not in u.decision}
    finally:
        c.close()
    curate(files, gold, "vote", curator="cara")  # another strategy: decisions stay
    after = {u.id: u for u in _units(gold)}
    assert {i: after[i].decision for i in kept} == kept
    assert _states(gold)[cu.AGREED_MERGED] > 0
    c = Curation.open(gold, "cara")
    try:
        assert c.undo(second.document_id) is not None  # the take_none
        assert c.state(second.id).state not in (cu.CURATOR_ACCEPTED, cu.CURATOR_REJECTED)
        unit = cq.unit(c.store, second.id)
        rows = [c.store.span(u["row"]) if unit.layer == "actor" else c.store.claim(u["row"])
                for u in unit.units]  # fmt: skip
        assert unit.decision is None and {r.status for r in rows} == {SUGGESTED}
        assert c.state(first.id).taken_from == 1
    finally:
        c.close()


def test_anonymised_curation_keeps_no_names(files: list[Path], tmp_path: Path) -> None:
    gold = tmp_path / "gold.sqlite3"
    curate(files, gold, "coded", anonymise=True)
    c = Curation.open(gold)
    try:
        assert c.analysts() == ["Analyst 1", "Analyst 2", "Analyst 3"]
        listed = c.store.setting("curation.analysts")
        assert all(a["name"] is None for a in listed)
    finally:
        c.close()
    assert b"chen" not in gold.read_bytes()


def test_feedback_lists_where_the_curator_decided_otherwise(
    files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.sqlite3"
    curate(files, gold, "complete")
    c = Curation.open(gold, "cara")
    try:
        first = _first_to_decide(c)
        ana, ben = (v.units for v in c.versions(first.id)[:2])
        c.take(first.id, 1)  # ben's version
    finally:
        c.close()
    sums = [sha256(p) for p in files]
    import json

    assert main(["team", "feedback", str(gold), str(files[0]), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [(i["start"], i["end"]) for i in items if i["state"] != cu.AGREED_MERGED] == (
        [(first.start, first.end)] if ana != ben else []
    )
    assert main(["team", "feedback", str(gold), str(files[1]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # the curator took ben's everywhere
    assert [sha256(p) for p in files] == sums


def test_bad_inputs_are_refused_naming_the_file(
    files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from idleb_desk.store import schema

    ana, ben, chen = files
    gold = tmp_path / "gold.sqlite3"

    def refused(*paths: Path, named: Path) -> None:
        sums = [sha256(p) for p in paths]
        code = main(["team", "curate", *map(str, paths), "--out", str(gold)])
        err = capsys.readouterr().err
        assert code == 2, err
        assert str(named) in err and "Traceback" not in err
        assert [sha256(p) for p in paths] == sums
        assert not gold.exists()

    twin = tmp_path / "ana-again.sqlite3"
    shutil.copy(ana, twin)
    refused(ana, ben, twin, named=twin)
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(chen.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    damaged.write_bytes(bytes(data))
    refused(ana, ben, damaged, named=damaged)
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(chen, newer)
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    refused(ana, newer, named=newer)
    other = tmp_path / "other.sqlite3"
    shutil.copy(chen, other)
    con = sqlite3.connect(other)
    con.execute("UPDATE settings SET value = '\"dan\"' WHERE key = 'team.analyst'")
    con.execute("UPDATE documents SET text = text || ' ', sha256 = 'x' || sha256 WHERE id = 1")
    con.commit()
    con.close()
    refused(ana, other, named=other)
    stranger = tmp_path / "stranger.sqlite3"
    shutil.copy(chen, stranger)
    con = sqlite3.connect(stranger)
    con.execute("UPDATE settings SET value = '\"another\"' WHERE key = 'team.id'")
    con.commit()
    con.close()
    refused(ana, stranger, named=stranger)
