"""What produced a report: hashes of every input and the versions of the code that ran.

Every input a scenario reads is hashed: the scenario file, the data (a sample's recipe, a
folder's files, a SQLite file, or every export a mapping reads), plan folders named by
``plans_dir``, the notebooks and the package's code.
"""

from __future__ import annotations

import hashlib
import platform
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from spm_models import __version__, config
from spm_models.data.sample import generator_version
from spm_models.errors import InputDataError
from spm_models.scenarios import Scenario, source_mapping
from spm_models.sources.mapping import inputs_hash

LIBRARIES = ("pandas", "numpy", "pulp", "highspy", "prophet", "papermill", "matplotlib")
#: Files of a company folder that reports read (the tables, and what was derived or unplaced).
DATA_FILES = (
    "accounts",
    "reps",
    "bookings",
    "opportunities",
    "closed_opportunities",
    "provenance",
    "unplaced",
)


def _sha(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(hashlib.sha256(chunk).digest())
    return digest.hexdigest()


def _tree_hash(folder: Path, patterns: tuple[str, ...]) -> str:
    files = sorted(p for pat in patterns for p in folder.rglob(pat) if p.is_file())
    return _sha(*(p.relative_to(folder).as_posix().encode() + p.read_bytes() for p in files))


def code_hash() -> str:
    """Hash of the package's source and of the project files notebooks read (plans)."""
    package = Path(__file__).resolve().parents[1]
    parts = [_tree_hash(package, ("*.py",)).encode(), __version__.encode()]
    if config.PLANS_DIR.is_dir():
        parts.append(_tree_hash(config.PLANS_DIR, ("*.yaml", "*.yml")).encode())
    return _sha(*parts)


def data_hash(scenario: Scenario) -> str | None:
    """Hash of the scenario's data; ``None`` when it cannot be known (a database server)."""
    data = scenario.data
    if data.kind == "sample":
        key = f"sample:{data.seed}:{data.accounts}:{data.reps}:{generator_version()}"
        return _sha(key.encode())
    if data.kind == "folder":
        assert data.path is not None
        files = sorted(p for p in data.path.iterdir() if p.stem in DATA_FILES and p.is_file())
        return _sha(*(p.name.encode() + p.read_bytes() for p in files))
    if data.kind == "salesforce" and data.path is None:
        key = f"salesforce-sample:{data.seed}:{data.accounts}:{data.reps}:{generator_version()}"
        return _sha(key.encode())
    if data.kind in ("mapping", "salesforce"):
        try:
            return inputs_hash(source_mapping(data))
        except InputDataError:  # the run reports the problems; never serve a stale report
            return None
    match = re.match(r"^(sqlite|duckdb)(\+\w+)?:///(.+)$", data.url or "")
    if match and Path(match.group(3)).is_file():
        return _sha(Path(match.group(3)).read_bytes())
    return None


def _plans_folders(scenario: Scenario) -> list[Path]:
    """Plan folders a scenario's notebooks read other than the project's ``plans/``.

    A relative ``plans_dir`` is read from the notebooks folder, where the kernel starts.
    """
    folders = []
    for _, params in scenario.notebooks:
        value = params.get("plans_dir")
        if isinstance(value, str) and value:
            folders.append((config.NOTEBOOKS_DIR / Path(value).expanduser()).resolve())
    return sorted(set(folders))


def plans_hash(scenario: Scenario) -> str:
    """Hash of every plan file in the plan folders the scenario names (#18: stale plans)."""
    parts = []
    for folder in _plans_folders(scenario):
        parts.append(str(folder).encode())
        if folder.is_dir():
            parts.append(_tree_hash(folder, ("*.yaml", "*.yml")).encode())
    return _sha(*parts)


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries whose results a report depends on."""
    out = {"python": platform.python_version(), "spm-workbench": __version__}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def fingerprint(scenario: Scenario) -> dict[str, object]:
    """Every hash that decides whether a report is still current.

    ``inputs_sha256`` combines them; it is ``None`` when the data cannot be hashed, and such
    a scenario is always rerun.
    """
    notebooks = {
        stem: _sha((config.NOTEBOOKS_DIR / f"{stem}.ipynb").read_bytes())
        for stem, _ in scenario.notebooks
    }
    scenario_sha = _sha(scenario.path.read_bytes())
    data_sha = data_hash(scenario)
    code_sha = code_hash()
    plans_sha = plans_hash(scenario)
    inputs = None
    if data_sha is not None:
        inputs = _sha(
            scenario_sha.encode(),
            data_sha.encode(),
            code_sha.encode(),
            plans_sha.encode(),
            *(f"{k}:{v}".encode() for k, v in notebooks.items()),
        )
    return {
        "inputs_sha256": inputs,
        "scenario_sha256": scenario_sha,
        "data_sha256": data_sha,
        "code_sha256": code_sha,
        "plans_sha256": plans_sha,
        "notebooks_sha256": notebooks,
        "versions": library_versions(),
    }
