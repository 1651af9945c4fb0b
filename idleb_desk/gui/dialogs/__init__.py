"""Dialogs: the keys help (F1, remapping) and the questions review at scale asks."""
