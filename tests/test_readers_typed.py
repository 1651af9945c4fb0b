"""Fields of the wrong type, in every annotation format: one record refused, with its
file and line (or task), and every good record of the same file imported.

Each case puts one bad record between two good ones. Before the readers checked types,
each of these ended in a traceback and the good records of the batch were rolled back,
or (labels as a string, an unknown status) was stored wrong without a word.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from idleb_desk.io.importer import import_paths
from idleb_desk.store.store import Store

TEXTS = ("Erdoğan said Moscow must stop.", "Lavrov said Ankara must wait.",
         "Borrell said Brussels will help.")  # fmt: skip


def _ours(text: str) -> dict[str, Any]:
    """A line of our own JSONL export: three spans and one claim using them."""
    who, rest = text.split(" said ")

    def span(key: int, start: int, end: int, label: str, layer: str) -> dict[str, Any]:
        return {"id": key, "start": start, "end": end, "text": text[start:end],
                "label": label, "layer": layer, "status": "accepted", "origin": "manual",
                "reviewer": "A", "reviewed_at": "2024-01-01T00:00:00",
                "actor": {"name": who, "label": "PERSON"}}  # fmt: skip

    cue = len(who) + 1
    spans = [span(1, 0, len(who), "PERSON", "actor"), span(2, cue, cue + 4, "CUE", "claim"),
             span(3, cue + 5, len(text) - 1, "CONTENT", "claim")]  # fmt: skip
    for s in spans[1:]:
        s["actor"] = None
    claim = {"id": 10, "speaker": 1, "cue": 2, "content": 3, "antecedent": None,
             "addressees": [], "kind": "statement", "quote_type": "indirect",
             "status": "accepted", "origin": "manual", "reviewer": None,
             "reviewed_at": None}  # fmt: skip
    ann = {"format": 1, "status": "done", "reviewer": None, "reviewed_at": None,
           "extracted_with": "manual", "spans": spans, "claims": [claim],
           "regions": []}  # fmt: skip
    return {"id": who, "title": who, "text": text, "meta": {}, "annotations": ann}


def _claim(line: dict[str, Any]) -> dict[str, Any]:
    return line["annotations"]["claims"][0]


def _span(line: dict[str, Any], i: int = 0) -> dict[str, Any]:
    return line["annotations"]["spans"][i]


OURS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "speaker is a list": (lambda d: _claim(d).update(speaker=[1]), '"speaker"'),
    "addressees is a number": (lambda d: _claim(d).update(addressees=5), '"addressees"'),
    "content_parts is a number": (lambda d: _claim(d).update(content_parts=5), '"content_parts"'),
    "actor is a string": (lambda d: _span(d).update(actor="Erdoğan"), '"actor"'),
    "actor has no label": (lambda d: _span(d).update(actor={"name": "Lavrov"}), '"label"'),
    "reviewer is an object": (lambda d: _span(d).update(reviewer={"x": 1}), '"reviewer"'),
    "claim reviewer is a list": (lambda d: _claim(d).update(reviewer=["A"]), '"reviewer"'),
    "unknown document status": (lambda d: d["annotations"].update(status="finished"), "finished"),
    "unknown span status": (lambda d: _span(d).update(status="maybe"), "maybe"),
    "span id is a list": (lambda d: _span(d).update(id=[1]), '"id"'),
    "regions is an object": (lambda d: d["annotations"].update(regions={"a": 1}), '"regions"'),
    "nested_in names no claim": (lambda d: _claim(d).update(nested_in=99), "nested_in"),
    "nested in itself": (lambda d: _claim(d).update(nested_in=10), "nested_in"),
    "source is a string": (lambda d: d["annotations"].update(source="x.txt"), '"source"'),
}


def _import(paths: list[Path], tmp_path: Path, fmt: str = "auto") -> tuple[Any, list[str]]:
    db = tmp_path / "p.sqlite3"
    with Store.open(db) as store:
        report = import_paths(store, paths, fmt=fmt)
        texts = sorted(str(r[0]) for r in store.execute("SELECT text FROM documents"))
    return report, texts


@pytest.mark.parametrize("case", sorted(OURS))
def test_our_jsonl_with_a_field_of_the_wrong_type(case: str, tmp_path: Path) -> None:
    lines = [_ours(t) for t in TEXTS]
    spoil, says = OURS[case]
    spoil(lines[1])
    src = tmp_path / "ours.jsonl"
    src.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    report, texts = _import([src], tmp_path)
    assert texts == sorted([TEXTS[0], TEXTS[2]])
    assert len(report.problems) == 1, report.summary_lines()
    problem = report.problems[0]
    assert problem.path == str(src) and problem.line == 2
    assert says in problem.problem


def test_good_lines_of_our_jsonl_keep_every_field(tmp_path: Path) -> None:
    """The control: the same three lines, unspoilt, all come back with their actors."""
    src = tmp_path / "ours.jsonl"
    src.write_text("".join(json.dumps(_ours(t)) + "\n" for t in TEXTS), "utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [src])
        assert report.problems == [] and len(report.imported) == 3
        names = {str(r[0]) for r in store.execute("SELECT name FROM actors")}
        assert names == {"Erdoğan", "Lavrov", "Borrell"}


# ---- Label Studio -------------------------------------------------------------------------


def _task(text: str) -> dict[str, Any]:
    who = text.split(" said ")[0]
    region = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": len(who), "text": who,
                        "labels": ["PERSON"]}}  # fmt: skip
    return {"id": who, "data": {"text": text, "meta": {"n": 1}},
            "annotations": [{"result": [region], "was_cancelled": False}]}  # fmt: skip


def _region(t: dict[str, Any]) -> dict[str, Any]:
    return t["annotations"][0]["result"][0]


class _Huge:
    """A 5,000-digit integer, written by _dump (Python cannot print one by default)."""


HUGE = _Huge()


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


LABEL_STUDIO: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "labels is a number": (lambda t: _region(t)["value"].update(labels=5), '"labels"'),
    "labels is a string": (lambda t: _region(t)["value"].update(labels="GPE"), '"labels"'),
    "annotations is a number": (lambda t: t.update(annotations=5), '"annotations"'),
    "result holds a number": (lambda t: t["annotations"][0].update(result=[5]), '"result"'),
    "start is a string": (lambda t: _region(t)["value"].update(start="0"), '"start"'),
    "relation labels is a string": (
        lambda t: t["annotations"][0]["result"].append(
            {"type": "relation", "from_id": "r1", "to_id": "r1", "labels": "SPEAKER"}
        ),
        '"labels"',
    ),
    "idleb claims holds a number": (lambda t: t["data"].update(idleb={"claims": [5]}), '"claims"'),
    "deep nesting": (lambda t: t["data"]["meta"].update(deep=_deep(100_000)), "nested too deeply"),
    "a 5,000-digit number": (lambda t: t["data"]["meta"].update(n=HUGE), "digits"),
    "a 5,000-digit offset": (lambda t: _region(t)["value"].update(end=HUGE), "digits"),
}


def _dump(value: Any) -> str:
    """json.dumps for values deeper than its recursion allows (the deep case)."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        depth, inner = 0, value
        while isinstance(inner, list) and len(inner) == 1:
            depth, inner = depth + 1, inner[0]
        return "[" * depth + json.dumps(inner) + "]" * depth
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    if value is HUGE:
        return "1" + "0" * 4999
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("case", sorted(LABEL_STUDIO))
def test_label_studio_with_a_field_of_the_wrong_type(case: str, tmp_path: Path) -> None:
    tasks = [_task(t) for t in TEXTS]
    spoil, says = LABEL_STUDIO[case]
    spoil(tasks[1])
    src = tmp_path / "ls.json"
    src.write_text(_dump(tasks), encoding="utf-8")
    report, texts = _import([src], tmp_path)
    assert texts == sorted([TEXTS[0], TEXTS[2]]), report.summary_lines()
    assert len(report.problems) == 1, report.summary_lines()
    problem = report.problems[0]
    assert problem.path == str(src) and problem.problem.startswith("task 2")
    assert says in problem.problem


