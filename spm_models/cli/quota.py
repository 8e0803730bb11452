"""``spm quota`` and ``spm capacity``: set quotas and plan capacity for a company folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spm_models.data import Company
    from spm_models.quota.plan import PlanningInputs

# spm_models.quota.plan.METHOD_NAMES, repeated so that ``spm quota --help`` does not import
# pandas and the models (tests/test_cli.py checks that they agree).
METHOD_NAMES = ("even", "historical", "potential", "bottom_up", "blended", "fair")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _weights(text: str) -> dict[str, float]:
    """Parse ``historical=0.5,potential=0.3,even=0.2``."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"expected method=weight, got {part!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(
                f"weight of {name!r} is not a number: {value!r}"
            ) from exc
    return out


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", help="folder of company files (or a SQLAlchemy URL)")
    parser.add_argument("--out", required=True, help="folder to write the CSV results into")
    parser.add_argument(
        "--assignment",
        help="aligned assignment CSV (account_id, old_rep_id, new_rep_id, moved); "
        "default: the current alignment",
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--target", type=float, help="company quota-bookings target in USD")
    target.add_argument(
        "--growth",
        type=float,
        default=0.10,
        help="target as growth on the last 12 months of new + expansion bookings (default 0.10)",
    )
    parser.add_argument("--method", choices=METHOD_NAMES, default="fair", help="allocation method")
    parser.add_argument(
        "--weights",
        type=_weights,
        default=None,
        help="blended weights, e.g. historical=0.5,potential=0.3,even=0.2",
    )
    parser.add_argument(
        "--manager-cushion", type=float, default=0.05, help="over-assignment to managers"
    )
    parser.add_argument("--rep-cushion", type=float, default=0.05, help="over-assignment to reps")
    parser.add_argument(
        "--growth-min", type=float, default=0.0, help="fair method: least quota growth on history"
    )
    parser.add_argument(
        "--growth-max", type=float, default=0.5, help="fair method: most quota growth on history"
    )
    parser.add_argument(
        "--penetration", type=float, default=0.08, help="bottom-up share of potential booked"
    )
    parser.add_argument(
        "--ramp-months", type=int, default=6, help="months for a new rep to ramp (linear)"
    )
    parser.add_argument("--sims", type=int, default=2000, help="Monte Carlo years for attainment")
    parser.add_argument("--seed", type=int, default=7, help="Monte Carlo seed")


def register(subparsers) -> None:
    """Add the ``quota`` and ``capacity`` commands."""
    q = subparsers.add_parser(
        "quota",
        help="set quotas for a company folder and write them as CSV",
        description=(
            "Allocate a company quota-bookings target to territories and reps (even, "
            "historical, potential, bottom-up, blended or the fairness LP), add a cushion per "
            "layer, phase quotas by ramp and season, and simulate expected attainment. Writes "
            "quotas.csv, quota_months.csv, quota_methods.csv and quota_summary.csv."
        ),
    )
    _add_common(q)
    q.add_argument("--region-cushion", type=float, default=0.0, help="over-assignment to regions")
    q.set_defaults(handler=run_quota)

    c = subparsers.add_parser(
        "capacity",
        help="plan headcount and hiring against the bookings target",
        description=(
            "Run the monthly headcount model (tenure, ramp, attrition with backfills, time to "
            "hire) against the quota plan's target and find the cheapest hiring plan that "
            "meets each quarter. Writes capacity_monthly.csv, capacity_quarterly.csv, "
            "hiring_plan.csv, capacity_waterfall.csv and capacity_tornado.csv."
        ),
    )
    _add_common(c)
    c.add_argument(
        "--attainment",
        type=float,
        default=0.0,
        help="expected attainment of a ramped rep (default 0: from the quota Monte Carlo)",
    )
    c.add_argument(
        "--attrition", type=float, default=0.015, help="monthly attrition (default 0.015)"
    )
    c.add_argument("--time-to-hire", type=int, default=2, help="months from requisition to start")
    c.add_argument("--no-backfill", action="store_true", help="do not replace leavers")
    c.add_argument("--max-hires", type=float, default=3, help="requisitions per month at most")
    c.add_argument(
        "--freeze-months", type=int, default=0, help="months of hiring freeze at the start"
    )
    c.add_argument("--budget", type=float, default=None, help="cost limit of planned hires (USD)")
    c.add_argument(
        "--cost-per-rep-month", type=float, default=16_000.0, help="loaded monthly cost of a rep"
    )
    c.add_argument(
        "--cost-per-hire", type=float, default=25_000.0, help="recruiting cost per start"
    )
    c.add_argument("--strict", action="store_true", help="exit 1 when the targets cannot be met")
    c.set_defaults(handler=run_capacity)

    r = subparsers.add_parser(
        "relief",
        help="move issued quota with accounts that change territory mid-year",
        description=(
            "Apply quota relief to issued quotas: each moved account takes its expected "
            "bookings (last 12 months of new + expansion, grown by --growth) times the share "
            "of the plan year left after --effective from its old rep to its new rep. "
            "Writes quotas_after_relief.csv."
        ),
    )
    r.add_argument("data", help="folder of company files (or a SQLAlchemy URL)")
    r.add_argument("--quotas", required=True, help="issued quotas CSV with rep_id and quota")
    r.add_argument(
        "--moves", required=True, help="CSV of account_id, old_rep_id, new_rep_id (and moved)"
    )
    r.add_argument("--effective", required=True, help="date the moves take effect (YYYY-MM-DD)")
    r.add_argument("--growth", type=float, default=0.0, help="growth on trailing bookings")
    r.add_argument("--out", required=True, help="folder to write quotas_after_relief.csv into")
    r.set_defaults(handler=run_relief)


def _inputs(args: argparse.Namespace) -> tuple[Company, PlanningInputs, float]:
    import pandas as pd

    from spm_models.data import load_company
    from spm_models.quota.plan import planning_inputs

    company = load_company(args.data)
    assignment = pd.read_csv(args.assignment, dtype=str) if args.assignment else None
    if assignment is not None and "moved" in assignment.columns:
        assignment["moved"] = assignment["moved"].str.lower().isin(["true", "1", "yes"])
    inputs = planning_inputs(company, assignment=assignment)
    target = args.target if args.target is not None else inputs.trailing * (1 + args.growth)
    return company, inputs, target


def _warn(warnings: list) -> None:
    """Print plausibility warnings on stderr."""
    for w in warnings:
        print(f"warning: {w.sentence()}", file=sys.stderr)


def _quota_options(args: argparse.Namespace) -> dict:
    return {
        "method": args.method,
        "weights": args.weights,
        "penetration": args.penetration,
        "manager_cushion": args.manager_cushion,
        "rep_cushion": args.rep_cushion,
        "growth_min": args.growth_min,
        "growth_max": args.growth_max,
        "ramp_months": args.ramp_months,
        "n_sims": args.sims,
        "seed": args.seed,
    }


def run_quota(args: argparse.Namespace) -> int:
    """Set quotas and write them; print the headline figures."""
    import pandas as pd

    from spm_models.quota.plan import plan_quotas
    from spm_models.quota.report import attainment_sentence, quota_figures, quota_warnings
    from spm_models.registry import figure, format_figure

    _, inputs, target = _inputs(args)
    plan = plan_quotas(
        inputs, target=target, region_cushion=args.region_cushion, **_quota_options(args)
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plan.quotas.to_csv(out / "quotas.csv", index=False)
    plan.monthly.to_csv(out / "quota_months.csv", index=False)
    methods = pd.concat(
        [a.quotas.assign(method=name) for name, a in plan.allocations.items()], ignore_index=True
    )
    methods.to_csv(out / "quota_methods.csv", index=False)
    figures = quota_figures(inputs, plan)
    summary = pd.DataFrame(
        {
            "metric": list(figures),
            "label": [figure(k).label for k in figures],
            "value": list(figures.values()),
            "text": [format_figure(k, v) for k, v in figures.items()],
        }
    )
    summary.to_csv(out / "quota_summary.csv", index=False)
    _warn(quota_warnings(inputs, plan.quotas, plan.attainment, plan))
    print(
        f"quotas ({figures['quota.method']}): target {format_figure('quota.target', plan.target)}, "
        f"rep quotas {format_figure('quota.total', plan.total)} across {len(plan.quotas)} seats\n"
        f"{attainment_sentence(plan, inputs.trend_measured)}\n"
        f"wrote quotas.csv, quota_months.csv, quota_methods.csv, quota_summary.csv to {out}"
    )
    if plan.fair_problem:
        print(f"note: no fair comparison: {plan.fair_problem}")
    return EXIT_OK


def run_capacity(args: argparse.Namespace) -> int:
    """Plan capacity and hiring; write the tables and print the verdict."""
    import numpy as np

    from spm_models.capacity import roster_from_reps
    from spm_models.capacity.plan import plan_year
    from spm_models.capacity.report import blocking_sentence, capacity_figures, capacity_sentence
    from spm_models.quota.report import quota_warnings

    company, inputs, target = _inputs(args)
    roster, open_seats = roster_from_reps(company.reps, inputs.plan_start)
    year = plan_year(
        inputs,
        roster,
        open_seats,
        target=target,
        attainment=args.attainment,
        monthly_attrition=args.attrition,
        time_to_hire=args.time_to_hire,
        backfill=not args.no_backfill,
        max_hires_per_month=args.max_hires,
        freeze_months=args.freeze_months,
        hiring_budget=args.budget or 0.0,
        cost_per_rep_month=args.cost_per_rep_month,
        cost_per_hire=args.cost_per_hire,
        **_quota_options(args),
    )
    qplan, plan = year.quota, year.capacity
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plan.with_hiring.monthly.to_csv(out / "capacity_monthly.csv", index=False)
    plan.hiring.quarterly.to_csv(out / "capacity_quarterly.csv", index=False)
    plan.hiring.hires.to_csv(out / "hiring_plan.csv", index=False)
    plan.waterfall.to_csv(out / "capacity_waterfall.csv", index=False)
    plan.sensitivity.table.to_csv(out / "capacity_tornado.csv", index=False)
    h = plan.hiring
    _warn(quota_warnings(inputs, qplan.quotas, qplan.attainment, qplan))
    figures = capacity_figures(plan, qplan.target)
    print(capacity_sentence(figures, h.quarterly))
    if not h.status.is_ok:
        print(blocking_sentence(plan))
    print(
        f"wrote capacity_monthly.csv, capacity_quarterly.csv, hiring_plan.csv, "
        f"capacity_waterfall.csv, capacity_tornado.csv to {out}"
    )
    if args.strict and not h.status.is_ok:
        return EXIT_FAILED
    return EXIT_OK if np.isfinite(h.objective) else EXIT_FAILED


def run_relief(args: argparse.Namespace) -> int:
    """Apply quota relief for mid-year account moves and write the new quotas."""
    import pandas as pd

    from spm_models.data import load_company
    from spm_models.errors import InputDataError
    from spm_models.quota import quota_relief, trailing_bookings_by_account

    company = load_company(args.data)
    quotas = pd.read_csv(args.quotas, dtype={"rep_id": str})
    moves = pd.read_csv(args.moves, dtype=str)
    if "moved" in moves.columns:
        moves["moved"] = moves["moved"].str.lower().isin(["true", "1", "yes"])
    try:
        effective = pd.Timestamp(args.effective)
    except ValueError as exc:
        raise InputDataError(f"--effective must be a date; got {args.effective!r}") from exc
    plan_start = (pd.Timestamp(company.as_of) + pd.offsets.MonthBegin(1)).normalize()
    months_left = 12 - max(
        0, min(12, (effective.year - plan_start.year) * 12 + effective.month - plan_start.month)
    )
    expected = trailing_bookings_by_account(company.bookings, company.as_of) * (1 + args.growth)
    result = quota_relief(quotas, moves, expected, year_fraction=months_left / 12)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result.to_csv(out / "quotas_after_relief.csv", index=False)
    changed = result.loc[(result["relief"] > 0) | (result["added"] > 0)]
    print(
        f"relief for {len(moves)} account row(s) effective {effective:%Y-%m-%d} "
        f"({months_left} of 12 months left): ${changed['relief'].sum():,.0f} moved between "
        f"{len(changed)} reps; total quota unchanged at ${result['quota'].sum():,.0f}\n"
        f"wrote quotas_after_relief.csv to {out}"
    )
    return EXIT_OK
