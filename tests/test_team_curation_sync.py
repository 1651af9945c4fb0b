"""A gold project's curation decisions through the team server (issue 15): the curator's
two laptops, copies of one gold file, both joined to the curated layer; a decision taken
on one (the unit's decision and the gold rows it accepts or rejects) reaches the other."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from team_project import ANALYSTS, build_team
from team_server_project import as_user, copy, publish_project, team

from idleb_desk.core import curation_units as cu
from idleb_desk.core.curation import curate
from idleb_desk.core.curation_session import Curation, PositionState
from idleb_desk.store import curation_queries as cq
from idleb_desk.store.store import Store
from idleb_desk.team.sync import join, sync

pytestmark = pytest.mark.pgserver


def _first_to_decide(c: Curation) -> PositionState:
    for d in c.session.documents():
        found = c.next_disagreement(d.id)
        if found is not None and found.state == cu.DISAGREED:
            return found
    raise AssertionError("no disagreement in the team's files")


def _unit_and_rows(path: Path, unit_id: int) -> tuple[str | None, list[str]]:
    with Store.open(path, create=False, read_only=True) as store:
        unit = cq.unit(store, unit_id)
        get = store.span if unit.layer == "actor" else store.claim
        return unit.decision, [get(u["row"]).status for u in unit.units]


def test_a_curation_decision_reaches_the_other_copy_of_the_gold_file(
    pg_url: str, tmp_path: Path
) -> None:
    files = build_team(tmp_path / "team")
    gold = tmp_path / "gold.sqlite3"
    curate([files[n] for n in ANALYSTS], gold, "complete", curator="cleo")
    team(pg_url, (), curators=("cleo",))
    publish_project(as_user(pg_url, "cleo"), gold, set(), [])
    other = copy(gold, tmp_path / "laptop2.sqlite3")
    for path in (gold, other):
        with Store.open(path, create=False) as store:
            join(store, as_user(pg_url, "cleo"), "cleo", curated=True)
    c = Curation.open(gold, "cleo")
    try:
        first = _first_to_decide(c)
        c.take(first.id, 1)
    finally:
        c.close()
    decided = _unit_and_rows(gold, first.id)
    assert decided[0] is not None and decided[0].startswith("take:1|")
    assert _unit_and_rows(other, first.id)[0] is None
    with Store.open(gold, create=False) as store:
        assert sync(store).pushed == 1
    with Store.open(other, create=False) as store:
        report = sync(store)
    assert report.applied == 1 and report.not_applied == 0
    assert _unit_and_rows(other, first.id) == decided
    shutil.rmtree(tmp_path / "team", ignore_errors=True)
