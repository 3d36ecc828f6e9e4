"""Run configuration: read from TOML (``vqr-score config.toml``) or built in Python.

Paths are relative to the config file; an unknown key is an error
naming the key, its place and the file, with a did-you-mean."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import attrs

from .errors import ConfigError
from .model import InputSpec
from .schema import (
    DECLARATIVE_INDICATOR,
    DECLARATIVE_METRIC,
    DECLARATIVE_TABLE,
    Key,
    Section,
    entries,
    from_attrs,
    validate,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

LEVELS = ("高职", "中职")
# The first year any report could speak of, and a far bound for typos: for years on inputs and in cells.
FIRST_YEAR, LAST_YEAR = 1949, 2100

# What the writers show: parts of the result, heading language, CSV layout.
SECTIONS = ("summary", "findings", "values", "metrics", "scores", "compliance")
LANGS = ("zh", "en")
LAYOUTS = ("long", "wide")


@attrs.frozen
class OutputSpec:
    """``format`` None means: from the output path's suffix, else ``table``.
    ``sections`` are the parts the table, Markdown and HTML outputs print,
    ``lang`` their headings' language, ``layout`` the CSV's."""

    format: str | None = None
    path: str | None = None
    sections: tuple[str, ...] = SECTIONS
    lang: str = "zh"
    layout: str = "long"


@attrs.frozen
class PluginSpec:
    modules: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    entry_points: bool = True


@attrs.frozen
class Config:
    """Everything one run needs.  Scoring sections stay as parsed TOML here
    and are validated by the scoring module, which owns their meaning."""

    inputs: tuple[InputSpec, ...] = ()
    output: OutputSpec = OutputSpec()
    plugins: PluginSpec = PluginSpec()
    year_over_year: bool = True
    backend: Literal["numpy", "duckdb", "postgres"] = "numpy"
    database: str | None = None
    checks: Mapping[str, Any] = attrs.field(factory=dict)
    disabled_checks: frozenset[str] = frozenset()
    declarations: Mapping[str, Any] = attrs.field(factory=dict)
    scorecards: tuple[Mapping[str, Any], ...] = ()
    compliance: tuple[Mapping[str, Any], ...] = ()
    source: str = "<config>"
    base_dir: Path = attrs.field(factory=Path.cwd)

    @classmethod
    def build(
        cls,
        inputs: Sequence[str | Path | Mapping[str, Any]] = (),
        *,
        base_dir: str | Path | None = None,
        **sections: Any,
    ) -> Config:
        """Build a config in Python with the same keys as the TOML file::

        Config.build(["report.txt"], output={"format": "json"},
                     scorecards=[{...}])
        """
        data: dict[str, Any] = {"inputs": [i if isinstance(i, Mapping) else {"path": str(i)} for i in inputs]}
        data.update(sections)
        return config_from_dict(data, "<python>", Path(base_dir) if base_dir else Path.cwd())

    def with_output(
        self,
        format: str | None = None,
        path: str | None = None,
        *,
        sections: Sequence[str] | None = None,
        lang: str | None = None,
        layout: str | None = None,
    ) -> Config:
        """The config with output options overridden (None keeps the config's)."""
        old = self.output
        given: dict[str, Any] = {"sections": list(old.sections if sections is None else sections)}
        given |= {"lang": lang or old.lang, "layout": layout or old.layout}
        validate(given, OUTPUT, "[output]", "the command line")
        return attrs.evolve(
            self,
            output=_output({**given, "format": format or old.format}, path if path is not None else old.path),
        )


INPUT = from_attrs(
    InputSpec,
    "[[inputs]]",
    {
        "path": "the input file, relative to the config (required, unless the input is a database)",
        "entity": "the school or region it reports on (overrides what the file says)",
        "year": "the year of single-year (值) columns",
        "level": "the level of the school (overrides the file's 层次)",
        "format": "a reader id (by default chosen by suffix and content)",
        "encoding": "the encoding of a CSV or text file (by default UTF-8, with or without BOM, or GB18030)",
        "sheet": "the XLSX sheet to read (by default every sheet)",
        "table": "the table to read, of the database or of a database file (DuckDB)",
        "database": "a database URL (postgresql://user@host/db) to read table from, instead of a path",
    },
    level={"choices": LEVELS},
    path={"required": False},  # a database input has none
).extended(
    "[[inputs]]", Key("type", str, "the school type for compliance rules (综合/师范/民族/工科/农林 …)")
)
OUTPUT = from_attrs(
    OutputSpec,
    "[output]",
    {
        "format": "a writer id: table, markdown, csv, json, parquet, xlsx, html or a plugin's "
        "(by default from the path's suffix, else table)",
        "path": "the output file, relative to the config (by default stdout)",
        "sections": "the parts the table, Markdown and HTML outputs show",
        "lang": "the language of their headings",
        "layout": "the CSV's layout",
    },
    sections={"choices": SECTIONS, "noun": "section"},
    lang={"choices": LANGS},
    layout={"choices": LAYOUTS},
)
PLUGINS = from_attrs(
    PluginSpec,
    "[plugins]",
    {
        "modules": "importable plugin modules",
        "files": "declarative TOML or Python plugin files, relative to the config",
        "entry_points": "load the installed third-party plugins (entry point group `vqr_metrics`)",
    },
)
ENGINE = from_attrs(
    Config,
    "[engine]",
    {
        "year_over_year": "add `<key>_yoy` 同比增长率 for every indicator and metric",
        "backend": "where the metrics and the relational checks run: numpy (in process), duckdb "
        "(embedded) or postgres (pushed down to the database); docs/sql.md",
        "database": "the PostgreSQL URL backend = postgres runs in (by default the database of the "
        "first database input)",
    },
)
CHECKS = Section(
    "[checks]",
    (Key("disable", list, "ids of checks to switch off", default=(), item=str),),
    open=True,
)
CONFIG = Section(
    "config file",
    (
        Key("extends", list, "config files merged under this one, relative to it (later wins)", item=str),
        Key("inputs", list, "the files to read", item=dict, section=INPUT),
        Key("output", dict, "what to write, where", section=OUTPUT),
        Key("plugins", dict, "plugins to load besides the built-in ones", section=PLUGINS),
        Key("engine", dict, "what the engine adds", section=ENGINE),
        Key("checks", dict, "options the checks declare (`vqr-score checks` lists them)", section=CHECKS),
        Key("metrics", list, "metrics declared inline", item=dict, section=DECLARATIVE_METRIC),
        Key("indicators", list, "indicators declared inline", item=dict, section=DECLARATIVE_INDICATOR),
        Key("tables", list, "tables declared inline", item=dict, section=DECLARATIVE_TABLE),
        Key("scorecards", list, "scorecards, see docs/scoring.md", item=dict),
        Key("compliance", list, "compliance rule sets, see docs/scoring.md", item=dict),
    ),
    top=True,
)


def load_config(path: str | Path) -> Config:
    """Read and validate a TOML config file, with the files it ``extends`` merged under it."""
    file = Path(path)
    return config_from_dict(_composed(file, ()), str(file), file.resolve().parent)


def _composed(file: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    """A config file's TOML over the files it extends, in order (later wins).
    ``chain`` holds the files that extend this one, to report a cycle."""
    data = read_toml(file, "config file")
    extends = data.pop("extends", [])
    if isinstance(extends, str):
        extends = [extends]
    if not isinstance(extends, list) or not all(isinstance(e, str) for e in extends):
        raise ConfigError(f"{file}: extends must be a list of config files")
    here = (*chain, file.resolve())
    base: dict[str, Any] = {}
    for name in extends:
        other = file.parent / name
        if other.resolve() in here:
            cycle = [*here[here.index(other.resolve()) :], other.resolve()]
            raise ConfigError(f"{file}: extends cycle: {' -> '.join(str(p) for p in cycle)}")
        if not other.is_file():
            raise ConfigError(f"{file}: extends {name!r}, but {other} does not exist")
        base = _merged(base, _rebased(_composed(other, here), other.resolve().parent))
    return _merged(base, data)


def _merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` deep-merged onto ``base``: tables merge key by key, any other
    value (arrays of tables too) of ``over`` replaces the base's."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        both = isinstance(old, Mapping) and isinstance(value, Mapping)
        out[key] = _merged(old, value) if both else value  # type: ignore[arg-type]
    return out


def _rebased(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    """A base config's relative paths made absolute: each file's paths are
    relative to that file, not to the one extending it."""

    def at(path: Any) -> Any:
        return str(folder / path) if isinstance(path, str) and not Path(path).is_absolute() else path

    for section, key in _PATHS:
        entries = data.get(section)
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, dict) and key in entry:
                value = entry[key]
                entry[key] = [at(v) for v in value] if isinstance(value, list) else at(value)
    return data


# (section, key) of every path a config file holds
_PATHS = (("inputs", "path"), ("output", "path"), ("plugins", "files"), ("compliance", "rules"))


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file as a dict, or a one-line :class:`ConfigError`."""
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path}: invalid TOML: {exc}") from None


def redacted(url: str) -> str:
    """A URL without its password, to cite."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}"))


def _input_path(raw: Mapping[str, Any], base_dir: Path, source: str, where: str) -> str:
    """What an input cites: its file, resolved, or its database URL without
    the password and ``#table``."""
    if "database" not in raw:
        if "path" not in raw:
            raise ConfigError(f"{source}: {where} needs a path (or a database and a table)")
        path = Path(raw["path"])
        return str(path if path.is_absolute() else base_dir / path)
    if "path" in raw or "table" not in raw:
        raise ConfigError(f"{source}: {where}: a database input needs a table and no path")
    return f"{redacted(raw['database'])}#{raw['table']}"


def config_from_dict(data: Mapping[str, Any], source: str, base_dir: Path) -> Config:
    """Validate parsed TOML (or the same structure built in Python)."""
    validate(data, CONFIG, "the config", source)
    if "extends" in data:
        raise ConfigError(f"{source}: extends names config files; it works in a config file only")
    inputs = []
    for n, raw in enumerate(entries(data, "inputs", source), 1):
        where = f"inputs #{n}"
        validate(raw, INPUT, where, source)
        if "year" in raw and not FIRST_YEAR <= raw["year"] <= LAST_YEAR:
            raise ConfigError(
                f"{source}: {where}.year {raw['year']} is not a year (a whole number from {FIRST_YEAR} "
                f"to {LAST_YEAR})"
            )
        fields = {
            k: raw[k]
            for k in ("entity", "year", "level", "format", "encoding", "sheet", "table", "database")
            if k in raw
        }
        options = {"type": raw["type"]} if "type" in raw else {}
        inputs.append(InputSpec(path=_input_path(raw, base_dir, source, where), **fields, options=options))
    output, plugins, engine = (data.get(k, {}) for k in ("output", "plugins", "engine"))
    for raw, section in ((output, OUTPUT), (plugins, PLUGINS), (engine, ENGINE)):
        validate(raw, section, section.title, source)
    out_path = output.get("path")
    if out_path is not None and not Path(out_path).is_absolute():
        out_path = str(base_dir / out_path)
    files = tuple(str(p if Path(p).is_absolute() else base_dir / p) for p in plugins.get("files", []))
    checks = dict(data.get("checks", {}))
    validate(checks, CHECKS, "[checks]", source)
    disabled = checks.pop("disable", [])
    declarations = {key: entries(data, key, source) for key in ("metrics", "indicators", "tables")}
    return Config(
        inputs=tuple(inputs),
        output=_output(output, out_path),
        plugins=PluginSpec(
            modules=tuple(plugins.get("modules", ())),
            files=files,
            entry_points=plugins.get("entry_points", True),
        ),
        year_over_year=engine.get("year_over_year", True),
        backend=engine.get("backend", "numpy"),
        database=engine.get("database"),
        checks=checks,
        disabled_checks=frozenset(disabled),
        declarations={k: v for k, v in declarations.items() if v},
        scorecards=tuple(entries(data, "scorecards", source)),
        compliance=tuple(entries(data, "compliance", source)),
        source=source,
        base_dir=base_dir,
    )


def _output(output: Mapping[str, Any], path: str | None) -> OutputSpec:
    """``[output]`` (validated) as the spec; lists become tuples."""
    given = {k: v for k, v in output.items() if k != "path"}
    if "sections" in given:
        given["sections"] = tuple(given["sections"])
    return OutputSpec(path=path, **given)
