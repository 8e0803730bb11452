"""``spm run``: run scenarios' notebooks through papermill into reports/."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from spm_models import config


def register(subparsers) -> None:
    """Add the ``run`` command."""
    parser = subparsers.add_parser(
        "run",
        help="run scenarios through papermill and write reports/",
        description=(
            "Run each scenario's notebooks on a real Jupyter kernel with papermill and write "
            "reports/<scenario>/ (executed notebooks, code-free HTML, tables, metrics.json) and "
            "reports/index.html. Scenarios whose inputs are unchanged since their last good run "
            "are skipped unless --force. One run at a time writes a reports folder: a second "
            "waits for the first (see --lock-timeout). Exit code 0: all ok; 1: some failed "
            "(listed); 2: bad usage, an invalid scenario file or a reports folder in use."
        ),
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO.yaml",
        help="scenario files (default: every file in scenarios/)",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, help="scenarios to run in parallel (default 1)"
    )
    parser.add_argument(
        "--force", action="store_true", help="rerun scenarios even when their inputs are unchanged"
    )
    parser.add_argument(
        "--reports-dir",
        type=Path,
        default=None,
        help=f"where reports go (default {config.REPORTS_DIR})",
    )
    parser.add_argument(
        "--anonymise",
        action="store_true",
        help="replace rep names by pseudonyms in every report (for wider circulation)",
    )
    parser.add_argument(
        "--lock-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="wait at most this long for another run on the same reports folder "
        "(default: wait until it ends; 0: do not wait)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--dask",
        action="store_true",
        help="run scenarios as tasks on a local Dask cluster (--jobs workers)",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run scenarios on an existing Dask cluster, e.g. tcp://host:8786",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the scenarios and return the batch's exit code."""
    from spm_models.cluster import dask_client
    from spm_models.runner import load_scenarios, run_batch
    from spm_models.runner.lock import ReportsBusyError

    if args.jobs < 1:
        print(f"error: --jobs must be >= 1; got {args.jobs}", file=sys.stderr)
        return 2
    scenarios = load_scenarios(args.scenarios or None)
    with contextlib.ExitStack() as stack:
        try:
            client = stack.enter_context(
                dask_client(args.scheduler, local=args.dask, n_workers=args.jobs)
            )
        except (ImportError, OSError, TimeoutError) as exc:
            print(f"error: cannot start or reach Dask: {exc}", file=sys.stderr)
            return 2
        try:
            outcomes = run_batch(
                scenarios,
                jobs=args.jobs,
                force=args.force,
                reports_dir=args.reports_dir,
                dask_client=client,
                anonymise=args.anonymise,
                lock_timeout=args.lock_timeout,
            )
        except ReportsBusyError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    failed = [o for o in outcomes if not o.status.is_ok]
    if failed:
        print(f"{len(failed)} of {len(outcomes)} scenario(s) failed:", file=sys.stderr)
        for outcome in failed:
            print(
                f"- {outcome.scenario}: {outcome.reason} (see {outcome.report_dir}/_failed/)",
                file=sys.stderr,
            )
        return 1
    return 0
