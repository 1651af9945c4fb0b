"""What J/K walk and finding things: the document list, scopes and filters, find, and
review at scale (every occurrence, mark reviewed)."""
