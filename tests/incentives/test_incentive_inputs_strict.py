"""Dates that can never be misread and measure names that must match the plans."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from spm_models.cli import main
from spm_models.errors import InputDataError
from spm_models.incentives import compute_payouts
from spm_models.incentives.dates import date_format_directive, parse_dates

from .helpers import assignment, commission_measure, credit, frame, make_plan, row, usd

RATE_8PCT = [{"from": 0, "rate": "0.08"}]


def _plan(**extra):
    return make_plan([commission_measure(RATE_8PCT)], **extra)


def _run(credits, **kw):
    start = "01/01/2027" if kw.get("date_format") else "2027-01-01"
    return compute_payouts(_plan(), frame([assignment(start=start)]), frame(credits), **kw)


def test_iso_dates_are_read_and_other_formats_are_errors_naming_file_column_row_value() -> None:
    """``03/04/2027`` could be 3 April or 4 March; ``15/02/2027`` can only be 15 February, but
    reading it that way while reading the other as March is what moves deals silently between
    months. With no declared format both are errors: row 2 and row 3 of credits.csv."""
    rows = [
        credit("D1", 100, "2027-01-15"),
        credit("D2", 100, "03/04/2027"),
        credit("D3", 100, "15/02/2027"),
    ]
    with pytest.raises(InputDataError) as info:
        _run(rows)
    text = str(info.value)
    assert (
        "credits.csv: column 'date' must be a date YYYY-MM-DD; got '03/04/2027' at row 2 "
        "(deal_id='D2')" in text
    )
    assert "got '15/02/2027' at row 3 (deal_id='D3')" in text
    assert len(info.value.problems) == 2


def test_one_digit_month_or_day_is_not_iso() -> None:
    """``2027-3-4`` is accepted by strptime's ``%m`` but is not ISO ``YYYY-MM-DD``."""
    parsed, bad = parse_dates(pd.Series(["2027-03-04", "2027-3-4", "", "2027-02-30"]))
    assert parsed.iloc[0] == pd.Timestamp("2027-03-04")
    assert bad.tolist() == [False, True, False, True]


def test_declared_day_first_format_reads_both_dates_day_first() -> None:
    """Declared ``DD/MM/YYYY``: ``03/04/2027`` is 3 April, ``15/02/2027`` 15 February.

    At 8% on amount: D1 $1,000 in February pays 80.00; D2 $500 in April pays 40.00.
    """
    rows = [credit("D1", 1000, "15/02/2027"), credit("D2", 500, "03/04/2027")]
    res = _run(rows, date_format="DD/MM/YYYY")
    assert usd(row(res, "R1", "2027-02")["earned_cents"]) == usd(8000)
    assert usd(row(res, "R1", "2027-04")["earned_cents"]) == usd(4000)
    assert usd(row(res, "R1", "2027-03")["earned_cents"]) == 0


def test_declared_format_rejects_iso_and_names_the_format() -> None:
    """Once a format is declared it is the only one: an ISO date in a day-first file is an
    error too (row 2), so a file never mixes conventions."""
    rows = [credit("D1", 1000, "15/02/2027"), credit("D2", 500, "2027-04-03")]
    with pytest.raises(
        InputDataError,
        match=r"must be a date DD/MM/YYYY \(the declared format\); "
        r"got '2027-04-03' at row 2",
    ):
        _run(rows, date_format="%d/%m/%Y")


def test_plan_inputs_declare_the_date_format_for_assignments_and_credits() -> None:
    """``inputs: {date_format: DD/MM/YYYY}`` in the plan applies to every input table."""
    plan = _plan(inputs={"date_format": "DD/MM/YYYY"})
    res = compute_payouts(
        plan,
        frame([assignment(start="01/01/2027")]),
        frame([credit("D1", 1000, "03/04/2027")]),
    )
    assert usd(row(res, "R1", "2027-04")["earned_cents"]) == usd(8000)


def test_given_format_that_contradicts_the_plans_is_an_error() -> None:
    plan = _plan(inputs={"date_format": "DD/MM/YYYY"})
    with pytest.raises(InputDataError, match="'MM/DD/YYYY' differs from 'DD/MM/YYYY'"):
        compute_payouts(
            plan,
            frame([assignment(start="01/01/2027")]),
            frame([credit("D1", 1000, "03/04/2027")]),
            date_format="MM/DD/YYYY",
        )


def test_date_format_without_day_is_rejected() -> None:
    with pytest.raises(InputDataError, match="must name a four-digit year, a month and a day"):
        date_format_directive("MM/YYYY")
    with pytest.raises(InputDataError, match=r"inputs.date_format"):
        _plan(inputs={"date_format": "YYYY"})


def test_cancellation_dates_follow_the_same_rule() -> None:
    with pytest.raises(
        InputDataError,
        match=re.escape(
            "cancellations.csv: column 'cancel_date' must be a date YYYY-MM-DD; "
            "got '02/03/2027' at row 1"
        ),
    ):
        compute_payouts(
            _plan(),
            frame([assignment()]),
            frame([credit("D1", 1000, "2027-01-15")]),
            frame([{"deal_id": "D1", "cancel_date": "02/03/2027"}]),
        )


