"""The fairness LP on instances with known optima; every constraint family binds somewhere."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.errors import InfeasibleModelError, InputDataError
from spm_models.quota import build_fairness, fair_quotas, fairness_inputs
from spm_models.quota.fairness import extract, solve

pytestmark = pytest.mark.solver


def _t(potential: list[float], history: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep_id": [f"R{i + 1}" for i in range(len(potential))],
            "potential": potential,
            "trailing_bookings": history,
        }
    )


def _slack(prob, name: str) -> float:
    return abs(prob.get_constraint_by_name(name).slack)


def test_constraint_names_and_counts_without_solving() -> None:
    inputs = fairness_inputs(_t([100, 100, 50], [50, 60, 20]), 200, growth_min=0.0, growth_max=0.5)
    prob = build_fairness(inputs)
    names = {c.name for c in prob.constraints()}
    assert "target_total" in names
    for fam in ("ratio_upper", "ratio_lower", "growth_min", "growth_max"):
        assert {f"{fam}_R1", f"{fam}_R2", f"{fam}_R3"} <= names
    assert len(names) == 1 + 4 * 3
    assert prob.status == 0  # not solved


def test_unbounded_quotas_follow_potential_exactly() -> None:
    res = fair_quotas(_t([100, 300], [10, 10]), 200, growth_min=None, growth_max=None)
    assert res.status.is_ok
    assert res.objective == pytest.approx(0.0, abs=1e-9)
    assert res.quotas["quota"].tolist() == pytest.approx([50, 150])


def test_growth_max_binds_known_optimum() -> None:
    # Equal potential, r = 1; R1 may grow at most 50% on 50 -> 75, so R2 takes 125; d = 0.25.
    inputs = fairness_inputs(_t([100, 100], [50, 100]), 200, growth_min=None, growth_max=0.5)
    prob = build_fairness(inputs)
    status, rt = solve(prob)
    res = extract(prob, inputs, status, rt, "highs")
    assert res.objective == pytest.approx(0.25)
    assert res.quotas["quota"].tolist() == pytest.approx([75, 125])
    assert res.band == pytest.approx((0.75, 1.25))
    assert res.quotas["binding"].tolist() == ["growth_max", ""]
    assert _slack(prob, "growth_max_R1") == pytest.approx(0, abs=1e-6)
    assert _slack(prob, "ratio_lower_R1") == pytest.approx(0, abs=1e-6)
    assert _slack(prob, "ratio_upper_R2") == pytest.approx(0, abs=1e-6)
    assert _slack(prob, "target_total") == pytest.approx(0, abs=1e-6)


def test_growth_min_binds_known_optimum() -> None:
    # R1 must keep at least its 150 of history; R2 gets the remaining 50; d = 0.5.
    inputs = fairness_inputs(_t([100, 100], [150, 20]), 200, growth_min=0.0, growth_max=None)
    prob = build_fairness(inputs)
    status, rt = solve(prob)
    res = extract(prob, inputs, status, rt, "highs")
    assert res.objective == pytest.approx(0.5)
    assert res.quotas["quota"].tolist() == pytest.approx([150, 50])
    assert _slack(prob, "growth_min_R1") == pytest.approx(0, abs=1e-6)
    assert res.quotas["binding"].iloc[0] == "growth_min"


@pytest.mark.filterwarnings("ignore:PULP_CBC_CMD is deprecated")
def test_cbc_agrees_with_highs() -> None:
    t = _t([100, 200, 300, 50], [40, 30, 200, 45])
    a = fair_quotas(t, 400, growth_min=0.0, growth_max=0.6, solver="highs")
    b = fair_quotas(t, 400, growth_min=0.0, growth_max=0.6, solver="cbc")
    assert a.objective == pytest.approx(b.objective, abs=1e-6)
    assert a.quotas["quota"].sum() == pytest.approx(400)


def test_target_above_growth_ceiling_is_infeasible() -> None:
    with pytest.raises(InfeasibleModelError, match="growth_max") as err:
        fair_quotas(_t([100, 100], [50, 50]), 200, growth_max=0.5)
    assert err.value.family == "growth_max"
    assert err.value.details["needed_growth_max"] == pytest.approx(1.0)
    assert "growth_max >= 1.0000" in str(err.value)


def test_target_below_growth_floor_is_infeasible() -> None:
    with pytest.raises(InfeasibleModelError, match="growth_min") as err:
        fair_quotas(_t([100, 100], [150, 150]), 200, growth_min=0.0, growth_max=None)
    assert err.value.details["needed_growth_min"] == pytest.approx(200 / 300 - 1)


def test_zero_potential_is_named() -> None:
    with pytest.raises(
        InputDataError, match=r"column 'potential' must be > 0.*row 2 \(rep_id='R2'\)"
    ):
        fair_quotas(_t([100, 0], [10, 10]), 100)


def test_refinement_keeps_the_band_and_pulls_quotas_to_potential() -> None:
    # r = 1. R1 is capped at 60 (d = 0.4); without refinement R2 and R3 may sit anywhere in
    # the band; refined, the 40 left over is spread so total dollars off potential is least.
    t = _t([100, 100, 100], [40, 200, 200])
    inputs = fairness_inputs(t, 300, growth_min=None, growth_max=0.5)
    prob = build_fairness(inputs, max_deviation=0.4)
    status, rt = solve(prob)
    res = extract(prob, inputs, status, rt, "highs")
    names = {c.name for c in prob.constraints()}
    assert {"deviation_cap", "dollars_above_R2", "dollars_below_R1"} <= names
    assert res.quotas["quota"].iloc[0] == pytest.approx(60)
    assert res.quotas["quota"].iloc[1:].sum() == pytest.approx(240)
    assert res.quotas["quota"].max() <= 140 + 1e-6
    assert _slack(prob, "dollars_below_R1") == pytest.approx(0, abs=1e-6)
    assert _slack(prob, "dollars_above_R2") == pytest.approx(0, abs=1e-6)
    assert _slack(prob, "deviation_cap") == pytest.approx(0, abs=1e-6)
    full = fair_quotas(t, 300, growth_min=None, growth_max=0.5)
    assert full.objective == pytest.approx(0.4)
    assert full.quotas["deviation"].abs().max() == pytest.approx(0.4)
