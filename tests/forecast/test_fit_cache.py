"""Component fits are remembered per (component, data): same forecasts, no second fit."""

from __future__ import annotations

import numpy as np
import pytest

from spm_models.forecast import engine


@pytest.fixture(autouse=True)
def _empty_cache():
    engine.clear_fit_cache()
    yield
    engine.clear_fit_cache()


def _series(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(48)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, t.size)


def test_the_same_data_is_fitted_once_and_forecasts_the_same(monkeypatch) -> None:
    y = _series(1)
    first = engine.fit_component("arima", y)
    calls = []
    real = engine._fit_statsforecast
    monkeypatch.setattr(
        engine, "_fit_statsforecast", lambda name, data: calls.append(name) or real(name, data)
    )
    again = engine.fit_component("arima", y.copy())
    assert again is first and calls == []
    other = engine.fit_component("arima", _series(2))
    assert calls == ["arima"] and other is not first
    monkeypatch.setattr(engine, "FIT_CACHE_SIZE", 0)
    fresh = engine.fit_component("arima", y)
    assert fresh is not first
    np.testing.assert_array_equal(fresh.forecast(12), first.forecast(12))


@pytest.mark.parametrize("size", [0, 2])
def test_the_cache_keeps_at_most_its_size(monkeypatch, size: int) -> None:
    monkeypatch.setattr(engine, "FIT_CACHE_SIZE", size)
    for seed in range(4):
        engine.fit_component("ces", _series(seed))
    assert len(engine._fit_cache) <= size
    seasonal = engine.fit_seasonal_ets(_series(9), 12)
    assert seasonal is not None and len(engine._fit_cache) <= size
