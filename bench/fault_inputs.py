"""Fault families of issue 12 for bad annotation files (used by faults.py).

- typed fields: every wrong-typed case of tests/test_readers_typed.py, one bad record
  between two good ones, imported with `idleb-desk import --no-extract`, with the format
  detected and forced: no traceback, a message naming the file, the good records imported,
  a non-zero exit.
- bombs: `.spacy` zlib bombs refused with "decompresses to more than" while the child's
  peak RSS (wait4) stays under 500 MB; a Label Studio task with 4,000 regions whose text
  does not match their offsets finishes (its time is reported, for information).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

from fault_families import PY, Tally, cli, immutable

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # after PYTHONPATH: the tree under test comes first
from tests.test_readers_typed import (  # noqa: E402 - the tests' own case tables
    LABEL_STUDIO,
    OURS,
    PRODIGY,
    TEXTS,
    _dump,
    _ours,
    _prodigy,
    _task,
)

MB = 1024 * 1024
RSS_LIMIT_MB = 500


def _texts(db: Path) -> list[str]:
    if not db.exists():
        return []
    con = immutable(db)
    try:
        return sorted(str(r[0]) for r in con.execute("SELECT text FROM documents"))
    finally:
        con.close()


def _write(case_table: str, spoil, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    if case_table == "ours":
        lines = [_ours(t) for t in TEXTS]
        spoil(lines[1])
        src = folder / "ours.jsonl"
        src.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    elif case_table == "labelstudio":
        tasks = [_task(t) for t in TEXTS]
        spoil(tasks[1])
        src = folder / "ls.json"
        src.write_text(_dump(tasks), encoding="utf-8")
    else:
        tasks = [_prodigy(t) for t in TEXTS]
        spoil(tasks[1])
        src = folder / "tasks.jsonl"
        src.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), "utf-8")
    return src


def typed_fields(work: Path) -> Tally:
    tally = Tally()
    tables = {
        "ours": ("idleb", OURS),
        "labelstudio": ("labelstudio", LABEL_STUDIO),
        "prodigy": ("prodigy", PRODIGY),
    }
    good = sorted([TEXTS[0], TEXTS[2]])
    n = 0
    for name, (fmt, cases) in tables.items():
        for case, (spoil, _says) in sorted(cases.items()):
            for forced in (False, True):
                n += 1
                folder = work / f"typed-{n}"
                folder.mkdir()
                src = _write(name, spoil, folder)
                db = folder / "p.sqlite3"
                done = cli("import", db, src, "--no-extract", *(["--format", fmt] * forced))
                said = done.stderr + done.stdout
                texts = _texts(db)
                ok = (
                    "Traceback" not in said
                    and str(src) in said
                    and texts == good
                    and done.returncode != 0
                )
                tally.add(
                    ok,
                    f"{name} '{case}'{' --format ' + fmt if forced else ''}: exit "
                    f"{done.returncode}, imported {len(texts)}: {said.strip()[-300:]}",
                )
    return tally


def bomb(path: Path, inflated: int) -> Path:
    """A zlib stream of `inflated` zero bytes, written without holding them."""
    deflate = zlib.compressobj(9)
    chunk = bytes(MB)
    with path.open("wb") as fh:
        for _ in range(inflated // MB):
            fh.write(deflate.compress(chunk))
        fh.write(deflate.flush())
    return path


def run_measured(args: list[object]) -> tuple[int, str, float, float]:
    """(exit code, stderr + stdout, peak RSS of this child in MB, seconds)."""
    out = Path(str(args[1]) + ".out")
    start = time.perf_counter()
    with out.open("w+") as fh:
        child = subprocess.Popen([PY, "-m", "idleb_desk", *map(str, args)], stdout=fh, stderr=fh)
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    took = time.perf_counter() - start
    return child.returncode, out.read_text(), usage.ru_maxrss / 1024, took


def bombs(work: Path, count: int) -> tuple[Tally, float, float]:
    """(bombs refused in bounded memory, worst peak RSS in MB, seconds of the Label Studio
    file with 4,000 mismatched regions)."""
    tally, worst = Tally(), 0.0
    sizes = [256 * MB, 1024 * MB, 2560 * MB, 4096 * MB][: max(1, count)]
    for i, inflated in enumerate(sizes):
        folder = work / f"bomb-{i}"
        folder.mkdir()
        src = bomb(folder / "bomb.spacy", inflated)
        for forced in ([], ["--format", "spacy"]):
            db = folder / f"p{len(forced)}.sqlite3"
            code, said, rss, _took = run_measured(["import", db, src, "--no-extract", *forced])
            worst = max(worst, rss)
            ok = (
                code != 0
                and "decompresses to more than" in said
                and str(src) in said
                and "Traceback" not in said
                and rss < RSS_LIMIT_MB
                and _texts(db) == []
            )
            tally.add(
                ok,
                f"bomb of {inflated // MB} MB {' '.join(forced)}: exit {code}, "
                f"peak RSS {rss:.0f} MB: {said.strip()[-300:]}",
            )
    folder = work / "regions"
    folder.mkdir()
    text = "😀 " + "Lavrov met Cavusoglu in Ankara. " * 4000
    result = [
        {
            "id": f"r{i}",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {
                "start": 26 + i * 32,
                "end": 32 + i * 32,
                "text": "Moscow",
                "labels": ["GPE"],
            },
        }
        for i in range(4000)
    ]
    src = folder / "ls.json"
    src.write_text(
        json.dumps(
            [{"data": {"text": text}, "predictions": [{"result": result}]}], ensure_ascii=False
        ),
        encoding="utf-8",
    )
    code, said, rss, took = run_measured(["import", folder / "p.sqlite3", src, "--no-extract"])
    ok = code != 0 and "Traceback" not in said and "'Moscow'" in said and str(src) in said
    tally.add(
        ok,
        f"Label Studio, 4,000 mismatched regions: exit {code} in {took:.1f} s, "
        f"peak RSS {rss:.0f} MB: {said.strip()[-300:]}",
    )
    return tally, worst, took
