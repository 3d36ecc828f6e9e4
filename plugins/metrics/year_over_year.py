"""Year over year: a ``<key>_yoy`` 同比增长率 metric for every indicator and metric, as a derivation.

``[engine] year_over_year = false`` skips it.  The change is against the
same entity's value the year before (``prev``); a missing or zero value
last year gives no value, as any zero denominator does.
"""

from __future__ import annotations

from collections.abc import Callable

from vqr_metrics.model import Derivation, Indicator, Metric

ID = "year_over_year"
SUFFIX = "_yoy"


def year_over_year(base: Indicator | Metric) -> Metric:
    return Metric(
        key=base.key + SUFFIX,
        name=f"{base.name}同比增长率",
        formula=f"({base.key} - prev({base.key})) / prev({base.key}) * 100",
        unit="%",
        table=base.table,
        description=f"year-over-year change of {base.key}",
    )


def register_derivations(register: Callable[[Derivation], None]) -> None:
    register(Derivation(ID, "同比增长率: the change over the year before, in %", year_over_year))
