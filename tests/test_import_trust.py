"""Bad JSONL lines and awkward folders: each problem is reported, every good line goes in.

Each case here ended in a traceback (or lost the good lines of its batch) before the
readers checked for it; the test names the line and the reason it expects.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from idleb_desk.io.importer import import_paths
from idleb_desk.store.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "project.sqlite3")
    yield s
    s.close()


def _good(n: int) -> str:
    return json.dumps({"id": f"good-{n}", "text": f"Good article number {n} about Idleb."})


BAD_LINES = {
    "long_id": ('{"id": ' + "7" * 5001 + ', "text": "Long id."}', "digits"),
    "deep": ("[" * 100_000 + "]" * 100_000, "nested"),
    "surrogate": ('{"id": "s", "text": "Lone \\ud800 surrogate."}', "surrogate"),
    "surrogate_title": ('{"title": "T \\udfff", "text": "Fine text."}', "surrogate"),
    "surrogate_meta": ('{"text": "Fine text two.", "meta": {"k\\ud800": 1}}', "surrogate"),
    "text_number": ('{"id": "n", "text": 17}', '"text" must be a string'),
    "text_null": ('{"id": "z", "text": null}', '"text" must be a string'),
    "truncated": ('{"id": "t", "text": "Cut off in the mid', "not valid JSON"),
    "deep_meta": ('{"text": "Deep meta.", "meta": ' + '{"a":' * 5000 + "1" + "}" * 5001, "nested"),
}


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_jsonl_line_is_reported_and_good_lines_imported(
    store: Store, tmp_path: Path, case: str
) -> None:
    bad, reason = BAD_LINES[case]
    path = tmp_path / "batch.jsonl"
    # The bad line sits in the middle of one import batch.
    path.write_text("\n".join([_good(1), _good(2), bad, _good(4)]) + "\n", encoding="utf-8")
    report = import_paths(store, [path], batch_size=32)
    assert [(p.path, p.line) for p in report.problems] == [(str(path), 3)]
    assert reason in report.problems[0].problem
    assert sorted(store.document(i).ext_id for i in report.imported) == [
        "good-1",
        "good-2",
        "good-4",
    ]


def test_all_bad_lines_in_one_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = []
    for n, (bad, _) in enumerate(BAD_LINES.values()):
        lines += [_good(2 * n), bad]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(store, [path])
    assert [p.line for p in report.problems] == list(range(2, 2 * len(BAD_LINES) + 1, 2))
    assert len(report.imported) == len(BAD_LINES)


def test_cli_import_reports_bad_lines_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join([_good(1), BAD_LINES["deep"][0], BAD_LINES["surrogate"][0], _good(4)]) + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "p.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "import", str(db), str(path), "--no-extract"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert f"{path}, line 2:" in done.stdout
    assert f"{path}, line 3:" in done.stdout
    assert "2 imported" in done.stdout


# ---- folders --------------------------------------------------------------------------


def test_folder_with_link_loops_and_a_fifo_is_reported_not_fatal(
    store: Store, tmp_path: Path
) -> None:
    root = tmp_path / "articles"
    root.mkdir()
    (root / "a.txt").write_text("Alpha article about Idleb.", encoding="utf-8")
    (root / "z.txt").write_text("Zulu article about Sochi.", encoding="utf-8")
    (root / "loop").symlink_to(root, target_is_directory=True)  # a folder that contains itself
    (root / "x.txt").symlink_to(root / "y.txt")  # two links that point at each other
    (root / "y.txt").symlink_to(root / "x.txt")
    os.mkfifo(root / "pipe.txt")
    report = import_paths(store, [root])
    assert sorted(store.document(i).title for i in report.imported) == [
        "Alpha article about Idleb.",
        "Zulu article about Sochi.",
    ]
    problems = {Path(p.path).name: p.problem for p in report.problems}
    assert set(problems) == {"loop", "x.txt", "y.txt", "pipe.txt"}
    assert "link" in problems["loop"]
    assert "loop" in problems["x.txt"]
    assert "pipe" in problems["pipe.txt"]


# The import runs in a child process. As root (as CI runs), the child drops the two
# capabilities that let root read any file, so that mode 000 really means unreadable.
_IMPORT = """
import sys
from idleb_desk.io.importer import import_paths
from idleb_desk.store.store import Store
with Store.open(sys.argv[1]) as store:
    report = import_paths(store, [sys.argv[2]])
for p in report.problems:
    print("problem", p.path, "|", p.problem)
