"""What every part of a review session shares: the store, the reviewer, the change log,
and the hooks one part offers the others.

The parts (`SpanOps`, `ClaimOps`, `ActorOps`, `MemoryOps`, `BulkOps`, `UndoOps`) are
objects a `ReviewSession` holds, each given this context; none inherits from another.
A part that must act inside another's operation registers a hook here (project memory
registers into `after_decision`), so nothing depends on the order of base classes.
"""

from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from idleb_desk.changes import Changes
from idleb_desk.core.change_log import ChangeLog
from idleb_desk.core.ops import Op, operation
from idleb_desk.store import settings, undo_groups
from idleb_desk.store.store import Store


def default_reviewer() -> str:
    """The analyst's name: IDLEB_DESK_REVIEWER, else the login name."""
    name = os.environ.get("IDLEB_DESK_REVIEWER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "analyst"
    except (OSError, KeyError):
        return "analyst"


# Called inside an accept, reject, relabel, resize or create of a span, in the same
# transaction and event, with the operation and the span it changed.
DecisionHook = Callable[[Op, int], None]


@dataclass
class SessionContext:
    store: Store
    reviewer: str
    log: ChangeLog = field(default_factory=ChangeLog)
    after_decision: list[DecisionHook] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """The origin of what this reviewer makes (`analyst:<name>`)."""
        return f"analyst:{self.reviewer}"

    def operation(
        self,
        name: str,
        document_id: int | None,
        project_wide: bool = False,
        group: undo_groups.UndoGroup | None = None,
    ) -> contextlib.AbstractContextManager[Op]:
        """`core.ops.operation` by this reviewer, its changes recorded in the log."""
        return operation(
            self.store, self.reviewer, name, document_id, project_wide, group, self.log.add
        )

    def decided(self, op: Op, span_id: int) -> None:
        """Run the after-decision hooks, in the order they were registered."""
        for hook in self.after_decision:
            hook(op, span_id)

    def set_setting(self, key: str, value: Any) -> None:
        """Write a project setting; record that settings changed if the value did."""
        was = settings.setting(self.store, key)
        settings.set_setting(self.store, key, value)
        if was != value:
            self.log.add(Changes(settings=True))
