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
        "--period-end", help="last day of the twelve-month period (default: end of history)"
    )
    p.add_argument("--today", help="day up to which bookings are known (default: end of history)")
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
    """Run the analytics and write the results; 2 for bad dates or input data."""
    from spm_models import analytics
    from spm_models.analytics.summary import performance_finding, performance_metrics
    from spm_models.data import load_company

    company = load_company(args.data)
    end = args.period_end or str(company.as_of.date())
    today = args.today or end
    try:
        att = analytics.attainment_and_pace(
            company,
            period_end=end,
            today=today,
            growth=args.growth,
            ramp_months=args.ramp_months,
        )
        market = analytics.market_view(company, k=args.clusters, seed=args.seed)
    except ValueError as exc:
        if hasattr(exc, "problems"):  # InputDataError: let main() report it
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    win = pipeline = churn = None
    if not args.no_models:
        if not company.closed_opportunities.empty:
            win = analytics.evaluate_win_model(
                company.closed_opportunities, holdout_share=args.holdout_share, seed=args.seed
            )
            pipeline = analytics.score_pipeline(
                company, holdout_share=args.holdout_share, seed=args.seed
            )
        churn = analytics.evaluate_churn_model(company, horizon=args.churn_horizon, seed=args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "attainment_by_rep": att.by_rep,
        "attainment_by_team": att.by_team,
        "attainment_by_region": att.by_region,
        "account_segments": market.accounts,
        "whitespace_by_territory": market.by_territory,
        "rep_coverage": market.coverage_by_rep,
    }
    if churn is not None:
        tables["churn_risk"] = churn.risk
    if pipeline is not None:
        tables["pipeline_win_scores"] = pipeline.opportunities
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=False)
    metrics = performance_metrics(att, market, churn, win=win, pipeline=pipeline)
    (out / "analytics_metrics.json").write_text(json.dumps(metrics, indent=2, default=str))
    print(performance_finding(metrics).replace("**", ""))
    if win is None and not args.no_models:
        print("no closed_opportunities history: win model skipped")
    if churn is not None:
        print(
            f"churn model AUC {churn.model_report.auc:.2f} against "
            f"{churn.recency_report.auc:.2f} for months since the last booking"
        )
    print(f"wrote {len(tables)} tables to {out}")
    return EXIT_OK
