"""The network of who said what to whom: built from the store, exported, and driven by
keys in the window. The seed is extracted with the real spaCy pipeline."""

from __future__ import annotations

import math
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt

from idleb_desk.cli import main
from idleb_desk.core.network import (
    FORCE_MAX_NODES,
    NODE_ACTOR,
    PUBLIC,
    UNATTRIBUTED,
    Edge,
    Network,
    Node,
    edge_geometry,
    layout,
    load_network,
    normalise_mention,
)
from idleb_desk.core.review import ReviewSession
from idleb_desk.gui.config.keymap import KeyConflict, Keymap, make_settings
from idleb_desk.gui.review.review_state import CLAIM
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.io.graph_export import GRAPHML_NS, SVG_NS, write_graphml, write_svg
from idleb_desk.model import REVIEWED_STATUSES
from idleb_desk.project import ensure_seed
from idleb_desk.store.store import Store

Key = Qt.Key
Mod = Qt.KeyboardModifier


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from idleb_desk.io.importer import extract_documents
    from idleb_desk.nlp.pipeline import Extractor

    path = tmp_path_factory.mktemp("network") / "project.sqlite3"
    store = Store.open(path)
    try:
        ensure_seed(store)
        assert extract_documents(store, Extractor.load()) == 1
    finally:
        store.close()
    return path


