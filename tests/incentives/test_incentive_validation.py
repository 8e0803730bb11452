"""Plan-file and input-table validation: clear messages naming file, key, column, row."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models import config
from spm_models.errors import InputDataError
from spm_models.incentives import compute_payouts, load_plan, load_plans, plan_from_dict

from .helpers import assignment, commission_measure, credit, frame, make_plan, plan_dict

GOOD = [commission_measure([{"from": 0, "rate": 0.1}])]


def _error(data: dict) -> str:
    with pytest.raises(InputDataError) as info:
        plan_from_dict(data, source="bad.yaml")
    return str(info.value)


def test_shipped_plans_load() -> None:
    paths = sorted((config.PROJECT_ROOT / "plans").glob("*.yaml"))
    plans = load_plans(paths)
    assert {"ae_standard", "ae_accelerated", "ae_retroactive"} <= set(plans)
    std = plans["ae_standard"]
    assert std.ote == 180_000 and std.target_incentive == 90_000
    assert std.pay_mix == (0.5, 0.5)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"year": "next"}, "key 'year' must be a year between 1990 and 2100; got 'next'"),
        (
            {"payout_frequency": "weekly"},
            "key 'payout_frequency' must be one of monthly, quarterly",
        ),
        ({"target_incentive": -5}, "key 'target_incentive' must be >= 0; got -5"),
        ({"colour": "blue"}, "key 'colour' is not a known key"),
        ({"draw": {"type": "loan", "amount_per_month": 10}}, "key 'draw.type' must be one of"),
        ({"clawback": {"window_days": 0}}, "key 'clawback.window_days' must be a whole number"),
        ({"cap": {}}, "key 'cap' must give exactly one of 'amount' or 'multiple_of_target'"),
        ({"ramp": [0.5, 1.5]}, "key 'ramp[1]' must be <= 1; got 1.5"),
        ({"target_incentive": 1.001}, "must be whole cents"),
        ({"measures": []}, "key 'measures' must be a non-empty list"),
    ],
)
def test_plan_key_errors(change: dict, message: str) -> None:
    assert message in _error({**plan_dict(GOOD), **change})


def test_measure_errors_name_the_measure_and_key() -> None:
    bad = commission_measure(
        [{"from": 0.5, "rate": 0.1}, {"from": 0.2, "multiplier": 1}],
        method="steps",
        basis="attainment",
    )
    bad["weight"] = 0.6
    bad["payout"]["gate"] = {"measure": "nope", "min_attainment": 0.5}
    text = _error(plan_dict([bad]))
    assert (
        "bad.yaml: key 'measures[0] (new).payout.method' must be one of marginal, retroactive, "
        "interpolated_rate_on_total, proportional_per_tier; got 'steps'" in text
    )
    assert "key 'measures[0] (new).payout.tiers[0].from' must be 0" in text
    assert "key 'measures[0] (new).payout.tiers[1].from' must be greater than the previous" in text
    assert "must use one of 'rate', 'multiplier' or 'amount' in every tier" in text
    assert "key 'measures' weights must sum to 1; got 0.6" in text
    assert "names unknown measure 'nope'" in text


def test_rates_with_more_than_8_decimals_are_rejected() -> None:
    text = _error(plan_dict([commission_measure([{"from": 0, "rate": "0.123456789"}])]))
    assert "tiers[0].rate' must have at most 8 decimals" in text


def test_ote_and_pay_mix() -> None:
    plan = plan_from_dict(plan_dict(GOOD, ote=150_000, pay_mix="60/40", target_incentive=None))
    assert plan.target_incentive == 60_000 and plan.base_salary == 90_000
    text = _error(plan_dict(GOOD, ote=150_000, pay_mix="60/50", target_incentive=None))
    assert "key 'pay_mix' must read 'base/variable' summing to 100" in text


def test_bonus_and_commission_keys_do_not_mix() -> None:
    m = {
        "id": "b",
        "weight": 1,
        "quota": 10,
        "payout": {"type": "bonus", "tiers": [], "curve": [[1.0, 1.0], [0.5, 2]]},
    }
    text = _error(plan_dict([m]))
    assert "payout.tiers' applies to type 'commission' only" in text
    assert "curve[1].attainment' must not decrease" in text


def test_load_plan_reports_file_problems(tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\n  year: [\n")
    with pytest.raises(InputDataError, match=r"broken\.yaml: is not valid YAML"):
        load_plan(path)
    with pytest.raises(InputDataError, match=r"missing\.yaml: cannot be read"):
        load_plan(tmp_path / "missing.yaml")


def test_duplicate_plan_ids_across_files(tmp_path) -> None:
    import yaml

    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(plan_dict(GOOD)))
    with pytest.raises(InputDataError, match=r"b\.yaml: key 'id' repeats plan id 'p' of a\.yaml"):
        load_plans([tmp_path / "a.yaml", tmp_path / "b.yaml"])


# --------------------------------------------------------------------------- input tables

PLAN = make_plan(GOOD)


def _input_error(asg, credits, canc=None) -> str:
    with pytest.raises(InputDataError) as info:
        compute_payouts(PLAN, asg, credits, canc)
    return str(info.value)


def test_credit_table_errors_name_column_row_and_key() -> None:
    credits = frame(
        [
            credit("D1", 100, "2027-01-05"),
            credit("D2", -5, "2027-13-01"),
            credit("D3", 100, "2027-01-05", split_pct=120),
        ]
    )
    text = _input_error(frame([assignment()]), credits)
    assert "credits.csv: column 'amount' must be >= 0; got -5 at row 2 (deal_id='D2')" in text
    assert "credits.csv: column 'date' must be a date YYYY-MM-DD; got '2027-13-01' at row 2" in text
    assert "add up to at most 100" not in text  # the bad row is reported once
    assert "column 'split_pct' must be in (0, 100]; got 120.0 at row 3 (deal_id='D3')" in text


def test_missing_columns_and_oversplit_deals() -> None:
    text = _input_error(frame([assignment()]), pd.DataFrame({"deal_id": ["D1"]}))
    assert "credits.csv: column 'amount' is missing" in text
    credits = frame(
        [
            credit("D1", 1, "2027-01-05", split_pct=60),
            credit("D1", 1, "2027-01-05", rep="R2", split_pct=60),
        ]
    )
    text = _input_error(frame([assignment()]), credits)
    assert "splits of one deal and measure must add up to at most 100" in text


def test_assignment_errors() -> None:
    asg = frame(
        [
            assignment("R1", plan="nope"),
            assignment("R2", start="2027-05-01", end_date="2027-04-01"),
            assignment("R3"),
            assignment("R3", start="2027-06-01"),
            assignment("R4", start="2030-01-01"),
        ]
    )
    text = _input_error(asg, frame([credit("D1", 1, "2027-01-05")]))
    assert (
        "assignments.csv: column 'plan_id' must name a loaded plan (p); got 'nope' at row 1" in text
    )
    assert "column 'end_date' must be on or after start_date" in text
    assert "column 'start_date' overlaps the rep's previous assignment" in text
    assert "assignment does not overlap plan year 2027 of plan 'p'" in text


def test_a_measure_without_any_quota_is_an_error() -> None:
    """A measure whose payout depends on its quota (attainment-basis tiers) must have one."""
    plan = make_plan(
        [commission_measure([{"from": 0, "rate": 0.1}], quota=None, basis="attainment")]
    )
    with pytest.raises(
        InputDataError, match="has no quota for measure 'new' of plan 'p': give column 'quota_new'"
    ):
        compute_payouts(plan, frame([assignment()]), frame([credit("D1", 1, "2027-01-05")]))


def test_cancellation_errors() -> None:
    canc = frame(
        [
            {"deal_id": "D9", "cancel_date": "2027-02-01"},
            {"deal_id": "D1", "cancel_date": "2026-12-01"},
        ]
    )
    text = _input_error(frame([assignment()]), frame([credit("D1", 1, "2027-01-05")]), canc)
    assert (
        "cancellations.csv: column 'deal_id' must name a deal in the credits; got 'D9' at row 1"
        in text
    )
    assert "column 'cancel_date' must be on or after the deal's date" in text


def test_credit_rules_on_absent_columns() -> None:
    m = commission_measure([{"from": 0, "rate": 0.1}])
    m["credits"] = {"where": {"product": ["A"]}}
    with pytest.raises(
        InputDataError, match="column 'product' is missing; plan 'p' measure 'new' filters on it"
    ):
        compute_payouts(
            make_plan([m]), frame([assignment()]), frame([credit("D1", 1, "2027-01-05")])
        )
