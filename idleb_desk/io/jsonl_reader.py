"""Reading JSONL input (`{"id", "title", "text", "meta"}` a line), one line at a time.

Every line is judged on its own: a line that is not valid JSON, nests too deeply, holds a
number too long for Python, a lone surrogate (not Unicode, so it cannot be stored), or
fields of the wrong type becomes a `Problem` with its line number and reason, and every
other line of the file is still read. All checks happen here, before anything is written,
so one bad line can never take the good lines of its import batch down with it.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from idleb_desk.io import json_values
from idleb_desk.io.annotation_fields import check_annotation_fields
from idleb_desk.io.encoding import UTF8, UTF8_SIG, text_warning
from idleb_desk.io.errors import ImportProblem, Problem
from idleb_desk.io.fields import FieldError, LongNumber, kind_of
from idleb_desk.io.source import ReadItem, SourceDoc, first_line_title, strip_bom

# Deeper than this, "meta" is not metadata; it also keeps json.dumps (recursive) far from
# Python's recursion limit when the document is stored.
MAX_META_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_problem(field: str, value: str) -> str | None:
    m = _SURROGATE.search(value)
    if m is None:
        return None
    return (
        f'"{field}" contains a lone surrogate \\u{ord(m.group()):04x} at character '
        f"{m.start() + 1}, which is not Unicode text (a damaged export?)"
    )


def _meta_problem(meta: dict[str, Any]) -> str | None:
    """Too deep, a number too long to store, or a key or string with a lone surrogate;
    walked without recursion."""
    stack: list[tuple[Any, int]] = [(meta, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_META_DEPTH:
            return f'"meta" is nested too deeply (more than {MAX_META_DEPTH} levels)'
        if isinstance(value, dict):
            for key, item in value.items():
                if (why := _surrogate_problem("meta", key)) is not None:
                    return why
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and (why := _surrogate_problem("meta", value)) is not None:
            return why
        elif isinstance(value, LongNumber):
            return f'"meta" holds {kind_of(value)}'
    return None


def parse_line(line: str) -> object:
    """json.loads, with every way a line can fail turned into ValueError with a reason.

    An integer too long for Python is read as a `LongNumber`, refused by the field checks
    wherever it stands in a field that is used (see `idleb_desk.io.json_values`)."""
    try:
        return json_values.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON ({exc.msg}, column {exc.colno})") from None
    except RecursionError:
        raise ValueError(json_values.nesting_message()) from None


def jsonl_line_to_doc(obj: object, path: str, line: int, encoding: str) -> SourceDoc:
    """Validate one parsed JSONL value; raises ImportProblem naming what is wrong."""
    if not isinstance(obj, dict):
        raise ImportProblem(
            path,
            f'must be a JSON object like {{"id", "title", "text", "meta"}}, found {kind_of(obj)}',
            line,
        )
    if "text" not in obj:
        raise ImportProblem(path, 'has no "text" field', line)
    text = obj["text"]
    if not isinstance(text, str):
        raise ImportProblem(path, f'"text" must be a string, found {kind_of(text)}', line)
    annotations = obj.get("annotations")
    if annotations is not None and not isinstance(annotations, dict):
        raise ImportProblem(
            path, f'"annotations" must be an object, found {kind_of(annotations)}', line
        )
    if annotations is not None:
        try:
            check_annotation_fields(annotations)
        except FieldError as exc:
            raise ImportProblem(
                path, f"has annotations that cannot be restored: {exc}", line
            ) from None
    if annotations is None:
        # Our own export (with annotations) keeps its text exactly: the offsets count it.
        text = strip_bom(text)
    if not text.strip():
        raise ImportProblem(path, '"text" is empty', line)
    if "\x00" in text:
        raise ImportProblem(path, '"text" contains NUL characters (binary data?)', line)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise ImportProblem(path, f'"meta" must be an object, found {kind_of(meta)}', line)
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise ImportProblem(path, f'"title" must be a string, found {kind_of(title)}', line)
    ext_id = obj.get("id")
    if ext_id is None or ext_id == "":
        ext_id = f"{Path(path).stem}-{line}"
    elif isinstance(ext_id, (str, int)) and not isinstance(ext_id, bool):
        ext_id = str(ext_id)
    else:
        raise ImportProblem(
            path, f'"id" must be a string or a number, found {kind_of(ext_id)}', line
        )
    for name, value in (("text", text), ("title", title or ""), ("id", ext_id)):
        if (why := _surrogate_problem(name, value)) is not None:
            raise ImportProblem(path, why, line)
    if (why := _meta_problem(meta)) is not None:
        raise ImportProblem(path, why, line)
    return SourceDoc(
        ext_id=ext_id,
        title=title or first_line_title(text) or ext_id,
        text=text,
        path=path,
        encoding=encoding,
        meta=meta,
        annotations=annotations,
        line=line,
        warning=text_warning(text, encoding),
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
                obj = parse_line(line)
            except ValueError as exc:
                yield Problem(name, str(exc), n)
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
