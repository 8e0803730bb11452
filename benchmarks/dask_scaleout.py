"""Benchmark: scenario batches and batch forecasts, local processes vs Dask (1 and 2 workers).

Run: .venv/bin/python benchmarks/dask_scaleout.py [--scenarios 4] [--series 200]
Every figure is also given as a ratio to the one-process local run of the same work, measured
in the same run, so it can be compared across noisy machines.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from spm_models import config
from spm_models.cluster import close, connect
from spm_models.forecast.batch import forecast_many
from spm_models.runner import load_scenarios, run_batch


def _scenarios(folder: Path, count: int) -> list:
    text = (config.PROJECT_ROOT / "tests" / "scenarios" / "quick.yaml").read_text()
    files = []
    for i in range(count):
        path = folder / f"bench{i}.yaml"
        path.write_text(text.replace("name: quick", f"name: bench{i}"))
        files.append(path)
    return load_scenarios(files)


def _series(count: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    ds = pd.date_range("2019-01-01", periods=72, freq="MS")
    season = 1 + 0.3 * np.sin(2 * np.pi * ds.month.to_numpy() / 12)
    return {
        f"S{i:04d}": pd.DataFrame(
            {"ds": ds, "y": rng.uniform(50, 500) * season * rng.lognormal(0, 0.1, len(ds))}
        )
        for i in range(count)
    }


def _timed(label: str, base: float | None, work) -> float:
    clock = time.perf_counter()
    work()
    seconds = time.perf_counter() - clock
    ratio = f" ({base / seconds:4.2f}x the 1-process local run)" if base else ""
    print(f"  {label:<24} {seconds:7.1f} s{ratio}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", type=int, default=4)
    parser.add_argument("--series", type=int, default=200)
    args = parser.parse_args()
    series = _series(args.series)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scenarios = _scenarios(folder, args.scenarios)
        print(f"scenario batch: {args.scenarios} one-notebook scenarios (400 accounts each)")
        base = _timed(
            "local, 1 job",
            None,
            lambda: run_batch(
                scenarios, jobs=1, force=True, reports_dir=folder / "r", progress=None
            ),
        )
        _timed(
            "local, 2 jobs",
            base,
            lambda: run_batch(
                scenarios, jobs=2, force=True, reports_dir=folder / "r", progress=None
            ),
        )
        for workers in (1, 2):
            client = connect(n_workers=workers)
            try:
                _timed(
                    f"Dask, {workers} worker(s)",
                    base,
                    lambda c=client: run_batch(
                        scenarios,
                        force=True,
                        reports_dir=folder / "r",
                        progress=None,
                        dask_client=c,
                    ),
                )
            finally:
                close(client)
    print(f"batch forecast: {args.series} monthly series, model auto, 12 months ahead")
    run = {"horizon": 12, "model": "auto", "progress": False}
    base = _timed("local, 1 process", None, lambda: forecast_many(series, n_jobs=1, **run))
    _timed("local, 2 processes", base, lambda: forecast_many(series, n_jobs=2, **run))
    for workers in (1, 2):
        client = connect(n_workers=workers)
        try:
            _timed(
                f"Dask, {workers} worker(s)",
                base,
                lambda c=client: forecast_many(series, dask_client=c, **run),
            )
        finally:
            close(client)


if __name__ == "__main__":
    main()
