"""Where callers find the review session (`core.review_session.ReviewSession`)."""

from __future__ import annotations

from idleb_desk.core.review_session import ReviewSession, default_reviewer

__all__ = ["ReviewSession", "default_reviewer"]
