"""The Agreement view and the analyst's feedback against the gold project (issue 13)."""
