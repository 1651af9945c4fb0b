"""The team server in the window: sync status, conflicts (issue 15)."""
