"""The ``spm`` command line: a thin layer over the API, one module per command.

Each module named in ``COMMAND_MODULES`` exposes ``register(subparsers)``, which adds its
parser and sets ``handler`` to a function ``run(args) -> int`` returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from spm_models import __version__
from spm_models.errors import InputDataError, ScenarioError, SpmError

COMMAND_MODULES: tuple[str, ...] = (
    "sample",
    "validate",
    "run",
    "compare",
    "quota",
    "payout",
    "forecast",
    "align",
    "bench",
    "analytics",
    "importer",
)

#: Exit codes shared by every command.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """Build the ``spm`` argument parser with every registered command."""
    parser = argparse.ArgumentParser(
        prog="spm",
        description=(
            "SPM Workbench: plan territories, quotas and capacity, forecast bookings and "
            "cost incentive plans; run planning scenarios through papermill into reports/."
        ),
    )
    parser.add_argument("--version", action="version", version=f"spm-workbench {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"spm_models.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``spm`` command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(handler(args))
    except (InputDataError, ScenarioError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SpmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
