"""Rolling-origin backtests: cutoffs, known errors, comparison of models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.forecast import NaiveForecaster, backtest, make_forecaster
from spm_models.forecast.backtest import compare, cutoffs, total_interval


def line(n: int = 30) -> pd.DataFrame:
    return pd.DataFrame(
        {"ds": pd.date_range("2022-01-01", periods=n, freq="MS"), "y": np.arange(1.0, n + 1)}
    )


def test_cutoffs_known_answer():
    assert cutoffs(30, 3, 3, 3, 4) == [21, 24, 27]
    assert cutoffs(12, 3, 5, 3, 4) == [6, 9]  # 3 would leave fewer than 4 training points


def test_naive_backtest_known_errors():
    res = backtest(NaiveForecaster(), line(), horizon=3, windows=2, step=3, min_train=4)
    fc = res.forecasts
    assert list(fc.columns) == [
        "cutoff",
        "ds",
        "h",
        "y",
        "yhat",
        "yhat_lower",
        "yhat_upper",
        "scale",
        "model",
    ]
    assert sorted(fc["cutoff"].unique()) == [pd.Timestamp("2023-12-01"), pd.Timestamp("2024-03-01")]
    np.testing.assert_allclose(fc["y"] - fc["yhat"], [1, 2, 3, 1, 2, 3])
    # WAPE: 12 / (25 + 26 + 27 + 28 + 29 + 30). MASE scales by the in-sample seasonal-naive
    # MAE, 12 on a line of slope 1, so the mean error of 2 scores 2 / 12.
    assert res.metrics["wape"] == pytest.approx(100 * 12 / 165)
    assert res.metrics["mase"] == pytest.approx(2.0 / 12.0)
    assert res.metrics["bias"] < 0
    assert res.windows == 2
    assert len(res.by_cutoff) == 2


def test_backtest_does_not_touch_the_given_forecaster():
    est = make_forecaster("theta")
    backtest(est, line(40), horizon=6, windows=2)
    assert not hasattr(est, "model_")


def test_backtest_too_short_series():
    with pytest.raises(InputDataError, match="too short for a backtest: it needs at least 5"):
        backtest(NaiveForecaster(), line(4), horizon=12, windows=1)


def test_backtest_on_a_short_history_uses_the_cutoffs_it_allows():
    # 20 points cannot train two seasons (24) before a 12-month test: the backtest is shortened
    # to half the history as training and every requested cutoff.
    res = backtest(NaiveForecaster(), line(20), horizon=12, windows=3)
    assert res.windows == 3
    assert res.horizon == 8
    assert "the history has 20 points" in res.note


def test_compare_ranks_models_on_the_same_cutoffs():
    y = np.tile([10.0, 30.0, 20.0, 40.0, 15.0, 35.0, 25.0, 45.0, 5.0, 50.0, 12.0, 60.0], 4)
    df = pd.DataFrame({"ds": pd.date_range("2021-01-01", periods=48, freq="MS"), "y": y})
    cmp = compare(
        {"snaive": make_forecaster("snaive"), "naive": make_forecaster("naive")},
        df,
        horizon=6,
        windows=2,
    )
    assert cmp.best == "snaive"
    assert cmp.table.iloc[0]["smape"] == pytest.approx(0.0)
    cut_a = set(cmp.results["snaive"].forecasts["cutoff"])
    assert cut_a == set(cmp.results["naive"].forecasts["cutoff"])


def test_total_interval_known_answer():
    # Naive on the line 1..48: every 12-month backtest total misses by 1 + 2 + ... + 12 = 78.
    est = NaiveForecaster().fit(line(48))
    ti = total_interval(est, periods=12, windows=24)
    assert ti.total == pytest.approx(12 * 48.0)
    assert ti.n_scores == 24
    assert (ti.lower, ti.upper) == (pytest.approx(576.0 - 78.0), pytest.approx(576.0 + 78.0))
