"""Checks: findings over a whole dataset, driven by what templates declare."""
