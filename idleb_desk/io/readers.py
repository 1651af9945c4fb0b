"""Readers for article files: .txt, .md, .html/.htm, JSONL, and folders of them.

Readers are generators: they yield one `SourceDoc` (or one `Problem`) at a time, so an
import of a 10 GB JSONL file or of a folder of 100,000 articles never holds more than one
text. A bad file or line becomes a `Problem` and the rest goes on.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from idleb_desk.io.encoding import UTF8, UTF8_SIG, decode_bytes
from idleb_desk.io.errors import ImportProblem, Problem
from idleb_desk.io.html_main import page_text
from idleb_desk.io.html_text import MAX_TITLE, html_to_text  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)

TEXT_EXTS = (".txt", ".md")
HTML_EXTS = (".html", ".htm")
JSONL_EXTS = (".jsonl",)
# Other tools' annotation files (idleb_desk.io.formats); a brat .ann is read with its .txt,
# so a folder walk takes the .txt and leaves the .ann to it.
FORMAT_EXTS = (".spacy", ".json")
SUPPORTED_EXTS = TEXT_EXTS + HTML_EXTS + JSONL_EXTS + FORMAT_EXTS + (".ann",)
WALK_EXTS = TEXT_EXTS + HTML_EXTS + JSONL_EXTS + FORMAT_EXTS
# What `idleb-desk extract` reads as article text (annotation files are import-only).
SUPPORTED = TEXT_EXTS + HTML_EXTS + JSONL_EXTS
# A single article beyond this is almost surely not an article (a dump, a log): refuse it
# rather than load it whole. JSONL is streamed line by line, so it has no such limit.
MAX_FILE_BYTES = 64 * 1024 * 1024

_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")


@dataclass
class SourceDoc:
    """One document read from input, ready to store. `text` is exactly as decoded."""

    ext_id: str
    title: str
    text: str
    path: str
    encoding: str
    meta: dict[str, Any] = field(default_factory=dict)
    # Set only for lines of our own JSONL export: the annotations to restore verbatim.
    annotations: dict[str, Any] | None = None
    line: int | None = None


ReadItem = SourceDoc | Problem


def _supported_list() -> str:
    return ", ".join(SUPPORTED_EXTS)


# A first line longer than this is the article's first paragraph, not its headline.
HEADLINE_MAX = 120


def first_line_title(text: str) -> str:
    """The first line when it reads as a headline, else "" (the caller falls back)."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= HEADLINE_MAX else ""
    return ""


def markdown_title(text: str) -> str:
    """The first ATX (`# Title`) or setext (`Title` over `====`) heading, else the first line."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _ATX_HEADING.match(line)
        if m and m.group(1).strip():
            return " ".join(m.group(1).split())[:MAX_TITLE]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and _SETEXT_UNDERLINE.match(nxt) and not _ATX_HEADING.match(line):
            return " ".join(line.split())[:MAX_TITLE]
    return first_line_title(text)


# ---- locating files -------------------------------------------------------------------


def _check_file(path: Path) -> None:
    """Raise ImportProblem unless `path` is a readable regular file of a supported type."""
    name = str(path)
    if not path.exists():
        if path.is_symlink():
            raise ImportProblem(
                name, f"is a broken link: its target {os.readlink(path)!r} does not exist"
            )
        raise ImportProblem(name, "does not exist")
    if path.is_dir():
        raise ImportProblem(name, "is a folder, not a file")
    if not path.is_file():
        raise ImportProblem(name, "is not a regular file (a device, pipe or socket)")
    ext = path.suffix.lower()
    if not ext:
        raise ImportProblem(name, f"has no file extension; supported types: {_supported_list()}")
    if ext not in SUPPORTED_EXTS:
        raise ImportProblem(
            name, f"has an unsupported type {ext!r}; supported types: {_supported_list()}"
        )


def _walk(folder: Path) -> Iterator[Path]:
    """Supported files under `folder` in path order (a/x, b/y, c), hidden names skipped.

    Entries are sorted by name with files and subfolders interleaved, as a file manager
    shows them. Linked folders are not followed, so a link loop cannot recurse forever.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        log.warning("cannot list %s: %s", folder, exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif Path(entry.name).suffix.lower() in WALK_EXTS and entry.is_file():
            yield Path(entry.path)


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path | Problem]:
    """Expand folders into their supported files; a path that cannot be read is a Problem.

    Only paths are produced, so a caller can count them up front for progress.
    """
    pairs: set[Path] = set()  # brat .txt + .ann pairs already listed
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() in (".ann", ".txt") and path.with_suffix(".ann").is_file():
            # A brat pair is read through its text, once, whichever of the two is given.
            if path.with_suffix(".txt").is_file():
                path = path.with_suffix(".txt")
            if path in pairs:
                continue
            pairs.add(path)
        if path.is_dir():
            found = False
            for file in _walk(path):
                found = True
                yield file
            if not found:
                yield Problem(
                    str(path),
                    f"is a folder with no supported files (looked for {_supported_list()}, "
                    "in subfolders too)",
                )
            continue
        try:
            _check_file(path)
        except ImportProblem as exc:
            yield exc.to_problem()
            continue
        yield path


