"""Monte Carlo attainment against analytic answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.quota import (
    expected_from_history,
    expected_from_intervals,
    simulate_attainment,
)


def _norm_sf(x: float) -> float:
    return 0.5 * math.erfc(x / math.sqrt(2))


def test_deterministic_bookings_give_exact_shares() -> None:
    quotas = pd.DataFrame({"rep_id": ["A", "B", "C", "D"], "quota": [100.0, 100.0, 100.0, 100.0]})
    expected = pd.DataFrame(
        {"rep_id": ["A", "B", "C", "D"], "expected_bookings": [120.0, 100.0, 99.0, 50.0], "cv": 0.0}
    )
    res = simulate_attainment(quotas, expected, n_sims=50)
    assert res.expected_share == pytest.approx(0.5)
    assert res.by_rep["p_at_or_above"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert res.by_rep["expected_attainment"].tolist() == pytest.approx([1.2, 1.0, 0.99, 0.5])
    assert res.verdict == "too hard"


@pytest.mark.parametrize("common_share", [0.0, 0.5])
def test_lognormal_share_matches_closed_form(common_share: float) -> None:
    # Mean 110 with CV 25%: P(X >= 100) = 1 - Phi((ln 100 - mu) / sigma).
    mean, cv, quota = 110.0, 0.25, 100.0
    sigma = math.sqrt(math.log1p(cv**2))
    mu = math.log(mean) - sigma**2 / 2
    p = _norm_sf((math.log(quota) - mu) / sigma)
    n = 40
    quotas = pd.DataFrame({"rep_id": [f"R{i}" for i in range(n)], "quota": quota})
    expected = pd.DataFrame({"rep_id": quotas["rep_id"], "expected_bookings": mean, "cv": cv})
    res = simulate_attainment(quotas, expected, n_sims=4000, common_share=common_share, seed=1)
    assert res.expected_share == pytest.approx(p, abs=0.01)
    assert res.by_rep["attainment_p50"].mean() == pytest.approx(math.exp(mu) / quota, rel=0.02)
    lo, hi = res.share_interval
    # A common factor widens the spread of the team's share without moving its mean.
    assert (hi - lo) > (0.3 if common_share else 0.05)
    assert (hi - lo) < (1.0 if common_share else 0.25)


def test_intervals_recover_the_lognormal_spread() -> None:
    sigma = 0.2
    z = 1.2815515655446004
    fc = pd.DataFrame(
        {
            "rep_id": ["R1"],
            "yhat": [100.0],
            "yhat_lower": [100 * math.exp(-z * sigma)],
            "yhat_upper": [100 * math.exp(z * sigma)],
        }
    )
    out = expected_from_intervals(fc, interval_width=0.8)
    assert out["cv"].iloc[0] == pytest.approx(math.sqrt(math.exp(sigma**2) - 1))
    with pytest.raises(InputDataError, match="rep_id='R1'"):
        expected_from_intervals(fc.assign(yhat_lower=0.0))


def test_expected_from_history() -> None:
    months = pd.date_range("2025-01-01", "2026-12-01", freq="MS")
    amounts = np.tile([100.0, 300.0], 12)  # mean 200, sample sd ~ 102
    b = pd.DataFrame(
        {"account_id": "A1", "period": months, "booking_type": "new", "amount": amounts}
    )
    out = expected_from_history(b, pd.Series({"A1": "R1"}), pd.Timestamp("2026-12-31"), growth=0.1)
    row = out.set_index("rep_id").loc["R1"]
    assert row["expected_bookings"] == pytest.approx(2400 * 1.1)
    sd = np.std(amounts, ddof=1)
    assert row["cv"] == pytest.approx(sd / 200 / math.sqrt(12))


def test_missing_expectation_is_named() -> None:
    quotas = pd.DataFrame({"rep_id": ["A", "B"], "quota": [1.0, 1.0]})
    expected = pd.DataFrame({"rep_id": ["A"], "expected_bookings": [1.0], "cv": [0.1]})
    with pytest.raises(InputDataError, match="rep_id='B'"):
        simulate_attainment(quotas, expected)


def test_aggregate_attainment_is_a_ratio_of_sums() -> None:
    quotas = pd.DataFrame({"rep_id": ["A", "B"], "quota": [100.0, 900.0]})
    expected = pd.DataFrame({"rep_id": ["A", "B"], "expected_bookings": [50.0, 900.0], "cv": 0.0})
    res = simulate_attainment(quotas, expected, n_sims=10)
    assert res.aggregate_attainment == pytest.approx(0.95)
    assert res.mean_attainment == pytest.approx(0.75)
