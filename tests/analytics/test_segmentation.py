"""Tiers, firmographic clusters, coverage and whitespace."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.analytics import cluster_accounts, market_view, tier_accounts
from spm_models.data import Company


def test_tiers_and_deciles_known_answer() -> None:
    accounts = pd.DataFrame(
        {"account_id": [f"A{i:02d}" for i in range(10)], "potential": [float(i) for i in range(10)]}
    )
    tiers = tier_accounts(accounts, a_share=0.2, b_share=0.3).set_index("account_id")
    assert tiers.loc[["A09", "A08"], "tier"].eq("A").all()
    assert tiers.loc[["A07", "A06", "A05"], "tier"].eq("B").all()
    assert tiers.loc[[f"A0{i}" for i in range(5)], "tier"].eq("C").all()
    assert tiers.loc["A09", "potential_decile"] == 1 and tiers.loc["A00", "potential_decile"] == 10
    assert tiers["potential_rank"].tolist() == list(range(1, 11))


def test_bad_tier_shares_are_rejected() -> None:
    accounts = pd.DataFrame({"account_id": ["A"], "potential": [1.0]})
    with pytest.raises(ValueError, match="'a_share' parameter of tier_accounts"):
        tier_accounts(accounts, a_share=0.8, b_share=0.4)


def test_clusters_are_deterministic_for_a_seed_and_ordered_by_potential(tiny_company) -> None:
    first = cluster_accounts(tiny_company.accounts, k=4, seed=3)
    again = cluster_accounts(tiny_company.accounts, k=4, seed=3)
    pd.testing.assert_frame_equal(first.labels, again.labels)
    assert sorted(first.labels["cluster"].unique()) == [1, 2, 3, 4]
    medians = first.profiles.set_index("cluster")["median_potential"]
    assert medians.is_monotonic_decreasing
    assert first.profiles["accounts"].sum() == len(tiny_company.accounts)
    with pytest.raises(ValueError, match="'k' parameter of cluster_accounts"):
        cluster_accounts(tiny_company.accounts, k=1)


def _small_company() -> Company:
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5", "A6"],
            "account_name": ["One", "Two", "Three", "Four", "Five", "Six"],
            "industry": ["Retail", "Retail", "Healthcare", "Healthcare", "Retail", "Retail"],
            "segment": ["enterprise", "smb", "mid-market", "smb", "smb", "enterprise"],
            "region": ["West"] * 3 + ["East"] * 3,
            "lat": [37.0, 37.5, 38.0, 40.0, 40.5, 41.0],
            "lon": [-122.0, -121.5, -121.0, -74.0, -73.5, -73.0],
            "employees": [5000, 40, 600, 30, 20, 8000],
            "potential": [100_000.0, 20_000.0, 50_000.0, 10_000.0, 5_000.0, 80_000.0],
            "workload": [36.0, 6.0, 16.0, 6.0, 6.0, 36.0],
            "current_rep_id": ["R1", "R1", "R2", "R3", "R3", None],
        }
    )
    reps = pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3"],
            "rep_name": ["Ada", "Ben", "Vacant"],
            "region": ["West", "West", "East"],
            "status": ["active", "active", "vacant"],
        }
    )
    bookings = pd.DataFrame(
        {
            "account_id": ["A1", "A1", "A2", "A3", "A4"],
            "rep_id": ["R1", "R1", "R1", "R2", None],
            "period": pd.to_datetime(
                ["2026-03-01", "2026-09-01", "2026-06-01", "2025-06-01", "2026-12-01"]
            ),
            "booking_type": ["new", "renewal", "expansion", "new", "new"],
            "amount": [20_000.0, 10_000.0, 25_000.0, 40_000.0, 4_000.0],
        }
    )
    return Company(
        accounts=accounts,
        reps=reps,
        bookings=bookings,
        opportunities=pd.DataFrame(),
        as_of=pd.Timestamp("2026-12-31"),
    )


def test_whitespace_and_coverage_known_answer() -> None:
    view = market_view(_small_company(), k=2, seed=0)
    acc = view.accounts.set_index("account_id")
    # A1: 100k potential, 30k booked in the last 12 months (every booking type).
    assert acc.loc["A1", "whitespace"] == pytest.approx(70_000)
    # A2 booked more than its potential: no whitespace, not negative.
    assert acc.loc["A2", "whitespace"] == 0
    # A3's booking is older than 12 months.
    assert acc.loc["A3", "bookings_12m"] == 0 and acc.loc["A3", "whitespace"] == 50_000
    # A4 and A5 sit on a vacant seat and A6 is unassigned: uncovered.
    assert acc.loc[["A4", "A5", "A6"], "covered"].eq(False).all()
    assert acc.loc["A6", "rep_id"] == "unassigned"
    assert view.uncovered_whitespace == pytest.approx(6_000 + 5_000 + 80_000)
    assert view.whitespace_total == pytest.approx(70_000 + 0 + 50_000 + 6_000 + 5_000 + 80_000)
    assert view.accounts["whitespace"].is_monotonic_decreasing
    by_territory = view.by_territory.set_index("territory")
    assert by_territory.loc["R1", "whitespace"] == pytest.approx(70_000)
    assert by_territory["whitespace_share"].sum() == pytest.approx(1.0)
    cov = view.coverage_by_rep.set_index("rep_id")
    assert cov.loc["R1", "role"] == "enterprise" and cov.loc["R2", "role"] == "mid-market"
    assert cov.loc["R1", "accounts"] == 2
    assert cov.loc["R1", ["A", "B", "C"]].sum() == 2
    assert view.coverage_by_role.loc["uncovered"].sum() == 3


def test_market_view_totals_agree_on_the_tiny_company(tiny_company) -> None:
    view = market_view(tiny_company, k=4, seed=1)
    total = view.whitespace_total
    for table in (
        view.by_segment,
        view.by_region,
        view.by_cluster,
        view.by_tier,
        view.by_territory,
    ):
        assert table["whitespace"].sum() == pytest.approx(total)
    assert view.coverage_by_role.to_numpy().sum() == len(tiny_company.accounts)
    assert view.accounts["tier"].value_counts()["A"] == 80  # 20% of 400
