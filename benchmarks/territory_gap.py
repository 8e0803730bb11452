"""OR-Library GAP and capacitated p-median benchmarks: our solve paths vs plain HiGHS, one run.

Usage::

    python benchmarks/territory_gap.py gap                 # gap1-gap4 and gapd
    python benchmarks/territory_gap.py gap FILE... --time-limit 60 --plain-limit 60
    python benchmarks/territory_gap.py cpmp                # pmedcap1-01 .. -20
    python benchmarks/territory_gap.py cpmp FILE... --time-limit 30 --plain-limit 30
    python benchmarks/territory_gap.py cpmp SJC1.dat SJC2.dat --time-limit 60  # 'n p' layout
    python benchmarks/territory_gap.py gap --data DIR      # another data folder

Every problem is solved twice on the same model in the same run: by our path
(``solve_gap``: Lagrangian heuristic, local and tabu search, MIP neighbourhoods, HiGHS;
``solve_pmedian_exact``: location-allocation start, reduced-cost fixing, HiGHS) within
``--time-limit`` seconds, and by plain HiGHS on the textbook model within ``--plain-limit``
seconds. Each JSON line gives the objective, the optimum or best-known value, the percentage
above it, the gap to the run's own proven bound and the seconds; the summary gives, per run,
the worst percentage above the reference, and the ratio of our worst to plain HiGHS's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from spm_models import config
from spm_models.territory import gap_model, read_gap_file, solve_assignment
from spm_models.territory.gap_instances import read_cpmp_file
from spm_models.territory.gap_solve import solve_gap
from spm_models.territory.pmedian import pmedcap_model, solve_pmedian
from spm_models.territory.pmedian_solve import solve_pmedian_exact

#: Proven optima of gap1-gap4 (maximisation; OR-Library's gapinfo page).
KNOWN_OPTIMA = {
    "gap1": [336, 327, 339, 341, 326],
    "gap2": [434, 436, 420, 419, 428],
    "gap3": [580, 564, 573, 570, 564],
    "gap4": [656, 644, 673, 647, 664],
    # gapd (minimisation): best-known values of the literature (Posta, Ferland & Michelon
    # 2012, as listed with the data; problem 1 is a proven optimum).
    "gapd": [6353, 12742, 6347, 12430, 6185, 12235],
}


#: Published optima of the Lorena-Senne instances (second layout; Stefanello, Araujo and
#: Mueller 2015). Files of that layout carry no optimum, so the file name looks it up.
PUBLISHED_OPTIMA = {
    "SJC1": 17288.99,
    "SJC2": 33270.94,
    "SJC3a": 45335.16,
    "SJC3b": 40635.80,
    "SJC4a": 61925.51,
    "SJC4b": 52458.00,
}


def _row(name: str, run: str, obj: float, bound: float, gap: float, status, secs, ref) -> dict:
    row = {
        "instance": name,
        "run": run,
        "objective": round(obj, 6),
        "reference": ref,
        "pct_above_reference": None if ref is None else round(100 * abs(obj - ref) / ref, 4),
        "bound": round(bound, 6),
        "pct_gap_to_own_bound": round(100 * gap, 4),
        "status": str(status),
        "seconds": round(secs, 2),
    }
    print(json.dumps(row), flush=True)
    return row


def run_gap(files: list[Path], limit: float, plain_limit: float) -> dict[str, list[dict]]:
    """Both runs on every problem of every GAP file."""
    rows: dict[str, list[dict]] = {"ours": [], "plain HiGHS": []}
    for path in files:
        sense = "max" if path.stem[3:].isdigit() else "min"
        refs = KNOWN_OPTIMA.get(path.stem)
        for k, problem in enumerate(read_gap_file(path)):
            ref = refs[k] if refs else None
            res = solve_gap(problem, sense, time_limit=limit)
            rows["ours"].append(
                _row(
                    problem.name,
                    "ours",
                    res.objective,
                    res.bound,
                    res.gap,
                    res.status,
                    res.runtime_s,
                    ref,
                )
            )
            model = gap_model(problem, sense)
            t0 = time.perf_counter()
            out = solve_assignment(
                model, method="mip", time_limit=plain_limit, mip_gap=1e-9, threads=1
            )
            rows["plain HiGHS"].append(
                _row(
                    problem.name,
                    "plain HiGHS",
                    model.reported(out.objective),
                    model.reported(out.bound),
                    out.gap,
                    out.status,
                    time.perf_counter() - t0,
                    ref,
                )
            )
    return rows


def run_cpmp(files: list[Path], limit: float, plain_limit: float) -> dict[str, list[dict]]:
    """Both runs on every capacitated p-median problem."""
    rows: dict[str, list[dict]] = {"ours": [], "plain HiGHS": []}
    for path in files:
        for problem in read_cpmp_file(path):
            model = pmedcap_model(problem)
            for run, solve, lim in (
                ("ours", solve_pmedian_exact, limit),
                ("plain HiGHS", solve_pmedian, plain_limit),
            ):
                t0 = time.perf_counter()
                out = solve(model, time_limit=lim, mip_gap=1e-9, threads=1)
                rows[run].append(
                    _row(
                        problem.name,
                        run,
                        out.objective,
                        out.bound,
                        out.gap,
                        out.status,
                        time.perf_counter() - t0,
                        problem.best_known or PUBLISHED_OPTIMA.get(problem.name),
                    )
                )
    return rows


def summarise(rows: dict[str, list[dict]]) -> None:
    """One summary line per run, then the ratio of worst percentages above the reference."""
    worst = {}
    for run, rs in rows.items():
        above = [r["pct_above_reference"] for r in rs if r["pct_above_reference"] is not None]
        secs = [r["seconds"] for r in rs]
        worst[run] = max(above, default=None)
        print(
            json.dumps(
                {
                    "summary": run,
                    "problems": len(rs),
                    "proven_optimal": sum(r["status"] == "optimal" for r in rs),
                    "worst_pct_above_reference": worst[run],
                    "mean_pct_above_reference": round(statistics.mean(above), 4) if above else None,
                    "worst_pct_gap_to_own_bound": max(r["pct_gap_to_own_bound"] for r in rs),
                    "median_seconds": round(statistics.median(secs), 2),
                    "max_seconds": round(max(secs), 2),
                }
            ),
            flush=True,
        )
    a, b = worst.get("ours"), worst.get("plain HiGHS")
    if a is not None and b:
        print(json.dumps({"worst_pct_above_ratio_ours_to_plain": round(a / b, 3)}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=("gap", "cpmp"))
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--data", type=Path, default=config.SHARED_DATA_DIR)
    ap.add_argument("--time-limit", type=float, default=None, help="default 60 (gap), 30 (cpmp)")
    ap.add_argument("--plain-limit", type=float, default=None, help="default: --time-limit")
    args = ap.parse_args()
    limit = args.time_limit or (60.0 if args.kind == "gap" else 30.0)
    plain = args.plain_limit or limit
    if args.kind == "gap":
        files = args.files or sorted((args.data / "orlib-gap").glob("gap*.txt"))
        summarise(run_gap(files, limit, plain))
    else:
        files = args.files or sorted((args.data / "orlib-cpmp").glob("pmedcap1-*.txt"))
        summarise(run_cpmp(files, limit, plain))


if __name__ == "__main__":
    main()
