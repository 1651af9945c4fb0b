"""The Network view: actors as nodes, claims as arrows; its dock, drawing and labels."""
