"""Tests of the SQL compilation of formulas and catalogs, run in DuckDB."""
