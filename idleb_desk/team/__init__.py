"""The team server (issue 15): a shared PostgreSQL that every analyst's local project
syncs its event log with, offline-first. No Qt here: the window runs `sync.sync` in a
worker thread."""
