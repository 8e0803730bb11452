"""Known-answer tests of every registered metric."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.forecast.metrics import METRICS, evaluate, mase_scale


@pytest.fixture
def frame() -> pd.DataFrame:
    # errors: +10, -10, +20, 0
    return pd.DataFrame(
        {
            "y": [100.0, 200.0, 50.0, 80.0],
            "yhat": [90.0, 210.0, 30.0, 80.0],
            "yhat_lower": [80.0, 190.0, 60.0, 70.0],
            "yhat_upper": [95.0, 220.0, 70.0, 90.0],
            "scale": [10.0, 10.0, 10.0, 10.0],
        }
    )


def test_registry_has_every_issue_metric():
    assert {"mape", "smape", "wape", "mase", "bias", "coverage", "winkler"} <= set(METRICS)


def test_mape(frame):
    expected = 100 * np.mean([10 / 100, 10 / 200, 20 / 50, 0])
    assert METRICS["mape"].fn(frame) == pytest.approx(expected)  # 13.75


def test_mape_skips_zero_actuals():
    df = pd.DataFrame({"y": [0.0, 50.0], "yhat": [5.0, 40.0]})
    assert METRICS["mape"].fn(df) == pytest.approx(20.0)


def test_smape(frame):
    expected = np.mean([200 * 10 / 190, 200 * 10 / 410, 200 * 20 / 80, 0.0])
    assert METRICS["smape"].fn(frame) == pytest.approx(expected)


def test_smape_zero_over_zero_counts_as_zero():
    df = pd.DataFrame({"y": [0.0, 10.0], "yhat": [0.0, 0.0]})
    assert METRICS["smape"].fn(df) == pytest.approx(100.0)  # (0 + 200) / 2


def test_wape(frame):
    assert METRICS["wape"].fn(frame) == pytest.approx(100 * 40 / 430)


def test_mase(frame):
    assert METRICS["mase"].fn(frame) == pytest.approx(np.mean([1.0, 1.0, 2.0, 0.0]))


def test_mase_scale_is_seasonal_naive_mae():
    y = np.array([1.0, 2.0, 3.0, 5.0, 6.0, 9.0])
    assert mase_scale(y, 2) == pytest.approx(np.mean([2.0, 3.0, 3.0, 4.0]))
    assert mase_scale(y, 12) == pytest.approx(np.mean(np.abs(np.diff(y))))


def test_bias_sign_is_over_forecast_positive(frame):
    # sum(yhat - y) = -10 + 10 - 20 + 0 = -20 over sum |y| = 430
    assert METRICS["bias"].fn(frame) == pytest.approx(100 * -20 / 430)


def test_coverage(frame):
    # inside: row 2 (190 <= 200 <= 220) and row 4; rows 1 (100 > 95) and 3 (50 < 60) miss
    assert METRICS["coverage"].fn(frame) == pytest.approx(50.0)


def test_winkler(frame):
    width = 0.8  # alpha 0.2 -> penalty 2 / 0.2 = 10 per unit outside
    scores = [15 + 10 * 5, 30, 10 + 10 * 10, 20]
    assert METRICS["winkler"].fn(frame, width=width) == pytest.approx(np.mean(scores))


def test_evaluate_skips_interval_metrics_without_bounds(frame):
    out = evaluate(frame[["y", "yhat"]])
    assert set(out) == {"mape", "smape", "wape", "bias"}


def test_evaluate_unknown_metric_lists_known(frame):
    with pytest.raises(KeyError, match="unknown metric 'rmse'"):
        evaluate(frame, ["rmse"])


def test_metrics_do_not_mutate(frame):
    before = frame.copy()
    evaluate(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_missing_column_is_named():
    with pytest.raises(InputDataError, match="yhat"):
        METRICS["smape"].fn(pd.DataFrame({"y": [1.0]}))
