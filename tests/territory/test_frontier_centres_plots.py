"""Trade-off frontier, green-field centres, the LP-based solve path and the charts."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from spm_models.territory import (
    SolveStatus,
    align_territories,
    choose_centres,
    tradeoff_frontier,
)
from spm_models.territory import plots as tplots
from tests.territory.toy import km, line_company

matplotlib.use("Agg")
pytestmark = pytest.mark.solver


def test_frontier_grid_and_infeasible_points() -> None:
    accounts, reps = line_company([0.0, 0.1, 0.2, 1.0], [0.0, 1.0], current=["R2"] * 4)
    front = tradeoff_frontier(
        accounts,
        reps,
        tolerances=[0.0, 1.0],
        max_disruptions=[0.25, 0.75],
        balance=["accounts"],
        weight="none",
        k_nearest=None,
    )
    assert len(front) == 4
    by = front.set_index(["tolerance", "max_disruption"])
    # Exact balance needs two moves: impossible with one allowed.
    assert by.loc[(0.0, 0.25), "status"] == "infeasible"
    assert by.loc[(0.0, 0.75), "travel_km"] == pytest.approx(km(0.1 + 0.8))
    assert by.loc[(1.0, 0.75), "travel_km"] == pytest.approx(km(0.3))
    assert by.loc[(1.0, 0.25), "travel_km"] == pytest.approx(km(0.9 + 0.8))
    # Looser rules never cost more travel.
    assert by.loc[(1.0, 0.75), "travel_km"] <= by.loc[(0.0, 0.75), "travel_km"]
    assert front["efficient"].sum() >= 1
    assert not front.loc[front["status"] == "infeasible", "efficient"].any()


def test_frontier_solves_tightest_first_each_from_its_best_tighter_neighbour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from spm_models.territory import frontier as frontier_module

    calls: list[tuple[float, float | None, object]] = []
    real = frontier_module.align_territories

    def recording(*args, **kwargs):  # the real solve, with its settings noted
        spec = kwargs["spec"]
        calls.append((spec.tolerance, spec.max_disruption, kwargs["start"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(frontier_module, "align_territories", recording)
    accounts, reps = line_company([0.0, 0.1, 0.2, 1.0], [0.0, 1.0], current=["R2"] * 4)
    front = tradeoff_frontier(
        accounts,
        reps,
        tolerances=[1.0, 0.0],
        max_disruptions=[0.75, 0.5],
        balance=["accounts"],
        weight="none",
        k_nearest=None,
    )
    assert [(t, c) for t, c, _ in calls] == [(0.0, 0.5), (0.0, 0.75), (1.0, 0.5), (1.0, 0.75)]
    assert calls[0][2] is None  # nothing solved before the tightest point
    assert all(start is not None for _, _, start in calls[1:])
    # Rows keep the order asked for; no looser point costs more than a tighter one.
    assert list(zip(front["tolerance"], front["max_disruption"], strict=True)) == [
        (1.0, 0.75), (1.0, 0.5), (0.0, 0.75), (0.0, 0.5)
    ]  # fmt: skip
    by = front.set_index(["tolerance", "max_disruption"])["objective"]
    assert by[(1.0, 0.75)] <= min(by[(1.0, 0.5)], by[(0.0, 0.75)]) + 1e-9
    assert by[(1.0, 0.5)] <= by[(0.0, 0.5)] + 1e-9


def test_choose_centres_two_clusters() -> None:
    accounts, _ = line_company([0.0, 0.01, 0.02, 2.0, 2.01, 2.02], [0.0])
    res = choose_centres(accounts, workload_per_rep=3.0, tolerance=0.0, max_sites=6)
    assert res.n_territories == 2
    assert res.status == SolveStatus.OPTIMAL
    assert sorted(res.centres["accounts"]) == [3, 3]
    assert sorted(np.round(res.centres["lon"], 2)) == [0.01, 2.01]
    assert res.assignment.groupby("centre_id").size().tolist() == [3, 3]


def test_lp_fix_matches_mip_on_the_tiny_company(tiny_company) -> None:
    opts = {
        "tolerance": 0.10,
        "max_disruption": 0.4,
        "k_nearest": 5,
        "mip_gap": 1e-4,
        "time_limit": 30,
    }
    mip = align_territories(tiny_company.accounts, tiny_company.reps, method="mip", **opts)
    fast = align_territories(tiny_company.accounts, tiny_company.reps, method="lp-fix", **opts)
    assert mip.status.is_ok and fast.status.is_ok
    # Both are within their proven gaps of each other's bound.
    assert fast.objective >= mip.bound - 1e-6 * mip.objective
    assert mip.objective >= fast.bound - 1e-6 * fast.objective
    assert fast.gap <= 1e-3
    t = fast.territories
    assert (t["workload"] <= t["max_workload"] + 1e-6).all()
    assert (t["workload"] >= t["min_workload"] - 1e-6).all()
    assert fast.summary["accounts_moved_share"] <= 0.4 + 1e-9


def test_charts_have_titles_and_units(tiny_company) -> None:
    res = align_territories(
        tiny_company.accounts,
        tiny_company.reps,
        tolerance=0.2,
        max_disruption=0.5,
        k_nearest=5,
        time_limit=20,
        mip_gap=0.01,
    )
    fig = tplots.plot_alignment_map(res, tiny_company.reps, which="after")
    assert fig.axes[0].get_title() and "longitude" in fig.axes[0].get_xlabel()
    fig = tplots.plot_balance(res)
    assert "target" in fig.axes[0].get_ylabel()
    front = pd.DataFrame(
        {
            "tolerance": [0.1, 0.2],
            "max_disruption": [0.2, 0.2],
            "status": ["optimal", "feasible"],
            "balance_cv": [0.05, 0.1],
            "travel_km": [1e5, 9e4],
        }
    )
    fig = tplots.plot_frontier(front)
    assert "km" in fig.axes[0].get_ylabel()
    import matplotlib.pyplot as plt

    plt.close("all")
