"""Infeasibility diagnosis (family and relaxation) and the pruning check."""

from __future__ import annotations

import pytest

from spm_models.errors import InfeasibleModelError, InputDataError
from spm_models.territory import (
    SolveStatus,
    align_territories,
    build_alignment,
    check_pruning,
    prepare_alignment,
    solve_linear,
)
from tests.territory.toy import km, line_company

pytestmark = pytest.mark.solver


def test_one_account_larger_than_any_band() -> None:
    accounts, reps = line_company([0.0, 0.1, 0.9, 1.0], [0.0, 1.0], workload=[10, 1, 1, 1])
    with pytest.raises(InfeasibleModelError) as info:
        align_territories(accounts, reps, balance="workload", tolerance=0.1, k_nearest=None)
    err = info.value
    assert err.family == "balance_workload"
    assert "account A1 alone (workload 10) is 154% of territory" in str(err)
    assert err.details["min_tolerance"] == pytest.approx(10 / 6.5 - 1)
    assert "at least 53.8%" in err.relaxation


def test_smallest_tolerance_from_elastic_model() -> None:
    # Loads 3, 3, 3, 1 into two bands around 5: no subset sums to 5, so the best is 4/6,
    # which needs +-20% (found by the elastic model, not by a structural check).
    accounts, reps = line_company([0.0, 0.1, 0.9, 1.0], [0.0, 1.0], workload=[3, 3, 3, 1])
    with pytest.raises(InfeasibleModelError) as info:
        align_territories(accounts, reps, balance="workload", tolerance=0.05, k_nearest=None)
    err = info.value
    assert err.family == "balance_workload"
    assert err.reason.startswith("balance on workload ±5% is impossible")
    assert err.details["min_tolerance"]["workload"] == pytest.approx(0.20, abs=1e-6)
    assert "±20%" in err.relaxation
    # The suggested relaxation does work.
    ok = align_territories(accounts, reps, balance="workload", tolerance=0.20, k_nearest=None)
    assert ok.status.is_ok


def test_disruption_cap_too_tight() -> None:
    accounts, reps = line_company([0.0, 0.1, 0.2, 1.0], [0.0, 1.0], current=["R2"] * 4)
    with pytest.raises(InfeasibleModelError) as info:
        align_territories(
            accounts, reps, balance="accounts", tolerance=0.0, max_disruption=0.25, k_nearest=None
        )
    err = info.value
    assert err.family == "disruption_cap"
    assert err.details["min_disruption"] == pytest.approx(0.5)
    assert "raise the disruption cap to at least 50%" in err.relaxation
    assert err.details["min_tolerance"]["accounts"] == pytest.approx(0.5)


def test_max_distance_leaves_an_account_without_rep() -> None:
    accounts, reps = line_company([0.0, 0.5, 1.0], [0.0, 1.0])
    with pytest.raises(InfeasibleModelError) as info:
        align_territories(
            accounts, reps, balance="accounts", tolerance=1.0, max_distance_km=50.0, k_nearest=None
        )
    err = info.value
    assert err.family == "max_distance"
    assert "account A2" in err.reason
    assert err.details["min_max_distance_km"] == 56  # 0.5 degree = 55.6 km, rounded up


def test_lock_conflicts_with_forbidden_pair() -> None:
    accounts, reps = line_company([0.0, 1.0], [0.0, 1.0], current=["R2", "R2"])
    with pytest.raises(InfeasibleModelError) as info:
        align_territories(
            accounts,
            reps,
            balance="accounts",
            tolerance=1.0,
            locked=["A1"],
            forbidden=[("A1", "R2")],
            k_nearest=None,
        )
    assert info.value.family == "lock"
    assert "excluded by forbidden" in info.value.reason


def test_locked_load_above_maximum() -> None:
    accounts, reps = line_company([0.0, 0.1, 0.2, 1.0], [0.0, 1.0], current=["R1"] * 4)
    with pytest.raises(InfeasibleModelError) as info:
        align_territories(
            accounts,
            reps,
            balance="accounts",
            tolerance=0.0,
            locked=["A1", "A2", "A3"],
            k_nearest=None,
        )
    err = info.value
    assert err.family == "lock"
    assert "rep R1 accounts 3, above its maximum 2" in err.reason


def test_mandatory_twice() -> None:
    accounts, reps = line_company([0.0, 1.0], [0.0, 1.0])
    with pytest.raises(InfeasibleModelError, match="required to go to 2 reps"):
        align_territories(
            accounts,
            reps,
            balance="accounts",
            tolerance=1.0,
            k_nearest=None,
            mandatory=[("A1", "R1"), ("A1", "R2")],
        )


