"""National-scale territory alignment by decomposition: in turn, on Dask with 1 and 2 workers.

Usage::

    python benchmarks/territory_national.py --accounts 250000 --reps 1000 \\
        --modes local,dask1,dask2

Generates the sample company at that size, then aligns it with
:func:`spm_models.territory.decompose.align_national` once per mode: ``local`` solves the
parts in turn in this process, ``jobs2`` on two local processes, ``daskN`` on a Dask
LocalCluster of N single-threaded workers. One JSON line per run (status, objective,
national bound, gap, seconds per phase), then a summary line with every run's speed-up
against the first mode, measured in this one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from spm_models.cluster import close, connect
from spm_models.data import generate_company
from spm_models.territory.decompose import align_national


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=250_000)
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tolerance", type=float, default=0.05)
    ap.add_argument("--max-disruption", type=float, default=None)
    ap.add_argument("--k-nearest", type=int, default=20)
    ap.add_argument("--reps-per-part", type=int, default=25)
    ap.add_argument("--part-time-limit", type=float, default=30.0)
    ap.add_argument("--mip-gap", type=float, default=0.005)
    ap.add_argument("--repair-rounds", type=int, default=1)
    ap.add_argument("--bound-iterations", type=int, default=100)
    ap.add_argument("--modes", default="local,dask1,dask2", help="comma-separated run modes")
    args = ap.parse_args()
    t0 = time.perf_counter()
    company = generate_company(seed=args.seed, n_accounts=args.accounts, n_reps=args.reps)
    print(json.dumps({"generate_s": round(time.perf_counter() - t0, 1)}), flush=True)
    options = {
        "balance": ["workload"],
        "tolerance": args.tolerance,
        "max_disruption": args.max_disruption,
        "k_nearest": args.k_nearest,
        "reps_per_part": args.reps_per_part,
        "part_time_limit": args.part_time_limit,
        "mip_gap": args.mip_gap,
        "repair_rounds": args.repair_rounds,
        "bound_iterations": args.bound_iterations,
    }
    runs = []
    for mode in args.modes.split(","):
        client = connect(n_workers=int(mode[4:])) if mode.startswith("dask") else None
        jobs = int(mode[4:]) if mode.startswith("jobs") else 1
        try:
            t0 = time.perf_counter()
            res = align_national(
                company.accounts,
                company.reps,
                dask_client=client,
                jobs=jobs,
                progress=_progress,
                **options,
            )
            seconds = time.perf_counter() - t0
        finally:
            if client is not None:
                close(client)
        row = {
            "mode": mode,
            "accounts": args.accounts,
            "reps": args.reps,
            "seconds": round(seconds, 1),
            **{
                k: v
                for k, v in res.summary_json().items()
                if k
                in (
                    "status",
                    "objective",
                    "bound",
                    "gap",
                    "parts",
                    "objective_before_repair",
                    "repairs_accepted",
                    "phase_seconds",
                    "workers",
                    "accounts_moved_share",
                    "balance_cv_after",
                )
            },
        }
        runs.append(row)
        print(json.dumps(row), flush=True)
    base = runs[0]["seconds"]
    print(
        json.dumps(
            {
                "summary": "speed-up against " + runs[0]["mode"],
                **{r["mode"]: round(base / r["seconds"], 2) for r in runs},
            }
        )
    )


def _progress(part) -> None:
    line = {"phase": part.phase, "part": part.name, "status": part.status}
    line["seconds"] = round(part.seconds, 1)
    print(json.dumps(line), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
