"""A catalogue of bad input: each is refused with a message naming the file and the problem.

Every case goes through `import_paths`, as the GUI and the CLI do. A bad JSONL line is
reported with its line number while the good lines of the same file are imported.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from idleb_desk.io.errors import ImportProblem
from idleb_desk.io.importer import import_paths
from idleb_desk.io.readers import read_file
from idleb_desk.store.store import Store

GOOD = json.dumps({"id": "ok", "text": "A good line that imports."})


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]  # builds the input in tmp_path, returns the path to import
    says: tuple[str, ...]  # fragments the message must contain (besides the path)
    line: int | None = None  # the JSONL line reported
    imported: int = 0  # documents that still import from the same input


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    return make


def _jsonl(*lines: str | bytes) -> Callable[[Path], Path]:
    raw = b"".join((x if isinstance(x, bytes) else x.encode("utf-8")) + b"\n" for x in lines)
    return _write("batch.jsonl", raw)


def _missing(tmp: Path) -> Path:
    return tmp / "nowhere.txt"


def _broken_link(tmp: Path) -> Path:
    link = tmp / "link.txt"
    os.symlink(tmp / "gone.txt", link)
    return link


def _empty_folder(tmp: Path) -> Path:
    folder = tmp / "folder"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    return folder


def _dir_named_like_file(tmp: Path) -> Path:
    folder = tmp / "article.txt"
    folder.mkdir()
    return folder


CASES = [
    Case(
        "binary file",
        _write("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("binary", "NUL"),
    ),
    Case(
        "control characters",
        _write("weird.txt", bytes(range(1, 9)) * 20 + b"some text"),
        ("binary", "control characters"),
    ),
    Case("empty file", _write("empty.txt", b""), ("is empty",)),
    Case("whitespace only", _write("blank.md", b" \n\t\r\n  "), ("only whitespace",)),
    Case("missing file", _missing, ("does not exist",)),
    Case("broken symlink", _broken_link, ("broken link", "gone.txt")),
    Case("unsupported extension", _write("report.pdf", b"%PDF-1.4"), ("unsupported type '.pdf'",)),
    Case("no extension", _write("README", b"text"), ("no file extension",)),
    Case(
        "undecodable garbage",
        _write("garbage.txt", b"caf\xe9 \x81\x8d\x8f\x90\x9d end"),
        ("cannot be decoded", "not UTF-8", "Windows-1252"),
    ),
    Case(
        "invalid UTF-16 (odd length)",
        _write("odd.txt", codecs.BOM_UTF16_LE + "hello".encode("utf-16-le") + b"x"),
        ("not valid UTF-16-LE", "odd number of bytes"),
    ),
    Case(
        "invalid UTF-16 (lone surrogate)",
        _write("surrogate.txt", codecs.BOM_UTF16_BE + b"\x00h\xd8\x00\x00i"),
        ("not valid UTF-16-BE",),
    ),
    Case(
        "HTML with no text",
        _write("empty.html", b"<html><head><script>x()</script></head><body> </body></html>"),
        ("HTML page with no text",),
    ),
    Case("folder with no supported files", _empty_folder, ("folder with no supported files",)),
    Case("directory passed as file", _dir_named_like_file, ("is a folder",)),
    Case("malformed JSONL line", _jsonl(GOOD, '{"id": 1, "text": '), ("not valid JSON",), 2, 1),
    Case("JSONL line missing text", _jsonl('{"id": "x"}', GOOD), ('no "text" field',), 1, 1),
    Case(
        "JSONL text not a string",
        _jsonl(GOOD, '{"text": 42}'),
        ('"text" must be a string', "number"),
        2,
        1,
    ),
    Case("JSONL empty text", _jsonl(GOOD, '{"text": "  "}'), ('"text" is empty',), 2, 1),
    Case("JSONL line is a list", _jsonl("[1, 2]", GOOD), ("must be a JSON object", "a list"), 1, 1),
    Case(
        "JSONL meta not an object",
        _jsonl(GOOD, '{"text": "t", "meta": [1]}'),
        ('"meta" must be an object',),
        2,
        1,
    ),
    Case(
        "JSONL bad UTF-8 line",
        _jsonl(GOOD, b'{"text": "caf\xe9"}'),
        ("not valid UTF-8", "0xe9"),
        2,
        1,
    ),
    Case("JSONL with no lines", _jsonl("", "  "), ("no JSON lines",)),
    Case(
        "JSONL annotations pointing nowhere",
        _jsonl(
            GOOD,
            json.dumps(
                {
                    "text": "Ann said so.",
                    "annotations": {"spans": [], "claims": [{"content": 9, "kind": "statement"}]},
                }
            ),
        ),
        ("cannot be restored", "span 9"),
        2,
        1,
    ),
    Case(
        "JSONL span text mismatch",
        _jsonl(
            json.dumps(
                {
                    "text": "Ann said so.",
                    "annotations": {
                        "spans": [
                            {
                                "id": 1,
                                "start": 0,
                                "end": 3,
                                "text": "Bob",
                                "label": "PERSON",
                                "layer": "actor",
                                "status": "accepted",
                                "origin": "x",
                            }
                        ]
                    },
                }
            )  # fmt: skip
        ),
        ("cannot be restored", "'Bob'", "'Ann'"),
        1,
    ),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "project.idleb")
    yield s
    s.close()


def test_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported(case: Case, store: Store, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    report = import_paths(store, [path])
    assert len(report.problems) == 1, report.problems
    [problem] = report.problems
    assert problem.path == str(path)
    assert problem.line == case.line
    message = problem.message
    assert message.startswith(str(path))  # the file is named first
    for fragment in case.says:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    if case.line is not None:
        assert f"line {case.line}" in message
    assert len(report.imported) == case.imported
    assert store.document_count() == case.imported


def test_duplicate_text_is_skipped_and_named(store: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.md"
    first.write_text("Identical article.", encoding="utf-8")
    second.write_text("Identical article.", encoding="utf-8")
    report = import_paths(store, [first, second])
    assert report.problems == [] and len(report.imported) == 1
    [dup] = report.duplicates
    assert dup.message.startswith(str(second))
    assert f"already document {report.imported[0]}" in dup.message


def test_read_file_refuses_a_folder(tmp_path: Path) -> None:
    [problem] = list(read_file(tmp_path))
    assert problem.message == f"{tmp_path}: is a folder, not a file"


def test_import_problem_exception_names_file_and_line() -> None:
    exc = ImportProblem("a.jsonl", "is bad", 3)
    assert str(exc) == "a.jsonl, line 3: is bad"
    assert exc.to_problem().message == str(exc)


def test_one_bad_file_does_not_stop_the_rest(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Fine one.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "c.txt").write_text("Fine two.", encoding="utf-8")
    report = import_paths(store, [tmp_path])
    assert len(report.imported) == 2
    assert [p.path for p in report.problems] == [str(tmp_path / "b.txt")]
