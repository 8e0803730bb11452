"""Scenario files: what to run (which notebooks, with which parameters) on which data.

A scenario is a YAML file read with a strict safe loader (no duplicate keys, no alias bombs).
Every problem (unknown keys, wrong types, values out of bounds, missing files, notebook keys
that are paths, parameters a notebook does not have) is collected and raised as one
:class:`~spm_models.errors.ScenarioError` naming the file and key.

Company data may live anywhere on disk (a user's CRM export never lives in the project): a
path is absolute, starts with ``~``, or is relative to the scenario file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from spm_models import config
from spm_models.errors import InputDataError, ScenarioError
from spm_models.sources.mapping import SourceMapping, materialise, preset_mapping, read_mapping
from spm_models.sources.readers import YamlDocumentError, load_yaml_strict, redact_url

#: Parameters every notebook has; the runner sets them, so a scenario may not.
STANDARD_PARAMETERS = ("scenario", "data_source", "output_dir", "interactive")
TOP_KEYS = {
    "name": str,
    "title": str,
    "description": str,
    "data": dict,
    "notebooks": dict,
    "anonymise": bool,
}
REQUIRED_TOP = ("name", "title", "data", "notebooks")
DATA_KEYS = {
    "sample": {"source": str, "seed": int, "accounts": int, "reps": int},
    "folder": {"source": str, "path": str},
    "sql": {"source": str, "url": str},
    "mapping": {"source": str, "path": str, "mapping": dict},
    "salesforce": {"source": str, "path": str, "sample": dict},
}
SAMPLE_KEYS = {"seed": int, "accounts": int, "reps": int}
#: Inclusive bounds of the sample company's size and seed (the generator's working range).
BOUNDS = {"seed": (0, 2**32 - 1), "accounts": (20, 100_000), "reps": (4, 2_000)}
SAMPLE_DEFAULTS = {"seed": 42, "accounts": 5000, "reps": 60}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: A notebook key is a file name in the notebooks folder (no extension), never a path.
NOTEBOOK_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_TYPES = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}


@dataclass(frozen=True)
class DataSource:
    """Where a scenario's company data comes from."""

    kind: str
    seed: int = 42
    accounts: int = 5000
    reps: int = 60
    path: Path | None = None
    url: str | None = None
    mapping: dict | None = field(default=None, compare=False, hash=False)
    base: Path | None = None

    def describe(self) -> str:
        """One line for report headers."""
        size = f"seed {self.seed}, {self.accounts} accounts, {self.reps} reps"
        if self.kind == "sample":
            return f"sample company ({size})"
        if self.kind == "folder":
            return f"folder {self.path}"
        if self.kind == "mapping":
            return f"exports mapped by {self.path or 'the scenario file'}"
        if self.kind == "salesforce":
            if self.path is None:
                return f"Salesforce-shaped export of the sample company ({size})"
            return f"Salesforce export {self.path}"
        return f"database {redact_url(self.url or '')}"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    Attributes
    ----------
    name, title, description : str
        Identity and text shown in reports.
    data : DataSource
        The company data.
    notebooks : list of (str, dict)
        Notebook stems in run order, each with its parameter values.
    path : Path
        The scenario file.
    anonymise : bool
        Replace rep names by pseudonyms in every notebook and report.
    """

    name: str
    title: str
    description: str
    data: DataSource
    notebooks: list[tuple[str, dict[str, Any]]]
    path: Path
    anonymise: bool = False


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.PROJECT_ROOT))
    except ValueError:
        return str(path)


def notebook_parameters(stem: str, notebooks_dir: Path | None = None) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (papermill's reading)."""
    import papermill

    path = (notebooks_dir or config.NOTEBOOKS_DIR) / f"{stem}.ipynb"
    return papermill.inspect_notebook(str(path))


def _check_type(where: str, value: Any, expected: tuple[type, ...], problems: list[str]) -> bool:
    ok = isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected)
    if not ok:
        names = " or ".join(t.__name__ for t in expected)
        problems.append(f"{where}: must be {names}; got {type(value).__name__} {value!r}")
    return ok


def resolve_user_path(base: Path, text: str) -> Path:
    """A path as a user writes it: absolute, ``~``-relative or relative to ``base``."""
    return (base / Path(text).expanduser()).resolve()


def _check_bounds(where: str, values: dict[str, Any], problems: list[str]) -> None:
    for key, (low, high) in BOUNDS.items():
        value = values.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
            problems.append(f"{where}.{key}: must be between {low:,} and {high:,}; got {value:,}")


def _check_keys(
    raw: dict, allowed: dict[str, type], where: str, what: str, problems: list[str]
) -> bool:
    ok = True
    for key, value in raw.items():
        if key not in allowed:
            names = ", ".join(allowed)
            problems.append(f"{where}.{key}: unknown key for {what} (allowed: {names})")
            ok = False
        else:
            ok = _check_type(f"{where}.{key}", value, (allowed[key],), problems) and ok
    return ok


