"""``spm align``: align accounts to reps and write the assignment, territories and summary."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from spm_models.errors import InfeasibleModelError, InputDataError, Problem

if TYPE_CHECKING:
    import pandas as pd

# The choices of spm_models.territory.inputs, repeated so that ``spm align --help`` does not
# import pandas (tests/test_cli.py checks that they agree).
BALANCE_METRICS = ("workload", "potential", "accounts", "bookings")
DISRUPTION_BASES = ("accounts", "potential")
WEIGHTS = ("workload", "potential", "none")


def register(subparsers) -> None:
    """Add the ``align`` command."""
    p = subparsers.add_parser(
        "align",
        help="optimise the territory alignment (balanced, compact, low disruption)",
        description=(
            "Assign every account to one rep: minimise workload-weighted travel to the rep's "
            "home, keep each territory's balance metrics within the tolerance of its target, "
            "cap the accounts moved, honour locks and forbidden pairs. Writes "
            "DIR/assignment.csv, DIR/territories.csv, DIR/comparison.csv and DIR/summary.json "
            "(status, objective, proven bound and gap, seconds). Exit code 1 when no "
            "alignment exists (the summary then says which constraint blocks and what "
            "relaxation works)."
        ),
    )
    p.add_argument("--accounts", required=True, help="accounts file (CSV or Parquet)")
    p.add_argument("--reps", required=True, help="reps file (CSV or Parquet)")
    p.add_argument("--out", required=True, help="folder for the result files")
    p.add_argument(
        "--balance",
        nargs="+",
        choices=BALANCE_METRICS,
        default=["workload"],
        help="metric(s) to balance (default workload)",
    )
    p.add_argument(
        "--tolerance",
        type=float,
        default=0.10,
        help="allowed deviation from each territory's target (default 0.10)",
    )
    p.add_argument(
        "--max-disruption",
        type=float,
        default=None,
        help="largest share of accounts (or potential) moved, e.g. 0.2",
    )
    p.add_argument("--disruption-basis", choices=DISRUPTION_BASES, default="accounts")
    p.add_argument(
        "--weight",
        choices=WEIGHTS,
        default="workload",
        help="weight of each account's distance in the objective",
    )
    p.add_argument(
        "--move-penalty",
        type=float,
        default=0.0,
        help="objective cost per moved account (default 0)",
    )
    p.add_argument(
        "--balance-penalty",
        type=float,
        default=0.0,
        help="objective cost per unit of relative deviation from target",
    )
    p.add_argument(
        "--lock-region",
        action="append",
        default=[],
        metavar="REGION",
        help="keep every account of this region with its current rep (repeatable)",
    )
    p.add_argument(
        "--lock",
        action="append",
        default=[],
        metavar="ACCOUNT_ID",
        help="keep this account with its current rep (repeatable)",
    )
    p.add_argument(
        "--forbidden", metavar="FILE", help="CSV of account_id,rep_id pairs that may not be used"
    )
    p.add_argument(
        "--mandatory", metavar="FILE", help="CSV of account_id,rep_id pairs that must be used"
    )
    p.add_argument("--max-distance-km", type=float, default=None)
    p.add_argument(
        "--k-nearest",
        type=int,
        default=20,
        help="candidate reps per account besides its current one (0: all reps)",
    )
    p.add_argument(
        "--reprice",
        type=int,
        default=3,
        help=(
            "rounds of column generation over account-rep pairs until the gap over all "
            "pairs closes (default 3; 0: solve the candidate pairs once)"
        ),
    )
    p.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds (default 60; per part when split)"
    )
    p.add_argument("--mip-gap", type=float, default=1e-4, help="relative gap to stop at")
    p.add_argument(
        "--units",
        choices=("account", "county", "city", "country"),
        default="account",
        help=(
            "build territories of whole counties (US), or of whole cities or countries "
            "from the accounts' country and city columns (writes DIR/units.csv too)"
        ),
    )
    p.add_argument("--contiguous", action="store_true", help="with --units county: no islands")
    p.add_argument(
        "--lock-unit",
        action="append",
        default=[],
        metavar="COUNTY",
        help="with --units county: keep a county (FIPS or 'Name, ST') with its rep; repeatable",
    )
    p.add_argument("--solver", choices=("highs", "cbc", "pulp-highs"), default="highs")
    p.add_argument("--method", choices=("auto", "mip", "lp-fix"), default="auto")
    national = p.add_argument_group(
        "national scale",
        "split the reps into regional parts solved in parallel, repair across their borders "
        "and prove the gap against a national Lagrangian bound (writes DIR/parts.csv too)",
    )
    national.add_argument(
        "--parts-by",
        metavar="clusters|COLUMN",
        default=None,
        help="decompose: 'clusters' (compact groups of rep homes) or a reps column, e.g. region",
    )
    national.add_argument(
        "--reps-per-part", type=int, default=25, help="reps per part with clusters (default 25)"
    )
    national.add_argument(
        "--repair-rounds", type=int, default=1, help="border repair rounds (default 1)"
    )
    national.add_argument(
        "--jobs", type=int, default=1, help="local processes solving parts (default 1)"
    )
    where = national.add_mutually_exclusive_group()
    where.add_argument(
        "--dask", action="store_true", help="solve the parts on a local Dask cluster (--jobs)"
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="solve the parts on an existing Dask cluster"
    )
    p.set_defaults(handler=run)


def _pairs(path: str | None, what: str) -> list[tuple[str, str]]:
    if not path:
        return []
    from spm_models.data import read_table_file

    frame = read_table_file(path)
    missing = [c for c in ("account_id", "rep_id") if c not in frame.columns]
    if missing:
        raise InputDataError(
            [
                Problem(Path(path).name, f"is missing (needed for --{what})", column=c)
                for c in missing
            ]
        )
    return list(zip(frame["account_id"].astype(str), frame["rep_id"].astype(str), strict=True))


def read_alignment_tables(accounts: str, reps: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and validate an accounts file and a reps file (``spm sample`` or the user's own)."""
    from spm_models.data import read_table_file
    from spm_models.data.schema import SCHEMAS
    from spm_models.data.validate import check_foreign_keys, check_table

    a_path, r_path = Path(accounts), Path(reps)
    acc, problems = check_table(read_table_file(a_path), SCHEMAS["accounts"], source=a_path.name)
    rep, found = check_table(read_table_file(r_path), SCHEMAS["reps"], source=r_path.name)
    # Every problem at once: both tables' cells and the references between them.
    problems += found + check_foreign_keys(
        {"accounts": acc, "reps": rep}, {"accounts": a_path.name, "reps": r_path.name}
    )
    if problems:
        raise InputDataError(problems)
    return acc, rep


