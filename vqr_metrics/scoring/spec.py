"""``[[scorecards]]`` config → a validated tree of nodes and leaves.

Every error is a one-line :class:`ConfigError` naming the key, its place in
the config and the file, with a did-you-mean where one helps.  Options flow
down the tree: a dimension or indicator without ``normalize``, ``aggregate``,
``weights``, ``missing``, ``min_coverage``, ``offset`` or a normaliser
parameter takes its parent's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from ..catalog import Catalog
from ..config import LEVELS
from ..errors import ConfigError, FormulaError
from ..model import Aggregator, Normalizer, Weighting
from ..names import did_you_mean
from ..schema import UNSET, Key, Section, entries, from_attrs, validate

MISSING = ("reweight", "fail", "impute_mean", "impute_p25")
WITHIN = ("year", "all")
# What a card does with a suspect value (vqr_metrics.suspect): leave it out, score it, or stop.
SUSPECT = ("exclude", "use", "fail")
DIRECTIONS = ("higher", "lower")
PERTURB = ("share", "dirichlet", "none")

MAX_DRAWS = 100_000


@attrs.frozen
class Leaf:
    """An indicator of a scorecard: the first of ``keys`` an entity reported."""

    label: str
    keys: tuple[str, ...]
    weight: float | None
    higher: bool
    normalize: str
    params: Mapping[str, Any]
    missing: str
    where: str


@attrs.frozen
class Node:
    """A dimension (or the scorecard itself): children aggregated into a score."""

    label: str
    children: tuple[Node | Leaf, ...]
    weight: float | None
    aggregate: str
    weights: str
    min_coverage: float
    offset: float
    where: str

    def leaves(self) -> list[Leaf]:
        out: list[Leaf] = []
        for child in self.children:
            out += child.leaves() if isinstance(child, Node) else [child]
        return out

    def nodes(self) -> list[Node]:
        out: list[Node] = [self]
        for child in self.children:
            if isinstance(child, Node):
                out += child.nodes()
        return out


@attrs.frozen
class Sensitivity:
    """``[scorecards.sensitivity]``: Monte Carlo draws and a one-at-a-time sweep."""

    draws: int = 1000
    seed: int = 0
    perturb: str = "share"
    share: float = 0.2
    concentration: float = 100.0
    normalize: tuple[str, ...] = ()
    aggregate: tuple[str, ...] = ()
    weights: tuple[str, ...] = ()
    sweep: tuple[float, ...] = (0.5, 0.75, 1.25, 1.5)


_INHERITED = (
    Key("normalize", str, "normalisation of the indicators", default="minmax"),
    Key("aggregate", str, "how a node combines its children", default="arithmetic"),
    Key("weights", str, "how a node weighs its children", default="explicit"),
    Key("missing", str, "what a missing value does", default="reweight", choices=MISSING),
    Key("min_coverage", float, "share (0–1) of a node's weight reported for it to score", default=0.5),
    Key("offset", float, "≥ 0, added before a geometric mean", default=0.0),
)
# What a dimension or indicator without a key of _INHERITED takes when no parent sets it.
DEFAULTS = Section("", _INHERITED).defaults()
_METRIC = "a metric or indicator by name, alias or key, or a list: the first one reported is used"
_WITHIN = "`year`: the entities of one year; `all`: all entity-years pooled"
INDICATOR = Section(
    "[[…indicators]]",
    (
        Key("metric", (str, list), _METRIC, required=True),
        Key("name", str, "the label in the output (by default the metric's); unique in the scorecard"),
        Key("weight", float, "its weight in the parent"),
        Key("direction", str, "which is better (生师比 is `lower`)", default="higher", choices=DIRECTIONS),
        Key("normalize", str, "its normalisation (inherited)"),
        Key("missing", str, "what its missing value does (inherited)", choices=MISSING),
    ),
)
_CHILDREN = (
    Key("description", str, "free text, copied to the output", default=""),
    Key(
        "indicators", list, "its indicators (it needs indicators or dimensions)", item=dict, section=INDICATOR
    ),
)
DIMENSION = Section(
    "[[…dimensions]]",
    (
        Key("name", str, "unique in the scorecard", required=True),
        Key("weight", float, "its weight in the parent"),
        *(attrs.evolve(k, doc=f"{k.doc} (inherited)", default=UNSET) for k in _INHERITED),
        *_CHILDREN,
        Key("dimensions", list, "its dimensions, as these", item=dict),
    ),
)
SENSITIVITY = from_attrs(
    Sensitivity,
    "[scorecards.sensitivity]",
    {
        "draws": "Monte Carlo draws (1–100000)",
        "seed": "≥ 0; the same seed gives the same numbers",
        "perturb": "how the weights are perturbed",
        "share": "in (0, 1): each weight × U[1 − share, 1 + share]",
        "concentration": "> 0: weights ~ Dirichlet(concentration · w)",
        "normalize": "normalisations drawn from",
        "aggregate": "aggregations drawn from",
        "weights": "weightings drawn from",
        "sweep": "one-at-a-time weight factors ([] for none)",
    },
    perturb={"choices": PERTURB},
)
CARD = Section(
    "[[scorecards]]",
    (
        Key("name", str, "the scorecard's name (unique in the config)", required=True),
        *(attrs.evolve(k, doc=f"{k.doc} (inherited)") for k in _INHERITED),
        *_CHILDREN,
        Key("dimensions", list, "its dimensions", item=dict, section=DIMENSION),
        Key(
            "normalize_within",
            str,
            f"whom normalisation and data weights compare: {_WITHIN}",
            default="year",
            choices=WITHIN,
        ),
        Key("rank_within", str, f"whom ranks compare: {_WITHIN}", default="year", choices=WITHIN),
        Key(
            "level", str, "only entities of this level (`level` of an input, or the reader's)", choices=LEVELS
        ),
        Key("entities", list, "only these entities (see [Filters](#filters))", item=str),
        Key("years", list, "only these years", item=int),
        Key("sensitivity", dict, "see [Sensitivity analysis](#sensitivity-analysis)", section=SENSITIVITY),
        Key(
            "suspect",
            str,
            "a suspect value is left out, scored, or stops the run",
            default="exclude",
            choices=SUSPECT,
        ),
    ),
)


@attrs.frozen
class Scorecard:
    name: str
    description: str
    root: Node
    normalize_within: str
    rank_within: str
    level: str | None
    entities: tuple[str, ...]
    years: tuple[int, ...]
    sensitivity: Sensitivity | None
    source: str
    suspect: str = "exclude"


@attrs.frozen
class Methods:
    """The scoring methods of the catalog, by id."""

    normalizers: Mapping[str, Normalizer]
    weightings: Mapping[str, Weighting]
    aggregators: Mapping[str, Aggregator]

    @classmethod
    def of(cls, catalog: Catalog) -> Methods:
        items = catalog.items
        return cls(items["normalizer"], items["weighting"], items["aggregator"])


class _Parser:
    """Parses one scorecard; holds what its messages need."""

    def __init__(self, catalog: Catalog, source: str, params: Sequence[str]) -> None:
        self.catalog = catalog
        self.source = source
        self.params = tuple(params)
        self.methods = Methods.of(catalog)
        self.labels: dict[str, str] = {}
        self.sensitivity: Sensitivity | None = None

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {where}: {message}")

    def method(self, kind: str, value: Any, where: str, key: str) -> str:
        known: Mapping[str, Any] = getattr(self.methods, kind)
        if value not in known:
            raise self.fail(
                where,
                f"unknown {key} method {value!r}; known: {', '.join(sorted(known)) or '(none loaded)'}"
                f"{did_you_mean(str(value), known)}",
            )
        return str(value)

    def bounded(self, value: Any, where: str, key: str, rule: str, ok: Callable[[float], bool]) -> float:
        """A number inside its range (``rule`` says which, for the message);
        NaN and ±inf never are."""
        if not (isinstance(value, int) or math.isfinite(value)) or not ok(value):
            raise self.fail(where, f"{key} must be {rule}, not {value!r}")
        return float(value)

    def card(self, raw: Mapping[str, Any], where: str) -> Scorecard:
        validate(raw, CARD, where, self.source, self.params)
        self.sensitivity = self._sensitivity(raw.get("sensitivity"), f"{where}.sensitivity")
        inherited = {**DEFAULTS, **{k: raw[k] for k in (*DEFAULTS, *self.params) if k in raw}}
        root = self.node(raw, where, inherited, weight=None)
        given = {k: raw.get(k, CARD[k].default) for k in ("description", "normalize_within", "rank_within")}
        return Scorecard(
            name=raw["name"],
            root=root,
            level=raw.get("level"),
            entities=tuple(raw.get("entities", ())),
            years=tuple(raw.get("years", ())),
            sensitivity=self.sensitivity,
            source=self.source,
            suspect=raw.get("suspect", CARD["suspect"].default),
            **given,
        )

    def node(
        self, raw: Mapping[str, Any], where: str, inherited: dict[str, Any], weight: float | None
    ) -> Node:
        options = {**inherited, **{k: raw[k] for k in (*DEFAULTS, *self.params) if k in raw}}
        aggregate = self.method("aggregators", options["aggregate"], where, "aggregate")
        weights = self.method("weightings", options["weights"], where, "weights")
        self.method("normalizers", options["normalize"], where, "normalize")
        min_coverage = self.bounded(
            options["min_coverage"], where, "min_coverage", "a number in [0, 1]", lambda x: 0 <= x <= 1
        )
        offset = self.bounded(options["offset"], where, "offset", "a number ≥ 0", lambda x: x >= 0)
        alternatives = self.sensitivity.aggregate if self.sensitivity else ()
        aggregators = self.methods.aggregators
        if "offset" in raw and not any(aggregators[a].takes_offset for a in {aggregate, *alternatives}):
            takers = " / ".join(f'"{a.id}"' for a in aggregators.values() if a.takes_offset) or "none loaded"
            raise self.fail(where, f"offset only applies to aggregate = {takers}, not {aggregate!r}")
        children: list[Node | Leaf] = []
        for n, child in enumerate(entries(raw, "indicators", self.source), 1):
            children.append(self.leaf(child, f"{where}.indicators #{n}", options))
        for n, child in enumerate(entries(raw, "dimensions", self.source), 1):
            child_where = f"{where}.dimensions #{n}"
            validate(child, DIMENSION, child_where, self.source, self.params)
            child_where = f"{child_where} ({child['name']})"
            self._unique(child["name"], child_where, "dimension")
            children.append(self.node(child, child_where, options, child.get("weight")))
        if not children:
            raise self.fail(where, "needs [[…indicators]] or [[…dimensions]]")
        self._check_weights(children, weights, where)
        label = str(raw["name"])
        return Node(label, tuple(children), weight, aggregate, weights, min_coverage, offset, where)

    def _check_weights(self, children: Sequence[Node | Leaf], method: str, where: str) -> None:
        given = [c for c in children if c.weight is not None]
        methods = {method, *(self.sensitivity.weights if self.sensitivity else ())}
        use = {m: self.methods.weightings[m].explicit_weights for m in methods}
        required = sorted(m for m, u in use.items() if u == "required")
        if required and len(given) != len(children):
            lacking = next(c for c in children if c.weight is None)
            raise self.fail(
                lacking.where,
                f'needs a weight (its parent uses weights = "{required[0]}"; or use weights = "equal")',
            )
        if given and all(u == "ignored" for u in use.values()):
            raise self.fail(given[0].where, f"weight is not used by weights = {method!r}; remove it")
        if given and len(given) != len(children):
            raise self.fail(where, "give every child a weight, or none")
        for child in given:
            self.bounded(child.weight, child.where, "weight", "a number ≥ 0", lambda x: x >= 0)
        if given and sum(c.weight or 0.0 for c in given) <= 0:
            raise self.fail(where, "the weights of its children must not all be 0")

    def leaf(self, raw: Mapping[str, Any], where: str, inherited: Mapping[str, Any]) -> Leaf:
        validate(raw, INDICATOR, where, self.source, self.params)
        names = raw["metric"] if isinstance(raw["metric"], list) else [raw["metric"]]
        if not names or not all(isinstance(n, str) for n in names):
            raise self.fail(where, "metric must be a name or a list of names (first reported wins)")
        keys = []
        for name in names:
            try:
                keys.append(self.catalog.resolve(name))
            except FormulaError as exc:
                raise self.fail(f"{where}.metric", str(exc)) from None
        label = raw.get("name") or self.catalog.label(keys[0])
        where = f"{where} ({label})"
        self._unique(label, where, "indicator")
        normalize = self.method(
            "normalizers", raw.get("normalize", inherited["normalize"]), where, "normalize"
        )
        params = {k: raw.get(k, inherited.get(k)) for k in self.params if k in raw or k in inherited}
        higher = raw.get("direction", INDICATOR["direction"].default) == "higher"
        leaf = Leaf(
            label=label,
            keys=tuple(dict.fromkeys(keys)),
            weight=raw.get("weight"),
            higher=higher,
            normalize=normalize,
            params=params,
            missing=raw.get("missing", inherited["missing"]),
            where=where,
        )
        self._dry_run(leaf, raw)
        return leaf

    def _dry_run(self, leaf: Leaf, raw: Mapping[str, Any]) -> None:
        """Call each normaliser the leaf may use once, so a missing or bad
        parameter is a config error now, not a failure after reading inputs."""
        alternatives = self.sensitivity.normalize if self.sensitivity else ()
        ids = dict.fromkeys((leaf.normalize, *alternatives))
        used = {p for i in ids for p in self.methods.normalizers[i].parameters}
        for key in raw:
            if key in self.params and key not in used:
                raise self.fail(leaf.where, f"{key} is not a parameter of normalize = {leaf.normalize!r}")
        for method_id in ids:
            normalizer = self.methods.normalizers[method_id]
            params = {k: v for k, v in leaf.params.items() if k in normalizer.parameters}
            try:
                normalizer.normalize(np.array([1.0, 2.0]), leaf.higher, params)
            except ValueError as exc:
                raise self.fail(leaf.where, f"normalize = {method_id!r} {exc}") from None

    def _unique(self, label: str, where: str, what: str) -> None:
        if label in self.labels:
            raise self.fail(
                where, f"{what} name {label!r} is used twice (also {self.labels[label]}); give one a name = …"
            )
        self.labels[label] = where

    def _sensitivity(self, raw: Any, where: str) -> Sensitivity | None:
        if raw is None:
            return None
        validate(raw, SENSITIVITY, where, self.source)
        default = Sensitivity()
        draws = raw.get("draws", default.draws)
        self.bounded(draws, where, "draws", f"a whole number in 1–{MAX_DRAWS}", lambda x: 1 <= x <= MAX_DRAWS)
        seed = raw.get("seed", default.seed)
        self.bounded(seed, where, "seed", "a whole number ≥ 0", lambda x: x >= 0)
        share = self.bounded(
            raw.get("share", default.share),
            where,
            "share",
            'a number in (0, 1) (for no weight perturbation use perturb = "none")',
            lambda x: 0 < x < 1,
        )
        concentration = self.bounded(
            raw.get("concentration", default.concentration),
            where,
            "concentration",
            "a number > 0",
            lambda x: x > 0,
        )
        lists = {}
        for key, kind in (
            ("normalize", "normalizers"),
            ("weights", "weightings"),
            ("aggregate", "aggregators"),
        ):
            values = raw.get(key, [])
            lists[key] = tuple(self.method(kind, v, f"{where}.{key}", key) for v in values)
        sweep = raw.get("sweep", list(default.sweep))
        if not all(
            isinstance(f, (int, float)) and not isinstance(f, bool) and math.isfinite(f) and f >= 0
            for f in sweep
        ):
            raise self.fail(
                where, f"sweep must be a list of weight factors ≥ 0 (e.g. [0.5, 1.5]), not {sweep!r}"
            )
        return Sensitivity(
            draws=draws,
            seed=seed,
            perturb=raw.get("perturb", default.perturb),
            share=share,
            concentration=concentration,
            sweep=tuple(float(f) for f in sweep),
            **lists,
        )


def parse_scorecards(
    raws: Sequence[Mapping[str, Any]], catalog: Catalog, source: str
) -> tuple[Scorecard, ...]:
    """Validate every ``[[scorecards]]`` entry against the loaded methods and metrics."""
    params = sorted({p for n in catalog.normalizers.values() for p in n.parameters})
    cards: list[Scorecard] = []
    for n, raw in enumerate(raws, 1):
        where = f"scorecards #{n}"
        if "name" in raw and isinstance(raw["name"], str):
            where = f"{where} ({raw['name']})"
        card = _Parser(catalog, source, params).card(raw, where)
        if any(c.name == card.name for c in cards):
            raise ConfigError(f"{source}: {where}: another scorecard is named {card.name!r}")
        cards.append(card)
    return tuple(cards)
