"""Scenario files: what to run (which notebooks, with which parameters) on which data.

A scenario is a YAML file read with a safe loader. Every problem (unknown keys, wrong types,
missing files, paths leaving the project, parameters a notebook does not have) is collected and
raised as one :class:`~spm_models.errors.ScenarioError` naming the file and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from spm_models import config
from spm_models.errors import ScenarioError

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
}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
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

    def describe(self) -> str:
        """One line for report headers."""
        if self.kind == "sample":
            return f"sample company (seed {self.seed}, {self.accounts} accounts, {self.reps} reps)"
        if self.kind == "folder":
            return f"folder {self.path}"
        return f"database {self.url}"


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


def _inside_project(path: Path) -> bool:
    try:
        path.resolve().relative_to(config.PROJECT_ROOT)
        return True
    except ValueError:
        return False


def _check_type(where: str, value: Any, expected: tuple[type, ...], problems: list[str]) -> bool:
    ok = isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected)
    if not ok:
        names = " or ".join(t.__name__ for t in expected)
        problems.append(f"{where}: must be {names}; got {type(value).__name__} {value!r}")
    return ok


def _load_data(raw: dict, where: str, base: Path, problems: list[str]) -> DataSource | None:
    kind = raw.get("source")
    if kind not in DATA_KEYS:
        problems.append(f"{where}.source: must be one of {', '.join(DATA_KEYS)}; got {kind!r}")
        return None
    allowed = DATA_KEYS[kind]
    for key, value in raw.items():
        if key not in allowed:
            problems.append(
                f"{where}.{key}: unknown key for source {kind!r} (allowed: {', '.join(allowed)})"
            )
        else:
            _check_type(f"{where}.{key}", value, (allowed[key],), problems)
    if kind == "sample":
        values = {k: raw.get(k, d) for k, d in (("seed", 42), ("accounts", 5000), ("reps", 60))}
        if isinstance(values["accounts"], int) and values["accounts"] < 20:
            problems.append(f"{where}.accounts: must be >= 20; got {values['accounts']}")
        if isinstance(values["reps"], int) and values["reps"] < 4:
            problems.append(f"{where}.reps: must be >= 4; got {values['reps']}")
        return DataSource(kind="sample", **values)
    if kind == "folder":
        if "path" not in raw:
            problems.append(f"{where}.path: required for source 'folder'")
            return None
        path = (base / str(raw["path"])).resolve()
        if not _inside_project(path):
            problems.append(f"{where}.path: {raw['path']!r} resolves outside the project")
        elif not path.is_dir():
            problems.append(f"{where}.path: folder {raw['path']!r} does not exist")
        return DataSource(kind="folder", path=path)
    url = raw.get("url")
    if not isinstance(url, str):
        problems.append(f"{where}.url: required for source 'sql'")
        return None
    match = re.match(r"^(sqlite|duckdb)(\+\w+)?:///(?!/)(.+)$", url)
    if match:  # a relative database file: resolve against the scenario, like folder paths
        db = (base / match.group(3)).resolve()
        if not _inside_project(db):
            problems.append(f"{where}.url: database file {match.group(3)!r} is outside the project")
        elif not db.exists():
            problems.append(f"{where}.url: database file {match.group(3)!r} does not exist")
        url = f"{match.group(1)}{match.group(2) or ''}:///{db}"
    return DataSource(kind="sql", url=url)


def _load_notebooks(
    raw: dict, where: str, notebooks_dir: Path, problems: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if not raw:
        problems.append(f"{where}: lists no notebooks")
    for stem, params in raw.items():
        key = f"{where}.{stem}"
        if not (notebooks_dir / f"{stem}.ipynb").exists():
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
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
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
