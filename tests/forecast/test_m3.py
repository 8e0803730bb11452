"""The M3 benchmark loader and a small slice of the benchmark (skipped without the data)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from spm_models import config
from spm_models.forecast import make_forecaster

M3 = config.SHARED_DATA_DIR / "forecast" / "m3_monthly.csv"
pytestmark = pytest.mark.skipif(not M3.exists(), reason=f"M3 data not found at {M3}")


def load_benchmark():
    path = config.PROJECT_ROOT / "benchmarks" / "forecast_m3.py"
    spec = importlib.util.spec_from_file_location("forecast_m3", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_loader_splits_off_the_official_18_month_test_set():
    bench = load_benchmark()
    train, test = bench.load_m3(limit=None)
    assert len(train) == 1428
    assert all(len(v) == 18 for v in test.values())
    first = train["N1402"]
    assert len(first) == 68 - 18
    assert first["ds"].iloc[0].strftime("%Y-%m") == "1990-01"


def test_theta_beats_seasonal_naive_on_a_slice():
    bench = load_benchmark()
    train, test = bench.load_m3(limit=40)
    errs = {"theta": [], "snaive": []}
    for sid, df in train.items():
        for name in errs:
            fc = make_forecaster(name, calibration_windows=0).fit(df).predict(18)["yhat"]
            a = test[sid]
            errs[name].append(np.mean(200 * np.abs(a - fc) / (np.abs(a) + np.abs(fc))))
    assert np.mean(errs["theta"]) < np.mean(errs["snaive"])
