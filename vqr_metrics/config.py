"""Run configuration: read from TOML (``vqr-score config.toml``) or built in
Python.  Paths are relative to the config file; an unknown key is an error
naming the key, its place and the file, with a did-you-mean."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .errors import ConfigError
from .model import InputSpec
from .names import did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

LEVELS = ("高职", "中职")
# The first year any report could speak of, and a far bound for typos: for years on inputs and in cells.
FIRST_YEAR, LAST_YEAR = 1949, 2100

# section -> key -> (type or types, required)
_INPUT_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "path": (str, True),
    "entity": (str, False),
    "year": (int, False),
    "level": (str, False),
    "type": (str, False),
    "format": (str, False),
    "encoding": (str, False),
    "sheet": (str, False),
}
_OUTPUT_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "format": (str, False),
    "path": (str, False),
    "sections": (list, False),
    "lang": (str, False),
    "layout": (str, False),
}
# What the writers show: parts of the result, heading language, CSV layout.
SECTIONS = ("summary", "findings", "values", "metrics", "scores", "compliance")
LANGS = ("zh", "en")
LAYOUTS = ("long", "wide")
_PLUGIN_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "modules": (list, False),
    "files": (list, False),
    "entry_points": (bool, False),
}
_ENGINE_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "year_over_year": (bool, False),
}
_TOP_KEYS = (
    "extends",
    "inputs",
    "output",
    "plugins",
    "engine",
    "checks",
    "metrics",
    "indicators",
    "tables",
    "scorecards",
    "compliance",
)


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
        return attrs.evolve(
            self,
            output=OutputSpec(
                format=format or old.format,
                path=path if path is not None else old.path,
                **_output_options(given, "the command line"),
            ),
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


def check_keys(
    data: Mapping[str, Any],
    schema: Mapping[str, tuple[type | tuple[type, ...], bool]] | Sequence[str],
    where: str,
    source: str,
) -> None:
    """Reject unknown keys (with did-you-mean), missing required keys and
    values of the wrong type, naming the place and the file."""
    allowed = list(schema)
    for key in data:
        if key not in allowed:
            raise ConfigError(f"{source}: unknown key {key!r} in {where}{did_you_mean(key, allowed)}")
    if not isinstance(schema, Mapping):
        return
    for key, (kind, required) in schema.items():
        if key not in data:
            if required:
                raise ConfigError(f"{source}: {where} needs a {key!r}")
            continue
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            kinds_ok = False
        else:
            kinds_ok = isinstance(value, kinds) or (float in kinds and isinstance(value, int))
        if not kinds_ok:
            names = " or ".join(k.__name__ for k in kinds)
            raise ConfigError(f"{source}: {where}.{key} must be a {names}, not {type(value).__name__}")


def table_list(data: Mapping[str, Any], key: str, source: str) -> list[Mapping[str, Any]]:
    """``[[key]]`` entries as a list of tables (a single table is accepted)."""
    value = data.get(key, [])
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ConfigError(f"{source}: {key} must be an array of tables ([[{key}]])")
    return list(value)


def _output_options(output: Mapping[str, Any], source: str) -> dict[str, Any]:
    """``sections``, ``lang`` and ``layout`` of ``[output]``, checked against what the writers know."""
    sections = output.get("sections", list(SECTIONS))
    for part in sections:
        if part not in SECTIONS:
            raise ConfigError(
                f"{source}: [output].sections: unknown section {part!r}; known: {', '.join(SECTIONS)}"
                f"{did_you_mean(str(part), SECTIONS)}"
            )
    for key, known in (("lang", LANGS), ("layout", LAYOUTS)):
        if output.get(key, known[0]) not in known:
            raise ConfigError(
                f"{source}: [output].{key} must be one of {', '.join(known)}, not {output[key]!r}"
            )
    return {
        "sections": tuple(sections),
        "lang": output.get("lang", LANGS[0]),
        "layout": output.get("layout", LAYOUTS[0]),
    }


def config_from_dict(data: Mapping[str, Any], source: str, base_dir: Path) -> Config:
    """Validate parsed TOML (or the same structure built in Python)."""
    check_keys(data, _TOP_KEYS, "the config", source)
    if "extends" in data:
        raise ConfigError(f"{source}: extends names config files; it works in a config file only")
    inputs = []
    for n, raw in enumerate(table_list(data, "inputs", source), 1):
        where = f"inputs #{n}"
        check_keys(raw, _INPUT_KEYS, where, source)
        if raw.get("level") is not None and raw["level"] not in LEVELS:
            raise ConfigError(
                f"{source}: {where}.level must be one of {', '.join(LEVELS)}, not {raw['level']!r}"
            )
        if raw.get("year") is not None and not FIRST_YEAR <= raw["year"] <= LAST_YEAR:
            raise ConfigError(
                f"{source}: {where}.year {raw['year']} is not a year (a whole number from {FIRST_YEAR} "
                f"to {LAST_YEAR})"
            )
        path = Path(raw["path"])
        options = {"type": raw["type"]} if "type" in raw else {}
        inputs.append(
            InputSpec(
                path=str(path if path.is_absolute() else base_dir / path),
                entity=raw.get("entity"),
                year=raw.get("year"),
                level=raw.get("level"),
                format=raw.get("format"),
                encoding=raw.get("encoding"),
                sheet=raw.get("sheet"),
                options=options,
            )
        )
    output = data.get("output", {})
    if not isinstance(output, Mapping):
        raise ConfigError(f"{source}: output must be a table ([output])")
    check_keys(output, _OUTPUT_KEYS, "[output]", source)
    options = _output_options(output, source)
    out_path = output.get("path")
    if out_path is not None and not Path(out_path).is_absolute():
        out_path = str(base_dir / out_path)
    plugins = data.get("plugins", {})
    if not isinstance(plugins, Mapping):
        raise ConfigError(f"{source}: plugins must be a table ([plugins])")
    check_keys(plugins, _PLUGIN_KEYS, "[plugins]", source)
    for key in ("modules", "files"):
        if not all(isinstance(v, str) for v in plugins.get(key, [])):
            raise ConfigError(f"{source}: [plugins].{key} must be a list of strings")
    files = tuple(str(p if Path(p).is_absolute() else base_dir / p) for p in plugins.get("files", []))
    engine = data.get("engine", {})
    if not isinstance(engine, Mapping):
        raise ConfigError(f"{source}: engine must be a table ([engine])")
    check_keys(engine, _ENGINE_KEYS, "[engine]", source)
    raw_checks = data.get("checks", {})
    if not isinstance(raw_checks, Mapping):
        raise ConfigError(f"{source}: checks must be a table ([checks])")
    checks = dict(raw_checks)
    disabled = checks.pop("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(d, str) for d in disabled):
        raise ConfigError(f"{source}: [checks].disable must be a list of check ids")
    declarations = {key: table_list(data, key, source) for key in ("metrics", "indicators", "tables")}
    return Config(
        inputs=tuple(inputs),
        output=OutputSpec(format=output.get("format"), path=out_path, **options),
        plugins=PluginSpec(
            modules=tuple(plugins.get("modules", ())),
            files=files,
            entry_points=plugins.get("entry_points", True),
        ),
        year_over_year=engine.get("year_over_year", True),
        checks=checks,
        disabled_checks=frozenset(disabled),
        declarations={k: v for k, v in declarations.items() if v},
        scorecards=tuple(table_list(data, "scorecards", source)),
        compliance=tuple(table_list(data, "compliance", source)),
        source=source,
        base_dir=base_dir,
    )
