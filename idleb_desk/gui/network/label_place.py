"""Where each node's name goes in the Network view, so that no two names cover each other.

A greedy pass in view pixels: the busiest nodes choose first; each name tries the right
of its node, then the left, above and below; a name with no room whole is tried again
cut short with an ellipsis, and hidden if even that collides (the node's tooltip still
names it). Nodes are obstacles too, so a name never hides another node. A grid of
buckets keeps each test to the boxes nearby, so a project of hundreds of actors places
in milliseconds and the pass can run again on every zoom.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

GAP = 4.0  # pixels between a node's rim and its name
PAD = 1.0  # space kept free around each name
CELL = 64.0  # bucket size of the collision grid
CUTS = (24, 14, 8)  # characters kept when a whole name has no room


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )


@dataclass(frozen=True)
class Placement:
    """A node's name as drawn: its text (cut or whole) and its top-left corner relative
    to the node's centre, in pixels; text None means hidden."""

    text: str | None
    dx: float = 0.0
    dy: float = 0.0


class _Grid:
    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, b: Box) -> list[tuple[int, int]]:
        x0, x1 = int(b.x // CELL), int((b.x + b.w) // CELL)
        y0, y1 = int(b.y // CELL), int((b.y + b.h) // CELL)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def add(self, b: Box) -> None:
        for key in self._keys(b):
            self.cells.setdefault(key, []).append(b)

    def hits(self, b: Box, ignore: Box | None = None) -> bool:
        return any(
            other is not ignore and b.overlaps(other)
            for key in self._keys(b)
            for other in self.cells.get(key, ())
        )


def shortened(name: str, keep: int) -> str | None:
    """`name` cut to `keep` characters with an ellipsis; None if that is no shorter."""
    if len(name) <= keep + 1:
        return None
    return name[:keep].rstrip() + "…"


def _inside(b: Box, bounds: Box | None) -> bool:
    return bounds is None or (
        b.x >= bounds.x
        and b.y >= bounds.y
        and b.x + b.w <= bounds.x + bounds.w
        and b.y + b.h <= bounds.y + bounds.h
    )


def _candidates(w: float, h: float, r: float) -> list[tuple[float, float]]:
    return [
        (r + GAP, -h / 2),  # right
        (-r - GAP - w, -h / 2),  # left
        (-w / 2, -r - GAP / 2 - h),  # above
        (-w / 2, r + GAP / 2),  # below
    ]


def place_labels(
    centres: Sequence[tuple[float, float]],
    names: Sequence[str],
    priority: Sequence[int],
    measure: Callable[[str], tuple[float, float]],
    radius: float,
    bounds: Box | None = None,
) -> list[Placement]:
    """One placement per node (`centres` in view pixels, `measure(text)` the drawn
    width and height of a name). Names of higher `priority` are placed first. With
    `bounds` (the visible area), a name must lie inside it: one cut off at the panel's
    edge is cut short or moved to the other side instead."""
    grid = _Grid()
    nodes = [Box(x - radius, y - radius, 2 * radius, 2 * radius) for x, y in centres]
    for b in nodes:
        grid.add(b)
    out = [Placement(None)] * len(centres)
    order = sorted(range(len(centres)), key=lambda i: (-priority[i], i))
    for i in order:
        x, y = centres[i]
        texts = [names[i], *(t for k in CUTS if (t := shortened(names[i], k)))]
        for text in texts:
            w, h = measure(text)
            spot = next(
                (
                    (dx, dy, box)
                    for dx, dy in _candidates(w, h, radius)
                    if _inside(
                        box := Box(x + dx - PAD, y + dy - PAD, w + 2 * PAD, h + 2 * PAD), bounds
                    )
                    and not grid.hits(box, nodes[i])
                ),
                None,
            )
            if spot is not None:
                dx, dy, box = spot
                grid.add(box)
                out[i] = Placement(text, dx, dy)
                break
    return out