def test_pruning_check_flags_a_better_pair() -> None:
    # k = 1: A2 (at 0.45, no current rep) may only go to R1, so balance forces A3 back to its
    # current rep R2 (cost 0.8). With every pair A2 -> R2 (0.55) and A3 -> R1 (0.2) is better.
    accounts, reps = line_company(
        [0.0, 0.45, 0.2, 1.0], [0.0, 1.0], current=[None, None, "R2", None]
    )
    opts = {"balance": "accounts", "tolerance": 0.0, "weight": "none", "rep_reach": None}
    pruned = align_territories(accounts, reps, **opts, k_nearest=1, reprice=0)
    assert pruned.objective == pytest.approx(km(0.45 + 0.8))
    check = pruned.pruning
    assert not check.ok and check.negative_pairs >= 1
    assert (check.examples["account_id"] == "A2").any()
    assert check.suggested_k == 2
    assert "may have cut off better solutions" in check.message
    full = align_territories(accounts, reps, **opts, k_nearest=None)
    assert full.objective == pytest.approx(km(0.55 + 0.2))
    # The bound over every pair is valid for the unpruned optimum.
    assert check.bound_all_pairs <= full.objective + 1e-6
    assert pruned.summary_json()["pruning_ok"] is False
    # The headline bound and gap hold for every pair, so the single solve is not proven.
    assert pruned.bound <= full.objective + 1e-6
    assert pruned.status == SolveStatus.FEASIBLE and pruned.gap > 0.1
    # By default the negatively priced pairs are added and the model re-solved (column
    # generation over pairs) until the gap over every pair closes.
    priced = align_territories(accounts, reps, **opts, k_nearest=1)
    assert priced.objective == pytest.approx(full.objective)
    assert priced.status == SolveStatus.OPTIMAL and priced.gap <= 1e-4


def test_pruning_check_passes_when_nothing_is_lost() -> None:
    accounts, reps = line_company([0.0, 0.1, 0.2, 1.0], [0.0, 1.0])
    res = align_territories(
        accounts,
        reps,
        balance="accounts",
        tolerance=0.5,
        weight="none",
        k_nearest=1,
        rep_reach=None,
    )
    assert res.pruning.ok
    inputs = prepare_alignment(
        accounts, reps, balance="accounts", tolerance=0.5, weight="none", k_nearest=1
    )
    model = build_alignment(inputs)
    lp = solve_linear(model.linear, relax=True)
    check = check_pruning(inputs, model, lp.row_dual)
    assert check.bound_pruned == pytest.approx(lp.objective, rel=1e-6)
    assert check.bound_all_pairs == pytest.approx(lp.objective, rel=1e-6)


def test_pruned_model_infeasible_names_pruning() -> None:
    # Each account's single nearest rep is R1 and no account may reach R2 or R3.
    accounts, reps = line_company([0.0, 0.05, 0.1], [0.0, 1.0, 2.0])
    with pytest.raises(InfeasibleModelError) as info:
        align_territories(
            accounts, reps, balance="accounts", tolerance=0.0, k_nearest=1, rep_reach=None
        )
    assert info.value.family == "pruning"
    assert "k_nearest" in info.value.relaxation


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"workload": [1.0, -5.0]},
            "accounts.csv: column 'workload' must be a number >= 0; "
            "got -5.0 at row 2 (account_id='A2')",
        ),
        ({"current_rep_id": ["R1", "R9"]}, "column 'current_rep_id' refers to unknown rep 'R9'"),
        ({"lat": [0.0, 95.0]}, "column 'lat' must be a number >= -90 and <= 90"),
        ({"account_id": ["A1", "A1"]}, "must be unique; 'A1' is repeated"),
    ],
)
def test_bad_inputs_name_file_column_row(change: dict, message: str) -> None:
    accounts, reps = line_company([0.0, 1.0], [0.0, 1.0])
    for col, values in change.items():
        accounts[col] = values
    with pytest.raises(InputDataError) as info:
        align_territories(accounts, reps)
    assert message in str(info.value)


def test_missing_columns_and_unknown_names() -> None:
    accounts, reps = line_company([0.0, 1.0], [0.0, 1.0])
    with pytest.raises(InputDataError, match=r"reps\.csv: column 'home_lat' is missing"):
        align_territories(accounts, reps.drop(columns="home_lat"))
    with pytest.raises(InputDataError, match="locked: names unknown account 'A9'"):
        align_territories(accounts, reps, locked=["A9"])
    with pytest.raises(InputDataError, match="forbidden: entry 1 names unknown rep 'R7'"):
        align_territories(accounts, reps, forbidden=[("A1", "R7")])
    with pytest.raises(ValueError, match="The 'tolerance' parameter of align_territories"):
        align_territories(accounts, reps, tolerance=-0.1)


def test_repricing_adds_the_cut_off_pairs() -> None:
    accounts, reps = line_company(
        [0.0, 0.45, 0.2, 1.0], [0.0, 1.0], current=[None, None, "R2", None]
    )
    opts = {"balance": "accounts", "tolerance": 0.0, "weight": "none", "rep_reach": None}
    res = align_territories(accounts, reps, **opts, k_nearest=1, reprice=2)
    # The negatively priced pair A2 -> R2 joins the candidates; the optimum is recovered.
    assert res.objective == pytest.approx(km(0.55 + 0.2))
    assert res.pruning.ok
    assert res.status.is_ok and res.gap == 0
