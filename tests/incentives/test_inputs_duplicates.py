"""No deal paid twice (#18.3): credit lines keyed by deal, rep, measure and split."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models import config
from spm_models.cli import main
from spm_models.errors import InputDataError
from spm_models.incentives import compute_payouts, load_plans
from spm_models.incentives.inputs import (
    CREDIT_KEY,
    MAX_PER_RULE,
    validate_cancellations,
    validate_credits,
)

from .helpers import credit, frame

PLAN_FILE = str(config.PROJECT_ROOT / "plans" / "ae_standard.yaml")


def _problems(credits: pd.DataFrame) -> str:
    with pytest.raises(InputDataError) as info:
        validate_credits(credits)
    return str(info.value)


def test_no_deal_paid_twice_a_repeated_credit_line_is_refused_with_row_and_key() -> None:
    credits = frame([credit("D1", 100, "2027-01-05"), credit("D1", 100, "2027-01-05")])
    assert "split_pct" not in credits.columns  # the case that used to be paid twice
    text = _problems(credits)
    assert (
        "credits.csv: column 'deal_id' repeats the credit line of row 1 (a deal is credited "
        "once per rep, measure and split) at row 2 "
        "(deal_id='D1', rep_id='R1', measure='new', split_pct=100)"
    ) in text


def test_no_deal_paid_twice_the_key_is_deal_rep_measure_and_split() -> None:
    assert CREDIT_KEY == ("deal_id", "rep_id", "measure", "split_pct")
    distinct = frame(
        [
            credit("D1", 100, "2027-01-05", split_pct=50),
            credit("D1", 100, "2027-01-05", rep="R2", split_pct=50),  # another rep
            credit("D1", 100, "2027-01-05", measure="margin"),  # another measure
            credit("D2", 100, "2027-01-05"),  # another deal
        ]
    )
    assert len(validate_credits(distinct)) == 4
    # Same deal, rep and measure at different splits (two roles of one rep) are two lines.
    roles = frame(
        [
            credit("D1", 100, "2027-01-05", split_pct=30),
            credit("D1", 100, "2027-01-05", split_pct=70),
        ]
    )
    assert len(validate_credits(roles)) == 2
    # A repeat with another amount or date is still the same line: refused, not summed.
    text = _problems(frame([credit("D7", 100, "2027-01-05"), credit("D7", 250, "2027-02-01")]))
    assert "repeats the credit line of row 1" in text and "at row 2 (deal_id='D7'" in text
    # ids are compared as text after trimming, as everywhere else in the table
    text = _problems(frame([credit("D8", 1, "2027-01-05"), credit(" D8 ", 1, "2027-01-05")]))
    assert "repeats the credit line of row 1" in text


def test_no_deal_paid_twice_many_repeats_are_listed_then_counted() -> None:
    rows = [credit("D1", 1, "2027-01-05")] * (MAX_PER_RULE + 3)
    text = _problems(frame(rows))
    assert text.count("repeats the credit line of row 1") == MAX_PER_RULE
    assert "repeats the credit line of an earlier row" in text and ": 2 more rows" in text


def test_no_deal_paid_twice_a_repeated_cancellation_is_refused_with_row_and_key() -> None:
    credits = validate_credits(
        frame([credit("D1", 100, "2027-01-05"), credit("D2", 5, "2027-01-06")])
    )
    cancellations = pd.DataFrame(
        {"deal_id": ["D1", "D2", "D1"], "cancel_date": ["2027-03-01", "2027-03-01", "2027-04-01"]}
    )
    with pytest.raises(InputDataError) as info:
        validate_cancellations(cancellations, credits)
    assert (
        "cancellations.csv: column 'deal_id' is cancelled more than once (first at row 1) "
        "at row 3 (deal_id='D1')"
    ) in str(info.value)


def _write(tmp_path, credit_rows: list[dict]) -> tuple[str, str]:
    asg = tmp_path / "assignments.csv"
    pd.DataFrame(
        {
            "rep_id": ["R1"],
            "plan_id": ["ae_standard"],
            "start_date": ["2027-01-01"],
            "annual_quota": ["1000000"],
        }
    ).to_csv(asg, index=False)
    path = tmp_path / "credits.csv"
    pd.DataFrame(credit_rows).to_csv(path, index=False)
    return str(asg), str(path)


def test_no_deal_paid_twice_spm_payout_exits_2_and_writes_nothing(tmp_path, capsys) -> None:
    line = credit("D1", "250000.10", "2027-01-15", segment="smb")
    other = credit("D2", "1000", "2027-02-01", segment="smb")
    asg, credits = _write(tmp_path, [line, other])
    out = tmp_path / "once"
    args = ["payout", "--plan", PLAN_FILE, "--assignments", asg, "--credits", credits]
    assert main([*args, "--out", str(out)]) == 0, capsys.readouterr().err
    once = pd.read_csv(out / "statements.csv", dtype=str)
    asg, credits = _write(tmp_path, [line, other, line])
    twice = tmp_path / "twice"
    capsys.readouterr()
    args = ["payout", "--plan", PLAN_FILE, "--assignments", asg, "--credits", credits]
    assert main([*args, "--out", str(twice)]) == 2
    err = capsys.readouterr().err
    assert "credits.csv: column 'deal_id' repeats the credit line of row 1" in err
    assert "at row 3 (deal_id='D1', rep_id='R1', measure='new', split_pct=100)" in err
    assert not twice.exists()
    assert len(once) > 0


def test_no_deal_paid_twice_through_the_api() -> None:
    credits = frame([credit("D1", 100, "2027-01-05")] * 2)
    asg = frame(
        [
            {
                "rep_id": "R1",
                "plan_id": "ae_standard",
                "start_date": "2027-01-01",
                "annual_quota": 1e6,
            }
        ]
    )
    with pytest.raises(InputDataError, match=r"repeats the credit line of row 1"):
        compute_payouts(load_plans([PLAN_FILE]), asg, credits)
