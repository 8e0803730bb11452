"""``spm payout``: compute payout statements and their trace from plan files and tables."""

from __future__ import annotations

import argparse
from pathlib import Path

from spm_models.errors import InputDataError


def register(subparsers) -> None:
    """Add the ``payout`` command."""
    parser = subparsers.add_parser(
        "payout",
        help="compute incentive payout statements with a step-by-step trace",
        description=(
            "Compute payout statements per rep and period from plan YAML files, rep-plan "
            "assignments and credited transactions (CSV or Parquet), and write statements.csv, "
            "components.csv, trace.csv, credit_lines.csv, excluded.csv and rounding_rule.txt "
            "to the output folder. Money is written as exact decimal text."
        ),
    )
    parser.add_argument(
        "--plan",
        action="append",
        required=True,
        metavar="P.yaml",
        help="plan file (repeat for several plans)",
    )
    parser.add_argument(
        "--assignments",
        required=True,
        metavar="F",
        help="rep_id, plan_id, start_date[, end_date, annual_quota, quota_<measure>, ...]",
    )
    parser.add_argument(
        "--credits",
        required=True,
        metavar="F",
        help="deal_id, rep_id, date, measure, amount[, split_pct, attributes...]",
    )
    parser.add_argument(
        "--cancellations", metavar="F", help="deal_id, cancel_date (clawbacks)", default=None
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument(
        "--date-format",
        metavar="[TABLE=]FMT",
        action="append",
        default=None,
        help=(
            "how dates are written in the input tables, e.g. DD/MM/YYYY or %%d/%%m/%%Y, or for "
            "one table, e.g. credits=DD/MM/YYYY (repeatable; default: the plans' "
            "inputs.date_format, else YYYY-MM-DD only)"
        ),
    )
    parser.add_argument(
        "--allow-unknown-measures",
        action="store_true",
        help="list credit lines whose measure no plan credits in excluded.csv instead of failing",
    )
    parser.add_argument(
        "--no-trace", action="store_true", help="skip the trace (faster; statements unchanged)"
    )
    parser.set_defaults(handler=run)


def _date_formats(values: list[str] | None) -> str | dict[str, str] | None:
    """``--date-format`` values: one format for every table, or ``TABLE=FMT`` pairs."""
    if not values:
        return None
    if len(values) == 1 and "=" not in values[0]:
        return values[0]
    pairs = {}
    for v in values:
        table, sep, fmt = v.partition("=")
        if not sep:
            raise InputDataError(
                f"give one format for every table, or TABLE=FMT for each; got {values}",
                source="--date-format",
            )
        pairs[table.strip()] = fmt.strip()
    return pairs


def run(args: argparse.Namespace) -> int:
    """Compute and write the statements; exit 0, or 2 on a bad plan or input file."""
    from spm_models.data.loaders import read_table_file
    from spm_models.incentives import compute_payouts, load_plans
    from spm_models.incentives.money import format_cents

    plans = load_plans(args.plan)
    assignments = read_table_file(args.assignments)
    credits = read_table_file(args.credits)
    cancellations = read_table_file(args.cancellations) if args.cancellations else None
    sources = {
        "assignments": Path(args.assignments).name,
        "credits": Path(args.credits).name,
    }
    if args.cancellations:
        sources["cancellations"] = Path(args.cancellations).name
    result = compute_payouts(
        plans,
        assignments,
        credits,
        cancellations,
        trace=not args.no_trace,
        sources=sources,
        date_format=_date_formats(args.date_format),
        allow_unknown_measures=args.allow_unknown_measures,
    )
    paths = result.write(args.out)
    st = result.statements
    paid = format_cents([int(st["paid_cents"].sum())])[0] if len(st) else "0.00"
    print(
        f"{len(st)} statement rows for {st['rep_id'].nunique() if len(st) else 0} reps on "
        f"{len(plans)} plan(s); total paid {paid} USD; {len(result.trace)} trace lines; "
        f"{len(result.excluded)} line(s) excluded ({result.runtime_s:.2f} s)"
    )
    for name, path in paths.items():
        print(f"  {name}: {path}")
    return 0
