"""``spm analytics``: attainment and pace, whitespace, win and churn risk for a company."""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers) -> None:
    """Add the ``analytics`` command."""
    p = subparsers.add_parser(
        "analytics",
        help="attainment and pace, whitespace, win and churn risk for a company folder",
        description=(
            "Measure attainment to date and pace (linear and seasonal) for the twelve months "
            "ending --period-end as seen on --today, project end-of-period attainment, tier "
            "and cluster accounts and rank whitespace, and (with a closed-deal history) judge "
            "a win model against stage win rates and score the open pipeline, then score "
            "churn risk. Writes attainment_by_rep.csv, attainment_by_team.csv, "
            "attainment_by_region.csv, account_segments.csv, whitespace_by_territory.csv, "
            "rep_coverage.csv, churn_risk.csv, pipeline_win_scores.csv (with history) and "
            "analytics_metrics.json."
        ),
    )
    p.add_argument("data", help="folder of company files (or a SQLAlchemy URL)")
    p.add_argument("--out", required=True, help="folder to write the CSV results into")
    p.add_argument(
        "--period-end",
        help="last day of the twelve-month period (default: the month end of the as-of date)",
    )
    p.add_argument(
        "--today", help="day up to which bookings are known (default: the company's as-of date)"
    )
    p.add_argument("--growth", type=float, default=0.10, help="growth of derived quotas")
    p.add_argument("--ramp-months", type=int, default=6, help="months for a new rep to ramp")
    p.add_argument("--clusters", type=int, default=5, help="firmographic clusters of accounts")
    p.add_argument("--holdout-share", type=float, default=0.25, help="latest closed deals held out")
    p.add_argument("--churn-horizon", type=int, default=6, help="months without bookings")
    p.add_argument("--seed", type=int, default=0, help="seed of clustering and models")
    p.add_argument(
        "--no-models", action="store_true", help="skip the win and churn models (faster)"
    )
    p.set_defaults(handler=run)


def run(args) -> int:
    """Run the analytics and write the results; 2 for bad dates or input data.

    Sections the data cannot support are reported in one sentence each on stdout;
    plausibility warnings go to stderr. Both leave the exit code at 0.
    """
    from spm_models.analytics.page import build_page
    from spm_models.analytics.summary import page_metrics, performance_finding
    from spm_models.data import load_company
    from spm_models.skipped import Skipped

    company = load_company(args.data)
    try:
        page = build_page(
            company,
            period_end=args.period_end or "",
            today=args.today or "",
            growth=args.growth,
            ramp_months=args.ramp_months,
            clusters=args.clusters,
            holdout_share=args.holdout_share,
            churn_horizon=args.churn_horizon,
            seed=args.seed,
            models=not args.no_models,
        )
    except ValueError as exc:
        if hasattr(exc, "problems"):  # InputDataError: let main() report it
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tables = _tables(page, Skipped)
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=False)
    metrics = page_metrics(page)
    (out / "analytics_metrics.json").write_text(json.dumps(metrics, indent=2, default=str))
    for warning in page.warnings:
        print(f"warning: {warning.sentence()}", file=sys.stderr)
    finding = performance_finding(metrics)
    if finding:
        print(finding.replace("**", ""))
    for skipped in page.skipped:
        if not args.no_models or skipped.section not in ("The win model", "Churn risk"):
            print(skipped.sentence())
    for name, judgement in (
        ("Win model", page.win_judgement),
        ("Churn model", page.churn_judgement),
    ):
        if judgement is not None:
            print(f"{name}: {judgement.reason}.")
    print(f"wrote {len(tables)} tables to {out}")
    return EXIT_OK


def _tables(page, skipped_type) -> dict:
    tables = {}
    if not isinstance(page.attainment, skipped_type):
        tables |= {
            "attainment_by_rep": page.attainment.by_rep,
            "attainment_by_team": page.attainment.by_team,
            "attainment_by_region": page.attainment.by_region,
        }
    market = page.market
    tables |= {
        "account_segments": market.accounts,
        "whitespace_by_territory": market.by_territory,
        "rep_coverage": market.coverage_by_rep,
    }
    if page.churn_risk is not None:
        tables["churn_risk"] = page.churn_risk
    if page.pipeline is not None:
        tables["pipeline_win_scores"] = page.pipeline.opportunities
    return tables
