"""Churn features on a hand-built history, and the churn model against the recency rule."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from spm_models.analytics import account_drivers, account_features, evaluate_churn_model
from spm_models.data import Company
from spm_models.errors import InputDataError


def _company(bookings: pd.DataFrame, closed: pd.DataFrame | None = None) -> Company:
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "account_name": ["Steady", "Stopped", "Slowing"],
            "segment": ["smb", "mid-market", "enterprise"],
            "region": ["West"] * 3,
            "potential": [100_000.0, 200_000.0, 400_000.0],
            "current_rep_id": ["R1", "R1", None],
        }
    )
    opps = pd.DataFrame(
        {
            "account_id": ["A1", "A3"],
            "created_date": pd.to_datetime(["2025-05-10", "2024-01-10"]),
        }
    )
    extra = {} if closed is None else {"closed_opportunities": closed}
    return Company(
        accounts=accounts,
        reps=pd.DataFrame({"rep_id": ["R1"]}),
        bookings=bookings,
        opportunities=opps,
        as_of=pd.Timestamp("2025-12-31"),
        **extra,
    )


def _rows(account: str, months, amount: float) -> list[dict]:
    return [
        {
            "account_id": account,
            "rep_id": None,
            "period": m,
            "booking_type": "new",
            "amount": amount,
        }
        for m in months
    ]


def test_features_and_labels_known_answer() -> None:
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
    bookings = pd.DataFrame(
        _rows("A1", months, 1_000.0)
        + _rows("A2", months[months <= "2025-04-01"], 2_000.0)  # stops after April 2025
        # Slowing: 3,000 a month to 2024-12, then every other month 1,000.
        + _rows("A3", months[months <= "2024-12-01"], 3_000.0)
        + _rows("A3", pd.date_range("2025-01-01", "2025-12-01", freq="2MS"), 1_000.0)
    )
    closed = pd.DataFrame(
        {
            "account_id": ["A1", "A1", "A2"],
            "created_date": pd.to_datetime(["2025-01-05", "2025-03-05", "2024-02-01"]),
            "closed_date": pd.to_datetime(["2025-03-01", "2025-05-01", "2024-03-01"]),
            "won": [True, False, True],
        }
    )
    feats = account_features(_company(bookings, closed), pd.Timestamp("2025-06-30"), horizon=6)
    f = feats.set_index("account_id")
    assert f.loc["A1", "bookings_12m"] == 12_000 and f.loc["A1", "bookings_3m"] == 3_000
    assert f.loc["A1", "months_since_last"] == 0 and f.loc["A1", "active_months_12m"] == 12
    assert f.loc["A1", "customer_months"] == 17  # first booking January 2024
    assert f.loc["A1", "won_12m"] == 1 and f.loc["A1", "lost_12m"] == 1
    assert f.loc["A1", "opportunities_6m"] == 3  # two closed deals and the open one since January
    assert f.loc["A2", "months_since_last"] == 2 and f.loc["A2", "won_12m"] == 0
    assert f.loc["A3", "trend"] < 0 < f.loc["A3", "penetration"]
    assert f.loc["A1", "penetration"] == pytest.approx(12_000 / 100_000)
    # Churned: no bookings in July-December 2025.
    assert f["churned"].to_dict() == {"A1": False, "A2": True, "A3": False}


def test_churn_model_is_evaluated_on_a_later_cutoff(tiny_company) -> None:
    ev = evaluate_churn_model(tiny_company, horizon=6, train_cutoffs=3, step=3, seed=0)
    assert ev.test_cutoff == pd.Timestamp("2026-06-01")
    assert ev.train_cutoffs == [pd.Timestamp(d) for d in ("2025-12-01", "2025-09-01", "2025-06-01")]
    assert ev.model_report.n == ev.recency_report.n == len(ev.holdout)
    assert 0 < ev.model_report.positive_rate < 0.5
    assert ev.model_report.auc > 0.55
    assert 0 <= ev.model_report.brier < 0.2
    risk = ev.risk
    assert risk["churn_risk"].between(0, 1).all()
    assert risk["value_at_risk"].is_monotonic_decreasing
    active = tiny_company.bookings.loc[
        tiny_company.bookings["period"] >= "2026-01-01", "account_id"
    ].nunique()
    assert len(risk) == active
    why = account_drivers(ev.final_model, risk.iloc[0])
    assert len(why) == 3 and why["label"].notna().all()


def test_short_history_and_single_class_are_clear_errors(tiny_company) -> None:
    with pytest.raises(InputDataError, match="bookings: column 'period' covers too little history"):
        evaluate_churn_model(tiny_company, horizon=12, train_cutoffs=4, step=6)
    months = pd.date_range("2023-01-01", "2025-12-01", freq="MS")
    steady = pd.DataFrame(_rows("A1", months, 1_000.0) + _rows("A2", months, 500.0))
    with pytest.raises(
        InputDataError, match=r"column 'churned' has a single class \(all false\) in 6 training"
    ):
        evaluate_churn_model(_company(steady), horizon=3, train_cutoffs=3, step=3)
    empty = dataclasses.replace(tiny_company, bookings=tiny_company.bookings.iloc[0:0])
    with pytest.raises(InputDataError, match="covers too little history"):
        evaluate_churn_model(empty)
