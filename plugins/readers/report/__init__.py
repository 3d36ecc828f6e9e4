"""The report reader: a whole report's text, its tables through the table templates and its prose figures.

The flow, one module a step:

- :mod:`.text` — the file decoded into numbered lines of cells (tabs, or
  runs of spaces in a PDF copy); the sniff telling report text from a
  spreadsheet or binary file (UTF-16 after its BOM too).
- :mod:`.title` — the first pages: the title, and from it the entity and
  level, and the report year.
- :mod:`.layout` — where the tables are (captions, 名称 lines, headers,
  footers, 续表) and what each column means; rows lined up under headers.
- :mod:`.matching` — each printed table through the template its caption
  names: rows to indicators, value cells to figures or findings.
- :mod:`.contents` — tables the report's contents list but its text lacks.
- :mod:`.prose` and :mod:`.phrases` — the figures the prose states
  (name, number, unit) and the indicators they speak of.
- :mod:`.reader` — the registered ``report_text`` reader composing these.
"""
