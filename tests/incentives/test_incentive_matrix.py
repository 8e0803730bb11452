"""Matrix payouts: a value looked up on two measures' attainment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spm_models.errors import InputDataError
from spm_models.incentives import compute_payouts

from .helpers import assignment, comp, credit, frame, make_plan, usd

MATRIX = {
    "measure": "eps",
    "rows": ["80%", "100%"],
    "columns": ["90%", "100%"],
    "values": [[0.5, 0.75], [1.0, "125%"]],
}


def _plan(**matrix):
    revenue = {
        "id": "revenue",
        "weight": "0.8",
        "quota": 1_000_000,
        "payout": {"type": "matrix", "matrix": {**MATRIX, **matrix}},
    }
    eps = {
        "id": "eps",
        "weight": "0.2",
        "quota": 1_000_000,
        "payout": {"type": "commission", "basis": "amount", "tiers": [{"from": 0, "rate": 0}]},
    }
    return make_plan([revenue, eps])


@pytest.mark.parametrize(
    ("revenue", "eps", "expected"),
    [
        ("790000", "1000000", "0.00"),
        ("800000", "899999.99", "0.00"),
        ("800000", "900000", "20000.00"),
        ("999999.99", "1000000", "30000.00"),
        ("1000000", "950000", "40000.00"),
        ("1200000", "1000000", "50000.00"),
    ],
)
def test_matrix_lookup_on_two_attainments(revenue: str, eps: str, expected: str) -> None:
    """Target $50,000 x weight 0.8 = $40,000 for revenue (December: YTD quota = annual $1M).
    Rows: revenue from 80% / from 100%; columns: EPS from 90% / from 100%; values 0.5, 0.75 /
    1.0, 1.25. Revenue 79%: below the first row, 0. Revenue 80% with EPS 89.999999%: below the
    first column, 0. 80% x 90%: 0.5 x 40,000 = 20,000.00. 99.999999% x 100%: 0.75 = 30,000.00.
    100% x 95%: 1.0 = 40,000.00. 120% x 100%: 1.25 = 50,000.00 (no interpolation)."""
    rows = [
        credit("D1", revenue, "2027-12-01", measure="revenue"),
        credit("D2", eps, "2027-12-01", measure="eps"),
    ]
    res = compute_payouts(_plan(), frame([assignment()]), frame(rows))
    assert usd(comp(res, "R1", "2027-12", "revenue")["ytd_earned_cents"]) == Decimal(expected)
    assert "payout_matrix" in set(res.trace["step"])


def test_matrix_shape_is_checked() -> None:
    with pytest.raises(InputDataError, match=r"matrix.values\[1\]' must list 2 values"):
        _plan(values=[[0.5, 0.75], [1.0]])
    with pytest.raises(InputDataError, match=r"matrix\.measure' names unknown measure 'margin'"):
        _plan(measure="margin")
