"""Files built to exhaust memory or time are refused by size and count, not by waiting.

- A `.spacy` zlib bomb (a few hundred KB that inflate to 128 MB) is refused with a message
  naming the file, and reading it never holds more than a few MB (tracemalloc peak).
- A Label Studio task with thousands of regions whose text does not match their offsets
  builds its UTF-16 offset table once, not once per region.
"""

from __future__ import annotations

import json
import tracemalloc
import zlib
from pathlib import Path

import pytest

from idleb_desk.io.formats import docbin, labelstudio
from idleb_desk.io.importer import import_paths
from idleb_desk.io.readers import read_file
from idleb_desk.store.store import Store

MB = 1024 * 1024


def _bomb(path: Path, inflated: int) -> Path:
    """A zlib stream of `inflated` zero bytes, written without holding them."""
    deflate = zlib.compressobj(9)
    chunk = bytes(MB)
    with path.open("wb") as fh:
        for _ in range(inflated // MB):
            fh.write(deflate.compress(chunk))
        fh.write(deflate.flush())
    return path


def test_a_docbin_zlib_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.spacy", 128 * MB)
    assert bomb.stat().st_size < MB  # the ratio a bomb has and no DocBin does
    tracemalloc.start()
    try:
        items = list(read_file(bomb))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB while refusing the bomb"
    (problem,) = items
    assert problem.path == str(bomb)
    assert "decompresses to more than" in problem.problem and "zlib bomb" in problem.problem


def test_the_cap_leaves_room_for_real_docbins() -> None:
    """A real DocBin compresses 10 to 20 times; the cap is far above that, and a small
    file still gets the floor."""
    assert docbin.decompressed_cap(10 * MB) >= 50 * 10 * MB
    assert docbin.decompressed_cap(1000) == docbin.MIN_CAP


def test_a_docbin_under_the_cap_still_reads(tmp_path: Path) -> None:
    from spacy.tokens import DocBin

    from idleb_desk.io.formats.tokens import blank

    src = tmp_path / "ok.spacy"
    DocBin(docs=[blank()("Lavrov met Cavusoglu in Ankara.")]).to_disk(src)
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [src])
    assert report.problems == [] and len(report.imported) == 1


def _task(regions: int, matching: bool) -> dict[str, object]:
    """One task with an emoji up front and `regions` regions on "Ankara"."""
    text = "😀 " + "Lavrov met Cavusoglu in Ankara. " * regions
    result = []
    for i in range(regions):
        start = 2 + i * 32 + len("Lavrov met Cavusoglu in ")
        said = "Ankara" if matching else "Moscow"
        result.append({"id": f"r{i}", "from_name": "label", "to_name": "text", "type": "labels",
                       "value": {"start": start, "end": start + 6, "text": said,
                                 "labels": ["GPE"]}})  # fmt: skip
    return {"data": {"text": text}, "predictions": [{"result": result}]}


@pytest.mark.parametrize(("matching", "builds"), [(False, 1), (True, 0)])
def test_label_studio_region_checks_build_the_offset_table_at_most_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, matching: bool, builds: int
) -> None:
    calls = []
    real = labelstudio.utf16_index

    def counted(text: str) -> labelstudio.Utf16Offsets:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(labelstudio, "utf16_index", counted)
    src = tmp_path / "ls.json"
    src.write_text(json.dumps([_task(4000, matching)], ensure_ascii=False), encoding="utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [src])
    assert len(calls) == builds
    if matching:
        assert report.problems == [] and len(report.imported) == 1
    else:
        assert report.imported == [] and "'Moscow'" in report.problems[0].problem


@pytest.mark.parametrize(
    ("unit", "point"), [(0, 0), (1, 1), (2, None), (3, 2), (4, 3), (5, 4), (6, None)]
)
def test_utf16_offsets_convert_to_code_points(unit: int, point: int | None) -> None:
    # "a", an astral emoji (two UTF-16 units), "b", "c": 5 units, 4 code points.
    assert labelstudio.Utf16Offsets("a😀bc").points(unit) == point
