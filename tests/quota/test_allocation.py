"""Allocation methods, top-down walk, reconciliation and over-assignment on hand-checked cases."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.quota import (
    allocate,
    blended,
    bottom_up,
    even_split,
    historical,
    over_assign,
    potential_based,
    reconcile,
    territory_table,
    top_down,
)


@pytest.fixture
def territories() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3", "R4"],
            "region": ["East", "East", "West", "West"],
            "manager_id": ["M1", "M1", "M2", "M3"],
            "fte": [1.0, 1.0, 1.0, 0.5],
            "potential": [1000.0, 1000.0, 2000.0, 4000.0],
            "trailing_bookings": [100.0, 200.0, 300.0, 400.0],
        }
    )


def test_top_down_known_answer() -> None:
    # $50M target - $30M renewals = $20M new business; reps carry 80% = $16M over 20 reps.
    p = top_down(50e6, expected_renewals=30e6, rep_share=0.8, n_reps=20, cushion=0.15)
    assert p.new_business == pytest.approx(20e6)
    assert p.rep_carried == pytest.approx(16e6)
    assert p.per_rep_without_cushion == pytest.approx(800_000)
    assert p.rep_quota_total == pytest.approx(18.4e6)
    assert p.per_rep == pytest.approx(920_000)


def test_top_down_rejects_renewals_above_target() -> None:
    with pytest.raises(ValueError, match="'expected_renewals' parameter of top_down"):
        top_down(10e6, expected_renewals=12e6, n_reps=5)


def test_even_split_by_fte(territories: pd.DataFrame) -> None:
    res = even_split(territories, 350.0)
    assert res.quotas["quota"].tolist() == pytest.approx([100, 100, 100, 50])
    res = even_split(territories, 400.0, by_fte=False)
    assert res.quotas["quota"].tolist() == pytest.approx([100, 100, 100, 100])


def test_historical_grows_every_territory_at_the_implied_rate(territories: pd.DataFrame) -> None:
    res = historical(territories, 1100.0)
    assert res.quotas["quota"].tolist() == pytest.approx([110, 220, 330, 440])
    assert res.implied_growth == pytest.approx(0.10)
    assert res.total == pytest.approx(1100.0)


def test_potential_based(territories: pd.DataFrame) -> None:
    res = potential_based(territories, 800.0)
    assert res.quotas["quota"].tolist() == pytest.approx([100, 100, 200, 400])


def test_bottom_up_by_segment_and_reconcile(territories: pd.DataFrame) -> None:
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4"],
            "potential": [1000.0, 500.0, 2000.0, 4000.0],
            "segment": ["enterprise", "smb", "smb", "enterprise"],
        }
    )
    rep_of = pd.Series(["R1", "R1", "R3", "R4"], index=accounts["account_id"])
    est = bottom_up(accounts, rep_of, {"enterprise": 0.1, "smb": 0.2}, territories=territories)
    # R1: 1000*0.1 + 500*0.2 = 200; R2 has no accounts; R3: 2000*0.2; R4: 4000*0.1.
    assert est.set_index("rep_id")["bottom_up"].to_dict() == pytest.approx(
        {"R1": 200.0, "R2": 0.0, "R3": 400.0, "R4": 400.0}
    )
    rec = reconcile(potential_based(territories, 1100.0), est)
    assert rec.bottom_up == pytest.approx(1000.0)
    assert rec.gap == pytest.approx(100.0)
    assert rec.gap_pct == pytest.approx(0.10)
    r4 = rec.by_territory.set_index("rep_id").loc["R4"]
    assert r4["quota"] == pytest.approx(550.0)
    assert r4["gap"] == pytest.approx(150.0)
    by_est = allocate(territories, 1000.0, "bottom_up", bottom_up_estimate=est)
    assert by_est.quotas["quota"].tolist() == pytest.approx([200, 0, 400, 400])


def test_bottom_up_names_missing_segment_rate(territories: pd.DataFrame) -> None:
    accounts = pd.DataFrame({"account_id": ["A1"], "potential": [1.0], "segment": ["smb"]})
    with pytest.raises(ValueError, match="missing \\['smb'\\]"):
        bottom_up(accounts, pd.Series(["R1"], index=["A1"]), {"enterprise": 0.1})


def test_blended_mixes_shares(territories: pd.DataFrame) -> None:
    # even shares 2/7,2/7,2/7,1/7 (by FTE); potential shares 1/8,1/8,2/8,4/8.
    res = blended(territories, 700.0, {"even": 1.0, "potential": 1.0})
    expected = [
        700 * 0.5 * (2 / 7 + 1 / 8),
        700 * 0.5 * (2 / 7 + 1 / 8),
        700 * 0.5 * (2 / 7 + 2 / 8),
        700 * 0.5 * (1 / 7 + 4 / 8),
    ]
    assert res.quotas["quota"].tolist() == pytest.approx(expected)
    assert res.total == pytest.approx(700.0)


def test_blended_rejects_unknown_method(territories: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="'weights' parameter of blended"):
        blended(territories, 100.0, {"gut_feel": 1.0})


def test_negative_potential_is_named(territories: pd.DataFrame) -> None:
    bad = territories.assign(potential=[1.0, -5.0, 1.0, 1.0])
    with pytest.raises(
        InputDataError, match=r"column 'potential' must be >= 0.*row 2 \(rep_id='R2'\)"
    ):
        potential_based(bad, 100.0)


def test_unknown_method(territories: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="'method' parameter of allocate"):
        allocate(territories, 100.0, "magic")


def test_over_assignment_per_layer(territories: pd.DataFrame) -> None:
    alloc = potential_based(territories, 800.0)
    layered = over_assign(alloc, [("region", 0.10), ("manager_id", 0.05), ("rep_id", 0.0)])
    totals = layered.totals.set_index("layer")["total"]
    assert totals["region"] == pytest.approx(880.0)
    assert totals["manager_id"] == pytest.approx(924.0)
    assert totals["rep_id"] == pytest.approx(924.0)
    units = layered.units.set_index(["layer", "unit_id"])["quota"]
    assert units[("region", "West")] == pytest.approx(800 * 0.75 * 1.1)
    assert units[("manager_id", "M3")] == pytest.approx(800 * 0.5 * 1.1 * 1.05)
    assert layered.rep_quotas["quota"].tolist() == pytest.approx(
        [x * 1.1 * 1.05 for x in (100, 100, 200, 400)]
    )


def test_territory_table_follows_the_aligned_accounts() -> None:
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "potential": [100.0, 200.0, 300.0],
            "current_rep_id": ["R1", "R1", None],
        }
    )
    reps = pd.DataFrame(
        {
            "rep_id": ["R1", "R2"],
            "region": ["East", "East"],
            "manager_id": ["M1", "M1"],
            "status": ["active", "active"],
            "fte": [1.0, 1.0],
            "hire_date": pd.to_datetime(["2020-01-01", "2021-01-01"]),
        }
    )
    bookings = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A2", "A2"],
            "period": pd.to_datetime(["2026-12-01", "2026-06-01", "2025-06-01", "2026-06-01"]),
            "booking_type": ["new", "expansion", "new", "renewal"],
            "amount": [10.0, 20.0, 999.0, 500.0],
        }
    )
    as_of = pd.Timestamp("2026-12-31")
    t = territory_table(accounts, reps, bookings, as_of).set_index("rep_id")
    assert t.loc["R1", "potential"] == 300.0
    assert t.loc["R1", "trailing_bookings"] == 30.0  # old and renewal bookings excluded
    assert t.loc["R2", "n_accounts"] == 0
    moved = pd.DataFrame({"account_id": ["A2"], "new_rep_id": ["R2"]})
    t2 = territory_table(accounts, reps, bookings, as_of, assignment=moved)
    assert t2.set_index("rep_id")["trailing_bookings"].to_dict() == {"R1": 10.0, "R2": 20.0}
    assert t2.attrs["unassigned_accounts"] == 1
    with pytest.raises(InputDataError, match=r"assignment\.csv: column 'account_id'"):
        territory_table(
            accounts,
            reps,
            bookings,
            as_of,
            assignment=pd.DataFrame({"account_id": ["A9"], "new_rep_id": ["R2"]}),
        )
