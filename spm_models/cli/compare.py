"""``spm compare``: headline figures of several scenarios side by side."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spm_models import config


def register(subparsers) -> None:
    """Add the ``compare`` command."""
    parser = subparsers.add_parser(
        "compare",
        help="compare scenarios' headline figures side by side",
        description=(
            "Write an HTML page comparing the last good reports of two or more scenarios: "
            "a side-by-side table of headline figures (differences against the first "
            "scenario highlighted) and overlaid charts."
        ),
    )
    parser.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO", help="scenario names (or their YAML files)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output HTML (default reports/compare.html)"
    )
    parser.add_argument("--reports-dir", type=Path, default=None)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the comparison page."""
    from spm_models.reporting.compare import write_comparison

    reports_dir = args.reports_dir or config.REPORTS_DIR
    names = [Path(s).stem if s.endswith((".yaml", ".yml")) else s for s in args.scenarios]
    out = args.out or reports_dir / "compare.html"
    try:
        path = write_comparison(names, reports_dir, out)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0
