"""Capacitated p-median LP by column generation, and MIP solves on a subset of columns."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spm_models.errors import InfeasibleModelError
from spm_models.territory import SolveStatus, choose_centres
from spm_models.territory.pmedian import build_pmedian
from spm_models.territory.pmedian_lp import priced_lp, restricted_model, solve_on_columns
from spm_models.territory.pmedian_solve import solve_pmedian_exact
from spm_models.territory.solve import solve_linear
from tests.territory.toy import km, line_company

pytestmark = pytest.mark.solver


def _random_instance(n: int, p: int, seed: int, tight: float = 0.85):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 100, (n, 2))
    cost = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    demand = rng.integers(1, 20, n).astype(float)
    capacity = demand.sum() / (p * tight)
    return build_pmedian(cost, demand, p, capacity)


def test_pricing_reaches_the_whole_lp_and_every_reduced_cost_is_non_negative() -> None:
    model = _random_instance(40, 5, seed=3)
    whole = solve_linear(model.linear, relax=True, threads=1)
    # Two sites per point is far too few: pricing must add pairs over several rounds.
    priced = priced_lp(model, nearest=2)
    assert priced is not None and priced.rounds > 1
    assert priced.generated[: model.n_arcs].sum() < model.n_arcs
    assert priced.objective == pytest.approx(whole.objective, rel=1e-7)
    assert priced.reduced_cost.min() >= -1e-7
    assert model.linear.evaluate(priced.x) == pytest.approx(whole.objective, rel=1e-7)
    assert model.linear.max_violation(priced.x) <= 1e-6


def test_an_infeasible_start_widens_the_nearest_sites() -> None:
    # Three points on a line, p = 1, capacity 3: only one centre can hold all three, and
    # with one nearest site per point (itself) no single open site serves everyone.
    cost = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0]])
    model = build_pmedian(cost, np.ones(3), 1, 3.0)
    priced = priced_lp(model, nearest=1)
    assert priced is not None
    assert priced.objective == pytest.approx(2.0)  # the middle point as centre: 1 + 0 + 1
    out = solve_pmedian_exact(model, time_limit=10)
    assert out.status == SolveStatus.OPTIMAL and out.objective == pytest.approx(2.0)


def test_the_restricted_model_drops_the_link_rows_of_dropped_pairs() -> None:
    model = _random_instance(12, 3, seed=1)
    keep = np.zeros(model.linear.n_cols, dtype=bool)
    keep[model.n_arcs :] = True
    keep[: model.n_arcs : 2] = True
    sub, cols = restricted_model(model, keep)
    kept_pairs = int(keep[: model.n_arcs].sum())
    assert sub.n_cols == len(cols) == kept_pairs + model.n_agents
    # Assignment and capacity rows, one link row per kept pair, the centre count.
    assert sub.n_rows == model.n_items + model.n_agents + kept_pairs + 1
    assert sum(name.startswith("link_") for name in sub.row_names) == kept_pairs


def test_a_solve_on_columns_matches_the_bounded_whole_model() -> None:
    model = _random_instance(15, 3, seed=7)
    lin = model.linear
    upper = lin.col_upper.copy()
    upper[: model.n_arcs : 3] = 0.0  # forbid every third pair
    out = solve_on_columns(model, lin.col_lower, upper, time_limit=20)
    whole = solve_linear(lin.with_bounds(lin.col_lower, upper), time_limit=20, threads=1)
    assert out.status == whole.status == SolveStatus.OPTIMAL
    assert out.objective == pytest.approx(whole.objective, rel=1e-9)
    assert len(out.x) == lin.n_cols and lin.max_violation(out.x) <= 1e-6
    assert np.all(out.x[upper == 0] == 0)


def test_the_exact_solve_proves_optimality_from_the_priced_lp() -> None:
    # 80 points: the restricted LP holds 60 sites per point, not all 80, so the proof rests
    # on the reduced costs of the pairs left out.
    model = _random_instance(80, 5, seed=11, tight=0.6)
    assert priced_lp(model).generated[: model.n_arcs].sum() < model.n_arcs
    out = solve_pmedian_exact(model, time_limit=60)
    plain = solve_linear(model.linear, time_limit=120, threads=1)
    assert plain.status == SolveStatus.OPTIMAL
    assert out.objective == pytest.approx(plain.objective, rel=1e-6)
    assert out.status == SolveStatus.OPTIMAL
    assert math.isfinite(out.bound) and out.bound <= plain.objective + 1e-6


def test_an_assignment_the_lp_can_split_but_no_centre_can_hold_is_proven_infeasible() -> None:
    # The middle point's demand of 5 fits no site of capacity 3, though the LP splits it.
    cost = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0]])
    model = build_pmedian(cost, np.array([1.0, 5.0, 1.0]), 2, 3.0)
    assert solve_pmedian_exact(model, time_limit=10).status == SolveStatus.INFEASIBLE


def test_green_field_centres_are_chosen_over_every_pair() -> None:
    # Four accounts a degree apart on the equator, one territory holding all of them. Among
    # each cluster's two nearest centres, the two ends share none: no design. Over every
    # pair, the centre is an inner point: 1 + 0 + 1 + 2 degrees of travel.
    accounts, _ = line_company([0.0, 1.0, 2.0, 3.0], [0.0])
    with pytest.raises(InfeasibleModelError):
        choose_centres(accounts, n_territories=1, max_sites=4, nearest_sites=2)
    res = choose_centres(accounts, n_territories=1, max_sites=4)
    assert res.status == SolveStatus.OPTIMAL
    assert res.objective == pytest.approx(4 * km(1.0), rel=1e-6)
    assert res.centres["lon"].round(6).tolist() in ([1.0], [2.0])
