"""Whether a project's model is on, read without loading the model (numpy): the window
asks this after every pause in the keys, and most projects never turn a model on."""

from __future__ import annotations

from idleb_desk.store import learning_queries as lq
from idleb_desk.store.store import Store


def model_on(store: Store) -> bool:
    return bool(store.setting(lq.ENABLED_SETTING, False))
