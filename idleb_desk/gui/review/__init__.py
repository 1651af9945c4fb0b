"""The open document: the focus, the review key groups, the article, its highlighter,
the tables and the claim panel."""
