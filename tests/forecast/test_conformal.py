"""Conformal intervals: known answers and coverage calibration on simulated data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.forecast import make_forecaster
from spm_models.forecast.conformal import calibrate, conformal_quantile


def test_conformal_quantile_known_answer():
    scores = np.arange(9.0, 0.0, -1.0)  # 9 .. 1
    assert conformal_quantile(scores, 0.8) == 8.0  # ceil(10 * 0.8) = 8th smallest
    assert conformal_quantile(scores, 0.95) == 9.0  # ceil(9.5) = 10 > 9: the largest


def test_calibrate_known_answer():
    errors = np.array([[1.0, 2.0], [-1.0, -2.0], [1.0, 2.0], [-1.0, -2.0], [1.0, np.nan]])
    ci = calibrate(errors, 0.8)
    assert ci.method == "conformal"
    assert ci.n_scores == 9
    np.testing.assert_allclose(ci.scale, [1.0, 2.0])
    assert ci.quantile == pytest.approx(1.0)
    np.testing.assert_allclose(ci.half_width(3), [1.0, 2.0, 2.0 * np.sqrt(1.5)])
    lo, hi = ci.bounds(np.array([0.5, 10.0]), floor=0.0)
    np.testing.assert_allclose(lo, [0.0, 8.0])
    np.testing.assert_allclose(hi, [1.5, 12.0])


def test_scale_is_made_non_decreasing():
    errors = np.array([[3.0, 1.0, 2.0]] * 6)
    np.testing.assert_allclose(calibrate(errors, 0.8).scale, [3.0, 3.0, 3.0])


def test_too_few_errors_fall_back_to_an_uncalibrated_scale():
    ci = calibrate(np.array([[1.0, np.nan]]), 0.8, history=np.array([1.0, 3.0, 2.0, 4.0]))
    assert ci.method == "naive-scale"
    assert ci.half_width(1)[0] > 0


def test_bad_width():
    with pytest.raises(ValueError, match="The 'width' parameter of calibrate"):
        calibrate(np.ones((3, 3)), 1.2)


def _coverage(model: str, width: float, n_series: int, seed: int) -> float:
    """Share of future values inside the interval, on simulated local-level series."""
    rng = np.random.default_rng(seed)
    hits, total = 0, 0
    for _ in range(n_series):
        level = 200 + np.cumsum(rng.normal(0, 4, 54))
        y = level + rng.normal(0, 6, 54)
        df = pd.DataFrame({"ds": pd.date_range("2020-01-01", periods=54, freq="MS"), "y": y})
        fc = make_forecaster(model, interval_width=width).fit(df.iloc[:48]).predict(6)
        inside = (y[48:] >= fc["yhat_lower"]) & (y[48:] <= fc["yhat_upper"])
        hits += int(inside.sum())
        total += 6
    return hits / total


def test_intervals_hold_their_promised_coverage_on_simulated_data():
    # Local-level series: SES is the right model; 80 series x 6 steps each.
    cov80 = _coverage("ses", 0.8, 80, seed=11)
    assert 0.72 <= cov80 <= 0.90, cov80
    cov95 = _coverage("naive", 0.95, 80, seed=12)
    assert 0.89 <= cov95 <= 0.99, cov95
