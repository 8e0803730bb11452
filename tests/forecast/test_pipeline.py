"""Stage win rates from closed deals, and the pipeline-weighted quarter forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.forecast.pipeline import calibrate_win_rates, quarter_forecast


def closed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stage": ["prospecting", "prospecting", "commit", "commit"],
            "won": [True, False, True, True],
            "amount": [10.0, 30.0, 50.0, 50.0],
        }
    )


def test_win_rates_known_answer_without_shrinkage():
    count = calibrate_win_rates(closed(), weight="count", prior_deals=0).table.set_index("stage")
    assert count.loc["prospecting", "rate"] == pytest.approx(0.5)
    assert count.loc["commit", "rate"] == pytest.approx(1.0)
    assert count.loc["proposal", "rate"] == pytest.approx(0.75)  # no deals: the overall rate
    amount = calibrate_win_rates(closed(), weight="amount", prior_deals=0).table.set_index("stage")
    assert amount.loc["prospecting", "rate"] == pytest.approx(0.25)
    assert amount.loc["prospecting", "amount_win_rate"] == pytest.approx(0.25)
    assert amount.loc["proposal", "rate"] == pytest.approx(110 / 140)


def test_shrinkage_pulls_small_stages_toward_the_overall_rate():
    wr = calibrate_win_rates(closed(), weight="count", prior_deals=2)
    assert wr.rate("prospecting") == pytest.approx((1 + 2 * 0.75) / (2 + 2))
    row = wr.table.set_index("stage").loc["prospecting"]
    assert row["lower"] < row["rate"] < row["upper"]


def test_win_rates_on_the_sample_companys_history(tiny_company):
    wr = calibrate_win_rates(tiny_company.closed_opportunities)
    rates = wr.table.set_index("stage")["rate"]
    assert wr.n_closed == len(tiny_company.closed_opportunities)
    assert rates["commit"] > rates["proposal"] > rates["prospecting"]


def test_bad_closed_history():
    bad = closed().assign(stage=["prospecting", "won", "commit", "commit"])
    with pytest.raises(
        InputDataError, match=r"column 'stage' must be one of .* got 'won' at row 2"
    ):
        calibrate_win_rates(bad)
    with pytest.raises(InputDataError, match="column 'won' is missing"):
        calibrate_win_rates(closed().drop(columns="won"))


def ts_forecast(start: str, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ds": pd.date_range(start, periods=n, freq="MS"),
            "yhat": np.full(n, 100.0),
            "yhat_lower": np.full(n, 80.0),
            "yhat_upper": np.full(n, 120.0),
        }
    )


def opportunities() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stage": ["prospecting", "commit", "prospecting"],
            "amount": [1000.0, 200.0, 500.0],
            "expected_close_date": pd.to_datetime(["2027-02-10", "2027-03-31", "2027-04-02"]),
        }
    )


def test_quarter_forecast_known_answer():
    wr = calibrate_win_rates(closed(), weight="count", prior_deals=0)
    q = quarter_forecast(
        opportunities(), wr, ts_forecast("2027-01-01", 12), as_of=pd.Timestamp("2026-12-31")
    )
    assert str(q.quarter) == "2027Q1"
    assert q.pipeline_open == pytest.approx(1200.0)  # the April deal is outside the quarter
    assert q.pipeline_weighted == pytest.approx(0.5 * 1000 + 1.0 * 200)
    assert q.ts_remaining == pytest.approx(300.0)
    assert (q.ts_lower, q.ts_upper) == (pytest.approx(240.0), pytest.approx(360.0))
    assert q.blended == pytest.approx(0.5 * 700 + 0.5 * 300)
    assert q.coverage == pytest.approx(4.0)


def test_quarter_forecast_mid_quarter_counts_what_is_booked():
    wr = calibrate_win_rates(closed(), weight="count", prior_deals=0)
    history = pd.DataFrame({"ds": pd.to_datetime(["2026-12-01", "2027-01-01"]), "y": [90.0, 150.0]})
    q = quarter_forecast(
        opportunities(),
        wr,
        ts_forecast("2027-02-01", 6),
        as_of=pd.Timestamp("2027-01-31"),
        history=history,
        pipeline_weight=1.0,
    )
    assert q.booked_to_date == pytest.approx(150.0)
    assert q.ts_remaining == pytest.approx(200.0)
    assert q.blended == pytest.approx(150.0 + 700.0)
    assert q.pipeline_total == pytest.approx(850.0)


def test_quarter_forecast_needs_the_quarters_months():
    wr = calibrate_win_rates(closed())
    with pytest.raises(InputDataError, match="does not cover the months"):
        quarter_forecast(opportunities(), wr, ts_forecast("2027-02-01", 3), as_of="2026-12-31")
