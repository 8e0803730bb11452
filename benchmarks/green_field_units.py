"""Green field on county units for the sample company: time, gap and weighted travel.

Usage::

    python benchmarks/green_field_units.py                  # 60 territories, +10 %, 20 s
    python benchmarks/green_field_units.py --time-limit 60

Generates the sample company (5,000 accounts, 60 reps), builds its county units (ZIP cells
where a county carries more than half a territory) and places one centre per seat on them
(:func:`spm_models.territory.unit_centres.choose_unit_centres`, the budget split over three
location-allocation rounds as on the territory page). Prints one JSON line: seconds for the
units and for the design, status, objective, bound and gap of the last sharing of units,
and the workload-weighted km from each account to its territory's centre.
"""

from __future__ import annotations

import argparse
import json
import time
from types import SimpleNamespace


def main() -> None:
    """Run the benchmark and print its JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance", type=float, default=0.10)
    ap.add_argument("--time-limit", type=float, default=20.0)
    args = ap.parse_args()

    from spm_models.data import load_company
    from spm_models.notebook import ensure_sample
    from spm_models.skipped import Skipped
    from spm_models.territory.unit_centres import choose_unit_centres, green_field_units

    company = load_company(str(ensure_sample(42, 5000, 60)))
    n = len(company.reps)
    t0 = time.perf_counter()
    parts = green_field_units(SimpleNamespace(), company.accounts, n)
    t_units = time.perf_counter() - t0
    if parts is None:
        raise SystemExit("the sample accounts do not all lie in US counties")
    centres = choose_unit_centres(
        *parts, n_territories=n, tolerance=args.tolerance, time_limit=args.time_limit / 3
    )
    t_all = time.perf_counter() - t0
    if isinstance(centres, Skipped):
        print(json.dumps({"skipped": centres.sentence(), "seconds": round(t_all, 1)}))
        return
    print(
        json.dumps(
            {
                "units": len(parts[0].units),
                "seconds_units": round(t_units, 1),
                "seconds_total": round(t_all, 1),
                "status": str(centres.status),
                "objective": round(centres.objective, 1),
                "bound": round(centres.bound, 1),
                "gap": round(centres.gap, 5),
                "weighted_km": round(centres.weighted_km, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
