"""The Actors panel (F9): canonical actors, their aliases and mentions."""
