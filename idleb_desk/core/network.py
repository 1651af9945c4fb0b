"""Who said what to whom, as a graph: actors are nodes, claims are directed edges.

An edge runs from the claim's speaker to one addressee; a claim with two addressees is
two edges, both carrying its id. A coordinated speaker or addressee ("French President
Emmanuel Macron and German Chancellor Angela Merkel") is one node per actor it names,
by the rule claims.csv uses (`store.actor_queries.RoleActors`). Two conventions make
every claim visible:
- a claim with no addressee goes to the **(public)** node: it was said to the world, not
  to someone in the text;
- a claim with no speaker ("It is unclear whether…") comes from the **(unattributed)**
  node.
A node is a canonical actor when the mention is linked to one (`spans.actor_id`), else the
mention's normalised text (`mention_node`, the one place that decides which node a mention
is, so canonical actors take over as they are linked).

The layout is deterministic: nodes start on a circle in a fixed order and a
Fruchterman–Reingold pass (numpy, a fixed number of steps, no randomness) spreads them;
the same project always draws the same picture.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from idleb_desk.model import CLAIM_KINDS, REVIEWED_STATUSES
from idleb_desk.store.network_queries import ClaimLinkRow, MentionRow, claim_links
from idleb_desk.store.store import Store

if TYPE_CHECKING:
    import numpy as np

PUBLIC = "public"
UNATTRIBUTED = "unattributed"
PUBLIC_NAME = "(public)"
UNATTRIBUTED_NAME = "(unattributed)"

# Node kinds: a canonical actor, a mention not yet linked to one, or a placeholder.
NODE_ACTOR = "actor"
NODE_MENTION = "mention"
NODE_PLACEHOLDER = "placeholder"

# Okabe–Ito, the palette of the labels: one colour per built-in claim kind; a project's own
# kinds get the fallback grey (and their name in the legend and tooltips).
KIND_COLORS = dict(
    zip(
        CLAIM_KINDS,
        ("#0072B2", "#D55E00", "#E69F00", "#CC79A7", "#009E73", "#56B4E9", "#F0E442", "#000000"),
        strict=True,
    )
)
OTHER_KIND_COLOR = "#999999"

# Beyond this many nodes the force pass (quadratic: 57 ms at 200 nodes, 232 ms at 400,
# 836 ms at 600 on the development machine under load) is skipped: the circle is kept.
FORCE_MAX_NODES = 300
FORCE_STEPS = 60
# Pull towards the centre, as a share of the distance: without it a pair of actors that
# talk only to each other drifts far out and squeezes the rest into a corner.
GRAVITY = 1.0
# Node radius in layout units (the window and the SVG draw the same picture).
NODE_R = 9.0


def kind_color(kind: str) -> str:
    return KIND_COLORS.get(kind, OTHER_KIND_COLOR)


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    kind: str  # NODE_ACTOR, NODE_MENTION or NODE_PLACEHOLDER
    label: str = ""  # PERSON, ORG, GPE, NORP ("" if unknown)


@dataclass(frozen=True)
class Edge:
    claim_id: int
    document_id: int
    source: str
    target: str
    kind: str
    quote_type: str
    status: str
    # Which addressee of the claim this edge stands for (0 for the first or for none).
    position: int = 0


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]
    document_id: int | None = None  # None: the whole project
    reviewed_only: bool = True
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def degrees(self) -> dict[str, int]:
        out = dict.fromkeys((n.id for n in self.nodes), 0)
        for e in self.edges:
            out[e.source] += 1
            out[e.target] += 1
        return out

    def kinds(self) -> list[str]:
        """The claim kinds present, built-in ones in their usual order first."""
        present = {e.kind for e in self.edges}
        return [k for k in CLAIM_KINDS if k in present] + sorted(present - set(CLAIM_KINDS))

    def edge_index(self, claim_id: int) -> int | None:
        return next((i for i, e in enumerate(self.edges) if e.claim_id == claim_id), None)


_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = "\"'“”‘’«»()[],.;:"
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)


def normalise_mention(text: str) -> str:
    """A mention's text as a node name: one space between words, no surrounding quotes
    or punctuation, no leading "the", no possessive ending."""
    name = _SPACE.sub(" ", text).strip().strip(_EDGE_PUNCT).strip()
    name = _POSSESSIVE.sub("", name).strip()
    return _ARTICLE.sub("", name).strip() or text.strip()


def mention_node(mention: MentionRow) -> Node:
    """The node a speaker or addressee mention stands for.

    Its canonical actor when it is linked to one; otherwise its normalised text, compared
    without case, so "the EU" and "EU" meet before anyone links them to an actor.
    """
    if mention.actor_id is not None:
        return Node(f"a{mention.actor_id}", mention.actor_name, NODE_ACTOR, mention.actor_label)
    name = normalise_mention(mention.text)
    return Node(f"t:{name.casefold()}", name, NODE_MENTION, mention.label)


def build_network(links: list[ClaimLinkRow]) -> tuple[list[Node], list[Edge]]:
    nodes: dict[str, Node] = {}

    def add(node: Node) -> str:
        nodes.setdefault(node.id, node)
        return node.id

    known: dict[tuple[int | None, str, str], Node] = {}

    def node_of(m: MentionRow) -> str:
        # Many mentions share a text or an actor: normalise each once.
        key = (m.actor_id, m.text, m.label)
        if key not in known:
            known[key] = mention_node(m)
        return add(known[key])

    edges: list[Edge] = []
    for link in links:
        # A coordinated speaker ("Macron and Merkel") says it from each of its actors,
        # and a coordinated addressee hears it at each: one edge per pair, once.
        sources = list(dict.fromkeys(node_of(m) for m in link.speakers)) or [
            add(Node(UNATTRIBUTED, UNATTRIBUTED_NAME, NODE_PLACEHOLDER))
        ]
        targets = list(dict.fromkeys((node_of(m), m.position) for m in link.addressees)) or [
            (add(Node(PUBLIC, PUBLIC_NAME, NODE_PLACEHOLDER)), 0)
        ]
        for source in sources:
            for target, pos in targets:
                edges.append(
                    Edge(
                        link.claim_id,
                        link.document_id,
                        source,
                        target,
                        link.kind,
                        link.quote_type,
                        link.status,
                        pos,
                    )
                )
    return list(nodes.values()), edges


def load_network(store: Store, document_id: int | None, reviewed_only: bool = True) -> Network:
    """The network of one document (or the project, if None), laid out."""
    statuses = REVIEWED_STATUSES if reviewed_only else None
    nodes, edges = build_network(claim_links(store, document_id, statuses))
    net = Network(nodes, edges, document_id, reviewed_only)
    # Room grows with the number of actors, so names stay apart at the view's zoom.
    net.positions = layout(net, size=max(400.0, 150.0 * math.sqrt(len(nodes))))
    return net


def layout(net: Network, size: float = 1000.0) -> dict[str, tuple[float, float]]:
    """Positions in a `size` x `size` square centred on 0, the same every time."""
    import numpy as np  # here: the window starts without numpy (~20 MB) until a graph is drawn

    n = len(net.nodes)
    if n == 0:
        return {}
    if n == 1:
        return {net.nodes[0].id: (0.0, 0.0)}
    degree = net.degrees()
    # Busiest actors first on the circle, then by name: a fixed start, so a fixed result.
    order = sorted(net.nodes, key=lambda nd: (-degree[nd.id], nd.name.casefold(), nd.id))
    angle = np.arange(n) * (2 * math.pi / n)
    pos = np.stack([np.cos(angle), np.sin(angle)], axis=1) * (size / 2)
    if n <= FORCE_MAX_NODES:
        index = {nd.id: i for i, nd in enumerate(order)}
        pairs = {(index[e.source], index[e.target]) for e in net.edges if e.source != e.target}
        pos = _spread(pos, np.array(sorted(pairs), dtype=int).reshape(-1, 2), size)
    return {nd.id: (float(pos[i, 0]), float(pos[i, 1])) for i, nd in enumerate(order)}


def _spread(pos: np.ndarray, links: np.ndarray, size: float) -> np.ndarray:
    """Fruchterman–Reingold with a linearly cooling step, then scaled back to `size`."""
    import numpy as np
    n = len(pos)
    k = size / math.sqrt(n)  # the ideal distance between two nodes
    step = size / 10
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    src, dst = (links[:, 0], links[:, 1]) if len(links) else (np.zeros(0, int),) * 2
    for it in range(FORCE_STEPS):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        d2 = dx * dx + dy * dy
        np.fill_diagonal(d2, np.inf)
        push = (k * k) / np.maximum(d2, 1e-9)  # repulsion k²/d along the unit vector
        fx, fy = (dx * push).sum(axis=1), (dy * push).sum(axis=1)
        if len(src):
            lx, ly = x[src] - x[dst], y[src] - y[dst]
            pull = np.sqrt(lx * lx + ly * ly) / k  # attraction d²/k along each link
            fx += np.bincount(dst, lx * pull, n) - np.bincount(src, lx * pull, n)
            fy += np.bincount(dst, ly * pull, n) - np.bincount(src, ly * pull, n)
        fx -= x * GRAVITY
        fy -= y * GRAVITY
        norm = np.sqrt(fx * fx + fy * fy) + 1e-9
        move = np.minimum(norm, step * (1 - it / FORCE_STEPS)) / norm
        x, y = x + fx * move, y + fy * move
    pos = np.stack([x - x.mean(), y - y.mean()], axis=1)
    extent = np.abs(pos).max() or 1.0
    return pos * (size / 2 / extent)


Point = tuple[float, float]
Curve = tuple[Point, Point, Point]


def edge_geometry(net: Network) -> list[Curve]:
    """For each edge: (start, control point, end) of a quadratic curve that stops at the
    nodes' rims. Parallel edges between two nodes bend apart so each stays pickable; a
    self-loop becomes a small loop above its node. Shared by the window and the SVG."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(net.edges):
        pair = (e.source, e.target) if e.source <= e.target else (e.target, e.source)
        groups.setdefault(pair, []).append(i)
    out: list[Curve] = [((0.0, 0.0), (0.0, 0.0), (0.0, 0.0))] * len(net.edges)
    for (a, _b), members in groups.items():
        for rank, i in enumerate(members):
            e = net.edges[i]
            sx, sy = net.positions[e.source]
            tx, ty = net.positions[e.target]
            if e.source == e.target:
                r = 28 + 10 * rank
                out[i] = ((sx - 6, sy - NODE_R), (sx, sy - 2 * r), (sx + 6, sy - NODE_R))
                continue
            dx, dy = tx - sx, ty - sy
            length = math.hypot(dx, dy) or 1.0
            ux, uy = dx / length, dy / length
            # Same perpendicular for both directions of a pair, so A->B and B->A separate.
            sign = 1.0 if e.source == a else -1.0
            bend = (rank - (len(members) - 1) / 2) * 18.0 + (9.0 if len(members) == 1 else 0.0)
            px, py = -uy * sign, ux * sign
            cx, cy = (sx + tx) / 2 + px * bend, (sy + ty) / 2 + py * bend
            start = (sx + ux * NODE_R, sy + uy * NODE_R)
            end = (tx - ux * (NODE_R + 1), ty - uy * (NODE_R + 1))
            out[i] = (start, (cx, cy), end)
    return out
