"""The graph model (one declarative schema) and the graph stores that hold it."""
