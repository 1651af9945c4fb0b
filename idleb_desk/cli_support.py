"""What every `idleb-desk` subcommand shares: exit codes, input checks and progress bars,
and the checks before a window opens (its argument, a display).

Exit codes: 0 done; 1 done, but some inputs were refused (each one is named on stderr);
2 nothing done: a usage error, a missing input or project, an unknown subcommand or model,
or a project that cannot be opened. Messages go to stderr, data to stdout.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO, TypeVar

from idleb_desk.project import PROJECT_SUFFIXES

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

T = TypeVar("T")
# Files the window imports into the default project when opened with one (file managers).
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")


class CliError(Exception):
    """A failure the user can act on: printed as `error: <message>`, nothing written."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def at_least_one(raw: str) -> int:
    """An argparse type for counts (`--n-process`, `--batch-size`): 0 or less is a usage
    error (exit 2) naming the option, not a traceback from deep inside spaCy."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def unknown_subcommand(name: str, commands: Iterable[str]) -> CliError:
    """The error for a word that is no subcommand, with the closest one when it is near."""
    commands = list(commands)
    close = difflib.get_close_matches(name, commands, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return CliError(f"unknown subcommand {name!r}{hint}; choose from {', '.join(commands)}")


def require_subcommand(first: str, commands: Iterable[str]) -> None:
    """A first argument that is a bare word (no suffix, no folder, no such file) can only
    be a mistyped subcommand, whatever follows it (`exprot p.sqlite3 --out x`)."""
    commands = list(commands)
    if first in commands or first.startswith("-"):
        return
    path = Path(first)
    if not path.suffix and len(path.parts) == 1 and not path.exists():
        raise unknown_subcommand(first, commands)


def require_inputs(paths: Sequence[Path]) -> None:
    """Every input file or folder must exist; all missing ones are named at once."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError("no such file or folder: " + ", ".join(missing))


def require_project(path: Path) -> None:
    """Only `import` and the window create a project; the other subcommands need one."""
    if not path.exists():
        raise CliError(
            f"{path}: no such project (create one with 'idleb-desk import {path} FILES…')"
        )
    if path.is_dir():
        raise CliError(f"{path}: is a folder, not a project file")


def require_model(name: str | None) -> None:
    """An explicit model must be installed (or be a path); the message lists those found."""
    if not name:
        return
    from idleb_desk.nlp.resolve import installed_models

    if Path(name).exists():
        return
    found = installed_models()
    if name not in found:
        shown = ", ".join(found) or "(none)"
        raise CliError(f"unknown model {name!r}. Models found: {shown}")


def window_target(arg: Path | None, commands: Iterable[str]) -> tuple[Path | None, Path | None]:
    """(project, article) for the window's one argument; refuse what it cannot open."""
    if arg is None:
        return None, None
    suffix = arg.suffix.lower()
    if suffix in ARTICLE_SUFFIXES:
        require_inputs([arg])
        return None, arg
    if arg.is_dir():
        raise CliError(f"{arg}: is a folder, not a project file")
    if arg.exists() or suffix in PROJECT_SUFFIXES:
        return arg, None
    if not suffix and len(arg.parts) == 1:
        raise unknown_subcommand(str(arg), commands)
    raise CliError(f"{arg}: no such file (a new project's name ends in .sqlite3, .sqlite or .db)")


def require_display() -> None:
    """Qt aborts the process without a display; say so instead (Linux and other X11/Wayland)."""
    if sys.platform == "darwin" or os.name == "nt":
        return
    if not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        raise CliError(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); the "
            "subcommands work without one (idleb-desk --help lists them)"
        )


def interactive(stream: TextIO | None = None) -> bool:
    """Progress bars only on a terminal: piped or redirected output stays clean."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def progress_bar(
    items: Iterable[T],
    total: int | None,
    desc: str,
    label: Callable[[T], str] = str,
    unit: str = "file",
) -> Iterator[T]:
    """`items`, with a per-item tqdm bar on stderr (naming the current item) when stderr is
    a terminal; nothing at all when it is piped or redirected."""
    if not interactive():
        yield from items
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True) as bar:
        for item in items:
            bar.set_postfix_str(label(item)[-50:], refresh=False)
            yield item
            bar.update(1)