@pytest.fixture
def project(seeded: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project.sqlite3"
    shutil.copy(seeded, target)
    return target


def test_every_claim_is_an_edge_from_its_speaker(project: Path) -> None:
    with _Session(project) as s:
        claims = s.claims(1)
        net = load_network(s.store, 1, reviewed_only=False)
        assert claims, "the seed has suggested claims"
        # At least one edge per addressee; a coordinated speaker or addressee ("Macron
        # and Merkel") is one edge per actor it names (tests/test_actor_links_*.py).
        assert len(net.edges) >= sum(max(1, len(c.addressee_span_ids)) for c in claims)
        assert {e.claim_id for e in net.edges} == {c.id for c in claims}
        by_id = {n.id: n for n in net.nodes}
        for claim in claims:
            edges = [e for e in net.edges if e.claim_id == claim.id]
            assert len(edges) == len({(e.source, e.target, e.position) for e in edges})
            if not claim.addressee_span_ids:
                assert [e.target for e in edges] == [PUBLIC] * len(edges)
            else:
                assert {e.position for e in edges} == set(range(len(claim.addressee_span_ids)))
            if claim.speaker_span_id is None:
                assert {e.source for e in edges} == {UNATTRIBUTED}
            else:
                # The actors it names (suggestions carry their actor), else its text.
                text = s.span(claim.antecedent_span_id or claim.speaker_span_id).text
                sources = [by_id[e.source] for e in edges]
                assert all(n.kind == NODE_ACTOR for n in sources) or {n.name for n in sources} == {
                    normalise_mention(text)
                }
        # Reviewed only: nothing yet; one accepted claim makes its edges appear.
        assert load_network(s.store, 1).edges == []
        s.accept_claim(claims[0].id)
        reviewed = load_network(s.store, None)
        assert {e.claim_id for e in reviewed.edges} == {claims[0].id}
        assert all(e.status in REVIEWED_STATUSES for e in reviewed.edges)


class _Session:
    def __init__(self, path: Path) -> None:
        self.s = ReviewSession.open(path)

    def __enter__(self) -> ReviewSession:
        return self.s

    def __exit__(self, *exc: object) -> None:
        self.s.close()


def test_linked_mentions_meet_at_their_actor(project: Path) -> None:
    """Two different speaker texts linked to one actor are one node with its name; a
    pronoun speaker's antecedent decides its node."""
    with _Session(project) as s:
        claims = [c for c in s.claims(1) if c.speaker_span_id is not None]
        first, second = claims[0], claims[-1]
        assert s.span(first.speaker_span_id).text != s.span(second.speaker_span_id).text
        with s.store.transaction():
            actor = s.store.actor_id_for("European Union", "ORG")
            for c in (first, second):
                s.store.execute(
                    "UPDATE spans SET actor_id = ? WHERE id = ?", (actor, c.speaker_span_id)
                )
        net = load_network(s.store, 1, reviewed_only=False)
        sources = {e.source for e in net.edges if e.claim_id in (first.id, second.id)}
        assert sources == {f"a{actor}"}
        assert net.node(f"a{actor}").name == "European Union"
        # A third claim whose speaker refers back to the second claim's speaker.
        third = claims[1]
        with s.store.transaction():
            s.store.execute(
                "UPDATE claims SET antecedent_span_id = ? WHERE id = ?",
                (second.speaker_span_id, third.id),
            )
        net = load_network(s.store, 1, reviewed_only=False)
        assert {e.source for e in net.edges if e.claim_id == third.id} == {f"a{actor}"}


def test_a_claim_without_speaker_comes_from_unattributed(project: Path) -> None:
    with _Session(project) as s:
        claim = s.claims(1)[0]
        with s.store.transaction():
            s.store.execute(
                "UPDATE claims SET speaker_span_id = NULL, antecedent_span_id = NULL WHERE id = ?",
                (claim.id,),
            )
        net = load_network(s.store, 1, reviewed_only=False)
    assert {e.source for e in net.edges if e.claim_id == claim.id} == {UNATTRIBUTED}
    assert net.node(UNATTRIBUTED).name == "(unattributed)"


def test_mention_names_are_normalised() -> None:
    assert normalise_mention("the  EU's") == "EU"
    assert normalise_mention("“Lavrov”,") == "Lavrov"
    assert normalise_mention("Russia’s") == "Russia"
    assert normalise_mention("The Kremlin") == "Kremlin"


def test_layout_is_deterministic_and_spreads_nodes(project: Path) -> None:
    with _Session(project) as s:
        a = load_network(s.store, None, reviewed_only=False)
        b = load_network(s.store, None, reviewed_only=False)
    assert a.positions == b.positions
    points = sorted(a.positions.values())
    assert len(set(points)) == len(a.nodes)  # no two nodes on one spot
    curves = edge_geometry(a)
    assert len(curves) == len(a.edges)
    # Parallel edges between the same two nodes bend apart.
    pairs: dict[tuple[str, str], list[tuple]] = {}
    for e, c in zip(a.edges, curves, strict=True):
        pairs.setdefault((e.source, e.target), []).append(c[1])
    assert any(len(v) > 1 for v in pairs.values())
    assert all(len(set(v)) == len(v) for v in pairs.values())


def test_a_large_network_keeps_the_circle() -> None:
    """Past FORCE_MAX_NODES the quadratic force pass is skipped: every node stays on the
    circle, in a fixed order."""
    n = FORCE_MAX_NODES + 1
    nodes = [Node(f"n{i}", f"actor {i:03d}", "mention") for i in range(n)]
    edges = [Edge(i, 1, f"n{i}", f"n{(i * 7) % n}", "statement", "direct", "accepted")
             for i in range(n)]  # fmt: skip
    pos = layout(Network(nodes, edges), size=1000.0)
    radii = {round(math.hypot(x, y), 6) for x, y in pos.values()}
    assert radii == {500.0}
    assert pos == layout(Network(nodes, edges), size=1000.0)


def test_graphml_and_svg_round_trip(project: Path, tmp_path: Path) -> None:
    nx = pytest.importorskip("networkx")
    with _Session(project) as s:
        net = load_network(s.store, None, reviewed_only=False)
    report = write_graphml(net, tmp_path / "net.graphml")
    root = ET.parse(report.path).getroot()
    ns = {"g": GRAPHML_NS}
    assert len(root.findall("g:graph/g:node", ns)) == len(net.nodes) == report.nodes
    assert len(root.findall("g:graph/g:edge", ns)) == len(net.edges) == report.edges
    g = nx.read_graphml(report.path)
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(net.nodes), len(net.edges))
    claim_ids = sorted(d["claim_id"] for _u, _v, d in g.edges(data=True))
    assert claim_ids == sorted(e.claim_id for e in net.edges)
    assert g.nodes[PUBLIC]["label"] == "(public)"
    svg = ET.parse(write_svg(net, tmp_path / "net.svg").path).getroot()
    assert svg.tag == f"{{{SVG_NS}}}svg"
    drawn = svg.findall(".//s:g/s:path", {"s": SVG_NS})
    assert len(drawn) == len(net.edges)
    names = {t.text for t in svg.iter(f"{{{SVG_NS}}}text")}
    assert {n.name for n in net.nodes} <= names and set(net.kinds()) <= names