def run(args: argparse.Namespace) -> int:
    """Solve the alignment and write the result files."""
    from spm_models.territory import align_territories
    from spm_models.territory.unit_output import units_output

    if args.contiguous and args.units != "county":
        print(
            f"error: --contiguous needs --units county; {args.units} units have no map "
            "borders to keep a territory connected",
            file=sys.stderr,
        )
        return 2
    accounts, reps = read_alignment_tables(args.accounts, args.reps)
    out = Path(args.out)  # created only once there is a result to write
    options = {
        "balance": args.balance,
        "tolerance": args.tolerance,
        "max_disruption": args.max_disruption,
        "disruption_basis": args.disruption_basis,
        "weight": args.weight,
        "move_penalty": args.move_penalty,
        "balance_penalty": args.balance_penalty,
        "lock_regions": args.lock_region,
        "locked": args.lock,
        "forbidden": _pairs(args.forbidden, "forbidden"),
        "mandatory": _pairs(args.mandatory, "mandatory"),
        "max_distance_km": args.max_distance_km,
        "k_nearest": args.k_nearest or None,
    }
    national = None
    try:
        if args.parts_by or args.dask or args.scheduler:
            national = _align_national(args, accounts, reps, options)
            result = national.result
        else:
            result = align_territories(
                accounts,
                reps,
                solver=args.solver,
                method=args.method,
                time_limit=args.time_limit,
                mip_gap=args.mip_gap,
                reprice=args.reprice,
                units=args.units,
                contiguous=args.contiguous,
                locked_units=tuple(args.lock_unit),
                **options,
            )
    except InfeasibleModelError as exc:
        summary = {
            "status": "infeasible",
            "objective": None,
            "bound": None,
            "gap": None,
            "seconds": None,
            "family": exc.family,
            "reason": exc.reason,
            "relaxation": exc.relaxation,
            "details": exc.details,
        }
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    result.assignment.to_csv(out / "assignment.csv", index=False)
    result.territories.to_csv(out / "territories.csv", index=False)
    result.comparison.to_csv(out / "comparison.csv", index=False)
    unit_rows = units_output(result)
    if unit_rows is not None:
        unit_rows.to_csv(out / "units.csv", index=False)
    summary = result.summary_json() if national is None else national.summary_json()
    if national is not None:
        national.parts.to_csv(out / "parts.csv", index=False)
    scope = ""
    if national is None:
        from spm_models.territory.report import all_pairs_gap

        gap_all, scope = all_pairs_gap(result, len(result.territories))
        summary["gap_all_pairs" if scope.startswith("all") else "gap_candidates"] = (
            gap_all if math.isfinite(gap_all) else None
        )
        summary["gap_scope"] = scope
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if not result.status.is_ok:
        # No alignment to show figures of: say why in one sentence instead of nan figures.
        print(
            f"{result.status}: no alignment of {len(result.assignment):,} accounts to "
            f"{len(result.territories)} territories; {result.detail}; wrote {out}",
            file=sys.stderr,
        )
        return 1
    shown = summary.get("gap_all_pairs", summary["gap"])
    gap = "n/a" if shown is None else f"{100 * shown:.3f}%"
    if scope:
        gap += f" against {scope}"
    print(
        f"{result.status}: {len(result.assignment):,} accounts to {len(result.territories)} "
        f"territories, objective {result.objective:,.1f}, gap {gap}, "
        f"{result.summary['accounts_moved']:.0f} accounts moved, balance CV "
        f"{result.summary['balance_cv_before']:.3f} -> {result.summary['balance_cv_after']:.3f} "
        f"in {result.runtime_s:.1f} s; wrote {out}"
    )
    return 0 if result.status.is_ok else 1


def _align_national(args: argparse.Namespace, accounts: pd.DataFrame, reps: pd.DataFrame, options):
    """Decomposed alignment, its parts on local processes or on Dask."""
    from spm_models.cluster import dask_client
    from spm_models.territory.decompose import align_national

    options = {k: v for k, v in options.items() if k != "balance_penalty" or v}
    with dask_client(args.scheduler, local=args.dask, n_workers=max(args.jobs, 1)) as client:
        return align_national(
            accounts,
            reps,
            by=args.parts_by or "clusters",
            reps_per_part=args.reps_per_part,
            repair_rounds=args.repair_rounds,
            part_time_limit=args.time_limit,
            mip_gap=args.mip_gap,
            dask_client=client,
            jobs=args.jobs,
            **options,
        )
