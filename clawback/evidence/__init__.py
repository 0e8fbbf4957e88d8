"""Court evidence bundles (report, cited records, subgraph, manifest), their verification and
the hash-chained audit log."""