def test_label_studio_labels_as_a_string_is_not_split_into_letters(tmp_path: Path) -> None:
    task = _task(TEXTS[0])
    _region(task)["value"]["labels"] = "GPE"
    src = tmp_path / "ls.json"
    src.write_text(json.dumps([task]), encoding="utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [src])
        labels = [str(r[0]) for r in store.execute("SELECT label FROM spans")]
    assert labels == []
    assert "must be a list of strings" in report.problems[0].problem


# ---- Prodigy -------------------------------------------------------------------------------


def _prodigy(text: str) -> dict[str, Any]:
    who = text.split(" said ")[0]
    return {"text": text, "spans": [{"start": 0, "end": len(who), "label": "PERSON"}]}


PRODIGY: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "idleb claims holds a number": (lambda t: t.update(idleb={"claims": [5]}), '"claims"'),
    "idleb is a list": (lambda t: t.update(idleb=[1]), '"idleb"'),
    "spans is a number": (lambda t: t.update(spans=5), '"spans"'),
    "span start is a string": (lambda t: t["spans"][0].update(start="0"), '"start"'),
    "span idleb actor is a string": (
        lambda t: t["spans"][0].update(idleb={"actor": "Erdoğan"}),
        '"actor"',
    ),
    "relation head_span is a number": (
        lambda t: t.update(relations=[{"label": "SPEAKER", "head_span": 5, "child_span": 5}]),
        "head_span",
    ),
    "meta is a list": (lambda t: t.update(meta=[1]), '"meta"'),
}


@pytest.mark.parametrize("case", sorted(PRODIGY))
def test_prodigy_with_a_field_of_the_wrong_type(case: str, tmp_path: Path) -> None:
    tasks = [_prodigy(t) for t in TEXTS]
    spoil, says = PRODIGY[case]
    spoil(tasks[1])
    src = tmp_path / "tasks.jsonl"
    src.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), "utf-8")
    report, texts = _import([src], tmp_path)
    assert texts == sorted([TEXTS[0], TEXTS[2]]), report.summary_lines()
    assert len(report.problems) == 1, report.summary_lines()
    assert report.problems[0].line == 2 and says in report.problems[0].problem


