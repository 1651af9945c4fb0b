"""Curation room (issue 13): a gold project's positions by state, each analyst's version
side by side, and the curator's keys; and the analyst's name and sample in an analyst's file."""
