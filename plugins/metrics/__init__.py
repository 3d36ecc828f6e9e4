"""Derived metrics not tied to one table: families made from every indicator and metric."""