def test_cli_network_writes_graphml_and_svg(project: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["network", str(project), "--out", str(out), "--all"]) == 0
    root = ET.parse(out / "network.graphml").getroot()
    assert len(root.findall(f".//{{{GRAPHML_NS}}}edge")) > 0
    assert (out / "network.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert "claim edges" in capsys.readouterr().out
    assert main(["network", str(tmp_path / "missing.sqlite3"), "--out", str(out)]) == 2
    assert main(["network", str(project), "--out", str(out), "--document", "99"]) == 2
    # A file that cannot be written is named, and nothing half-written is left.
    blocked = tmp_path / "blocked"
    (blocked / "network.graphml").mkdir(parents=True)
    capsys.readouterr()
    assert main(["network", str(project), "--out", str(blocked), "--format", "graphml"]) == 2
    assert "network.graphml: could not be written" in capsys.readouterr().err
    assert sorted(p.name for p in blocked.iterdir()) == ["network.graphml"]


def test_network_keys_reuse_review_keys_but_not_window_keys(qapp, tmp_path: Path) -> None:
    km = Keymap(make_settings(tmp_path / "settings.ini"))
    assert km.conflicts() == []
    assert "J" in km.keys("network_next_edge") and "J" in km.keys("next_item")
    with pytest.raises(KeyConflict, match="help"):
        km.set_keys("network_next_edge", ["F1"])
    with pytest.raises(KeyConflict, match="network_prev_edge"):
        km.set_keys("network_next_edge", ["K"])
    km.set_keys("network_scope", ["A"])  # A accepts in the review area only
    assert km.conflicts() == []


def test_network_view_by_keys_focuses_the_claim(
    qtbot, project: Path, tmp_path: Path, shown_errors
) -> None:
    window = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    assert window.open_project(project)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)

    qtbot.keyClick(window.focusWidget(), Key.Key_N, Mod.ControlModifier | Mod.ShiftModifier)
    canvas = window.network_view.canvas
    qtbot.waitUntil(canvas.hasFocus)
    assert window.network.dock.isVisible()
    assert window.network_view.network is not None
    assert window.network_view.network.edges == []  # nothing reviewed yet

    qtbot.keyClick(canvas, Key.Key_S)  # all claims
    net = window.network_view.network
    assert net is not None and net.edges and not net.reviewed_only
    qtbot.keyClick(canvas, Key.Key_J)
    qtbot.keyClick(canvas, Key.Key_J)
    assert window.network_view.current == 1
    assert window.focus.item == (CLAIM, net.edges[1].claim_id)
    qtbot.keyClick(canvas, Key.Key_Up)  # arrows step too
    assert window.focus.item == (CLAIM, net.edges[0].claim_id)
    assert canvas.hasFocus()  # stepping leaves the keys in the view
    # A click on an edge's middle selects it too.
    (s, c, t) = edge_geometry(net)[2]
    middle = QPointF(0.25 * s[0] + 0.5 * c[0] + 0.25 * t[0], 0.25 * s[1] + 0.5 * c[1] + 0.25 * t[1])
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(middle))
    assert window.network_view.current == 2
    assert window.focus.item == (CLAIM, net.edges[2].claim_id)
    assert "claim" in window.network_view.edge_tip(2)
    qtbot.keyClick(canvas, Key.Key_K)
    qtbot.keyClick(canvas, Key.Key_K)
    qtbot.keyClick(canvas, Key.Key_Return)
    qtbot.waitUntil(window.view.hasFocus)
    assert window.focus.item == (CLAIM, net.edges[0].claim_id)

    # Another program rejects a claim: the next poll takes it in. Only a status changed,
    # so the drawing stays as it was (no redraw) and the tooltip follows.
    other = ReviewSession.open(project)
    try:
        other.reject_claim(net.edges[-1].claim_id)
    finally:
        other.close()
    items = list(window.network_view.edge_items)
    assert window.watch.follow_changes()
    qtbot.waitUntil(
        lambda: window.network_view.network.edges[-1].status == "rejected", timeout=3000
    )
    assert window.network_view.edge_items == items
    assert "rejected" in window.network_view.edge_tip(len(items) - 1)
    # Accepting a claim in another program may link its speaker to an actor: a redraw.
    other = ReviewSession.open(project)
    try:
        other.accept_claim(net.edges[-1].claim_id)
    finally:
        other.close()
    assert window.watch.follow_changes()
    qtbot.waitUntil(
        lambda: window.network_view.network.edges[-1].status == "accepted", timeout=3000
    )

    # The article leads too: a claim focused there is the selected edge here.
    window.focus.focus_item((CLAIM, net.edges[3].claim_id))
    assert window.network_view.network.edges[window.network_view.current].claim_id == (
        net.edges[3].claim_id
    )
    window.focus.focus_item((CLAIM, net.edges[0].claim_id))

    # Accepting it in the article, then back to the view: reviewed only shows just it.
    qtbot.keyClick(window.view, Key.Key_A)
    qtbot.keyClick(window.focusWidget(), Key.Key_N, Mod.ControlModifier | Mod.ShiftModifier)
    qtbot.waitUntil(canvas.hasFocus)
    qtbot.keyClick(canvas, Key.Key_S)
    shown = window.network_view.network
    assert shown is not None and shown.reviewed_only
    assert {e.claim_id for e in shown.edges} == {net.edges[0].claim_id, net.edges[-1].claim_id}
    qtbot.keyClick(canvas, Key.Key_D)  # whole project
    assert window.network_view.network.document_id is None

    before = canvas.transform().m11()
    qtbot.keyClick(canvas, Key.Key_Plus)
    assert canvas.transform().m11() > before
    qtbot.keyClick(canvas, Key.Key_0)  # fit again
    assert canvas.transform().m11() == pytest.approx(before)

    out = window.network.export(tmp_path / "shown.graphml")
    assert out is not None
    root = ET.parse(out).getroot()
    ns = {"g": GRAPHML_NS}
    assert len(root.findall("g:graph/g:edge", ns)) == len(window.network_view.network.edges)
    assert len(root.findall("g:graph/g:node", ns)) == len(window.network_view.network.nodes)
    # Positions are the layout's own, not the drawing widened to the panel.
    source = window.network_view.source
    first = root.find("g:graph/g:node", ns)
    x = float(first.find("g:data[@key='d_x']", ns).text)
    assert x == round(source.positions[first.get("id")][0], 2)
    png = window.network.export(tmp_path / "shown.png")
    assert png is not None and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shown_errors == []
    window.close()