# ---- reading one file -----------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportProblem(
                name,
                f"is too large for one article ({size / 1e6:.0f} MB, the limit is "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB); split it or use JSONL",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(name, f"cannot be read ({exc.strerror or exc})") from exc
    if not data:
        raise ImportProblem(name, "is empty (0 bytes)")
    return data


def _read_text_file(path: Path) -> SourceDoc:
    name = str(path)
    text, encoding = decode_bytes(_read_bytes(path), name)
    if not text.strip():
        raise ImportProblem(name, "contains only whitespace, no text")
    is_md = path.suffix.lower() == ".md"
    title = markdown_title(text) if is_md else first_line_title(text)
    return SourceDoc(path.stem, title or path.stem, text, name, encoding)


def _read_html_file(path: Path) -> SourceDoc:
    name = str(path)
    markup, encoding = decode_bytes(_read_bytes(path), name)
    page = page_text(markup)  # the article; all visible text when none is found
    text, title = page.text, page.title
    if not text.strip():
        raise ImportProblem(name, "is an HTML page with no text (only markup, scripts or styles)")
    return SourceDoc(path.stem, title or first_line_title(text) or path.stem, text, name, encoding)


def read_file(path: Path | str, fmt: str = "auto", accepted: bool = False) -> Iterator[ReadItem]:
    """Documents in one file (one, or one per JSONL line) and the problems met.

    `fmt` names an exchange format (`idleb_desk.io.formats.IMPORT_FORMATS`; "auto" tells
    by extension and content); `accepted` imports their annotations as accepted.
    """
    from idleb_desk.io import formats  # late: the format readers use this module

    path = Path(path)
    try:
        _check_file(path)
        ext = path.suffix.lower()
        foreign = formats.reader_for(path, fmt, accepted)
        if foreign is not None:
            yield from foreign()
        elif ext in JSONL_EXTS:
            yield from read_jsonl(path, formats.jsonl_converter(fmt, accepted))
        elif ext in HTML_EXTS:
            yield _read_html_file(path)
        else:
            yield _read_text_file(path)
    except ImportProblem as exc:
        yield exc.to_problem()


def read_paths(paths: Iterable[Path | str]) -> Iterator[ReadItem]:
    """Everything in `paths` (files and folders), one document or problem at a time."""
    for item in iter_files(paths):
        if isinstance(item, Problem):
            yield item
        else:
            yield from read_file(item)


# ---- JSONL ----------------------------------------------------------------------------


_KINDS = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return _KINDS.get(type(value), "a number" if isinstance(value, (int, float)) else "?")


