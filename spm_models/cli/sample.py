"""``spm sample``: write the built-in sample company."""

from __future__ import annotations

import argparse
import time

from spm_models.data import generate_company, write_company


def register(subparsers) -> None:
    """Add the ``sample`` command."""
    parser = subparsers.add_parser(
        "sample",
        help="write a realistic, fictional sample company",
        description=(
            "Generate the fictional sample company (accounts at real US ZIP centroids, reps, "
            "legacy alignment, four years of monthly bookings, open pipeline) and write "
            "accounts, reps, bookings and opportunities files. Deterministic for a seed."
        ),
    )
    parser.add_argument("--out", required=True, help="folder to write the files into")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--accounts", type=int, default=5000, help="number of accounts")
    parser.add_argument("--reps", type=int, default=60, help="number of rep seats")
    parser.add_argument(
        "--format",
        choices=("csv", "parquet", "salesforce"),
        default="csv",
        help="csv or parquet company files, or a Salesforce-shaped export (Account.csv, "
        "Opportunity.csv, User.csv, OpportunitySplit.csv, OpportunityLineItem.csv)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Generate and write the company; print what was written."""
    clock = time.perf_counter()
    try:
        company = generate_company(args.seed, args.accounts, args.reps)
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    if args.format == "salesforce":
        from spm_models.data.sample_salesforce import write_salesforce_sample

        folder = write_salesforce_sample(company, args.out)
        print(f"wrote a Salesforce-shaped export of the sample company to {folder}")
        return 0
    folder = write_company(company, args.out, fmt=args.format)
    counts = company.summary()
    print(
        f"wrote {counts['accounts']:,} accounts, {counts['reps']} reps, "
        f"{counts['bookings_rows']:,} booking rows and {counts['open_opportunities']:,} open "
        f"opportunities to {folder} in {time.perf_counter() - clock:.1f} s"
    )
    return 0
