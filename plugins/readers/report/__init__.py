"""The report reader: a whole report's text (layout, matching printed tables to templates, prose)."""
