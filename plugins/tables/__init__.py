"""Table templates: the printed tables of a quality report, as data plus the Python TOML cannot express."""
