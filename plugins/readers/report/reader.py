"""The ``report_text`` reader: every recognised table and prose figure of a whole report's text.

Users copy the text out of the published PDF or Word file (tab-separated
cells, or cells set apart by spaces); :mod:`vqr_metrics_plugins.readers.report`
says which module does which step.

The entity is the table's ``名称：…`` line, else the input's ``entity``, else
the first ``名称`` line of the report, else the report title; the year of a
``值`` column is the input's ``year``, else the report year of the title
page.  What is inferred is said in an info finding.  The level is the
input's, else the title's (高等职业教育…), else what the school's name says
(…职业技术学院 is 高职).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from vqr_metrics.catalog import Catalog
from vqr_metrics.collect import Collector
from vqr_metrics.model import FindingRule, InputSpec, Reader, ReadOutput
from vqr_metrics.textio import read_text

from ..conventions import require_content, school_level, warn_if_nothing_read
from .contents import missing_table_findings
from .layout import parse_layout
from .matching import Defaults, TableReader
from .phrases import match_phrases
from .prose import report_phrases
from .text import sniff, text_lines
from .title import read_head


def read_report(spec: InputSpec, catalog: Catalog) -> ReadOutput:
    text, cut = read_text(spec.path, spec.encoding)
    require_content(spec.path, text)
    lines = text_lines(text)
    head = read_head(lines)
    defaults = Defaults(
        file=spec.path,
        entity=head.entity,
        entity_source=f"the report title {head.title!r}" if head.entity else "",
        entity_line=head.title_line,
        year=head.year,
        year_source="the report year on the title page" if head.year else "",
        year_line=head.year_line,
    )
    collect = Collector(catalog, spec)
    if cut is not None:  # a report cut off mid-character: read up to the cut, and say so
        collect.note(cut)
    layout = parse_layout(lines)
    TableReader(catalog, collect, defaults).read(layout)
    for finding in missing_table_findings(lines, layout, spec.path):
        collect.note(finding)
    warn_if_nothing_read(collect, "no known table with figures (captioned 表 N … or 附表 N：…)")
    for entity in collect.figure_entities() | set(collect.entities):
        level = spec.level or head.level or school_level(entity)
        if level:
            collect.entities.setdefault(entity, {})["level"] = level
    speaker = spec.entity or (layout.names[0].entity if layout.names else head.entity)
    phrases = report_phrases(lines, layout)
    statements = match_phrases(phrases, catalog, speaker, spec.year or head.year, spec.path)
    return attrs.evolve(collect.output(), statements=statements)


def register_readers(register: Callable[[Reader], None]) -> None:
    register(
        Reader(
            "report_text",
            "report text copied from a published report: every recognised table (tab- or space-separated)",
            (".txt",),
            read_report,
            sniff,
        )
    )


def register_rules(register: Callable[[FindingRule], None]) -> None:
    # (the report-table rules are the core's, vqr_metrics.rules: the xlsx reader reads such tables too)
    register(
        FindingRule(
            "listed_table_missing",
            "warning",
            "a table listed in a report's contents is absent from its text",
            "check that the whole report was copied; the report may have been cut short",
        )
    )
