"""A scorecard's raw inputs, taken from the dataset once.

The rows it scores, each leaf's values (first reported key wins), the missing-value
policy applied (``fail`` raises, ``impute_*`` fills and flags), and the
groups that normalisation and ranking work within.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ..catalog import Catalog
from ..dataset import Dataset
from ..errors import ScoringError
from ..findings import FindingBuilder, at_rows, literal, no_args
from ..model import Finding
from .scope import Scope
from .spec import Leaf, Scorecard

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
Index = npt.NDArray[np.intp]


@attrs.frozen
class Imputation:
    """A value one scorecard filled into dataset ``rows`` of ``key``."""

    key: str
    rows: Index
    value: float


@attrs.frozen
class Imputations:
    """The values the scorecards of a run imputed, per key: dataset ``rows``
    (ascending) and their ``values``.  Only empty cells are filled, and only
    where every scorecard that filled a cell agrees on its value (each
    scorecard's results still list its own).  The dataset is never changed:
    the values output takes these as an argument and shows them flagged."""

    rows: dict[str, Index] = attrs.field(factory=dict)
    values: dict[str, Array] = attrs.field(factory=dict)

    @classmethod
    def agreed(cls, dataset: Dataset, imputations: Sequence[Imputation]) -> Imputations:
        by_key: dict[str, list[Imputation]] = {}
        for imp in imputations:
            by_key.setdefault(imp.key, []).append(imp)
        out = cls()
        for key, imps in by_key.items():
            rows = np.concatenate([imp.rows for imp in imps])
            values = np.concatenate([np.full(len(imp.rows), imp.value) for imp in imps])
            order = np.argsort(rows, kind="stable")
            rows, values = rows[order], values[order]
            starts = np.flatnonzero(np.diff(rows, prepend=-1))
            agree = np.minimum.reduceat(values, starts) == np.maximum.reduceat(values, starts)
            rows, values = rows[starts][agree], values[starts][agree]
            empty = np.isnan(dataset.column(key)[rows])  # a suspect value left out stays as reported
            if empty.any():
                out.rows[key], out.values[key] = rows[empty], values[empty]
        return out

    def column(self, key: str, dataset: Dataset) -> tuple[Array, Mask | None]:
        """The dataset's column of ``key`` with the imputed values filled in,
        and which rows they are (None where nothing was imputed)."""
        column = dataset.column(key)
        rows = self.rows.get(key)
        if rows is None:
            return column, None
        filled, mask = column.copy(), np.zeros(dataset.size, dtype=bool)
        filled[rows], mask[rows] = self.values[key], True
        return filled, mask


@attrs.define
class CardData:
    rows: list[tuple[str, int]]
    values: dict[str, Array]  # leaf label -> value per row (NaN = missing)
    keys: dict[str, list[str | None]]  # leaf label -> key the value came from
    imputed: dict[str, Mask]
    excluded: dict[str, Mask]  # leaf label -> rows where a suspect value was left out
    groups: list[tuple[int | str, Index]]  # normalisation groups, labelled by year or "all"
    rank_groups: list[Index]
    # The dataset and each row's row in it, to name entities and years in bulk.
    dataset: Dataset
    dataset_rows: Index
    findings: FindingBuilder = attrs.field(factory=FindingBuilder)
    imputations: list[Imputation] = attrs.field(factory=list)

    @property
    def size(self) -> int:
        return len(self.rows)

    def reported(self, label: str) -> Mask:
        return ~np.isnan(self.values[label]) & ~self.imputed[label]


def _groups(rows: list[tuple[str, int]], within: str) -> list[tuple[int | str, Index]]:
    if within == "all":
        return [("all", np.arange(len(rows), dtype=np.intp))]
    years = np.array([year for _, year in rows], dtype=np.int64)
    return [(int(y), np.flatnonzero(years == y)) for y in sorted(set(years.tolist()))]


def extract(card: Scorecard, dataset: Dataset, catalog: Catalog) -> CardData:
    leaves = card.root.leaves()
    filters = Scope(card.entities, card.years, card.level)
    scope = filters.rows(dataset)
    unmatched = filters.finding("scorecard_filter", f"scorecard {card.name!r}", dataset, scope)
    findings = FindingBuilder()
    if unmatched is not None:
        findings.add(unmatched)
    values: dict[str, Array] = {}
    keys: dict[str, list[str | None]] = {}
    in_scope: Index = np.array(scope, dtype=np.intp)
    excluded: dict[str, Mask] = {}
    for leaf in leaves:
        column = np.full(len(scope), np.nan)
        chosen: list[str | None] = [None] * len(scope)
        excluded[leaf.label] = np.zeros(len(scope), dtype=bool)
        for key in reversed(leaf.keys):  # earlier keys overwrite: first reported wins
            reported = dataset.column(key)[scope]
            usable: Mask = ~np.isnan(reported)
            if card.suspect != "use":
                left_out = _suspects(card, leaf, key, dataset, in_scope, usable, findings)
                excluded[leaf.label] |= left_out
                usable &= ~left_out
            column = np.where(usable, reported, column)
            for i in np.flatnonzero(usable):
                chosen[i] = key
        values[leaf.label], keys[leaf.label] = column, chosen
    any_reported = np.zeros(len(scope), dtype=bool)
    for found in values.values():
        any_reported |= ~np.isnan(found)
    silent = in_scope[~any_reported]
    findings.columns(
        len(silent),
        severity="info",
        rule="scorecard_no_data",
        message=literal(f"scorecard {card.name!r}: ")
        + "{entity} {year} reports none of its indicators; not scored",
        args=no_args(len(silent)),
        **at_rows(dataset, silent),
    )
    kept = np.flatnonzero(any_reported)
    dataset_rows = in_scope[kept]
    rows = [dataset.rows[i] for i in dataset_rows.tolist()]
    data = CardData(
        rows=rows,
        values={label: v[kept] for label, v in values.items()},
        keys={label: [k[i] for i in kept] for label, k in keys.items()},
        imputed={leaf.label: np.zeros(len(rows), dtype=bool) for leaf in leaves},
        excluded={label: mask[kept] for label, mask in excluded.items()},
        groups=_groups(rows, card.normalize_within),
        rank_groups=[g for _, g in _groups(rows, card.rank_within)],
        dataset=dataset,
        dataset_rows=dataset_rows,
        findings=findings,
    )
    for leaf in leaves:
        if leaf.missing == "fail":
            _fail_on_missing(card, leaf, data)
        elif leaf.missing.startswith("impute_"):
            _impute(card, leaf, data, dataset, catalog)
    _unreported_columns(card, data)
    return data


def _suspects(
    card: Scorecard,
    leaf: Leaf,
    key: str,
    dataset: Dataset,
    scope: Index,
    usable: Mask,
    findings: FindingBuilder,
) -> Mask:
    """The usable values of ``key`` that are suspect (see :mod:`vqr_metrics.suspect`):
    ``suspect = "fail"`` stops the run at the first, ``"exclude"`` leaves them
    out, with a warning each, for the leaf's missing-data policy to handle."""
    bad: Mask = usable & dataset.untrusted(key)[scope]
    at = scope[bad]
    if not len(at):
        return bad
    label = _leaf_label(key, leaf)
    if card.suspect == "fail":
        entity, year = dataset.rows[int(at[0])]
        more = f" (and {len(at) - 1} more)" if len(at) > 1 else ""
        raise ScoringError(
            f"scorecard {card.name!r}: {label} of {entity} {year} is suspect{more}; "
            f'suspect = "fail" ({leaf.where})'
        )
    findings.columns(
        len(at),
        severity="warning",
        rule="scorecard_suspect",
        message=literal(f"scorecard {card.name!r}: {label} of ")
        + "{entity} {year}"
        + literal(
            " carries an error or is computed from one (see the values' suspect flag); left out "
            f'(suspect = "exclude"), missing = {leaf.missing!r} applies'
        ),
        args=no_args(len(at)),
        indicators=[label],
        actual=pa.array(dataset.column(key)[at], pa.float64()),
        **at_rows(dataset, at),
    )
    return bad


def _leaf_label(key: str, leaf: Leaf) -> str:
    """The leaf's label, with the key it was read from when it has several."""
    return leaf.label if len(leaf.keys) == 1 else f"{leaf.label} ({key})"


def _unreported_columns(card: Scorecard, data: CardData) -> None:
    """One warning per year naming the indicators no entity of that year
    reported: not a gap of some entities but an unusable column.  Every
    score of the year is computed without it (``reweight`` gives its weight
    to the node's other children; ``impute_*`` within the year has nothing
    to impute from), or only from imputed values (imputed from other
    years with ``normalize_within = "all"``)."""
    for year, index in _groups(data.rows, "year"):
        unreported = [label for label in data.values if not data.reported(label)[index].any()]
        if not unreported:
            continue
        dropped = [label for label in unreported if np.all(np.isnan(data.values[label][index]))]
        imputed = [label for label in unreported if label not in dropped]
        pronoun = "it" if len(dropped) == 1 else "them"
        without = pronoun if dropped == unreported else ", ".join(dropped)
        consequences = [f"every score of {year} is computed without {without}"] if dropped else []
        if imputed:
            consequences.append(
                f"{', '.join(imputed)} only {'has' if len(imputed) == 1 else 'have'} imputed values"
            )
        suspect = [label for label in unreported if data.excluded[label][index].any()]
        if suspect:
            consequences.append(f"the values of {', '.join(suspect)} were left out as suspect")
        data.findings.add(
            Finding(
                "warning",
                "scorecard_empty_indicator",
                f"scorecard {card.name!r}: no entity reports {', '.join(unreported)} in {year}; "
                + "; ".join(consequences),
                year=int(year),
                indicators=tuple(unreported),
            )
        )


def _fail_on_missing(card: Scorecard, leaf: Leaf, data: CardData) -> None:
    missing = np.flatnonzero(np.isnan(data.values[leaf.label]))
    if missing.size:
        entity, year = data.rows[int(missing[0])]
        more = f" (and {missing.size - 1} more)" if missing.size > 1 else ""
        raise ScoringError(
            f"scorecard {card.name!r}: {leaf.label} is not reported for {entity} {year}{more}; "
            f'missing = "fail" ({leaf.where})'
        )


def _impute(card: Scorecard, leaf: Leaf, data: CardData, dataset: Dataset, catalog: Catalog) -> None:
    """Fill a leaf's gaps within each normalisation group: the mean, or the
    25th percentile of performance (a low value for higher-is-better, a high
    one for lower-is-better) so that not reporting never pays."""
    column = data.values[leaf.label]
    for group, index in data.groups:
        gaps = index[np.isnan(column[index])]
        if not gaps.size:
            continue
        reported = column[index][~np.isnan(column[index])]
        if not reported.size:
            continue  # nothing to impute from: _unreported_columns warned
        if leaf.missing == "impute_mean":
            value, how = float(reported.mean()), f"mean of {reported.size}"
        else:
            value = float(np.percentile(reported, 25 if leaf.higher else 75))
            how = f"{'25th' if leaf.higher else '75th'} percentile of {reported.size}"
        column[gaps] = value
        data.imputed[leaf.label][gaps] = True
        for i in gaps.tolist():
            data.keys[leaf.label][i] = leaf.keys[0]
        at = data.dataset_rows[gaps]
        data.imputations.append(Imputation(leaf.keys[0], at, value))
        data.findings.columns(
            len(at),
            severity="info",
            rule="scorecard_imputed",
            message=literal(f"scorecard {card.name!r}: {leaf.label} not reported by ")
            + "{entity} {year}"
            + literal(f"; imputed {value:.6g} ({how} reported in {group}, missing = {leaf.missing!r})"),
            args=no_args(len(at)),
            indicators=[catalog.label(leaf.keys[0])],
            actual=value,
            **at_rows(dataset, at),
        )
