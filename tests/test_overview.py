"""Data overview figures and sentences: one workload spread, honest periods, no nan or inf."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from spm_models import overview
from tests.messy import short_history, without_geography

BAD = ("nan", "inf", "None")


def _clean(text: str) -> bool:
    return not any(word in text.replace("n/a", "") for word in BAD)


def _reps(*ids_status: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"rep_id": [r for r, _ in ids_status], "status": [s for _, s in ids_status]}
    )


def test_workload_cv_known_answer_counts_staffed_territories_only() -> None:
    accounts = pd.DataFrame({"workload": [1.0, 3.0, 2.0, 10.0]})
    reps = _reps(("A", "active"), ("B", "ramping"), ("C", "vacant"))
    # Staffed loads 4 and 2 (C is vacant): mean 3, population std 1.
    assert overview.workload_cv(accounts, ["A", "A", "B", "C"], reps) == pytest.approx(1 / 3)
    # A staffed rep with no accounts is a territory with zero workload: loads 4, 2, 0.
    reps = _reps(("A", "active"), ("B", "active"), ("D", "active"))
    loads = pd.Series([4.0, 2.0, 0.0])
    expected = loads.std(ddof=0) / loads.mean()
    assert overview.workload_cv(accounts, ["A", "A", "B", None], reps) == pytest.approx(expected)


def test_workload_cv_is_none_without_workload() -> None:
    accounts = pd.DataFrame({"workload": [0.0, 0.0]})
    assert overview.workload_cv(accounts, ["A", "B"], _reps(("A", "active"))) is None
    assert overview.workload_cv(accounts, ["A", "B"], _reps(("A", "vacant"))) is None


def test_workload_cv_current_matches_the_balance_table(tiny_company) -> None:
    balance = overview.territory_balance(tiny_company)
    stats = overview.balance_stats(balance[balance["status"] != "vacant"])
    assert overview.workload_cv_current(tiny_company) == pytest.approx(stats["cv"])


def test_balance_stats_zero_denominators_are_none() -> None:
    frame = pd.DataFrame({"workload": [5.0, 0.0]})
    stats = overview.balance_stats(frame)
    assert stats["max_min_ratio"] is None and stats["cv"] == pytest.approx(1.0)
    assert overview.balance_stats(pd.DataFrame({"workload": [0.0]}))["cv"] is None


def test_figures_of_a_full_history(tiny_company) -> None:
    figures = overview.overview_figures(tiny_company)
    assert figures["overview.as_of"] == str(tiny_company.as_of.date())
    assert figures["overview.history_months"] >= 24
    assert "overview.bookings_growth" in figures
    text = overview.bookings_sentence(tiny_company, figures)
    assert (
        text.startswith("Bookings over the last 12 months: $") and "on the 12 months before" in text
    )


def test_short_history_says_what_period_it_covers_and_has_no_growth(tiny_company) -> None:
    company = short_history(tiny_company, 10)
    figures = overview.overview_figures(company)
    assert figures["overview.history_months"] == 10
    assert "overview.bookings_growth" not in figures
    assert overview.headlines(company)["bookings_growth"] is None
    text = overview.bookings_sentence(company, figures)
    assert "over the whole 10-month history" in text
    assert "growth on the year before needs 24 months" in text and _clean(text)
    assert "booked in the whole 10-month history" in overview.company_sentence(
        company, overview.headlines(company)
    )


def test_balance_sentence_has_no_ratio_when_the_lightest_is_empty() -> None:
    balance = pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3"],
            "status": ["active", "active", "vacant"],
            "workload": [10.0, 0.0, 5.0],
            "accounts": [3, 0, 2],
        }
    )
    text = overview.balance_sentence(balance, 0.1)
    assert "n/a times the lightest (the lightest has no workload" in text and _clean(text)
    assert "2 accounts sit in vacant territories" in text
    assert "100.0% (coefficient of variation)" in text


def test_seasonality_needs_four_quarters() -> None:
    quarters = pd.date_range("2026-01-01", periods=3, freq="QS")
    skipped = overview.seasonality_sentence(pd.DataFrame({"smb": [1.0, 2.0, 3.0]}, quarters))
    assert skipped.sentence() == (
        "Seasonality is not shown: the bookings history covers 3 quarter(s); it needs at least "
        "a whole year of bookings."
    )
    five = pd.date_range("2025-10-01", periods=5, freq="QS")
    text = overview.seasonality_sentence(pd.DataFrame({"smb": [99.0, 1.0, 1.0, 1.0, 7.0]}, five))
    assert text.startswith("Over the last year, Q4 brings 70.0% of a year's bookings")
    # Ten months spread over four calendar quarters are still not a whole year.
    ten = overview.seasonality_sentence(pd.DataFrame({"smb": [1.0, 1.0, 1.0, 1.0]}, five[1:]), 10)
    assert ten.sentence().startswith(
        "Seasonality is not shown: the bookings history covers 10 months"
    )


def test_no_geography_skips_maps_with_one_sentence(tiny_company) -> None:
    assert overview.has_geography(tiny_company)
    assert overview.geography_skip(tiny_company, "The account map") is None
    company = without_geography(tiny_company)
    assert not overview.has_geography(company)
    assert overview.geography_skip(company, "The account map").sentence() == (
        "The account map is not shown: the data has no usable locations for accounts and rep "
        "homes; it needs a ZIP code or coordinates for every account and rep home."
    )


def test_potential_and_pipeline_sentences_are_clean(tiny_company) -> None:
    head = overview.headlines(tiny_company)
    assert _clean(overview.pipeline_sentence(head))
    assert "× the bookings figure above" in overview.pipeline_sentence(head)
    none = overview.potential_sentence({"cv": None, "max_min_ratio": None})
    assert none.startswith("Potential spread is n/a")
    text = overview.potential_sentence({"cv": 0.5, "max_min_ratio": None})
    assert "n/a (a staffed territory holds no potential" in text


def test_several_owners_per_account_do_not_change_the_figures(tiny_company) -> None:
    # Split every booking of one account between its rep and another (credit splits).
    b = tiny_company.bookings
    account = b["account_id"].iloc[0]
    mine = b[b["account_id"] == account]
    other = sorted(set(tiny_company.reps["rep_id"]) - set(mine["rep_id"]))[0]
    split = pd.concat(
        [
            b[b["account_id"] != account],
            mine.assign(amount=mine["amount"] / 2),
            mine.assign(amount=mine["amount"] / 2, rep_id=other),
        ],
        ignore_index=True,
    )
    company = replace(tiny_company, bookings=split)
    before, after = overview.overview_figures(tiny_company), overview.overview_figures(company)
    assert after["overview.bookings_last_12m"] == pytest.approx(
        before["overview.bookings_last_12m"]
    )
    assert after["overview.workload_cv_current"] == before["overview.workload_cv_current"]
    balance = overview.territory_balance(company)
    assert balance["accounts"].sum() == len(company.accounts)


def test_partial_geography_says_how_many_accounts_are_placed(tiny_company) -> None:
    accounts = tiny_company.accounts.copy()
    accounts.loc[accounts.index[:10], ["lat", "lon"]] = float("nan")
    company = replace(tiny_company, accounts=accounts)
    sentence = overview.geography_skip(company, "The account map").sentence()
    assert "only 390 of 400 accounts, or some rep homes, have a location" in sentence
