"""Benchmark: the forecast page's chain with and without remembered component fits, one run.

The chain is :func:`spm_models.forecast.headline.headline_forecast`, which the forecast page
runs for the company total: the backtest of the combination, each component and the
baselines, the headline fit, and the year-total interval. It runs twice in one process on the
same generated company: first with ``FIT_CACHE_SIZE = 0`` (every fit re-run), then with the
default cache. Prints one JSON line per run, the speed-up ratio, and whether the backtest
table, the forecast and the year interval are identical (they must be: the cache only
skips refits of the same data).

Run::

    .venv/bin/python benchmarks/forecast_fit_cache.py
    .venv/bin/python benchmarks/forecast_fit_cache.py --accounts 5000 --reps 60
"""

from __future__ import annotations

import argparse
import json
import time

import pandas as pd

from spm_models.data import generate_company
from spm_models.forecast import engine, report
from spm_models.forecast.company import bookings_series
from spm_models.forecast.headline import headline_forecast
from spm_models.quota.inputs import QUOTA_BOOKING_TYPES


def run_chain(history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, tuple[float, ...]]:
    """The forecast page's figures for one history: backtest table, forecast, year interval."""
    headline = headline_forecast(history, include_prophet=False)
    year = headline.year
    return headline.comparison.table, headline.forecast, (year.total, year.lower, year.upper)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=400)
    ap.add_argument("--reps", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    company = generate_company(seed=args.seed, n_accounts=args.accounts, n_reps=args.reps)
    types = sorted(company.bookings["booking_type"].unique())
    scope = report.booking_scope({}, types, QUOTA_BOOKING_TYPES)
    history = bookings_series(company, booking_types=scope.types)
    # Compile statsforecast's jitted code first, so neither timed run pays for it.
    run_chain(history.head(30))
    results, seconds = {}, {}
    for run, size in (("refit every time", 0), ("remembered fits", engine.FIT_CACHE_SIZE)):
        engine.clear_fit_cache()
        engine.FIT_CACHE_SIZE = size
        t0 = time.perf_counter()
        results[run] = run_chain(history)
        seconds[run] = time.perf_counter() - t0
        print(json.dumps({"run": run, "months": len(history), "seconds": round(seconds[run], 2)}))
    (t0, f0, y0), (t1, f1, y1) = results.values()
    same = t0.equals(t1) and f0.equals(f1) and y0 == y1
    ratio = seconds["refit every time"] / seconds["remembered fits"]
    print(json.dumps({"speedup": round(ratio, 2), "identical_figures": same}))


if __name__ == "__main__":
    main()
