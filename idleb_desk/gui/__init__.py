"""The Qt review window: a thin layer over the core API (idleb_desk.core.review)."""