def _sample_values(raw: dict, where: str, problems: list[str]) -> dict[str, int]:
    _check_bounds(where, raw, problems)
    return {k: raw[k] if isinstance(raw.get(k), int) else d for k, d in SAMPLE_DEFAULTS.items()}


def _load_path(raw: dict, where: str, base: Path, kind: str, problems: list[str]) -> Path | None:
    if "path" not in raw:
        problems.append(f"{where}.path: required for source {kind!r}")
        return None
    if not isinstance(raw["path"], str):
        return None
    path = resolve_user_path(base, raw["path"])
    want_dir = kind in ("folder", "salesforce")
    if want_dir and not path.is_dir():
        problems.append(f"{where}.path: folder {raw['path']!r} does not exist")
    elif not want_dir and not path.is_file():
        problems.append(f"{where}.path: file {raw['path']!r} does not exist")
    return path


def _load_sql(raw: dict, where: str, base: Path, problems: list[str]) -> DataSource | None:
    url = raw.get("url")
    if not isinstance(url, str):
        problems.append(f"{where}.url: required for source 'sql'")
        return None
    match = re.match(r"^(sqlite|duckdb)(\+\w+)?:///(.+)$", url)
    if match and match.group(3) != ":memory:":  # a database file: relative to the scenario
        db = resolve_user_path(base, match.group(3))
        if not db.is_file():
            problems.append(f"{where}.url: database file {match.group(3)!r} does not exist")
        url = f"{match.group(1)}{match.group(2) or ''}:///{db}"
    return DataSource(kind="sql", url=url)


def _load_data(raw: dict, where: str, base: Path, problems: list[str]) -> DataSource | None:
    kind = raw.get("source")
    if kind not in DATA_KEYS:
        problems.append(f"{where}.source: must be one of {', '.join(DATA_KEYS)}; got {kind!r}")
        return None
    _check_keys(raw, DATA_KEYS[kind], where, f"source {kind!r}", problems)
    if kind == "sample":
        return DataSource(kind="sample", **_sample_values(raw, where, problems))
    if kind == "sql":
        return _load_sql(raw, where, base, problems)
    if kind == "salesforce":
        sample = raw.get("sample")
        if ("path" in raw) == (sample is not None):
            problems.append(f"{where}: source 'salesforce' takes either path or sample")
            return None
        if isinstance(sample, dict):
            ok = _check_keys(sample, SAMPLE_KEYS, f"{where}.sample", "a sample export", problems)
            values = _sample_values(sample, f"{where}.sample", problems)
            return DataSource(kind="salesforce", **values) if ok else None
    if kind == "mapping" and ("path" in raw) == ("mapping" in raw):
        problems.append(f"{where}: source 'mapping' takes either path or mapping")
        return None
    if kind == "mapping" and isinstance(raw.get("mapping"), dict):
        try:
            read_mapping(raw["mapping"], base=base)
        except InputDataError as exc:
            problems += [f"{where}.{p}" for p in exc.problems]
        return DataSource(kind="mapping", mapping=raw["mapping"], base=base)
    path = _load_path(raw, where, base, kind, problems)
    if kind == "mapping" and path is not None and path.is_file():
        try:
            read_mapping(path)
        except InputDataError as exc:
            problems += [f"{where}.path: {p}" for p in exc.problems]
    return None if path is None else DataSource(kind=kind, path=path)


