"""``spm validate``: check a data folder, a database or scenario files; list every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from spm_models.errors import InputDataError, ScenarioError

if TYPE_CHECKING:
    from spm_models.data import Company


def register(subparsers) -> None:
    """Add the ``validate`` command."""
    parser = subparsers.add_parser(
        "validate",
        help="check data files or scenario files and list every problem",
        description=(
            "Validate a folder of company files (accounts, reps, bookings, opportunities as "
            "CSV or Parquet), a SQLAlchemy URL, a mapping file of exports (mapping.yaml), or "
            "scenario YAML files (a folder of them or single files). Every problem is listed "
            "with file, column, row and key; nothing is written."
        ),
    )
    parser.add_argument("targets", nargs="*", metavar="DIR_OR_SCENARIO")
    parser.add_argument("--schema", action="store_true", help="print the data schema and exit")
    parser.set_defaults(handler=run)


def _report(target: str, company: Company) -> None:
    summary = company.summary()
    print(
        f"{target}: ok ({summary['accounts']:,} accounts, {summary['reps']} reps, "
        f"{summary['bookings_rows']:,} booking rows)"
    )


def _check_mapping(path: Path) -> list[str]:
    from spm_models.sources.mapping import import_mapped

    try:
        _report(str(path), import_mapped(path).company)
    except InputDataError as exc:
        return [str(p) for p in exc.problems]
    return []


def _check(target: str) -> list[str]:
    from spm_models.data import load_company
    from spm_models.data.company import ALL_TABLES
    from spm_models.data.loaders import is_sql_url
    from spm_models.scenarios import load_scenario
    from spm_models.sources.mapping import is_mapping_file
    from spm_models.sources.readers import sqlite_file

    path = Path(target)
    db = sqlite_file(target) if is_sql_url(target) else None
    if db is not None and not db.is_file():  # connecting would create an empty database
        return [f"{target}: database file {str(db)!r} does not exist"]
    yaml_files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else []
    # A folder of exports with its mapping is checked through the mapping, not as tables.
    has_mapping = any(is_mapping_file(f) for f in yaml_files)
    company_files = (
        path.is_dir() and not has_mapping and any(any(path.glob(f"{t}.*")) for t in ALL_TABLES)
    )
    if is_sql_url(target) or company_files:
        try:
            _report(target, load_company(target))
        except InputDataError as exc:
            return [str(p) for p in exc.problems]
        return []
    if is_mapping_file(path):
        return _check_mapping(path)
    files = yaml_files if path.is_dir() else [path]
    if path.is_dir() and not files:
        return [f"{target}: holds neither company data files nor scenario files"]
    problems = []
    for file in files:
        if path.is_dir() and is_mapping_file(file):
            problems += _check_mapping(file)
            continue
        try:
            scenario = load_scenario(file)
            print(f"{file}: ok (scenario {scenario.name!r}, {len(scenario.notebooks)} notebook(s))")
        except ScenarioError as exc:
            problems += exc.problems
    return problems


def run(args: argparse.Namespace) -> int:
    """Validate each target; exit 0 when all are valid, 2 otherwise."""
    if args.schema:
        from spm_models.data import describe_schemas

        print(describe_schemas())
        return 0
    if not args.targets:
        print("error: give a data folder, a SQL URL or scenario files", file=sys.stderr)
        return 2
    problems = []
    for target in args.targets:
        problems += _check(target)
    if problems:
        print(f"{len(problems)} problem(s) found:", file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return 2
    return 0
