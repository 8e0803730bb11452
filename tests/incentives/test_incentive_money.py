"""Exact money: integer cents, half-away-from-zero rounding, no float drift."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from spm_models.incentives import compute_payouts
from spm_models.incentives.money import (
    decimal_to_cents,
    div_round,
    format_cents,
    format_factor,
    mul_div,
    to_cents,
)

from .helpers import assignment, commission_measure, credit, frame, make_plan, row, usd


def test_div_round_halves_away_from_zero() -> None:
    got = div_round(np.array([5, -5, 4, 7, -7, 1]), 2)
    assert got.tolist() == [3, -3, 2, 4, -4, 1]
    assert div_round(np.array([149, 150, -150]), 100).tolist() == [1, 2, -2]


def test_mul_div_is_exact_beyond_int64() -> None:
    a = np.array([9_000_000_000_000, 123], dtype=np.int64)  # 90 billion dollars in cents
    b = np.array([99_999_999, 50_000_000], dtype=np.int64)
    expected = [(9_000_000_000_000 * 99_999_999 + 50_000_000) // 100_000_000, 62]
    assert mul_div(a, b).tolist() == expected


def test_to_cents_rounds_floats_and_reads_text_exactly() -> None:
    assert to_cents([0.125, -0.125, 19.99, 0.1]).tolist() == [13, -13, 1999, 10]
    assert to_cents(["1.005", "2.675", "-0.005"]).tolist() == [101, 268, -1]
    assert to_cents([3, 4]).tolist() == [300, 400]
    assert decimal_to_cents(Decimal("10.015")) == 1002


def test_formatting_is_exact_text() -> None:
    assert format_cents(np.array([-123456, 5, 100])).tolist() == ["-1234.56", "0.05", "1.00"]
    assert format_factor(np.array([8_000_000, 150_000_000, 1])).tolist() == [
        "0.08",
        "1.5",
        "0.00000001",
    ]


def test_no_float_drift_over_many_small_credits() -> None:
    # 1,000 credits of $0.10 add up to exactly $100.00 (in floats: 99.9999999999986).
    assert sum([0.1] * 1000) != 100
    plan = make_plan([commission_measure([{"from": 0, "rate": 0.1}])])
    credits = frame([credit(f"D{i}", 0.1, "2027-01-05") for i in range(1000)])
    res = compute_payouts(plan, frame([assignment()]), credits)
    jan = row(res, "R1", "2027-01")
    assert usd(jan["commission_cents"]) == Decimal("10.00")
    ytd = res.components.set_index("period").loc["2027-01", "ytd_credit_cents"]
    assert ytd == 10_000


def test_each_step_rounds_half_away_from_zero_to_the_cent() -> None:
    # $0.10 x 5% = $0.005 -> $0.01 ; a 50/50 split of $100.01 -> $50.01 each (per line)
    plan = make_plan([commission_measure([{"from": 0, "rate": 0.05}])])
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", 0.10, "2027-01-05")]))
    assert row(res, "R1", "2027-01")["commission_cents"] == 1
    plan2 = make_plan([commission_measure([{"from": 0, "rate": 1}])])
    res2 = compute_payouts(
        plan2,
        frame([assignment("R1"), assignment("R2")]),
        frame(
            [
                credit("D1", 100.01, "2027-01-05", rep="R1", split_pct=50),
                credit("D1", 100.01, "2027-01-05", rep="R2", split_pct=50),
            ]
        ),
    )
    assert res2.credit_lines["credited_cents"].tolist() == [5001, 5001]


def test_written_statements_are_exact_decimal_text(tmp_path) -> None:
    plan = make_plan([commission_measure([{"from": 0, "rate": 0.0333}])])
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", 1000.15, "2027-01-05")]))
    paths = res.write(tmp_path)
    text = paths["statements"].read_text()
    assert "33.30" in text  # 1000.15 x 0.0333 = 33.304995 -> 33.30
    trace = paths["trace"].read_text()
    assert "0.0333" in trace
    assert "half away from zero" in (tmp_path / "rounding_rule.txt").read_text()
