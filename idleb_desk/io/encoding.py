"""Decode an input file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, cp1252.

Offsets are code points into the decoded text, so the decoding must be deterministic and
the BOM must be gone before the text is stored. Binary files (images, PDFs, Word files)
are refused here rather than stored as mojibake that nobody can annotate.
"""

from __future__ import annotations

import codecs
import logging
import re

from idleb_desk.io.errors import ImportProblem

log = logging.getLogger(__name__)

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
UTF16_LE = "utf-16-le"
UTF16_BE = "utf-16-be"
UTF32_LE = "utf-32-le"
UTF32_BE = "utf-32-be"
CP1252 = "cp1252"

# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, UTF32_LE),
    (codecs.BOM_UTF32_BE, UTF32_BE),
    (codecs.BOM_UTF8, UTF8_SIG),
    (codecs.BOM_UTF16_LE, UTF16_LE),
    (codecs.BOM_UTF16_BE, UTF16_BE),
)

# Control characters that real articles contain; every other C0/C1 control is a sign of
# a binary file that happened to decode.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
MAX_CONTROL_RATIO = 0.05
# Look at this many characters for the control ratio: enough to judge, cheap for big files.
_SAMPLE = 65536


def _binary(path: str, why: str) -> ImportProblem:
    return ImportProblem(
        path, f"looks like a binary file, not text ({why}); convert it to .txt or .html first"
    )


def _control_ratio(text: str) -> float:
    sample = text[:_SAMPLE]
    if not sample:
        return 0.0
    bad = sum(
        1 for ch in sample if (ch < " " or "\x7f" <= ch <= "\x9f") and ch not in _ALLOWED_CONTROLS
    )
    return bad / len(sample)


def _check_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise _binary(path, "it contains NUL characters")
    ratio = _control_ratio(text)
    if ratio > MAX_CONTROL_RATIO:
        raise _binary(path, f"{ratio:.0%} of its characters are control characters")


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode a file's bytes; returns (text without BOM, encoding name used).

    Order: a BOM decides; else strict UTF-8; else cp1252 (the usual encoding of old
    Windows-made articles). Raises ImportProblem for binary or undecodable data.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            width = 4 if name.startswith("utf-32") else 2 if name.startswith("utf-16") else 1
            if len(body) % width:
                raise ImportProblem(
                    path,
                    f"is not valid {name.upper()}: it has a {name.upper()} byte order mark "
                    f"but an odd number of bytes ({len(data)}); the file is truncated or "
                    "damaged",
                )
            try:
                text = body.decode(name)
            except UnicodeDecodeError as exc:
                raise ImportProblem(
                    path,
                    f"is not valid {name.upper()} despite its byte order mark "
                    f"({exc.reason} at byte {exc.start + len(bom)})",
                ) from exc
            _check_text(text, path)
            return text, name
    if b"\x00" in data:
        # Without a BOM, NUL bytes mean binary; we do not guess BOM-less UTF-16.
        raise _binary(path, "it contains NUL bytes and no UTF-16 byte order mark")
    try:
        text = data.decode(UTF8)
        encoding = UTF8
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode(CP1252)
        except UnicodeDecodeError as exc:
            bad = data[exc.start]
            raise ImportProblem(
                path,
                "cannot be decoded: it is not UTF-8 (invalid byte "
                f"0x{data[utf8_error.start]:02x} at offset {utf8_error.start}), and not "
                f"Windows-1252 either (byte 0x{bad:02x} at offset {exc.start} is undefined)."
                " Save it as UTF-8 and import it again",
            ) from exc
        encoding = CP1252
        log.info("%s: not UTF-8, decoded as Windows-1252", path)
    _check_text(text, path)
    return text, encoding


# UTF-8 bytes of a non-ASCII character read one byte at a time as Windows-1252 (or
# Latin-1): a lead byte (Â..ô) then continuation bytes (0x80..0xBF, which cp1252 shows as
# these characters). "é" becomes "Ã©", "’" becomes "â€™".
_CP1252_CONTINUATION = bytes(range(0x80, 0xC0)).decode(CP1252, errors="ignore")
_MOJIBAKE = re.compile("[\u00c2-\u00f4][" + re.escape(_CP1252_CONTINUATION) + "\u0080-\u00bf]{1,3}")


def _mojibake(text: str) -> tuple[int, str]:
    """How many places read as UTF-8 that was decoded as cp1252, and the first of them."""
    count, first = 0, ""
    for m in _MOJIBAKE.finditer(text):
        lead = ord(m.group()[0])
        # The lead byte says how many continuation bytes its character has.
        raw = m.group()[: 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4]
        try:
            fixed = raw.encode(CP1252).decode(UTF8)
        except UnicodeError:
            try:
                fixed = raw.encode("latin-1").decode(UTF8)
            except UnicodeError:
                continue
        count += 1
        if not first:
            first = f'"{raw}" reads "{fixed}"'
    return count, first


def text_warning(text: str, encoding: str) -> str:
    """Why a decoded text may not be what its author wrote, or "" when it looks right.

    A strict decoder never adds U+FFFD, so replacement characters were in the file
    already (a damaged conversion); UTF-8 bytes shown as cp1252 characters ("Ã©" for
    "é") mean the text was decoded with the wrong encoding and saved again.
    """
    notes = []
    if encoding == CP1252:
        notes.append("not valid UTF-8, read as Windows-1252 (a guess)")
    replaced = text.count("\ufffd")
    if replaced:
        notes.append(
            f"{replaced} replacement character{'s' if replaced > 1 else ''} (U+FFFD): "
            "text was lost before this file was written"
        )
    count, first = _mojibake(text)
    if count:
        notes.append(
            f"looks like mojibake, UTF-8 read as Windows-1252 in {count} "
            f"place{'s' if count > 1 else ''} ({first})"
        )
    return "; ".join(notes)
