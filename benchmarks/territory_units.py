"""County-unit alignment of the sample company, with contiguity, against the 120 s goal.

Usage::

    python benchmarks/territory_units.py                         # +-10 %, 20 % cap, contiguous
    python benchmarks/territory_units.py --max-disruption 0.3 --time-limit 120
    python benchmarks/territory_units.py --no-contiguous         # the same without contiguity

Generates the sample company (5,000 accounts, 60 reps), builds county units (the adjacency
comes from the user's cache; its first build is timed separately), and aligns with
``units="county"``. Prints one JSON line: status, objective, bound and gap (against the
contiguous model when contiguity is on), seconds, solves and cuts, parts per territory,
accounts and potential moved, and whether the run met the time goal.
"""

from __future__ import annotations

import argparse
import json
import math
import time

GOAL_S = 120.0


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def main() -> None:
    """Run the benchmark and print its JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance", type=float, default=0.10)
    ap.add_argument("--max-disruption", type=float, default=0.20)
    ap.add_argument("--time-limit", type=float, default=110.0)
    ap.add_argument("--mip-gap", type=float, default=1e-2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-contiguous", action="store_true")
    args = ap.parse_args()

    from spm_models.data.sample import generate_company
    from spm_models.geography import county_adjacency, county_shapes
    from spm_models.territory import align_territories

    t0 = time.perf_counter()
    county_shapes()
    county_adjacency()
    geo_s = time.perf_counter() - t0
    company = generate_company(seed=42, n_accounts=5000, n_reps=60)
    t1 = time.perf_counter()
    result = align_territories(
        company.accounts,
        company.reps,
        units="county",
        contiguous=not args.no_contiguous,
        tolerance=args.tolerance,
        max_disruption=args.max_disruption,
        time_limit=args.time_limit,
        mip_gap=args.mip_gap,
        threads=args.threads,
    )
    seconds = time.perf_counter() - t1
    parts = result.territories["parts"]
    out = {
        "tolerance": args.tolerance,
        "max_disruption": args.max_disruption,
        "contiguous": not args.no_contiguous,
        "status": str(result.status),
        "objective": _finite(result.objective),
        "bound": _finite(result.bound),
        "gap": _finite(result.gap),
        "seconds": round(seconds, 1),
        "geography_seconds": round(geo_s, 1),
        "within_goal": bool(result.status.is_ok and seconds < GOAL_S),
        "units": len(result.geography.units),
        "solves": result.cut_rounds,
        "cuts": result.cuts,
        "max_parts": int(parts.max()) if len(parts) else None,
        "accounts_moved_share": result.summary["accounts_moved_share"],
        "potential_moved_share": result.summary["potential_moved_share"],
        "territories_off_home": list(result.off_home),
        "detail": result.detail,
    }
    print(json.dumps(out, default=float))


if __name__ == "__main__":
    main()
