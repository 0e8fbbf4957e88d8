"""Synthetic demo portfolios in the public input format, with labels."""
