"""Many series in parallel processes, and reconciliation of parts with the total."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.forecast.batch import forecast_many, reconcile


def series(level: float, n: int = 36, seed: int = 0) -> pd.DataFrame:
    y = level + np.random.default_rng(seed).normal(0, level * 0.05, n)
    return pd.DataFrame({"ds": pd.date_range("2023-01-01", periods=n, freq="MS"), "y": y})


def test_forecast_many_in_worker_processes_with_a_failure_listed(capsys):
    bad = series(50.0, seed=3)
    bad.loc[4, "y"] = -1.0
    data = {"east": series(100.0, seed=1), "west": series(200.0, seed=2), "broken": bad}
    out = forecast_many(data, horizon=4, model="theta", n_jobs=2, backtest_windows=1, progress=True)
    assert out.n_jobs == 2
    assert list(out.forecasts["id"].unique()) == ["east", "west"]
    assert len(out.forecasts) == 8
    assert set(out.forecasts["model"]) == {"theta"}
    assert "must be >= 0" in out.failures["broken"]
    assert list(out.metrics["id"]) == ["east", "west"]
    assert out.models_used == {"theta": 2}
    assert "forecast (theta)" in capsys.readouterr().err  # the progress display


def test_forecast_many_from_a_long_frame_in_process():
    long = pd.concat(
        [series(100.0, seed=1).assign(rep="R1"), series(80.0, seed=2).assign(rep="R2")]
    )
    out = forecast_many(long, id_col="rep", horizon=2, model="naive", n_jobs=1, progress=False)
    assert sorted(out.forecasts["id"].unique()) == ["R1", "R2"]


def test_forecast_many_all_failing_raises():
    bad = series(10.0).head(2)
    with pytest.raises(InputDataError, match="no series could be forecast"):
        forecast_many({"a": bad}, horizon=2, n_jobs=1, progress=False)


def parts() -> pd.DataFrame:
    ds = pd.to_datetime(["2027-01-01", "2027-02-01"])
    return pd.DataFrame(
        {
            "id": ["a", "a", "b", "b"],
            "ds": list(ds) * 2,
            "yhat": [10.0, 20.0, 30.0, 20.0],
            "yhat_lower": [7.0, 16.0, 26.0, 17.0],
            "yhat_upper": [13.0, 24.0, 34.0, 23.0],
        }
    )


def test_bottom_up_total_is_the_sum_with_quadrature_interval():
    rec = reconcile(parts())
    np.testing.assert_allclose(rec.total["yhat"], [40.0, 40.0])
    np.testing.assert_allclose(rec.total["yhat_upper"] - rec.total["yhat"], [5.0, 5.0])
    assert np.isnan(rec.max_gap_before)


def test_bottom_up_moves_the_total_forecasts_interval():
    total = pd.DataFrame(
        {
            "ds": pd.to_datetime(["2027-01-01", "2027-02-01"]),
            "yhat": [50.0, 40.0],
            "yhat_lower": [45.0, 36.0],
            "yhat_upper": [55.0, 44.0],
        }
    )
    rec = reconcile(parts(), total)
    np.testing.assert_allclose(rec.total["yhat_lower"], [35.0, 36.0])
    assert rec.max_gap_before == pytest.approx(0.2)


def test_proportional_scales_parts_to_the_total():
    total = pd.DataFrame(
        {
            "ds": pd.to_datetime(["2027-01-01", "2027-02-01"]),
            "yhat": [50.0, 40.0],
            "yhat_lower": [45.0, 36.0],
            "yhat_upper": [55.0, 44.0],
        }
    )
    rec = reconcile(parts(), total, method="proportional")
    got = rec.parts.set_index(["id", "ds"])["yhat"]
    assert got.loc[("a", pd.Timestamp("2027-01-01"))] == pytest.approx(12.5)
    assert got.loc[("b", pd.Timestamp("2027-01-01"))] == pytest.approx(37.5)
    sums = rec.parts.groupby("ds")["yhat"].sum().to_numpy()
    np.testing.assert_allclose(sums, rec.total["yhat"])
    np.testing.assert_allclose(sums, [50.0, 40.0])


def test_reconcile_bad_method():
    with pytest.raises(ValueError, match="The 'method' parameter of reconcile"):
        reconcile(parts(), method="middle_out")
