"""The Network view has room to be read (issue 12, item 14).

In a 1600x1000 window it was a bottom dock with a drawing area about 65 px tall: names
overlapped, arrowheads were specks, and no key gave it more room.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem

from idleb_desk.core.network import Edge, Network, Node, layout
from idleb_desk.gui.config.keymap import make_settings
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store

Key = Qt.Key
Mod = Qt.KeyboardModifier
TEXT = "Lavrov told Cavusoglu that the offensive must stop. Merkel said talks would go on."


def _ref(part: str) -> TextRef:
    at = TEXT.index(part)
    return TextRef(at, at + len(part), part)


def _project(db: Path) -> Path:
    ex = Extraction(
        model="test_pipeline-1.0",
        actors=(ActorSuggestion(*_ref("Lavrov").__dict__.values(), "PERSON"),),
        claims=(
            ClaimSuggestion(
                speaker=_ref("Lavrov"),
                cue=_ref("told"),
                content=_ref("the offensive must stop"),
                addressees=(_ref("Cavusoglu"),),
                kind="demand",
            ),
            ClaimSuggestion(
                speaker=_ref("Merkel"),
                cue=_ref("said"),
                content=_ref("talks would go on"),
                kind="statement",
            ),
        ),
    )
    with Store.open(db) as store, store.transaction():
        doc = store.insert_document("d", "Talks", TEXT)
        assert doc is not None
        store.add_extraction(doc, ex)
    return db


def _window(qtbot, db: Path, settings: Path) -> MainWindow:
    window = MainWindow(make_settings(settings))
    qtbot.addWidget(window)
    assert window.open_project(db)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    return window


def _open_network(qtbot, window: MainWindow) -> None:
    focus = QApplication.focusWidget()
    qtbot.keyClick(focus, Key.Key_N, Mod.ControlModifier | Mod.ShiftModifier)
    qtbot.waitUntil(window.network_view.canvas.hasFocus)
    qtbot.wait(50)


def _canvas_height(window: MainWindow) -> int:
    return window.network_view.canvas.viewport().height()


def test_network_view_takes_about_half_the_window(qtbot, tmp_path: Path, shown_errors) -> None:
    window = _window(qtbot, _project(tmp_path / "p.sqlite3"), tmp_path / "s.ini")
    assert window.height() == 1000
    _open_network(qtbot, window)
    assert _canvas_height(window) >= 0.45 * window.height()
    assert window.view.height() >= 150  # the article is still there to read


def test_a_key_maximises_the_network_and_gives_the_room_back(
    qtbot, tmp_path: Path, shown_errors
) -> None:
    window = _window(qtbot, _project(tmp_path / "p.sqlite3"), tmp_path / "s.ini")
    _open_network(qtbot, window)
    shared = _canvas_height(window)
    canvas = window.network_view.canvas
    qtbot.keyClick(canvas, Key.Key_M)
    qtbot.waitUntil(lambda: _canvas_height(window) >= 0.75 * window.height())
    assert not window.view.isVisible()
    assert canvas.hasFocus()
    qtbot.keyClick(canvas, Key.Key_M)
    qtbot.waitUntil(window.view.isVisible)
    qtbot.waitUntil(lambda: abs(_canvas_height(window) - shared) <= 8)
    # Closing the view while it fills the window gives the article back too.
    qtbot.keyClick(canvas, Key.Key_M)
    qtbot.waitUntil(lambda: not window.view.isVisible())
    window.network.dock.close()
    qtbot.waitUntil(window.view.isVisible)


def test_the_network_height_is_remembered(qtbot, tmp_path: Path, shown_errors) -> None:
    db = _project(tmp_path / "p.sqlite3")
    settings = tmp_path / "s.ini"
    window = _window(qtbot, db, settings)
    _open_network(qtbot, window)
    window.resizeDocks([window.network.dock], [300], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: abs(window.network.dock.height() - 300) <= 8)
    window.close()
    again = _window(qtbot, db, settings)
    _open_network(qtbot, again)
    qtbot.waitUntil(lambda: abs(again.network.dock.height() - 300) <= 12)


def test_arrowheads_are_drawn_large_enough_to_see(qtbot, tmp_path: Path, shown_errors) -> None:
    window = _window(qtbot, _project(tmp_path / "p.sqlite3"), tmp_path / "s.ini")
    _open_network(qtbot, window)
    qtbot.keyClick(window.network_view.canvas, Key.Key_S)  # all claims: both suggested
    view = window.network_view
    assert len(view.edge_items) == 2
    scale = view.canvas.transform().m11()
    for item in view.edge_items:
        path = item.path()
        # The arrowhead: the last three points of the path (two barbs and the tip).
        tip = path.elementAt(path.elementCount() - 2)
        barb = path.elementAt(path.elementCount() - 3)
        length = ((tip.x - barb.x) ** 2 + (tip.y - barb.y) ** 2) ** 0.5 * scale
        assert length >= 6, f"an arrowhead {length:.1f} px long"
        assert item.pen().widthF() * scale >= 1.5


def _dense() -> Network:
    names = [f"Minister of Foreign Affairs {i}" for i in range(40)]
    names += [f"Spokesman {i}" for i in range(20)]
    nodes = [Node(f"a{i}", n, "actor", "PERSON") for i, n in enumerate(names)]
    edges = []
    for i in range(len(nodes)):
        for j in (i + 1, i + 7):
            edges.append(
                Edge(
                    i * 10 + j,
                    1,
                    nodes[i].id,
                    nodes[j % len(nodes)].id,
                    "statement",
                    "direct",
                    "accepted",
                )  # fmt: skip
            )
    net = Network(nodes, edges, 1, True)
    net.positions = layout(net, size=150.0 * len(nodes) ** 0.5)
    return net


def _labels(window: MainWindow) -> list[QGraphicsSimpleTextItem]:
    items = window.network_view.canvas.scene().items()
    return [i for i in items if isinstance(i, QGraphicsSimpleTextItem) and i.isVisible()]


def _label_rects(window: MainWindow) -> list[QRectF]:
    canvas = window.network_view.canvas
    return [
        item.deviceTransform(canvas.viewportTransform()).mapRect(item.boundingRect())
        for item in _labels(window)
    ]


@pytest.mark.parametrize("zoom", [0, 1, -1])
def test_names_on_a_dense_network_do_not_overlap(
    qtbot, tmp_path: Path, shown_errors, zoom: int
) -> None:
    window = _window(qtbot, _project(tmp_path / "p.sqlite3"), tmp_path / "s.ini")
    _open_network(qtbot, window)
    view = window.network_view
    view.set_network(_dense(), "dense")
    qtbot.wait(50)
    key = {1: Key.Key_Plus, -1: Key.Key_Minus}.get(zoom)
    if key is not None:
        qtbot.keyClick(view.canvas, key)
    qtbot.wait(50)
    rects = _label_rects(window)
    assert len(rects) >= 20, "most names are still shown"
    for a, b in itertools.combinations(rects, 2):
        assert not a.intersects(b), (a, b)
    # A name that had no room whole is cut with an ellipsis, or hidden: its node's
    # tooltip still names it.
    texts = [item.text() for item in _labels(window)]
    assert all(t.endswith("…") or t in {n.name for n in view.network.nodes} for t in texts)
