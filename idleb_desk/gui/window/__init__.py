"""The frame of the window and what its rooms share: start-up, MainWindow, RoomContext,
the one redraw (ChangeView), workers, error dialogs, the project actions and watch."""
