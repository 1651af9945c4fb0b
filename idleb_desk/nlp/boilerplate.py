"""Boilerplate regions: app badges, subscription prompts, "Read -" links, credit lines, URLs.

Text is never deleted (offsets must stay valid); these regions are marked instead, and the
extractor keeps claims out of them. Patterns live in `data/boilerplate.tsv` and are matched
against whole lines, which is how web-page furniture shows up once HTML is reduced to text.
Inline URLs and handles are marked too, so that no actor or claim part sits on them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from idleb_desk.model import Region
from idleb_desk.nlp.quotes import ALL

log = logging.getLogger(__name__)

# A wire-story dateline: a capitalised place, maybe an agency in brackets, then a dash.
DATELINE = re.compile(
    r"[A-Z]{2}[A-Z .'’-]*(?:,[ A-Za-z0-9.]{1,20})?\s*(?:\([^()\n]{1,40}\))?\s*[-–—]+\s+"
)

# Inline furniture that can sit inside an otherwise normal line.
INLINE_URL = re.compile(
    rf"(?:https?://|www\.)[^\s<>{re.escape(''.join(sorted(ALL)))}]+|\bpic\.twitter\.com/\w+"
)
HANDLE = re.compile(r"(?<![\w@])@\w{1,30}\b")
LINE = re.compile(r"[^\n]+")

# Region kinds where names are furniture, not actors (credits and link titles still name
# real organisations and places, so actors there are kept).
NO_ACTOR_KINDS = frozenset({"app", "url", "handle"})


@dataclass(frozen=True)
class LinePattern:
    kind: str
    regex: re.Pattern[str]


def parse_patterns(lines: list[str]) -> tuple[LinePattern, ...]:
    """Parse `kind<TAB>pattern` rows; header and `#` comments skipped."""
    out: list[LinePattern] = []
    for raw in lines:
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        kind, _, pattern = raw.partition("\t")
        if kind == "kind" and pattern == "pattern":
            continue
        out.append(LinePattern(kind.strip(), re.compile(pattern.strip(), re.IGNORECASE)))
    return tuple(out)


@lru_cache(maxsize=1)
def default_patterns() -> tuple[LinePattern, ...]:
    path = resources.files("idleb_desk.nlp").joinpath("data/boilerplate.tsv")
    return parse_patterns(path.read_text("utf-8").splitlines())


def find_regions(text: str, patterns: tuple[LinePattern, ...] | None = None) -> list[Region]:
    """Regions of boilerplate lines, inline URLs and handles, sorted by start."""
    pats = default_patterns() if patterns is None else patterns
    regions: list[Region] = []
    for m in LINE.finditer(text):
        line = m.group(0)
        stripped = line.strip()
        if not stripped or len(stripped) > 400:
            continue  # long lines are article prose, never furniture
        lead = len(line) - len(line.lstrip())
        start = m.start() + lead
        for pat in pats:
            if pat.regex.fullmatch(stripped):
                regions.append(Region(start, start + len(stripped), pat.kind))
                break
    for m in INLINE_URL.finditer(text):
        regions.append(Region(m.start(), m.end(), "url"))
    for m in HANDLE.finditer(text):
        regions.append(Region(m.start(), m.end(), "handle"))
    regions.sort(key=lambda r: (r.start, r.end))
    return regions


class RegionIndex:
    """Overlap queries against a sorted region list (documents have few regions)."""

    def __init__(self, regions: list[Region]) -> None:
        self.regions = regions

    def overlaps(self, start: int, end: int, kinds: frozenset[str] | None = None) -> bool:
        for r in self.regions:
            if r.start >= end:
                break
            if r.end > start and (kinds is None or r.kind in kinds):
                return True
        return False

    def covered_fraction(self, start: int, end: int) -> float:
        """Share of [start, end) inside any region (regions may nest; approximate)."""
        if end <= start:
            return 0.0
        covered = 0
        last = start
        for r in self.regions:
            if r.start >= end:
                break
            lo, hi = max(r.start, last), min(r.end, end)
            if hi > lo:
                covered += hi - lo
                last = hi
        return covered / (end - start)
