"""The forecast page's headline chain: backtest, choice and fit in one call."""

from __future__ import annotations

import numpy as np
import pandas as pd

from spm_models.forecast.headline import headline_forecast


def test_headline_backtests_the_candidates_and_fits_the_choice() -> None:
    rng = np.random.default_rng(4)
    t = np.arange(36)
    y = 1000 + 10 * t + 200 * (t % 3 == 2) + rng.normal(0, 20, t.size)
    history = pd.DataFrame({"ds": pd.date_range("2023-01-01", periods=36, freq="MS"), "y": y})
    head = headline_forecast(history, horizon=15, include_prophet=False, backtest_windows=2)
    assert {"auto", "snaive", "naive"} <= set(head.comparison.results)
    assert head.choice.key in head.comparison.results
    assert len(head.forecast) == 15
    assert head.year.lower <= head.year.total <= head.year.upper
