"""Declarative type checks for the records a reader gets from a file.

A record from JSON can hold anything where a span id or a list of addressees belongs; a
reader that trusts the shape ends in a TypeError half-way through a write, and the good
records of the same batch go with it. So each format states the shape of its records once
(`Obj`, `ListOf`, `Opt`, …) and `check` raises `FieldError` naming the first field that is
wrong, before anything is written. Only the fields a reader uses are described: other keys
are the file's own business and pass untouched.

Numbers too long for Python (`LongNumber`, see `idleb_desk.io.json_values`) are never a
valid value, so a 5,000-digit offset is a bad record, not a crash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


class FieldError(ValueError):
    """A record with a field of the wrong type; the message names the field."""


@dataclass(frozen=True)
class LongNumber:
    """A JSON integer with more digits than Python reads (`sys.get_int_max_str_digits`)."""

    digits: int


def kind_of(value: object) -> str:
    """How a value reads in a message: "a list", "a number of 5,000 digits", …"""
    if value is None:
        return "null"
    if isinstance(value, LongNumber):
        return f"a number of {value.digits:,} digits, too long to read"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _at(where: str, key: str) -> str:
    return f'{where} "{key}"' if where else f'"{key}"'


class Spec:
    """One field's shape. `expected` says it in words; `check` raises FieldError."""

    expected = "?"
    plural = ""  # "strings": how a list of these reads ("a list of strings")

    def ok(self, value: object) -> bool:
        raise NotImplementedError

    def check(self, value: object, where: str) -> None:
        if not self.ok(value):
            raise FieldError(f"{where} must be {self.expected}, found {kind_of(value)}")


class _Str(Spec):
    expected = "a string"
    plural = "strings"

    def ok(self, value: object) -> bool:
        return isinstance(value, str)

    def check(self, value: object, where: str) -> None:
        super().check(value, where)
        assert isinstance(value, str)
        # Not Unicode text: SQLite cannot store it, so it must never reach a write.
        if (m := _SURROGATE.search(value)) is not None:
            raise FieldError(
                f"{where} contains a lone surrogate \\u{ord(m.group()):04x}, which is not "
                "Unicode text (a damaged export?)"
            )


class _Int(Spec):
    expected = "a whole number"
    plural = "whole numbers"

    def ok(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)


class _Bool(Spec):
    expected = "true or false"

    def ok(self, value: object) -> bool:
        return isinstance(value, bool)


class _Key(Spec):
    expected = "an id (a string or a whole number)"
    plural = "ids"

    def ok(self, value: object) -> bool:
        return isinstance(value, (str, int)) and not isinstance(value, bool)


class _Probability(Spec):
    expected = "a number from 0 to 1"
    plural = "numbers from 0 to 1"

    def ok(self, value: object) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


class _Anything(Spec):
    expected = "anything"

    def ok(self, value: object) -> bool:
        return not isinstance(value, LongNumber)


Str, Int, Bool, Key, Anything = _Str(), _Int(), _Bool(), _Key(), _Anything()
Probability = _Probability()


@dataclass(frozen=True)
class OneOf(Spec):
    values: tuple[str, ...]

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.values)

    def ok(self, value: object) -> bool:
        return isinstance(value, str) and value in self.values

    def check(self, value: object, where: str) -> None:
        if not self.ok(value):
            found = repr(value) if isinstance(value, str) else kind_of(value)
            raise FieldError(f"{where} must be {self.expected}, found {found}")


@dataclass(frozen=True)
class Opt(Spec):
    """The inner shape, or null."""

    inner: Spec

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"{self.inner.expected} or null"

    def ok(self, value: object) -> bool:
        return value is None or self.inner.ok(value)

    def check(self, value: object, where: str) -> None:
        if value is not None:
            self.inner.check(value, where)


@dataclass(frozen=True)
class ListOf(Spec):
    """A list whose items have one shape; `item` names them in messages ("span 3")."""

    inner: Spec
    item: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a list of {self.inner.plural}" if self.inner.plural else "a list"

    def ok(self, value: object) -> bool:
        return isinstance(value, list)

    def check(self, value: object, where: str) -> None:
        super().check(value, where)
        assert isinstance(value, list)
        for i, item in enumerate(value, 1):
            self.inner.check(item, f"{self.item} {i}" if self.item else f"{where} item {i}")


@dataclass(frozen=True)
class MapOf(Spec):
    """An object with any keys, every value of one shape."""

    inner: Spec
    expected = "an object"

    def ok(self, value: object) -> bool:
        return isinstance(value, dict)

    def check(self, value: object, where: str) -> None:
        super().check(value, where)
        assert isinstance(value, dict)
        for key, item in value.items():
            self.inner.check(item, _at(where, str(key)))


@dataclass(frozen=True)
class Obj(Spec):
    """An object: the named fields have their shapes, `required` ones must be there."""

    fields: Mapping[str, Spec] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    expected = "an object"

    def ok(self, value: object) -> bool:
        return isinstance(value, dict)

    def check(self, value: object, where: str) -> None:
        super().check(value, where)
        assert isinstance(value, dict)
        for key in self.required:
            if key not in value:
                raise FieldError(f"{_at(where, key)} is missing")
        for key, spec in self.fields.items():
            if key in value:
                spec.check(value[key], _at(where, key))


def check(value: Any, spec: Spec, where: str = "") -> None:
    """Raise FieldError naming the first field of `value` that does not fit `spec`."""
    spec.check(value, where)