# ---- brat ---------------------------------------------------------------------------------


def test_brat_text_that_disagrees_with_its_offsets_is_refused_with_its_line(
    tmp_path: Path,
) -> None:
    text = "Lavrov met Cavusoglu in Ankara."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    ann = tmp_path / "a.ann"
    # Offsets one character off: the text says "Ankara", the offsets hold "nkara."
    ann.write_text("T1\tPERSON 0 6\tLavrov\nT2\tGPE 25 31\tAnkara\n", encoding="utf-8")
    report, texts = _import([tmp_path / "a.txt"], tmp_path)
    assert texts == []
    (problem,) = report.problems
    assert problem.path == str(ann) and problem.line == 2
    assert "'Ankara'" in problem.problem and "'nkara.'" in problem.problem


def test_brat_fragments_are_compared_joined_by_a_space(tmp_path: Path) -> None:
    """The control: brat writes a fragmented span's text as its pieces joined by a space."""
    text = "Lavrov said: stop\nnow."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tCONTENT 13 17;18 21\tstop now\n", encoding="utf-8")
    report, texts = _import([tmp_path / "a.ann"], tmp_path)
    assert report.problems == [] and texts == [text]


# ---- a file in another format than --format says ---------------------------------------------


def _label_studio_file(tmp: Path) -> Path:
    src = tmp / "ls.json"
    src.write_text(json.dumps([_task(t) for t in TEXTS]), encoding="utf-8")
    return src


def _prodigy_file(tmp: Path) -> Path:
    src = tmp / "tasks.jsonl"
    src.write_text("".join(json.dumps(_prodigy(t)) + "\n" for t in TEXTS), encoding="utf-8")
    return src


def _text_file(tmp: Path) -> Path:
    src = tmp / "article.txt"
    src.write_text(TEXTS[0], encoding="utf-8")
    return src


def _docbin_file(tmp: Path) -> Path:
    from spacy.tokens import DocBin

    from idleb_desk.io.formats.tokens import blank

    src = tmp / "ner.spacy"
    DocBin(docs=[blank()(TEXTS[0])]).to_disk(src)
    return src


MISMATCHED = [
    ("brat", _label_studio_file),
    ("brat", _docbin_file),
    ("brat", _prodigy_file),
    ("prodigy", _label_studio_file),
    ("prodigy", _text_file),
    ("prodigy", _docbin_file),
    ("labelstudio", _prodigy_file),
    ("labelstudio", _text_file),
    ("labelstudio", _docbin_file),
    ("spacy", _label_studio_file),
    ("spacy", _text_file),
    ("idleb", _label_studio_file),
    ("idleb", _docbin_file),
]


@pytest.mark.parametrize(
    ("fmt", "make"), MISMATCHED, ids=[f"{f}-{m.__name__}" for f, m in MISMATCHED]
)
def test_a_file_that_is_not_in_the_forced_format_is_refused(
    fmt: str, make: Callable[[Path], Path], tmp_path: Path
) -> None:
    src = make(tmp_path)
    report, texts = _import([src], tmp_path, fmt=fmt)
    assert texts == [], report.summary_lines()
    assert report.problems, report.summary_lines()
    assert all(p.path == str(src) for p in report.problems)
    first = report.problems[0].problem
    assert fmt in first or {"idleb": "our own", "spacy": "DocBin"}.get(fmt, "?") in first, first


def test_matching_forced_formats_still_read(tmp_path: Path) -> None:
    """The control for the refusals above: each file read in its own format."""
    for fmt, make in (("labelstudio", _label_studio_file), ("prodigy", _prodigy_file),
                      ("spacy", _docbin_file), ("idleb", _text_file)):  # fmt: skip
        folder = tmp_path / fmt
        folder.mkdir()
        report, texts = _import([make(folder)], folder, fmt=fmt)
        assert report.problems == [] and texts, (fmt, report.summary_lines())


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("T1\tPERSON 0 1" + "0" * 5000 + "\tLavrov", "digits"),
        (
            'T1\tPERSON 0 6\tLavrov\n#1\tAnnotatorNotes T1\tidleb {"actor": 1' + "0" * 5000 + "}",
            '"actor"',
        ),
        ('T1\tPERSON 0 6\tLavrov\n#1\tAnnotatorNotes T1\tidleb {"actor": "Lavrov"}', '"actor"'),
        ("T1\tPERSON 0 6\tLavrov\nA1\tStatus T1 maybe", "maybe"),
    ],
    ids=["long offset", "long number in a note", "actor a string", "unknown status"],
)
def test_brat_with_a_field_of_the_wrong_type(line: str, says: str, tmp_path: Path) -> None:
    text = "Lavrov met Cavusoglu in Ankara."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.ann").write_text(line + "\n", encoding="utf-8")
    report, texts = _import([tmp_path / "a.txt"], tmp_path)
    assert texts == []
    (problem,) = report.problems
    assert says in problem.problem, problem.message
