"""The capacitated p-median LP: the whole model against column generation, in one run.

Usage::

    python benchmarks/pmedian_lp.py                       # made-up 402 points, p = 30
    python benchmarks/pmedian_lp.py --points 300 --p 25
    python benchmarks/pmedian_lp.py FILE                  # an 'n p' / OR-Library file

Solves the LP relaxation of the strong formulation twice on the same model: HiGHS on the
whole model (one link row per point-site pair), and
:func:`~spm_models.territory.pmedian_lp.priced_lp` (each point's nearest sites, then the
pairs that price out negative). Prints both times, their ratio, and checks that both reach
the same LP value.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from spm_models.territory.gap_instances import read_cpmp_file
from spm_models.territory.pmedian import build_pmedian, pmedcap_model
from spm_models.territory.pmedian_lp import priced_lp
from spm_models.territory.solve import solve_linear


def made_up(points: int, p: int, seed: int, fill: float = 0.85):
    """Clustered points with skewed demand; capacity so that demand fills ``fill`` of it."""
    rng = np.random.default_rng(seed)
    towns = rng.uniform(0, 2000, (max(p // 2, 2), 2))
    xy = towns[rng.integers(len(towns), size=points)] + rng.normal(0, 150, (points, 2))
    demand = np.ceil(rng.lognormal(3.0, 1.0, points))
    cost = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    return build_pmedian(cost, demand, p, demand.sum() / (p * fill))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path)
    ap.add_argument("--points", type=int, default=402)
    ap.add_argument("--p", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.file:
        model = pmedcap_model(read_cpmp_file(args.file)[0])
    else:
        model = made_up(args.points, args.p, args.seed)
    t0 = time.perf_counter()
    whole = solve_linear(model.linear, relax=True, threads=1)
    t1 = time.perf_counter()
    priced = priced_lp(model, threads=1)
    t2 = time.perf_counter()
    if priced is None:
        raise SystemExit("pricing did not converge")
    same = abs(whole.objective - priced.objective) <= 1e-6 * max(abs(whole.objective), 1.0)
    print(
        json.dumps(
            {
                "points": model.n_items,
                "pairs": model.n_arcs,
                "whole_lp_s": round(t1 - t0, 2),
                "priced_lp_s": round(t2 - t1, 2),
                "ratio": round((t1 - t0) / max(t2 - t1, 1e-9), 1),
                "pricing_rounds": priced.rounds,
                "pairs_generated": int(priced.generated[: model.n_arcs].sum()),
                "lp_value": round(priced.objective, 6),
                "same_value": bool(same),
            }
        )
    )
    if not same:
        raise SystemExit(f"LP values differ: {whole.objective} against {priced.objective}")


if __name__ == "__main__":
    main()
