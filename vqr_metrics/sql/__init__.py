"""Metrics compiled to SQL: formulas (compile.py) and the views of a catalog (views.py)."""