def jsonl_line_to_doc(obj: object, path: str, line: int, encoding: str) -> SourceDoc:
    """Validate one parsed JSONL value; raises ImportProblem naming what is wrong."""
    if not isinstance(obj, dict):
        raise ImportProblem(
            path,
            f'must be a JSON object like {{"id", "title", "text", "meta"}}, found {_kind(obj)}',
            line,
        )
    if "text" not in obj:
        raise ImportProblem(path, 'has no "text" field', line)
    text = obj["text"]
    if not isinstance(text, str):
        raise ImportProblem(path, f'"text" must be a string, found {_kind(text)}', line)
    if not text.strip():
        raise ImportProblem(path, '"text" is empty', line)
    if "\x00" in text:
        raise ImportProblem(path, '"text" contains NUL characters (binary data?)', line)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise ImportProblem(path, f'"meta" must be an object, found {_kind(meta)}', line)
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise ImportProblem(path, f'"title" must be a string, found {_kind(title)}', line)
    ext_id = obj.get("id")
    if ext_id is None or ext_id == "":
        ext_id = f"{Path(path).stem}-{line}"
    elif isinstance(ext_id, (str, int)) and not isinstance(ext_id, bool):
        ext_id = str(ext_id)
    else:
        raise ImportProblem(path, f'"id" must be a string or a number, found {_kind(ext_id)}', line)
    annotations = obj.get("annotations")
    if annotations is not None and not isinstance(annotations, dict):
        raise ImportProblem(
            path, f'"annotations" must be an object, found {_kind(annotations)}', line
        )
    return SourceDoc(
        ext_id=ext_id,
        title=title or first_line_title(text) or ext_id,
        text=text,
        path=path,
        encoding=encoding,
        meta=meta,
        annotations=annotations,
        line=line,
    )


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str | ImportProblem, str]]:
    """(line number, decoded line or problem, encoding), streaming the file."""
    name = str(path)
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Rare; a decoding error stops the file here, since UTF-16 cannot resync by line.
            wrapper = io.TextIOWrapper(fh, encoding="utf-16", newline="")
            try:
                for n, text in enumerate(wrapper, 1):
                    yield n, text, "utf-16"
            except UnicodeDecodeError as exc:
                yield 0, ImportProblem(name, f"is not valid UTF-16 ({exc.reason})"), "utf-16"
            return
        encoding = UTF8_SIG if head.startswith(codecs.BOM_UTF8) else UTF8
        for n, raw in enumerate(fh, 1):
            if n == 1 and encoding == UTF8_SIG:
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield n, raw.decode(UTF8), encoding
            except UnicodeDecodeError as exc:
                yield (
                    n,
                    ImportProblem(
                        name,
                        f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                        f"{exc.start + 1}); JSONL files must be UTF-8",
                        n,
                    ),
                    encoding,
                )


def read_jsonl(path: Path, convert: Callable[[object], object] | None = None) -> Iterator[ReadItem]:
    """Each line of a JSONL file; `convert` may turn a parsed line into our own shape
    first (Prodigy tasks, see idleb_desk.io.formats.prodigy), raising ValueError."""
    name = str(path)
    any_line = False
    try:
        for n, line, encoding in _jsonl_lines(path):
            if isinstance(line, ImportProblem):
                any_line = True
                yield line.to_problem()
                continue
            if not line.strip():
                continue
            any_line = True
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Problem(name, f"is not valid JSON ({exc.msg}, column {exc.colno})", n)
                continue
            if convert is not None:
                try:
                    obj = convert(obj)
                except ValueError as exc:
                    yield Problem(name, str(exc), n)
                    continue
            try:
                yield jsonl_line_to_doc(obj, name, n, encoding)
            except ImportProblem as exc:
                yield exc.to_problem()
    except OSError as exc:
        yield Problem(name, f"cannot be read ({exc.strerror or exc})")
        return
    if not any_line:
        yield Problem(name, "is empty (no JSON lines)")


def iter_jsonl(
    path: Path, problems: Callable[[ImportProblem], None] | None = None
) -> Iterator[SourceDoc]:
    """The documents of one JSONL file; each bad line goes to `problems` (used by the CLI)."""
    for item in read_jsonl(Path(path)):
        if isinstance(item, SourceDoc):
            yield item
        elif problems is not None:
            problems(ImportProblem(item.path, item.problem, item.line))
