"""Where callers find the review session (`core.review_session.ReviewSession`)."""

from __future__ import annotations

from idleb_desk.core.review_session import ReviewSession
from idleb_desk.core.session_context import default_reviewer

__all__ = ["ReviewSession", "default_reviewer"]
