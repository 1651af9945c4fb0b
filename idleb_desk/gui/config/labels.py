"""Labels, their keys and colours, read from the packaged resources/labels.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.model import ADDRESSEE, CONTENT, CUE, LAYER_ACTOR, SPEAKER
from idleb_desk.paths import RESOURCES

# Which claim role a claim-part label stands for (keys 5-8 act on the active claim).
ROLE_OF_LABEL = {SPEAKER: "speaker", CUE: "cue", CONTENT: "content", ADDRESSEE: "addressee"}


@dataclass(frozen=True)
class Label:
    key: str
    name: str
    layer: str
    color: str

    @property
    def is_actor(self) -> bool:
        return self.layer == LAYER_ACTOR


@dataclass(frozen=True)
class LabelSet:
    labels: tuple[Label, ...]
    fallback_color: str = "#999999"

    def by_key(self, key: str) -> Label | None:
        return next((lab for lab in self.labels if lab.key == key), None)

    def color(self, name: str) -> str:
        lab = next((lab for lab in self.labels if lab.name == name), None)
        return lab.color if lab else self.fallback_color

    @property
    def actor_labels(self) -> tuple[Label, ...]:
        return tuple(lab for lab in self.labels if lab.is_actor)


def load_labels(path: Path | None = None) -> LabelSet:
    data = json.loads((path or RESOURCES / "labels.json").read_text(encoding="utf-8"))
    labels = tuple(
        Label(str(d["key"]), str(d["name"]), str(d.get("layer", LAYER_ACTOR)), str(d["color"]))
        for d in data["labels"]
    )
    return LabelSet(labels, str(data.get("fallback_color", "#999999")))
