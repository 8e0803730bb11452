"""Slider re-solves on the sample company against the 5 s goal (median over 10 moves).

Usage::

    python benchmarks/territory_slider.py                  # 10 moves, plus 3 cold solves
    python benchmarks/territory_slider.py --cold-moves 0   # the moves only

Generates the sample company (5,000 accounts, 60 reps) and moves the tolerance and
disruption-cap sliders ten times, as the territory notebook's panel does: each move is an
:class:`~spm_models.territory.resolve.InteractiveAligner` re-solve from the previous answer
on its time budget. The first moves are also solved cold, as the panel did before (30 s
limit, 1% gap, no start), in the same run, for the ratio. Prints one JSON line: seconds
per move, median, the gap each move proved, and whether the median met the goal.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

GOAL_S = 5.0
#: (tolerance, disruption cap) after each move: small steps both ways, as a hand moves.
MOVES = (
    (0.10, 0.20),
    (0.11, 0.20),
    (0.12, 0.20),
    (0.12, 0.25),
    (0.09, 0.25),
    (0.08, 0.25),
    (0.08, 0.30),
    (0.10, 0.30),
    (0.15, 0.30),
    (0.15, 0.15),
)


def main() -> None:
    """Run the benchmark and print its JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold-moves", type=int, default=3, help="moves also solved cold")
    args = ap.parse_args()

    from spm_models.data.sample import generate_company
    from spm_models.territory.report import all_pairs_gap, solve_or_relax
    from spm_models.territory.resolve import InteractiveAligner

    company = generate_company(seed=42, n_accounts=5000, n_reps=60)
    shared = {"k_nearest": 20, "lock_regions": [], "balance": ["workload"]}
    aligner = InteractiveAligner(company.accounts, company.reps, options=shared)
    gaps = []
    for tol, cap in MOVES:
        solved = aligner.solve(tolerance=tol, max_disruption=cap)
        gaps.append(round(all_pairs_gap(solved.result, len(company.reps))[0], 4))
    cold = []
    for tol, cap in MOVES[: args.cold_moves]:
        t0 = time.perf_counter()
        solve_or_relax(
            company.accounts,
            company.reps,
            time_limit=30.0,
            mip_gap=0.01,
            reprice=0,
            tolerance=tol,
            max_disruption=cap,
            **shared,
        )
        cold.append(time.perf_counter() - t0)
    median = statistics.median(aligner.seconds)
    line = {
        "moves": len(MOVES),
        "seconds": [round(s, 2) for s in aligner.seconds],
        "median_s": round(median, 2),
        "gap_all_pairs": gaps,
        "cold_seconds": [round(s, 2) for s in cold],
        # The same moves both ways: re-solve time over cold-solve time.
        "ratio_to_cold": (
            round(statistics.median(aligner.seconds[: len(cold)]) / statistics.median(cold), 3)
            if cold
            else None
        ),
        "goal_s": GOAL_S,
        "met": median <= GOAL_S,
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