def test_project_edges_open_their_document(
    qtbot, project: Path, tmp_path: Path, shown_errors
) -> None:
    """In the whole-project view, an edge of another document opens that document with
    its claim focused."""
    from idleb_desk.io.importer import extract_documents
    from idleb_desk.nlp.pipeline import Extractor

    store = Store.open(project)
    try:
        with store.transaction():
            store.insert_document(
                "second",
                "Ankara warns Moscow",
                "The Turkish defence minister warned Russia that Turkey would respond to "
                "any attack on its observation posts in Idleb.",
            )
        assert extract_documents(store, Extractor.load()) == 1
    finally:
        store.close()
    window = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    assert window.open_project(project)
    window.show()
    qtbot.waitExposed(window)
    window.run_action("network_view")
    qtbot.waitUntil(window.network_view.canvas.hasFocus)
    canvas = window.network_view.canvas
    qtbot.keyClick(canvas, Key.Key_S)
    qtbot.keyClick(canvas, Key.Key_D)
    net = window.network_view.network
    assert net is not None and net.document_id is None
    assert {e.document_id for e in net.edges} == {1, 2}
    qtbot.keyClick(canvas, Key.Key_K)  # from nothing selected, K takes the last edge
    last = net.edges[-1]
    assert last.document_id == 2
    assert window.focus.doc_id == 2
    assert window.focus.item == (CLAIM, last.claim_id)
    assert window.network_view.network.document_id is None  # still the whole project

    # File -> Export network: the chosen filter gives a name without a suffix its format.
    chosen = tmp_path / "whole-project"
    window.network.ask_path = lambda: (str(chosen), "SVG picture (*.svg)")
    window.actions_by_name["export_network"].trigger()
    svg = ET.parse(tmp_path / "whole-project.svg").getroot()
    assert len(svg.findall(".//s:g/s:path", {"s": SVG_NS})) == len(net.edges)
    assert shown_errors == []
    window.close()
