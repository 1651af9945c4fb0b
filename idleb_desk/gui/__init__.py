"""The Qt review window. Importing the package first guards against a PySide6 bug."""

from idleb_desk.gui.compat import pin_none

pin_none()
