"""OR-Library generalized assignment benchmark: our solve path vs plain HiGHS, one run.

Usage::

    python benchmarks/territory_gap.py                       # gap*.txt in ../shared/data/orlib-gap
    python benchmarks/territory_gap.py FILE... --sense min --time-limit 60 --plain-limit 30
    python benchmarks/territory_gap.py --synthetic-d 3       # add generated type-D 20 x 200

Every problem is solved twice through the territory model code: ``lp-fix`` (LP relaxation,
repair, restricted MIPs by reduced cost, gap proven against the bound) within
``--time-limit`` seconds, and a plain HiGHS MIP with default settings within
``--plain-limit`` seconds. Gaps are against each run's own proven bound, and against the
known optimum when one is listed (gap1-gap4, from the data folder's README). Prints one JSON
line per problem and run, then a summary line per run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from spm_models import config
from spm_models.territory import gap_model, read_gap_file, solve_assignment

KNOWN_OPTIMA = {
    "gap1": [336, 327, 339, 341, 326],
    "gap2": [434, 436, 420, 419, 428],
    "gap3": [580, 564, 573, 570, 564],
    "gap4": [656, 644, 673, 647, 664],
}


def write_type_d(folder: Path, count: int, m: int = 20, n: int = 200, seed: int = 1) -> Path:
    """Write ``count`` type-D problems (Chu and Beasley's recipe) in OR-Library layout."""
    rng = np.random.default_rng(seed)
    parts = [str(count)]
    for _ in range(count):
        a = rng.integers(1, 101, size=(m, n))
        c = 111 - a + rng.integers(-10, 11, size=(m, n))
        b = np.floor(0.8 * a.sum(axis=1) / m).astype(int)
        parts += [
            f"{m} {n}",
            " ".join(map(str, c.ravel())),
            " ".join(map(str, a.ravel())),
            " ".join(map(str, b)),
        ]
    path = folder / f"typed{m}x{n}.txt"
    path.write_text("\n".join(parts) + "\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument(
        "--sense",
        choices=("max", "min"),
        default=None,
        help="default: max for gap1-gap12, min otherwise",
    )
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--plain-limit", type=float, default=30.0)
    ap.add_argument("--synthetic-d", type=int, default=0, metavar="N")
    args = ap.parse_args()
    files = [Path(f) for f in args.files]
    if not files:
        files = sorted((config.SHARED_DATA_DIR / "orlib-gap").glob("gap*.txt"))
    tmp = tempfile.TemporaryDirectory()
    if args.synthetic_d:
        files.append(write_type_d(Path(tmp.name), args.synthetic_d))
    runs = {"ours (lp-fix)": ("lp-fix", args.time_limit), "plain HiGHS": ("mip", args.plain_limit)}
    stats: dict[str, list[dict]] = {name: [] for name in runs}
    for path in files:
        stem = path.stem
        sense = args.sense or ("max" if stem[3:].isdigit() else "min")
        optima = KNOWN_OPTIMA.get(stem)
        for k, problem in enumerate(read_gap_file(path)):
            for name, (method, limit) in runs.items():
                model = gap_model(problem, sense)
                t0 = time.perf_counter()
                out = solve_assignment(model, method=method, time_limit=limit, mip_gap=1e-6)
                secs = time.perf_counter() - t0
                obj = round(model.reported(out.objective), 6)
                row = {
                    "instance": problem.name,
                    "run": name,
                    "m": problem.m,
                    "n": problem.n,
                    "objective": obj,
                    "bound": model.reported(out.bound),
                    "gap": out.gap,
                    "status": str(out.status),
                    "seconds": round(secs, 3),
                }
                if optima:
                    row["optimum"] = optima[k]
                    row["gap_to_optimum"] = abs(obj - optima[k]) / optima[k]
                stats[name].append(row)
                print(json.dumps(row), flush=True)
    for name, rows in stats.items():
        secs = [r["seconds"] for r in rows]
        print(
            json.dumps(
                {
                    "summary": name,
                    "problems": len(rows),
                    "proven_optimal": sum(r["status"] == "optimal" for r in rows),
                    "at_known_optimum": sum(r.get("gap_to_optimum", 1.0) < 1e-9 for r in rows),
                    "median_seconds": round(statistics.median(secs), 3) if secs else None,
                    "max_seconds": round(max(secs), 3) if secs else None,
                    "max_gap": max((r["gap"] for r in rows), default=None),
                }
            ),
            flush=True,
        )
    tmp.cleanup()


if __name__ == "__main__":
    main()