def _load_notebooks(
    raw: dict, where: str, notebooks_dir: Path, problems: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if not raw:
        problems.append(f"{where}: lists no notebooks")
    for stem, params in raw.items():
        key = f"{where}.{stem}"
        if not isinstance(stem, str) or not NOTEBOOK_RE.match(stem):
            problems.append(
                f"{where}.{stem!r}: must name a notebook in notebooks/ (its file name without "
                "'.ipynb'), not a path"
            )
            continue
        if not (notebooks_dir / f"{stem}.ipynb").is_file():
            problems.append(f"{key}: no notebook notebooks/{stem}.ipynb")
            continue
        params = {} if params is None else params
        if not isinstance(params, dict):
            problems.append(f"{key}: must be a mapping of parameter values; got {params!r}")
            continue
        declared = notebook_parameters(stem, notebooks_dir)
        for name, value in params.items():
            if name in STANDARD_PARAMETERS:
                problems.append(f"{key}.{name}: is set by the runner, not by a scenario")
            elif name not in declared:
                known = ", ".join(p for p in declared if p not in STANDARD_PARAMETERS)
                problems.append(f"{key}.{name}: unknown parameter (known: {known})")
            else:
                expected = _TYPES.get(declared[name].get("inferred_type_name", ""))
                if expected and value is not None:
                    _check_type(f"{key}.{name}", value, expected, problems)
        out.append((stem, dict(params)))
    return out


def load_scenario(path: str | Path, *, notebooks_dir: Path | None = None) -> Scenario:
    """Read and validate one scenario file.

    Parameters
    ----------
    path : str or Path
        The YAML file.
    notebooks_dir : Path, optional
        Where notebooks live (default ``notebooks/``).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Listing every problem, each as ``<file>: <key>: <what is wrong>``.
    """
    path = Path(path)
    notebooks_dir = notebooks_dir or config.NOTEBOOKS_DIR
    label = _display(path)
    if not path.is_file():
        raise ScenarioError(path.stem, f"{label}: file not found")
    try:
        raw = load_yaml_strict(path.read_text(encoding="utf-8"))
    except YamlDocumentError as exc:
        raise ScenarioError(path.stem, f"{label}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError(path.stem, f"{label}: is not valid UTF-8 ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(path.stem, f"{label}: is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ScenarioError(path.stem, f"{label}: must be a YAML mapping of keys to values")
    problems: list[str] = []
    for key in raw:
        if key not in TOP_KEYS:
            problems.append(f"{label}: {key}: unknown key (allowed: {', '.join(TOP_KEYS)})")
    for key in REQUIRED_TOP:
        if key not in raw:
            problems.append(f"{label}: {key}: required key is missing")
    typed_ok = {
        key: _check_type(f"{label}: {key}", raw[key], (kind,), problems)
        for key, kind in TOP_KEYS.items()
        if key in raw
    }
    name = raw.get("name") if typed_ok.get("name") else path.stem
    if typed_ok.get("name") and not NAME_RE.match(name):
        problems.append(
            f"{label}: name: must be lower-case letters, digits, '-' or '_'; got {name!r}"
        )
    data = None
    if typed_ok.get("data"):
        data = _load_data(raw["data"], f"{label}: data", path.parent, problems)
    notebooks = []
    if typed_ok.get("notebooks"):
        notebooks = _load_notebooks(
            raw["notebooks"], f"{label}: notebooks", notebooks_dir, problems
        )
    if problems:
        raise ScenarioError(str(name), problems)
    assert data is not None
    return Scenario(
        name=name,
        title=raw["title"],
        description=str(raw.get("description", "")).strip(),
        data=data,
        notebooks=notebooks,
        path=path.resolve(),
        anonymise=bool(raw.get("anonymise", False)),
    )


def discover_scenarios(folder: Path | None = None) -> list[Path]:
    """All ``*.yaml`` / ``*.yml`` files of the scenarios folder, sorted by name."""
    folder = folder or config.SCENARIOS_DIR
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


# ------------------------------------------------------------------ a scenario's data


IMPORTS_DIR_NAME = "imports"


def salesforce_sample_dir(seed: int, accounts: int, reps: int) -> Path:
    """The cache folder of the sample company's Salesforce-shaped export."""
    from spm_models.data.sample import generator_version

    return config.DATA_DIR / f"salesforce-s{seed}-a{accounts}-r{reps}-g{generator_version()}"


def ensure_salesforce_sample(seed: int, accounts: int, reps: int) -> Path:
    """Write the sample company's Salesforce-shaped export on first use; return its folder.

    Safe when several processes ask at once: each writes a private folder and renames it.
    """
    from spm_models.data import generate_company
    from spm_models.data.cache import build_once
    from spm_models.data.sample_salesforce import write_salesforce_sample

    return build_once(
        salesforce_sample_dir(seed, accounts, reps),
        "Opportunity.csv",
        lambda folder: write_salesforce_sample(generate_company(seed, accounts, reps), folder),
    )


def source_mapping(data: DataSource) -> SourceMapping:
    """The mapping that imports a ``mapping`` or ``salesforce`` data source.

    A Salesforce sample export is written on first use (into the data cache).
    """
    if data.kind == "mapping" and data.mapping is not None:
        return read_mapping(data.mapping, base=data.base)
    if data.kind == "mapping":
        assert data.path is not None
        return read_mapping(data.path)
    if data.kind == "salesforce":
        folder = data.path or ensure_salesforce_sample(data.seed, data.accounts, data.reps)
        return preset_mapping("salesforce", folder)
    raise ValueError(
        f"The 'data' parameter of source_mapping must be a mapping or salesforce source. "
        f"Got {data.kind!r} instead."
    )


def imported_data_folder(data: DataSource) -> Path:
    """Import a ``mapping`` or ``salesforce`` source once and return the canonical folder.

    The import is cached under ``data/imports/`` keyed by the hashes of every input file,
    of the mapping and of the importer's code: a scenario run imports at most once, and an
    edited export is imported afresh.

    Raises
    ------
    InputDataError
        Every problem of the mapping and its exports.
    """
    return materialise(source_mapping(data), config.DATA_DIR / IMPORTS_DIR_NAME)
