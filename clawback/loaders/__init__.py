"""Loaders: read the input contract (CSV, TSV, Parquet, XLSX), validate, quarantine, load."""
