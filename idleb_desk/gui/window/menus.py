"""Which menu each action of the keymap goes in (actions not named here go in Review)."""

from __future__ import annotations

MENUS = {
    "File": (
        "open_project",
        "import_files",
        "export_csv",
        "export_jsonl",
        "export_network",
        "quit",
    ),  # fmt: skip
    "Go": (
        "next_document",
        "prev_document",
        "mark_done",
        "next_pane",
        "prev_pane",
        "find",
        "find_all",
        "next_result",
        "prev_result",
        "compare_gold",
        "next_feedback",
        "prev_feedback",
    ),  # fmt: skip
    "View": (
        "zoom_in",
        "zoom_out",
        "toggle_rejected",
        "filter",
        "clear_filter",
        "network_view",
        "actors_panel",
        "agreement_view",
    ),
    "Curate": (
        "next_disagreement",
        "prev_disagreement",
        *(f"take_{k}" for k in range(1, 10)),
        "take_none",
    ),
    "Team": ("team_sync", "team_conflicts"),
    "Help": ("help",),
}