print("imported", len(report.imported))
"""
_DROP_DAC = [
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


def _unprivileged() -> list[str]:
    if os.getuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads mode-000 files anyway")
    return [setpriv, *_DROP_DAC]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_unreadable_file_and_folder_in_a_folder_are_reported(tmp_path: Path) -> None:
    prefix = _unprivileged()
    folder = tmp_path / "articles"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "inner.txt").write_text("Inner text.", encoding="utf-8")
    (folder / "ok.txt").write_text("Readable article.", encoding="utf-8")
    (folder / "secret.txt").write_text("Unreadable article.", encoding="utf-8")
    (folder / "secret.txt").chmod(0)
    (folder / "locked").chmod(0)
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", _IMPORT, str(tmp_path / "p.sqlite3"), str(folder)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        (folder / "locked").chmod(0o755)
        (folder / "secret.txt").chmod(0o644)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "imported 1"
    problems = sorted(line.split(" | ")[0].rsplit("/", 1)[-1] for line in lines[:-1])
    assert problems == ["locked", "secret.txt"]
    assert done.stdout.count("Permission denied") == 2


# ---- U+FEFF at the start of a text ----------------------------------------------------


def test_one_leading_bom_is_stripped_from_jsonl_and_html_text(store: Store, tmp_path: Path) -> None:
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_text(
        json.dumps({"id": "j", "text": "\ufeffRussia said no."})
        + "\n"
        + json.dumps({"id": "k", "text": "\ufeff\ufeffTwo marks, one goes."})
        + "\n",
        encoding="utf-8",
    )
    html = tmp_path / "bom.html"
    html.write_text("<html><body><p>&#xFEFF;Moscow replied.</p></body></html>", encoding="utf-8")
    report = import_paths(store, [jsonl, html])
    assert report.problems == []
    texts = sorted(store.document(i).text for i in report.imported)
    assert texts == ["Moscow replied.", "Russia said no.", "\ufeffTwo marks, one goes."]


# ---- Markdown front matter, encodings and mojibake -------------------------------------

FRONT = """---
title: "Ministers demand an end to the Idleb offensive"
date: 2019-05-20
tags: [syria, eu]
source:
  name: Wire
---

# A heading in the body

EU ministers said the offensive must stop.
"""


def test_markdown_front_matter_goes_to_meta_and_title(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_text(FRONT, encoding="utf-8")
    report = import_paths(store, [path])
    assert report.problems == []
    doc = store.document(report.imported[0])
    assert doc.title == "Ministers demand an end to the Idleb offensive"
    assert doc.text == "# A heading in the body\n\nEU ministers said the offensive must stop.\n"
    assert doc.meta == {
        "title": "Ministers demand an end to the Idleb offensive",
        "date": "2019-05-20",
        "tags": ["syria", "eu"],
        "source": {"name": "Wire"},
    }


@pytest.mark.parametrize(
    ("head", "why"),
    [
        ("---\n: : [unclosed\n---\n", "not valid YAML"),
        ("---\n- just\n- a list\n---\n", "not a YAML mapping"),
        ("---\na: &x [1, 2]\nb: *x\n---\n", "aliases"),
    ],
)
def test_bad_front_matter_stays_in_the_text_with_a_warning(
    store: Store, tmp_path: Path, head: str, why: str
) -> None:
    path = tmp_path / "odd.md"
    path.write_text(head + "Body text here.\n", encoding="utf-8")
    report = import_paths(store, [path])
    assert report.problems == []
    assert store.document(report.imported[0]).text.startswith("---\n")
    assert why in report.warnings[str(path)][0]


def test_encodings_and_suspect_text_are_reported_per_file(store: Store, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("Lavrov said the café was shut.", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le Drian a parlé à Moscou.".encode("cp1252"))
    moji = tmp_path / "moji.txt"  # UTF-8 read as cp1252 once, then saved as UTF-8
    moji.write_text("Le Drian a parlé à Moscou, itâ€™s said.".encode().decode("cp1252"), "utf-8")
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("Erdo\ufffdan said no.", encoding="utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        json.dumps({"id": "a", "text": "Clean line."})
        + "\n"
        + json.dumps({"id": "b", "text": "Ã‡avuÅŸoÄŸlu said."})
        + "\n",
        encoding="utf-8",
    )
    report = import_paths(store, [clean, latin, moji, damaged, lines])
    assert report.problems == []
    by_file = {Path(line.split(": ")[1]).name: line for line in report.file_lines()}
    assert by_file["clean.txt"].endswith(": utf-8")
    assert "cp1252" in by_file["latin.txt"] and "WARNING" in by_file["latin.txt"]
    assert "mojibake" in by_file["moji.txt"] and '"Ã©" reads "é"' in by_file["moji.txt"]
    assert "replacement character" in by_file["damaged.txt"]
    assert "line 2: looks like mojibake" in by_file["lines.jsonl"]
    assert "WARNING" not in by_file["clean.txt"]


def test_cli_import_prints_each_file_and_its_encoding(tmp_path: Path) -> None:
    moji = tmp_path / "moji.txt"
    moji.write_text("CafÃ© owners said the market was shut.", encoding="utf-8")
    plain = tmp_path / "plain.md"
    plain.write_text(FRONT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "import", str(tmp_path / "p.sqlite3")]
        + [str(moji), str(plain), "--no-extract"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"file: {moji}: utf-8; WARNING: looks like mojibake" in done.stdout
    assert f"file: {plain}: utf-8\n" in done.stdout


def test_cli_extract_reads_files_as_import_does(tmp_path: Path) -> None:
    """`extract` offsets index the same text `import` stores (front matter and markup out)."""
    md = tmp_path / "front.md"
    md.write_text(FRONT, encoding="utf-8")
    html = tmp_path / "page.html"
    html.write_text(
        "<html><head><title>T</title></head><body><p>Lavrov said the talks failed.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "extract", str(md), str(html)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    db = tmp_path / "p.sqlite3"
    with Store.open(db) as store:
        report = import_paths(store, [md, html])
        stored = {
            Path(store.document(i).path).name: store.document(i).text for i in report.imported
        }
    assert [Path(r["path"]).name for r in records] == ["front.md", "page.html"]
    for rec in records:
        text = stored[Path(rec["path"]).name]
        assert rec["actors"], rec
        for actor in rec["actors"]:
            assert text[actor["start"] : actor["end"]] == actor["text"]