def test_unknown_measure_is_an_error_naming_row_value_and_known_measures() -> None:
    """``Revenue`` is not ``new`` (names are case-sensitive): row 2 is an error listing the
    measures the plan credits."""
    rows = [credit("D1", 100, "2027-01-15"), credit("D2", 100, "2027-01-16", measure="Revenue")]
    with pytest.raises(InputDataError) as info:
        _run(rows)
    assert (
        "credits.csv: column 'measure' must name a measure the plans credit ('new'); names are "
        "case-sensitive; got 'Revenue' at row 2 (deal_id='D2')" in str(info.value)
    )


def test_unknown_measures_allowed_go_to_excluded() -> None:
    """With the switch the line is kept out of pay and listed: D1 pays 8.00, D2 nothing."""
    rows = [credit("D1", 100, "2027-01-15"), credit("D2", 100, "2027-01-16", measure="Revenue")]
    res = _run(rows, allow_unknown_measures=True)
    assert usd(row(res, "R1", "2027-01")["earned_cents"]) == usd(800)
    assert res.excluded["deal_id"].tolist() == ["D2"]


def _files(tmp_path, date: str, measure: str = "new", start: str = "2027-01-01"):
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "id: p\nyear: 2027\npayout_frequency: monthly\ntarget_incentive: 50000\n"
        "measures:\n  - id: new\n    weight: 1\n    quota: 1000000\n    payout:\n"
        "      type: commission\n      basis: amount\n      tiers: [{from: 0, rate: 0.08}]\n"
    )
    asg = tmp_path / "assignments.csv"
    asg.write_text(f"rep_id,plan_id,start_date\nR1,p,{start}\n")
    cr = tmp_path / "credits.csv"
    cr.write_text(f"deal_id,rep_id,date,measure,amount\nD1,R1,{date},{measure},1000\n")
    return ["--plan", str(plan), "--assignments", str(asg), "--credits", str(cr)]


def test_cli_exits_2_on_a_day_first_date_and_reads_it_when_declared(tmp_path, capsys) -> None:
    """``--date-format DD/MM/YYYY`` covers every table: 3 April at 8% of $1,000 is 80.00."""
    args = _files(tmp_path, "03/04/2027")
    assert main(["payout", *args, "--out", str(tmp_path / "o1")]) == 2
    assert "got '03/04/2027' at row 1" in capsys.readouterr().err
    args = _files(tmp_path, "03/04/2027", start="01/01/2027")
    code = main(["payout", *args, "--date-format", "DD/MM/YYYY", "--out", str(tmp_path / "o2")])
    assert code == 0
    st = pd.read_csv(tmp_path / "o2" / "statements.csv", dtype=str)
    assert st.loc[st["period"] == "2027-04", "earned"].tolist() == ["80.00"]


def test_cli_exits_2_on_unknown_measure_unless_allowed(tmp_path, capsys) -> None:
    args = _files(tmp_path, "2027-04-03", measure="New")
    assert main(["payout", *args, "--out", str(tmp_path / "o1")]) == 2
    assert "got 'New' at row 1" in capsys.readouterr().err
    code = main(["payout", *args, "--allow-unknown-measures", "--out", str(tmp_path / "o2")])
    assert code == 0


def test_date_format_per_table_in_the_plan_and_on_the_command_line(tmp_path) -> None:
    """Credits from a day-first system, assignments in ISO: ``inputs: {date_format: {credits:
    DD/MM/YYYY}}`` reads 03/04/2027 as 3 April (8% of $1,000 = 80.00 in April) while the
    assignment's 2027-01-01 stays ISO. The same on the command line: ``--date-format
    credits=DD/MM/YYYY``."""
    plan = _plan(inputs={"date_format": {"credits": "DD/MM/YYYY"}})
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", "1000", "03/04/2027")]))
    assert usd(row(res, "R1", "2027-04")["earned_cents"]) == usd(8000)
    args = _files(tmp_path, "03/04/2027")
    out = tmp_path / "o"
    assert main(["payout", *args, "--date-format", "credits=DD/MM/YYYY", "--out", str(out)]) == 0
    st = pd.read_csv(out / "statements.csv", dtype=str)
    assert st.loc[st["period"] == "2027-04", "earned"].tolist() == ["80.00"]


def test_unknown_table_in_date_format_is_an_error() -> None:
    with pytest.raises(InputDataError, match=r"names unknown tables \['deals'\]"):
        _run([credit("D1", "1000", "2027-01-15")], date_format={"deals": "DD/MM/YYYY"})
    with pytest.raises(InputDataError, match=r"inputs.date_format"):
        _plan(inputs={"date_format": {"deals": "DD/MM/YYYY"}})
