"""The finding rules the core emits (reading, engine, dataset, checks toolkit, scoring), always registered.

The plugin manager adds this module as the plugin ``vqr_metrics.core`` to
every manager, whichever plugins are loaded, so these codes are known even
to a run with a single reader.  Codes that several reader plugins emit
through the readers' shared helpers (cell accounting, year and level
columns, report-style tables, which the report and Excel readers both
read) are reading's common vocabulary and are declared here too; a code
only one plugin emits is registered by that plugin.  ``also`` lists the
lesser severities of a rule whose gravity depends on the case.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import FindingRule

CORE_PLUGIN = "vqr_metrics.core"

_REGISTER_IT = "add it (a declarative indicator file or a table plugin)"

READING: tuple[FindingRule, ...] = (
    FindingRule(
        "unknown_indicator",
        "error",
        "a cell whose row or column names no known indicator; its value is not used",
        "check the name against `vqr-score indicators`, add an alias, or " + _REGISTER_IT,
    ),
    FindingRule(
        "unparsable_value",
        "error",
        "a cell that should hold a figure holds text that is no number; it is not used",
        "correct the cell in the source, or blank it out if the figure was not reported",
    ),
    FindingRule(
        "unit_mismatch",
        "error",
        "a value is given in a unit the indicator's unit cannot be converted from; it is not used",
        "give the value in the indicator's unit (see `vqr-score indicators`) or fix the unit",
    ),
    FindingRule(
        "indicator_not_in_year",
        "error",
        "a value of an indicator outside the report years it is declared for; it is not used",
        "check the year of the input, or the indicator's since/until",
    ),
    FindingRule(
        "no_entity",
        "error",
        "a value or entity attribute that belongs to no entity; it is not used",
        "add an entity column, or set entity = … on the input",
    ),
    FindingRule(
        "no_year",
        "error",
        "a value that belongs to no report year; it is not used",
        "add a year column, or set year = … on the input",
    ),
    FindingRule(
        "bad_year",
        "error",
        "a year cell or field that is no report year; the values of its row are not read",
        "write the year as a whole number such as 2023",
    ),
    FindingRule(
        "bad_level",
        "error",
        "an entity's level (高职 / 中职) cell that names no level; the level is not set",
        "write 高职 or 中职, or set level = … on the input",
    ),
    FindingRule(
        "extra_cells",
        "error",
        "a filled cell beyond the last header column; nothing tells what it is, so it is not used",
        "give the column a header, or remove the stray cell",
    ),
    FindingRule(
        "misaligned_row",
        "error",
        "a report table row whose cells cannot be lined up with its columns; its figures are not used",
        "re-export the table with one value per column (tab-separated), or enter the row by hand",
    ),
    FindingRule(
        "attribute_conflict",
        "error",
        "an entity attribute (code, level, type) given two ways; the first is kept.  An error "
        "within one file; a warning when entity = … on an input folds entities that differ",
        "make the attribute agree in every place it is given",
        also=("warning",),
    ),
    FindingRule(
        "missing_value",
        "info",
        "a cell left blank or marked as not reported (—, /, 无 …)",
        "nothing, unless the figure was reported: then fill it in",
    ),
    FindingRule(
        "unit_converted",
        "info",
        "values given in another unit were converted to the indicator's unit (said once per unit)",
        "nothing; check the factor shown if the figures look off",
    ),
    FindingRule(
        "derived_skipped",
        "info",
        "a result file read back: its derived and imputed values are computed again, not read",
        "nothing",
    ),
    FindingRule(
        "no_tables",
        "warning",
        "an input with content yields no cell at all (no table recognised)",
        "check that the file is the intended input and its format; see the reader's other findings",
    ),
    FindingRule(
        "no_figures",
        "warning",
        "an input whose cells are all blank or unreadable yields no figure",
        "see the findings about its cells",
    ),
    FindingRule(
        "truncated_file",
        "warning",
        "a text file ends inside a character, as if cut off; it is read up to there",
        "get the complete file",
    ),
)

REPORT_TABLES: tuple[FindingRule, ...] = (
    FindingRule(
        "table_not_recognised",
        "warning",
        "a table no table template claims, so its rows are not read: a warning when it holds "
        "figures or its caption is ambiguous, a note when it holds none",
        "if its figures matter, name it in a table plugin or declare its indicators",
        also=("info",),
    ),
    FindingRule(
        "table_layout",
        "warning",
        "a known table without a header row of 指标 and 值 / year columns, so it is not read "
        "(warning), or a note about how its layout was read (info)",
        "give the table a header row with a 指标 column and a 值 or year column",
        also=("info",),
    ),
    FindingRule(
        "entity_inferred",
        "info",
        "the entity of a report was taken from its title, file name or contents",
        "nothing, or set entity = … on the input if it is wrong",
    ),
    FindingRule(
        "year_inferred",
        "info",
        "the report year of a table's columns was taken from the report, not the table",
        "nothing, or set year = … on the input if it is wrong",
    ),
    FindingRule(
        "truncated_name",
        "info",
        "a row name cut short in print was read as the indicator it begins",
        "nothing; check the indicator named if in doubt",
    ),
    FindingRule(
        "unknown_row",
        "info",
        "a row of a known table that matches no indicator and holds no figures",
        "nothing, unless the row should carry figures",
    ),
)

ENGINE: tuple[FindingRule, ...] = (
    FindingRule(
        "source_conflict",
        "error",
        "two sources print different values for the same figure; the most precisely printed is kept",
        "find which source is right and correct the other (both cells are named)",
    ),
    FindingRule(
        "zero_denominator",
        "warning",
        "a metric's denominator is zero, so it has no value for the entity-year",
        "check the figures the denominator is made of",
    ),
    FindingRule(
        "not_a_number",
        "warning",
        "a metric's formula gives no finite number, so it has no value for the entity-year",
        "check the figures the formula uses",
    ),
    FindingRule(
        "missing_input",
        "info",
        "a metric has no value because figures it is computed from were not reported",
        "nothing, unless those figures were reported: then see why they were not read",
    ),
    FindingRule(
        "compared_with_conflict",
        "info",
        "a check's comparison rests on a figure whose sources disagree, so it is only a note",
        "resolve the source_conflict first; the comparison then stands on its own",
    ),
    FindingRule(
        "recompute_from_conflict",
        "info",
        "a printed rate differs from its recomputation, but an input of it has disagreeing "
        "sources; what each source gives is shown",
        "resolve the source_conflict first",
    ),
)

SCORING: tuple[FindingRule, ...] = (
    FindingRule(
        "scorecard_filter",
        "warning",
        "a scorecard's entities / years / level filters name values absent from the inputs or keep nothing",
        "correct the scorecard's filters (did-you-mean is given)",
    ),
    FindingRule(
        "scorecard_no_data",
        "info",
        "an entity-year reports none of a scorecard's indicators and is not scored",
        "nothing, unless it should have been scored: then see why its figures were not read",
    ),
    FindingRule(
        "scorecard_suspect",
        "warning",
        "a value carries an error (or is computed from one) and is left out of a scorecard",
        "resolve the error findings about it, or set suspect = … on the scorecard",
    ),
    FindingRule(
        "scorecard_imputed",
        "info",
        "an indicator an entity does not report was imputed for a scorecard (its missing = … rule)",
        "nothing; set missing = … on the indicator to choose another rule",
    ),
    FindingRule(
        "scorecard_empty_indicator",
        "warning",
        "no entity reports a scorecard indicator in a year, so it drops out of that year's scores",
        "check that the indicator is read, or drop it from the scorecard",
    ),
    FindingRule(
        "scorecard_coverage",
        "warning",
        "an entity-year reports too little of a node's weight (min_coverage): not scored when the "
        "node is the scorecard (warning), scored without that dimension otherwise (info)",
        "report the missing indicators, or lower min_coverage",
        also=("info",),
    ),
    FindingRule(
        "compliance_filter",
        "warning",
        "a compliance rule set's entities / years / level filters name values absent from the "
        "inputs or keep nothing",
        "correct the rule set's filters (did-you-mean is given)",
    ),
    FindingRule(
        "compliance_not_assessed",
        "warning",
        "a compliance rule could not be applied: no school type or no threshold for it (a gap in "
        "the config, warning), or no value (info); never a pass",
        "set type = … on the input or the [[compliance]] entry, or report the value",
        also=("info",),
    ),
    FindingRule(
        "compliance_inconclusive",
        "info",
        "a compliance rule's outcome depends on which of disagreeing sources is right, or on a "
        "bound that proves nothing",
        "resolve the source_conflict, or report the figure the rule names",
    ),
)

CORE_RULES: tuple[FindingRule, ...] = (*READING, *REPORT_TABLES, *ENGINE, *SCORING)


def register_rules(register: Callable[[FindingRule], None]) -> None:
    for rule in CORE_RULES:
        register(rule)
