"""Graph algorithms over projections of the store."""
