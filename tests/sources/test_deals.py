"""Building the canonical tables from an opportunity-level export: every rule on a tiny case."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.sources.deals import BuildRules, DealExport, build_company_from_deals

FILES = {"accounts": "Account.csv", "deals": "Opportunity.csv", "users": "User.csv"}


def _accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "account_name": ["Acme", "Beta", None],
            "owner_id": ["U1", "U2", None],
            "employees": [5000, 50, None],
            "zip": ["94105", "10001", None],
            "city": [None, None, "Munich"],
            "country": ["US", "USA", "Germany"],
        }
    )


def _deals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2", "O3", "O4", "O5"],
            "account_id": ["A1", "A1", "A2", "A3", "A2"],
            "owner_id": ["U1", "U1", "U2", "U3", "U2"],
            "amount": [1000.0, 500.0, None, 300.0, 200.0],
            "close_date": pd.to_datetime(
                ["2024-01-15", "2024-03-02", "2024-02-10", "2024-06-01", "2024-02-01"]
            ),
            "created_date": pd.to_datetime(
                ["2023-12-01", "2024-01-01", "2024-01-01", "2024-01-01", None]
            ),
            "is_closed": [True, True, True, False, True],
            "is_won": [True, True, False, False, True],
            "probability": [1.0, 1.0, 0.0, 0.45, 1.0],
            "booking_type": ["New Business", "Existing Customer - Upgrade", None, None, "Renewal"],
        }
    )


def _users() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep_id": ["U1", "U2"],
            "rep_name": ["Ann", "Bob"],
            "is_active": [True, False],
            "zip": ["94105", None],
        }
    )


def _build(**changes):
    parts = {"accounts": _accounts(), "deals": _deals(), "users": _users(), "files": FILES}
    rules = changes.pop("rules", None)
    parts.update(changes)
    return build_company_from_deals(DealExport(**parts), rules)


def _rules(result) -> set[str]:
    return {e.rule for e in result.provenance}


def test_bookings_from_won_deals_by_close_month_and_type() -> None:
    result = _build()
    b = result.company.bookings.set_index("account_id")
    assert result.company.bookings["amount"].sum() == pytest.approx(1700.0)
    assert b.loc["A1"].set_index("booking_type")["amount"].to_dict() == {
        "new": 1000.0,
        "expansion": 500.0,
    }
    assert b.loc["A2", "booking_type"] == "renewal"
    assert b.loc["A2", "period"] == pd.Timestamp("2024-02-01")
    assert result.company.as_of == pd.Timestamp("2024-03-31")


def test_booking_type_by_order_when_the_type_says_nothing() -> None:
    deals = _deals().assign(booking_type=None)
    b = _build(deals=deals).company.bookings
    a1 = b[b["account_id"] == "A1"].sort_values("period")["booking_type"].tolist()
    assert a1 == ["new", "expansion"]
    assert "booking type by order" in _rules(_build(deals=deals))


def test_open_pipeline_stage_by_probability_and_by_map() -> None:
    result = _build()
    opp = result.company.opportunities
    assert opp["opportunity_id"].tolist() == ["O4"] and opp["stage"].tolist() == ["proposal"]
    mapped = _build(
        deals=_deals().assign(stage="Closing"), rules=BuildRules(stage_map={"closing": "commit"})
    )
    assert mapped.company.opportunities["stage"].tolist() == ["commit"]
    named = _build(deals=_deals().drop(columns="probability").assign(stage="Negotiation/Review"))
    assert named.company.opportunities["stage"].tolist() == ["negotiation"]


def test_closed_history_rules() -> None:
    closed = _build().company.closed_opportunities.set_index("opportunity_id")
    assert sorted(closed.index) == ["O1", "O2", "O3", "O5"]
    assert closed.loc["O3", "won"] == False  # noqa: E712
    assert closed.loc["O3", "amount"] == 0.0  # empty amount counts as zero
    assert set(closed["stage"]) == {"proposal"}  # one stage: the final one leaks the outcome
    # Review 14 days before close, age from creation to review.
    assert closed.loc["O1", "review_date"] == pd.Timestamp("2024-01-01")
    assert closed.loc["O1", "age_days"] == 31
    assert closed.loc["O1", "segment"] == "enterprise"


def test_splits_give_shares_and_equal_shares_without_percentages() -> None:
    splits = pd.DataFrame(
        {
            "opportunity_id": ["O1", "O1", "O2", "O2"],
            "rep_id": ["U1", "U2", "U1", "U3"],
            "share": [0.75, 0.25, None, None],
        }
    )
    result = _build(splits=splits)
    b = result.company.bookings
    by_rep = b.groupby("rep_id")["amount"].sum().to_dict()
    assert by_rep == {"U1": 750.0 + 250.0, "U2": 250.0 + 200.0, "U3": 250.0}
    assert b["amount"].sum() == pytest.approx(1700.0)
    assert "equal credit shares" in _rules(result)


def test_segment_potential_workload_and_geography_rules() -> None:
    result = _build()
    acc = result.company.accounts.set_index("account_id")
    assert acc["segment"].to_dict() == {"A1": "enterprise", "A2": "smb", "A3": "smb"}
    # Potential: 3 x annualised won bookings (history shorter than 12 months counts as 12).
    assert acc.loc["A1", "potential"] == pytest.approx(3 * 1500.0)
    assert acc.loc["A1", "workload"] == 36.0 and acc.loc["A2", "workload"] == 6.0
    assert acc.loc["A3", "country"] == "DE" and acc.loc["A3", "region"] == "Germany"
    assert acc.loc["A3", "lat"] == pytest.approx(48.14, abs=0.01)
    assert acc.loc["A1", "region"] == "West"
    # A3 has no owner: aligned to the rep with most deals there.
    assert acc.loc["A3", "current_rep_id"] == "U3"


def test_reps_from_owners_homes_and_status() -> None:
    reps = _build().company.reps.set_index("rep_id")
    assert sorted(reps.index) == ["U1", "U2", "U3"]
    assert reps.loc["U3", "rep_name"] == "U3"  # owner missing from User.csv
    assert reps.loc["U2", "status"] == "vacant"  # inactive user
    assert reps.loc["U1", "home_zip"] == "94105"
    # U3 has no address: home at the centre of its accounts, in their country.
    assert reps.loc["U3", "home_lat"] == pytest.approx(48.14, abs=0.01)
    assert reps.loc["U3", "country"] == "DE"
    assert reps.loc["U1", "hire_date"] == pd.Timestamp("2023-12-01")


def test_every_derivation_is_in_provenance_and_unplaced_are_listed() -> None:
    accounts = pd.concat([_accounts(), pd.DataFrame({"account_id": ["A4"]})], ignore_index=True)
    result = _build(accounts=accounts)
    rules = _rules(result)
    assert {
        "potential from history",
        "workload per segment",
        "segment from employees",
        "stage from probability",
        "one stage for closed deals",
        "rep not in user table",
        "home at centre of accounts",
        "empty amount is zero",
    } <= rules
    assert result.unplaced.query("table == 'accounts'")["id"].tolist() == ["A4"]
    assert any("could not be placed" in w for w in result.warnings)
    assert result.company.provenance == result.provenance


def test_deals_on_unknown_accounts_are_added_or_an_error() -> None:
    deals = _deals().assign(account_id=["A1", "A1", "A2", "A9", "A2"])
    result = _build(deals=deals)
    assert "A9" in set(result.company.accounts["account_id"])
    assert "account added from deals" in _rules(result)
    with pytest.raises(
        InputDataError,
        match=r"Opportunity.csv: column 'account_id' refers to an "
        r"account not in Account.csv: 'A9' \(1 deals\) at row 4",
    ):
        _build(deals=deals, rules=BuildRules(unknown_accounts="error"))


def test_duplicated_ids_are_errors_naming_the_key() -> None:
    deals = _deals().assign(opportunity_id=["O1", "O2", "O2", "O4", "O5"])
    with pytest.raises(
        InputDataError,
        match=r"Opportunity.csv: column 'opportunity_id' has a "
        r"duplicate id 'O2' at row 3",
    ):
        _build(deals=deals)
    with pytest.raises(InputDataError, match=r"Account.csv: column 'account_id' has a duplicate"):
        _build(accounts=_accounts().assign(account_id=["A1", "A1", "A3"]))


def test_currency_conversion_and_missing_rate() -> None:
    deals = _deals().assign(currency=["EUR", "USD", "USD", "USD", "USD"])
    result = _build(deals=deals, rules=BuildRules(rates={"EUR": 1.1}))
    b = result.company.bookings
    assert b.loc[b["booking_type"] == "new", "amount"].sum() == pytest.approx(1100.0)
    with pytest.raises(
        InputDataError,
        match=r"column 'currency' has currency 'EUR' with no "
        r"conversion rate .* at row 1",
    ):
        _build(deals=deals)


def test_bad_rules_are_named() -> None:
    with pytest.raises(ValueError, match="'closed_stage' parameter of BuildRules"):
        BuildRules(closed_stage="won")
    with pytest.raises(InputDataError, match=r"Opportunity.csv: column 'close_date' is missing"):
        _build(deals=_deals().drop(columns="close_date"))


def test_deals_without_account_are_left_out_and_counted() -> None:
    deals = _deals().assign(account_id=["A1", "A1", "A2", None, "A2"])
    result = _build(deals=deals)
    assert "O4" not in set(result.company.opportunities["opportunity_id"])
    assert "deals without account left out" in _rules(result)
    assert any("1 deals in Opportunity.csv have no account" in w for w in result.warnings)


def test_open_deal_without_close_date_closes_one_cycle_after_creation() -> None:
    deals = _deals()
    deals.loc[3, "close_date"] = pd.NaT
    opp = _build(deals=deals).company.opportunities
    assert opp["expected_close_date"].tolist() == [
        pd.Timestamp("2024-01-01") + pd.Timedelta(days=90)
    ]
    deals.loc[0, "close_date"] = pd.NaT
    with pytest.raises(
        InputDataError,
        match=r"column 'close_date' must not be empty for a closed "
        r"deal \(1 closed deals have no close date\) at row 1",
    ):
        _build(deals=deals)


def test_a_partial_last_month_is_warned() -> None:
    months = pd.date_range("2024-01-10", periods=5, freq="MS") + pd.Timedelta(days=9)
    close = [d for d in months[:4] for _ in range(4)] + [months[4]]
    n = len(close)
    deals = pd.DataFrame(
        {
            "opportunity_id": [f"O{i}" for i in range(n)],
            "account_id": "A1",
            "owner_id": "U1",
            "amount": 100.0,
            "close_date": close,
            "is_closed": True,
            "is_won": True,
        }
    )
    result = _build(deals=deals)
    assert any("has 1 won deals against 4 a month" in w for w in result.warnings)
    assert not any("won deals against" in w for w in _build().warnings)
