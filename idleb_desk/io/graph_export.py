"""The network of who said what to whom as files: GraphML (for Gephi, networkx, R's
igraph) and SVG (for a report), both written without Qt so the CLI can write them too.

GraphML carries each node's name, kind and label and its laid-out `x`/`y` (Gephi reads
them as positions), and each edge's claim id, document, kind, quote type and status, with
its colour as `r`/`g`/`b` (Gephi reads those too). The SVG draws the same layout and
colours as the window.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.core.network import (
    NODE_PLACEHOLDER,
    NODE_R,
    Edge,
    Network,
    edge_geometry,
    kind_color,
)
from idleb_desk.io.atomic import AtomicFiles

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
SVG_NS = "http://www.w3.org/2000/svg"
FORMATS = ("graphml", "svg")

# (id, for, attr.name, attr.type)
_NODE_KEYS = (
    ("d_name", "node", "label", "string"),
    ("d_kind", "node", "node_kind", "string"),
    ("d_label", "node", "actor_label", "string"),
    ("d_x", "node", "x", "double"),
    ("d_y", "node", "y", "double"),
)
_EDGE_KEYS = (
    ("d_claim", "edge", "claim_id", "long"),
    ("d_doc", "edge", "document_id", "long"),
    ("d_ekind", "edge", "label", "string"),
    ("d_quote", "edge", "quote_type", "string"),
    ("d_status", "edge", "status", "string"),
    ("d_pos", "edge", "addressee_position", "int"),
    ("d_r", "edge", "r", "int"),
    ("d_g", "edge", "g", "int"),
    ("d_b", "edge", "b", "int"),
)


@dataclass(frozen=True)
class GraphReport:
    path: Path
    nodes: int
    edges: int

    def summary(self) -> str:
        return f"{self.nodes} nodes, {self.edges} claim edges -> {self.path}"


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def graphml_tree(net: Network) -> ET.ElementTree:
    ET.register_namespace("", GRAPHML_NS)
    q = lambda tag: f"{{{GRAPHML_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("graphml"))
    for key_id, domain, name, typ in _NODE_KEYS + _EDGE_KEYS:
        ET.SubElement(
            root, q("key"), {"id": key_id, "for": domain, "attr.name": name, "attr.type": typ}
        )
    scope = "project" if net.document_id is None else f"document {net.document_id}"
    graph = ET.SubElement(root, q("graph"), {"id": scope, "edgedefault": "directed"})

    def data(parent: ET.Element, key: str, value: object) -> None:
        ET.SubElement(parent, q("data"), {"key": key}).text = str(value)

    for node in net.nodes:
        el = ET.SubElement(graph, q("node"), {"id": node.id})
        x, y = net.positions.get(node.id, (0.0, 0.0))
        for key, value in zip(
            ("d_name", "d_kind", "d_label", "d_x", "d_y"),
            (node.name, node.kind, node.label, round(x, 2), round(y, 2)),
            strict=True,
        ):
            data(el, key, value)
    for i, edge in enumerate(net.edges):
        el = ET.SubElement(
            graph,
            q("edge"),
            {"id": f"e{i}", "source": edge.source, "target": edge.target},
        )
        r, g, b = _rgb(kind_color(edge.kind))
        values = (edge.claim_id, edge.document_id, edge.kind, edge.quote_type, edge.status,
                  edge.position, r, g, b)  # fmt: skip
        for (key, *_), value in zip(_EDGE_KEYS, values, strict=True):
            data(el, key, value)
    ET.indent(root)
    return ET.ElementTree(root)


def _write(tree: ET.ElementTree, path: Path, files: AtomicFiles | None) -> None:
    """Written whole, then renamed (`io/atomic.py`): a failed export leaves neither half
    a file nor a `.part` file behind, and raises ExportError naming the file. Given
    `files`, the file is only staged there, for the caller to commit."""
    staging = files if files is not None else AtomicFiles()
    try:
        with staging.open(path, binary=True) as fh:
            tree.write(fh, encoding="utf-8", xml_declaration=True)
    except BaseException:
        staging.discard()
        raise
    if files is None:
        staging.commit()


def write_graphml(net: Network, path: Path | str, files: AtomicFiles | None = None) -> GraphReport:
    path = Path(path)
    _write(graphml_tree(net), path, files)
    return GraphReport(path, len(net.nodes), len(net.edges))


# ---- SVG ------------------------------------------------------------------------------------

MARGIN = 40.0
CHAR_W = 7.5  # a rough width of one character at font-size 13, to leave room for names
LINE_H = 18.0


def svg_tree(net: Network, title: str = "") -> ET.ElementTree:
    ET.register_namespace("", SVG_NS)
    q = lambda tag: f"{{{SVG_NS}}}{tag}"  # noqa: E731
    pos = net.positions
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    right = max((pos[n.id][0] + NODE_R + 3 + CHAR_W * len(n.name) for n in net.nodes), default=0.0)
    legend_w = CHAR_W * max((len(k) for k in net.kinds()), default=0) + 60
    text = title or "Who said what to whom"
    x0, y0 = min(xs) - MARGIN, min(ys) - MARGIN - 2 * LINE_H
    x1 = max(right, x0 + legend_w, x0 + CHAR_W * len(text) + 20) + MARGIN / 2
    ly = max(ys) + MARGIN
    w, h = x1 - x0, ly + LINE_H * len(net.kinds()) + MARGIN / 2 - y0
    root = ET.Element(
        q("svg"),
        {
            "width": f"{w:.0f}",
            "height": f"{h:.0f}",
            "viewBox": f"{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}",
        },
    )
    ET.SubElement(root, q("title")).text = text
    ET.SubElement(
        root, q("rect"), {"x": f"{x0:.1f}", "y": f"{y0:.1f}", "width": f"{w:.1f}",
                          "height": f"{h:.1f}", "fill": "#ffffff"},
    )  # fmt: skip
    ET.SubElement(
        root, q("text"), {"x": f"{x0 + 20:.1f}", "y": f"{y0 + LINE_H + 4:.1f}",
                          "font-family": "sans-serif", "font-size": "15", "font-weight": "bold"},
    ).text = text  # fmt: skip
    defs = ET.SubElement(root, q("defs"))
    for kind in net.kinds():
        marker = ET.SubElement(
            defs, q("marker"),
            {"id": f"arrow-{_safe(kind)}", "viewBox": "0 0 10 10", "refX": "10", "refY": "5",
             "markerWidth": "7", "markerHeight": "7", "orient": "auto-start-reverse"},
        )  # fmt: skip
        ET.SubElement(marker, q("path"), {"d": "M0,0 L10,5 L0,10 z", "fill": kind_color(kind)})
    edges = ET.SubElement(root, q("g"), {"fill": "none", "stroke-width": "2"})
    for path_d, edge in edge_paths(net):
        el = ET.SubElement(
            edges, q("path"),
            {"d": path_d, "stroke": kind_color(edge.kind),
             "marker-end": f"url(#arrow-{_safe(edge.kind)})"},
        )  # fmt: skip
        ET.SubElement(el, q("title")).text = f"claim {edge.claim_id}: {edge.kind}"
    nodes = ET.SubElement(root, q("g"), {"font-family": "sans-serif", "font-size": "13"})
    for node in net.nodes:
        x, y = pos[node.id]
        shape = {"fill": "#ffffff", "stroke": "#333333", "stroke-width": "1.5"}
        if node.kind == NODE_PLACEHOLDER:
            corner = {"x": f"{x - NODE_R:.1f}", "y": f"{y - NODE_R:.1f}"}
            side = {"width": f"{2 * NODE_R}", "height": f"{2 * NODE_R}"}
            ET.SubElement(nodes, q("rect"), {**corner, **side, **shape})
        else:
            ET.SubElement(
                nodes, q("circle"), {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": f"{NODE_R}", **shape}
            )
        ET.SubElement(
            nodes, q("text"), {"x": f"{x + NODE_R + 3:.1f}", "y": f"{y - NODE_R:.1f}"}
        ).text = node.name
    legend = ET.SubElement(root, q("g"), {"font-family": "sans-serif", "font-size": "13"})
    for i, kind in enumerate(net.kinds()):
        y = ly + LINE_H * i
        ET.SubElement(legend, q("line"), {"x1": f"{x0 + 20:.1f}", "y1": f"{y:.1f}",
                      "x2": f"{x0 + 50:.1f}", "y2": f"{y:.1f}", "stroke": kind_color(kind),
                      "stroke-width": "3"})  # fmt: skip
        ET.SubElement(legend, q("text"), {"x": f"{x0 + 58:.1f}", "y": f"{y + 4:.1f}"}).text = kind
    ET.indent(root)
    return ET.ElementTree(root)


def write_svg(
    net: Network, path: Path | str, title: str = "", files: AtomicFiles | None = None
) -> GraphReport:
    path = Path(path)
    _write(svg_tree(net, title), path, files)
    return GraphReport(path, len(net.nodes), len(net.edges))


def _safe(kind: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in kind)


def edge_paths(net: Network) -> list[tuple[str, Edge]]:
    return [
        (f"M{s[0]:.1f},{s[1]:.1f} Q{c[0]:.1f},{c[1]:.1f} {t[0]:.1f},{t[1]:.1f}", e)
        for (s, c, t), e in zip(edge_geometry(net), net.edges, strict=True)
    ]
