"""The whole report and diagnosis of a small bench/agreement.py study, byte for byte, as
the plain code computed them before agreement was made fast (stored in
tests/data/agreement/, written by the code of 59065b1): every fast path must keep each
figure the same float, and each diagnosis row the same.

To write the files again from a checkout whose figures are trusted:
`python tests/test_agreement_golden.py OUT_FOLDER`."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest

from idleb_desk.core.agreement.files import read_analysts
from idleb_desk.core.agreement.report import Study, diagnosis, report

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "data" / "agreement"
# Documents, items per document: big enough for every kind of difference the bench's
# analysts make (left out, relabelled, re-kinded, a content a character shorter).
DOCS, ITEMS = 6, 40


def _bench() -> object:
    spec = importlib.util.spec_from_file_location(
        "bench_agreement", HERE.parent / "bench" / "agreement.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(folder: Path) -> list[Path]:
    bench = _bench()
    paths = [folder / f"analyst{k}.sqlite3" for k in range(3)]
    for k, path in enumerate(paths):
        bench.build(path, k, DOCS, ITEMS)  # type: ignore[attr-defined]
    return paths


def outputs(paths: list[Path], unit: str, in_parallel: bool = False) -> tuple[str, str]:
    """(the report as JSON, files named without their folder; the diagnosis as CSV)."""
    study = Study(*read_analysts(paths), unit)  # type: ignore[arg-type]
    result = report(study, in_parallel) if in_parallel else report(study)
    for a in result["analysts"]:
        a["file"] = Path(a["file"]).name
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(diagnosis(study))
    return json.dumps(result, indent=2) + "\n", out.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("in_parallel", [False, True])
@pytest.mark.parametrize("unit", ["token", "char"])
def test_report_and_diagnosis_are_the_stored_ones(
    files: list[Path], unit: str, in_parallel: bool
) -> None:
    # in_parallel: each analyst against the model computed in a forked worker (the CLI).
    got_json, got_csv = outputs(files, unit, in_parallel)
    assert got_json == (GOLDEN / f"{unit}.json").read_text(encoding="utf-8")
    with open(GOLDEN / f"{unit}.diagnosis.csv", encoding="utf-8", newline="") as fh:
        assert got_csv == fh.read()


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    work = target / "files"
    work.mkdir(exist_ok=True)
    made = build(work)
    for unit in ("token", "char"):
        text, rows = outputs(made, unit)
        (target / f"{unit}.json").write_text(text, encoding="utf-8")
        with open(target / f"{unit}.diagnosis.csv", "w", encoding="utf-8", newline="") as fh:
            fh.write(rows)
