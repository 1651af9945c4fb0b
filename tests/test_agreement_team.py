"""The worked example of docs/teams.md: the seed article coded by two analysts, built by
scripts/make_team_example.py with the real pipeline; the figures the doc quotes."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from agreement_project import sha256

from idleb_desk.cli import main

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_team_example.py"


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    spec = importlib.util.spec_from_file_location("make_team_example", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build(tmp_path_factory.mktemp("team"))


def test_worked_example_figures(
    team: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ana, ben = team
    before = (sha256(ana), sha256(ben))
    diag = tmp_path / "diagnosis.csv"
    assert main(["agree", str(ana), str(ben), "--diagnosis", str(diag)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (sha256(ana), sha256(ben)) == before
    everyone = result["all_analysts"]
    # The figures docs/teams.md shows.
    assert result["actor_exact_f1"] == 0.9206 and result["claim_kind_agreement"] == 0.8571
    assert everyone["actor_alpha_u"]["alpha"] == 0.9393
    assert {k: v["alpha"] for k, v in everyone["actor_alpha_u"]["labels"].items()} == {
        "GPE": 0.9685, "NORP": 0.8228, "ORG": 0.3945, "PERSON": 1.0,
    }  # fmt: skip
    assert everyone["claim_alpha_u"]["alpha"] == 0.9975
    aligned = {k: (v["alpha"], v["kappa"], v["units"]) for k, v in everyone["aligned"].items()}
    assert aligned["actor_label"] == (0.9451, 0.9446, 60)
    assert aligned["claim_kind"] == (0.7682, 0.7627, 14)
    assert aligned["claim_speaker"] == (0.9091, 0.906, 14)
    model = {m["a"]: m["actor_alpha_u"]["alpha"] for m in result["against_model"]}
    assert model == {"ana": 0.9772, "ben": 0.9635}
    rows = list(csv.reader(diag.open(encoding="utf-8", newline="")))
    assert rows[0] == ["document", "layer", "position", "text", "ana", "ben"]
    assert ["idleb-eu-ministers", "actor", "82", "Moscow", "GPE", "ORG"] in rows
    assert len(rows) == 15
