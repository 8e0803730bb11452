"""National-scale alignment by decomposition: split, parts, border repair, national bound."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.data import generate_company
from spm_models.errors import InfeasibleModelError
from spm_models.territory import align_territories
from spm_models.territory.decompose import align_national
from spm_models.territory.geo import distance_matrix_km
from spm_models.territory.inputs import (
    AlignmentSpec,
    prepare_alignment,
    rep_targets,
    validate_alignment_tables,
)
from spm_models.territory.lagrangian import bound_problem, improve_prices, lagrangian_bound
from spm_models.territory.model import build_alignment
from spm_models.territory.partition import partition_reps, route_accounts
from spm_models.territory.solve import solve_linear
from tests.territory.toy import line_company

pytestmark = pytest.mark.solver

OPTIONS = {"balance": ["workload"], "tolerance": 0.10, "max_disruption": 0.30, "k_nearest": 8}


@pytest.fixture(scope="module")
def company():
    return generate_company(seed=11, n_accounts=900, n_reps=16)


@pytest.fixture(scope="module")
def national(company):
    return align_national(
        company.accounts,
        company.reps,
        reps_per_part=5,
        part_time_limit=20,
        mip_gap=1e-3,
        repair_rounds=2,
        bound_iterations=150,
        **OPTIONS,
    )


@pytest.fixture(scope="module")
def optimum(company):
    """The undecomposed model over every pair, solved to (near) proven optimality."""
    opts = {**OPTIONS, "k_nearest": None}
    return align_territories(
        company.accounts, company.reps, time_limit=120, mip_gap=1e-6, check_pruning=False, **opts
    )


def _problem(accounts, reps, spec: AlignmentSpec, k: int):
    accounts, reps = validate_alignment_tables(accounts, reps, balance=spec.balance)
    pos = {r: i for i, r in enumerate(reps["rep_id"])}
    current = np.array([pos[c] if c is not None else -1 for c in accounts["current_rep_id"]])
    return bound_problem(
        accounts,
        reps,
        spec,
        rep_targets(accounts, reps, spec),
        current=current,
        forced=np.full(len(accounts), -1),
        forbidden=set(),
        k=k,
    )


def test_lagrangian_bound_equals_brute_force_over_every_pair(company) -> None:
    spec = AlignmentSpec(balance=("workload",), tolerance=0.1, max_disruption=0.3)
    p = _problem(company.accounts, company.reps, spec, k=3)
    rng = np.random.default_rng(0)
    v = rng.normal(0, 200, size=(1, len(company.reps)))
    mu = 150.0
    d = distance_matrix_km(p.lat, p.lon, p.home_lat, p.home_lon)
    r = np.arange(len(p.home_lat))[None, :]
    moved = (p.current[:, None] >= 0) & (r != p.current[:, None])
    value = p.weight[:, None] * d - p.metric[:, [0]] * v + mu * moved
    const = (np.maximum(v, 0) * p.lower + np.minimum(v, 0) * p.upper).sum() - mu * p.cap
    expected = value.min(axis=1).sum() + const
    # Few reps priced for every account: the floor bites and those accounts get every rep.
    got = lagrangian_bound(p, v, mu, top_priced=2)
    assert got.bound == pytest.approx(expected, rel=1e-12)
    assert got.exact_accounts > 0
    assert (got.choice == value.argmin(axis=1)).all()
    assert lagrangian_bound(p, v, mu).bound == pytest.approx(expected, rel=1e-12)


def test_lagrangian_at_zero_prices_is_nearest_rep_travel() -> None:
    accounts, reps = line_company([0.0, 0.1, 0.9, 1.0], [0.0, 1.0])
    spec = AlignmentSpec(balance=("workload",), tolerance=0.5, weight="workload")
    p = _problem(accounts, reps, spec, k=1)
    lv = lagrangian_bound(p, np.zeros((1, 2)), 0.0)
    # Each account's nearest rep: 0 + 0.1 + 0.1 + 0 degrees of travel.
    assert lv.bound == pytest.approx(0.2 * 6371.0088 * np.pi / 180, rel=1e-9)


def test_subgradient_reaches_the_lp_bound_on_a_small_instance(company) -> None:
    spec = AlignmentSpec(balance=("workload",), tolerance=0.1, max_disruption=0.3, k_nearest=None)
    p = _problem(company.accounts, company.reps, spec, k=len(company.reps))
    relaxed = solve_linear(
        build_alignment(prepare_alignment(company.accounts, company.reps, spec=spec)).linear,
        relax=True,
    )
    # Any feasible alignment bounds the Lagrangian from above; a 1 % MIP gap is enough for one.
    feasible = align_territories(
        company.accounts, company.reps, spec=spec, time_limit=30, mip_gap=1e-2, check_pruning=False
    )
    _, _, best = improve_prices(p, np.zeros((1, len(company.reps))), 0.0, iterations=400)
    assert best.bound <= feasible.objective + 1e-6  # weak duality
    assert best.bound >= 0.995 * relaxed.objective  # within 0.5 % of the LP bound


def test_partition_gives_compact_parts_of_equal_size(company) -> None:
    labels = partition_reps(company.reps, 3)
    assert sorted(np.bincount(labels).tolist()) == [5, 5, 6]
    by_region = partition_reps(company.reps, by="region")
    assert by_region.max() + 1 == company.reps["region"].nunique()
    with pytest.raises(ValueError, match="'n_parts' parameter of partition_reps"):
        partition_reps(company.reps, 0)


def test_route_moves_the_cheapest_border_account() -> None:
    # Part 0 prefers all four accounts but can take only three units of load.
    cost = np.array([[1.0, 9.0], [1.0, 2.0], [1.0, 5.0], [1.0, np.inf]])
    routing = route_accounts(
        cost,
        np.ones((4, 1)),
        np.array([[2.0, 0.5]]),
        np.array([[3.0, 1.5]]),
        preferred=np.zeros(4, dtype=int),
        forced=np.full(4, -1),
        move_cost=0.0,
    )
    assert routing.part.tolist() == [0, 1, 0, 0]
    with pytest.raises(InfeasibleModelError, match="part 1 cannot be brought inside its band"):
        route_accounts(
            cost,
            np.ones((4, 1)),
            np.array([[0.0, 3.5]]),
            np.array([[4.0, 4.0]]),
            preferred=np.zeros(4, dtype=int),
            forced=np.full(4, -1),
            move_cost=0.0,
        )


def test_national_alignment_is_feasible_with_a_valid_gap(company, national, optimum) -> None:
    res = national.result
    assert res.status.is_ok
    a = res.assignment
    assert len(a) == len(company.accounts) and a["account_id"].is_unique
    t = res.territories
    assert (t["workload"] <= t["max_workload"] + 1e-6).all()
    assert (t["workload"] >= t["min_workload"] - 1e-6).all()
    assert a["moved"].mean() <= OPTIONS["max_disruption"] + 1e-9
    # The national bound is valid for the undecomposed model; the objective is attainable.
    assert res.bound <= optimum.bound + 1e-6 * optimum.bound
    assert res.objective >= optimum.bound - 1e-6 * optimum.bound
    assert res.objective == pytest.approx(a["distance_km"].mul(a["workload"]).sum(), rel=1e-9)
    assert 0 <= res.gap < 0.08
    summary = national.summary_json()
    assert summary["parts"] == 4 and summary["gap"] == pytest.approx(res.gap)


def test_border_repair_only_improves(national) -> None:
    parts = national.parts
    assert set(parts["phase"]) >= {"split", "repair-1"}
    assert (parts.loc[parts["phase"] == "split", "accepted"]).all()
    assert national.result.objective <= national.objective_before_repair + 1e-6
    if parts.loc[parts["phase"].str.startswith("repair"), "accepted"].any():
        assert national.result.objective < national.objective_before_repair


def test_locks_and_forbidden_pairs_hold_across_parts(company) -> None:
    acc = company.accounts
    locked = acc.loc[acc["current_rep_id"].notna(), "account_id"].iloc[:25].tolist()
    first = acc.iloc[100]
    nearest_rep = company.reps["rep_id"].iloc[
        int(
            distance_matrix_km(
                [first["lat"]],
                [first["lon"]],
                company.reps["home_lat"],
                company.reps["home_lon"],
            ).argmin()
        )
    ]
    res = align_national(
        acc,
        company.reps,
        reps_per_part=8,
        part_time_limit=20,
        mip_gap=1e-2,
        repair_rounds=1,
        bound_iterations=20,
        locked=locked,
        forbidden=[(first["account_id"], nearest_rep)],
        **OPTIONS,
    ).result
    a = res.assignment.set_index("account_id")
    assert (a.loc[locked, "new_rep_id"] == a.loc[locked, "old_rep_id"]).all()
    assert a.loc[locked, "locked"].all()
    assert a.loc[first["account_id"], "new_rep_id"] != nearest_rep


def test_bad_options_are_named(company) -> None:
    with pytest.raises(ValueError, match="'reps_per_part' parameter of align_national"):
        align_national(company.accounts, company.reps, reps_per_part=1, **OPTIONS)
    with pytest.raises(ValueError, match="'balance_penalty' parameter of align_national"):
        align_national(company.accounts, company.reps, balance_penalty=1.0, **OPTIONS)
    with pytest.raises(ValueError, match="'by' parameter of partition_reps"):
        align_national(company.accounts, company.reps, by="nope", **OPTIONS)


@pytest.mark.parametrize(
    ("workload", "message"),
    [
        # Part 1 (reps at 0 and 0.005) gets accounts of 1.5 and 0.5: right in total, but no
        # split gives each rep 1 +- 1 %.
        ([1.5, 0.5, 1.0, 1.0], r"1 of 2 parts failed .*part-01: .*workload"),
        # No routing puts 1 +- 1 % per rep in both parts.
        ([5.0, 1.0, 1.0, 1.0], "cannot be brought inside its band"),
    ],
)
def test_infeasible_splits_say_where(workload: list[float], message: str) -> None:
    accounts, reps = line_company(
        [0.0, 0.01, 1.0, 1.01], [0.0, 0.005, 1.0, 1.01], workload=workload
    )
    with pytest.raises(InfeasibleModelError, match=message):
        align_national(
            accounts,
            reps,
            reps_per_part=2,
            balance=["workload"],
            tolerance=0.01,
            k_nearest=None,
            bound_iterations=0,
        )


def test_parts_table_names_every_part(national) -> None:
    parts = national.parts
    assert isinstance(parts, pd.DataFrame)
    split = parts[parts["phase"] == "split"]
    assert split["part"].tolist() == [f"part-{i:02d}" for i in range(1, 5)]
    assert split["reps"].sum() == 16
    assert split["accounts"].sum() == 900
