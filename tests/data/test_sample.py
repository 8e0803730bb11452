"""The sample company is deterministic and looks like a real sales organisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models import overview
from spm_models.data import generate_company, validate_table
from spm_models.data.company import ALL_TABLES, TABLES
from spm_models.data.geography import zip_centroids
from spm_models.data.sample import generate_closed_opportunities, true_win_logit


@pytest.fixture(scope="module")
def company():
    return generate_company(seed=11, n_accounts=3000, n_reps=40)


def test_same_seed_same_company_other_seed_differs(tiny_company) -> None:
    again = generate_company(seed=7, n_accounts=400, n_reps=8)
    for name in ALL_TABLES:
        pd.testing.assert_frame_equal(getattr(tiny_company, name), getattr(again, name))
    other = generate_company(seed=8, n_accounts=400, n_reps=8)
    assert not tiny_company.accounts["zip"].equals(other.accounts["zip"])


def test_sample_passes_its_own_schema(company) -> None:
    for name in ALL_TABLES:
        validate_table(getattr(company, name), name)


def test_accounts_sit_on_real_zip_centroids_weighted_to_cities(company) -> None:
    zips = zip_centroids().set_index("zip")
    located = zips.loc[company.accounts["zip"]]
    assert np.allclose(located["lat"].to_numpy(), company.accounts["lat"].to_numpy())
    by_state = company.accounts["state"].value_counts(normalize=True)
    # Populous business states lead; a rural state has few accounts.
    assert set(by_state.index[:6]) & {"CA", "TX", "NY", "FL", "IL", "PA", "OH"}
    assert by_state.get("WY", 0) < 0.01
    city_share = company.accounts.groupby(["city", "state"]).size().nlargest(10).sum() / 3000
    zip_city_share = zips.groupby(["city", "state"]).size().nlargest(10).sum() / len(zips)
    assert city_share > 2 * zip_city_share  # denser than uniform ZIP sampling


def test_potential_is_heavy_tailed_and_segments_plausible(company) -> None:
    acc = company.accounts
    top_decile = acc["potential"].nlargest(len(acc) // 10).sum() / acc["potential"].sum()
    assert top_decile > 0.4
    shares = acc["segment"].value_counts(normalize=True)
    assert shares["smb"] > shares["mid-market"] > shares["enterprise"] > 0.03
    workload = acc.groupby("segment")["workload"].median()
    assert workload["enterprise"] > workload["mid-market"] > workload["smb"]


def test_reps_include_ramping_and_vacant_and_legacy_alignment_is_unbalanced(company) -> None:
    reps = company.reps
    assert {"active", "ramping", "vacant"} <= set(reps["status"])
    assert reps.loc[reps["status"] == "vacant", "hire_date"].isna().all()
    balance = overview.territory_balance(company)
    stats = overview.balance_stats(balance[balance["status"] != "vacant"])
    assert stats["cv"] > 0.3
    # Partly illogical: some accounts are aligned to a rep of another region.
    rep_region = reps.set_index("rep_id")["region"]
    cross = (
        company.accounts["region"]
        != rep_region.reindex(company.accounts["current_rep_id"]).to_numpy()
    )
    assert 0.003 < cross.mean() < 0.05


def test_bookings_have_history_trend_q4_peak_churn_and_new_logos(company) -> None:
    b = company.bookings
    months = b["period"].dt.to_period("M").nunique()
    assert months >= 48
    yearly = b.groupby(b["period"].dt.year)["amount"].sum()
    assert yearly.iloc[-1] > yearly.iloc[0]
    quarterly = b.groupby(b["period"].dt.quarter)["amount"].sum()
    assert quarterly.idxmax() == 4
    assert (b["booking_type"] == "new").sum() > 0
    first = b.groupby("account_id")["period"].min()
    last = b.groupby("account_id")["period"].max()
    assert (last < pd.Timestamp("2026-06-01")).mean() > 0.03  # churned customers stop booking
    assert (first > pd.Timestamp("2024-01-01")).mean() > 0.05  # new customers start later


def test_pipeline_has_stages_and_future_close_dates(company) -> None:
    opps = company.opportunities
    assert set(opps["stage"]) == {
        "prospecting",
        "qualification",
        "proposal",
        "negotiation",
        "commit",
    }
    assert (opps["expected_close_date"] > company.as_of).all()
    assert (opps["amount"] > 0).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_accounts": 5}, "'n_accounts' parameter of generate_company must be an int >= 20"),
        ({"n_accounts": 100, "n_reps": 50}, "'n_reps' parameter of generate_company"),
    ],
)
def test_bad_sizes_are_rejected(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        generate_company(**kwargs)


def test_closed_history_has_its_own_random_stream(tiny_company) -> None:
    # The history is drawn from default_rng([seed, 1]): regenerating it alone from the same
    # accounts and reps gives the same table, and the four original tables do not depend on it.
    again = generate_closed_opportunities(tiny_company.accounts, tiny_company.reps, seed=7)
    pd.testing.assert_frame_equal(again, tiny_company.closed_opportunities)
    assert len(again) == 480  # max(300, 1.2 * 400)
    other = generate_closed_opportunities(tiny_company.accounts, tiny_company.reps, seed=8)
    assert not other["won"].equals(again["won"])
    assert TABLES == ("accounts", "reps", "bookings", "opportunities")


def test_closed_history_is_consistent_and_within_the_history(company) -> None:
    closed = company.closed_opportunities
    assert closed["stage"].nunique() == 5
    assert (closed["created_date"] <= closed["review_date"]).all()
    assert (closed["review_date"] <= closed["closed_date"]).all()
    assert (closed["closed_date"] <= company.as_of).all()
    assert (closed["days_in_stage"] <= closed["age_days"]).all()
    assert closed["rep_id"].isna().equals(closed["rep_tenure_months"].isna())
    accounts = company.accounts.set_index("account_id")
    assert (accounts.loc[closed["account_id"], "segment"].to_numpy() == closed["segment"]).all()
    assert 0.25 < closed["won"].mean() < 0.6


def test_closed_history_follows_its_documented_ground_truth(tiny_company) -> None:
    from sklearn.linear_model import LogisticRegression

    closed = generate_closed_opportunities(
        tiny_company.accounts, tiny_company.reps, seed=3, n=20_000
    )
    truth = 1 / (1 + np.exp(-true_win_logit(closed)))
    # Observed win rates match the true probabilities in every decile of the truth.
    decile = pd.qcut(truth, 10, labels=False)
    by_decile = pd.DataFrame({"p": truth, "won": closed["won"], "d": decile}).groupby("d")
    assert (by_decile["p"].mean() - by_decile["won"].mean()).abs().max() < 0.04
    # An unpenalised logistic fit on the true design recovers the documented slopes.
    design = pd.DataFrame(
        {
            "discount": closed["discount"],
            "commit": (closed["stage"] == "commit").astype(float),
            "prospecting": (closed["stage"] == "prospecting").astype(float),
            "offset": true_win_logit(closed)
            - (-3.0 * closed["discount"])
            - closed["stage"].map({"commit": 1.8, "prospecting": -1.6}).fillna(0.0),
        }
    )
    fit = LogisticRegression(C=1e6, max_iter=2000).fit(design, closed["won"])
    coef = dict(zip(design.columns, fit.coef_[0], strict=True))
    assert coef["discount"] == pytest.approx(-3.0, abs=0.5)
    assert coef["commit"] == pytest.approx(1.8, abs=0.15)
    assert coef["prospecting"] == pytest.approx(-1.6, abs=0.15)
    assert coef["offset"] == pytest.approx(1.0, abs=0.1)
