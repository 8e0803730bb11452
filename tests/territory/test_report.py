"""What the territory page publishes and says: solve-or-relax, gaps, figures, sentences."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InfeasibleModelError
from spm_models.territory import align_territories, report, tradeoff_frontier
from spm_models.territory.frontier import _efficient
from tests.messy import without_geography
from tests.territory.toy import line_company

BAD = ("nan", "inf", "None")


def _clean(text: str) -> bool:
    return not any(word in text.replace("n/a", "") for word in BAD)


def _error(**details) -> InfeasibleModelError:
    return InfeasibleModelError(
        "territory alignment", "disruption_cap", "balancing needs 12% moved", "raise", details
    )


def test_choose_relaxation_raises_the_cap_just_above_the_smallest_that_works() -> None:
    relax = report.choose_relaxation(_error(min_disruption=0.12), {"max_disruption": 0.0})
    assert relax.changes == {"max_disruption": (0.0, pytest.approx(0.13))}
    assert "at most 13.0% of accounts moved (asked: 0.0%)" in relax.sentence()


def test_choose_relaxation_widens_the_tolerance_when_the_cap_does_not_block() -> None:
    exc = _error(min_tolerance={"workload": 0.07, "potential": 0.09})
    relax = report.choose_relaxation(exc, {"tolerance": 0.05, "max_disruption": None})
    assert relax.changes == {"tolerance": (0.05, pytest.approx(0.10))}
    assert "±10.0% (asked: ±5.0%)" in relax.describe()


def test_choose_relaxation_otherwise_opens_every_rep_and_unlocks_regions() -> None:
    exc = InfeasibleModelError("territory alignment", "lock", "account A1 (lock)", "drop it", {})
    relax = report.choose_relaxation(exc, {"k_nearest": 3, "lock_regions": ["West"]})
    assert relax.changes == {"k_nearest": (3, None), "lock_regions": (["West"], [])}
    # A structural family's wording is replaced by a plain sentence (no "(lock)").
    assert "(lock)" not in relax.sentence() and "no region locked" in relax.sentence()


@pytest.mark.solver
def test_solve_or_relax_returns_the_result_and_the_relaxation_it_used() -> None:
    # Two reps at 0 and 1, four accounts all on R2: balancing to ±0 needs two moves.
    accounts, reps = line_company([0.0, 0.1, 0.9, 1.0], [0.0, 1.0], current=["R2"] * 4)
    solved = report.solve_or_relax(
        accounts,
        reps,
        balance=["accounts"],
        tolerance=0.0,
        max_disruption=0.0,
        k_nearest=None,
        time_limit=20,
    )
    assert solved.relaxation is not None
    asked, used = solved.relaxation.changes["max_disruption"]
    assert asked == 0.0 and used == pytest.approx(0.51)
    assert solved.options["max_disruption"] == pytest.approx(0.51)
    assert solved.result.status.is_ok
    assert sorted(solved.result.assignment.query("moved")["account_id"]) == ["A1", "A2"]


@pytest.mark.solver
def test_solve_or_relax_solves_as_asked_when_feasible() -> None:
    accounts, reps = line_company([0.0, 1.0], [0.0, 1.0], current=["R2", "R1"])
    solved = report.solve_or_relax(accounts, reps, tolerance=0.0, k_nearest=None)
    assert solved.relaxation is None
    assert solved.result.summary["accounts_moved"] == 2


@pytest.mark.solver
def test_all_pairs_gap_uses_the_bound_over_every_pair(tiny_company) -> None:
    acc, reps = tiny_company.accounts, tiny_company.reps
    full = align_territories(acc, reps, tolerance=0.15, max_disruption=0.4, k_nearest=None)
    assert report.all_pairs_gap(full, len(reps)) == (full.gap, report.ALL_PAIRS)
    pruned = align_territories(acc, reps, tolerance=0.15, max_disruption=0.4, k_nearest=2)
    assert pruned.pruning is not None
    gap, scope = report.all_pairs_gap(pruned, len(reps))
    assert scope == report.ALL_PAIRS and 0 <= gap < 1
    # The all-pairs bound can never exceed the best objective over every pair.
    bound = pruned.objective * (1 - gap)
    assert bound <= full.objective * (1 + 1e-6)
    # Without a pricing check the gap is stated for the candidates only, and said so.
    gap, scope = report.all_pairs_gap(replace(pruned, pruning=None), len(reps))
    assert scope == report.CANDIDATE_PAIRS
    sentence = report.gap_sentence({"territory.gap": gap, "territory.gap_scope": scope})
    assert "candidate pairs only" in sentence and "a better alignment over all pairs" in sentence


def test_gap_sentence_known_answers() -> None:
    ok = {"territory.gap": 0.0, "territory.gap_scope": report.ALL_PAIRS}
    assert report.gap_sentence(ok) == (
        "The alignment is proven optimal against all account-rep pairs."
    )
    tiny = {"territory.gap": 0.0002, "territory.gap_scope": report.ALL_PAIRS}
    assert "less than 0.1%" in report.gap_sentence(tiny)
    some = {"territory.gap": 0.0123, "territory.gap_scope": report.ALL_PAIRS}
    assert "within 1.2% of the best possible" in report.gap_sentence(some)


@pytest.mark.solver
def test_alignment_figures_on_the_tiny_company(tiny_company) -> None:
    solved = report.solve_or_relax(
        tiny_company.accounts,
        tiny_company.reps,
        tolerance=0.15,
        max_disruption=0.4,
        time_limit=20,
    )
    figures = report.alignment_figures(tiny_company, solved)
    assert figures["territory.gap_scope"] == report.ALL_PAIRS  # 8 reps, 20 candidates
    assert figures["territory.balance_cv_after"] < figures["overview.workload_cv_current"]
    a = solved.result.assignment
    w, d = a["workload"].to_numpy(), a["distance_km"].to_numpy()
    assert figures["territory.weighted_travel_after"] == pytest.approx((w * d).sum() / w.sum())
    # Weighted travel is the optimiser's objective over the total workload.
    assert figures["territory.weighted_travel_after"] == pytest.approx(
        solved.result.objective / w.sum(), rel=1e-6
    )
    change = figures["territory.weighted_travel_change"]
    assert change == pytest.approx(
        figures["territory.weighted_travel_after"] / figures["territory.weighted_travel_before"] - 1
    )
    changes = report.territory_changes(solved.result, tiny_company.reps)
    assert changes["accounts_in"].sum() == changes["accounts_out"].sum() == a["moved"].sum()
    assert figures["territory.reps_gaining"] == (changes["change"] == "gains").sum()
    for line in report.summary_sentences(figures, solved):
        assert _clean(line), line
    chain = report.chain_assignment(solved)
    assert {"account_id", "current_rep_id", "rep_id"} <= set(chain)
    assert (chain["rep_id"] == a["new_rep_id"]).all()


@pytest.mark.solver
def test_balance_only_alignment_without_geography(tiny_company) -> None:
    company = without_geography(tiny_company)
    solved = report.solve_or_relax(
        company.accounts,
        company.reps,
        travel=False,
        tolerance=0.15,
        max_disruption=0.4,
        time_limit=20,
    )
    assert not solved.travel and solved.result.status.is_ok
    figures = report.alignment_figures(company, solved)
    assert not any(k.startswith("territory.weighted_travel") for k in figures)
    assert figures["territory.balance_cv_after"] < figures["overview.workload_cv_current"]
    chain = report.chain_assignment(solved)
    assert "distance_km" not in chain and len(chain) == len(company.accounts)
    text = report.travel_sentence(figures, travel=False)
    assert "balances workload only" in text and "no travel term" in text
    # Balance-only moves the fewest accounts: its objective is the number moved.
    assert solved.result.objective == pytest.approx(figures["territory.accounts_moved"])


def test_territory_changes_known_answer() -> None:
    accounts, reps = line_company(
        [0.0, 0.1, 1.0], [0.0, 1.0], workload=[10.0, 10.0, 10.0], current=["R1", "R1", "R1"]
    )
    res = align_territories(
        accounts, reps, tolerance=0.5, k_nearest=None, balance=["workload"], time_limit=10
    )
    changes = report.territory_changes(res, reps.assign(rep_name=["Ann", "Bo"]))
    by = changes.set_index("rep_id")
    assert by.loc["R2", "change"] == "gains" and by.loc["R1", "change"] == "loses"
    assert pd.isna(by.loc["R2", "workload_change"])  # had nothing: no relative change (n/a)
    assert by.loc["R1", "workload_change"] == pytest.approx(-1 / 3)
    assert list(changes["rep_id"]) == ["R2", "R1"]  # largest gain first


def test_efficient_is_computed_on_proven_points_only() -> None:
    df = pd.DataFrame(
        {
            "status": ["feasible", "optimal", "optimal"],
            "proven": [False, True, True],
            "weighted_distance": [1.0, 5.0, 6.0],
            "workload_spread": [0.1, 0.2, 0.3],
            "accounts_moved_share": [0.1, 0.2, 0.3],
        }
    )
    # The unproven point would dominate both; it is neither efficient nor dominating.
    assert _efficient(df).tolist() == [False, True, False]


@pytest.mark.solver
def test_frontier_reuses_the_main_solve_at_its_settings() -> None:
    accounts, reps = line_company([0.0, 0.1, 0.2, 1.0], [0.0, 1.0], current=["R2"] * 4)
    opts = {"balance": ["accounts"], "weight": "none", "k_nearest": None}
    main = align_territories(accounts, reps, tolerance=1.0, max_disruption=0.75, **opts)
    front = tradeoff_frontier(
        accounts, reps, tolerances=[0.0, 1.0], max_disruptions=[0.75], main=main, **opts
    )
    row = front.set_index("tolerance").loc[1.0]
    assert bool(row["from_main"]) and row["objective"] == pytest.approx(main.objective)
    assert front["proven"].all()
    sentence = report.frontier_sentence(front, 0.005)
    assert sentence.startswith("2 of 2 grid points were solved to within 0.5%")


def test_frontier_sentence_marks_unproven_points() -> None:
    sweep = pd.DataFrame(
        {
            "tolerance": [0.1, 0.15],
            "max_disruption": [0.2, 0.2],
            "status": ["feasible", "feasible"],
            "proven": [False, False],
            "efficient": [False, False],
            "weighted_travel_km": [100.0, 90.0],
        }
    )
    text = report.frontier_sentence(sweep, 0.01, report.CANDIDATE_PAIRS)
    assert "0 of 2 grid points" in text and "the candidate pairs only" in text
    assert "2 stopped short of it and were drawn hollow" in text
    assert text.endswith("so no point is called efficient.")
    table = report.frontier_table(sweep)
    assert set(table["result"]) == {"not proven"}


def test_frontier_grid_starts_with_the_main_settings() -> None:
    assert report.frontier_grid(0.1, 0.2, 2) == ([0.1, 0.15], [0.2, 0.3])
    assert report.frontier_grid(0.1, None, 3) == ([0.1, 0.15, 0.2], [None, 0.75, 1.0])
    assert report.frontier_grid(0.1, 0.2, 1) == ([0.1], [0.2])


def test_green_field_is_skipped_with_too_few_locations() -> None:
    accounts, _ = line_company([0.0, 0.0, 1.0, 1.0, 2.0], [0.0])
    skipped = report.green_field_skip(accounts, 8, travel=True)
    assert skipped.sentence() == (
        "The green-field sketch is not shown: the accounts sit at 3 distinct locations, "
        "fewer than the 8 territories to centre; it needs at least one distinct account "
        "location per territory."
    )
    assert report.green_field_skip(accounts, 3, travel=True) is None
    assert "no locations" in report.green_field_skip(accounts, 3, travel=False).sentence()


def test_band_sentence_names_the_furthest_territory() -> None:
    accounts, reps = line_company([0.0, 1.0, 1.1], [0.0, 1.0], current=["R1", "R2", "R2"])
    res = align_territories(accounts, reps, tolerance=0.5, balance=["accounts"], k_nearest=None)
    text = report.band_sentence(res, "accounts")
    assert "furthest from its target" in text and "of 2 territories" in text
    assert np.isfinite(res.territories["deviation_accounts"]).all()


def test_frontier_chart_draws_unproven_points_hollow_and_says_so() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spm_models.territory import plots as tplots

    sweep = pd.DataFrame(
        {
            "tolerance": [0.1, 0.15],
            "max_disruption": [0.2, 0.2],
            "status": ["optimal", "feasible"],
            "proven": [True, False],
            "workload_spread": [0.2, 0.18],
            "weighted_travel_km": [500.0, 450.0],
        }
    )
    fig = tplots.plot_frontier(sweep)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["±10.0%, 20.0% moved", "±15.0%, 20.0% moved, not proven"]
    faces = [c.get_facecolor()[0][:3] for c in ax.collections if len(c.get_offsets())]
    assert tuple(faces[1]) == (1.0, 1.0, 1.0)  # hollow
    assert tuple(faces[0]) != (1.0, 1.0, 1.0)
    assert "weighted travel" in ax.get_ylabel()
    plt.close(fig)


def test_balance_sentence_known_answers() -> None:
    figures = {
        "territory.tolerance": 0.1,
        "territory.balance_cv_after": 0.2,
        "overview.workload_cv_current": 0.45,
    }
    text = report.balance_sentence(figures, "accounts")
    assert text.startswith("Workload spread falls from 45.0% today to 20.0%; every territory's")
    assert "number of accounts is held within ±10.0% of its target" in text
    del figures["overview.workload_cv_current"]
    assert report.balance_sentence(figures, "workload").startswith(
        "Workload spread after realignment is 20.0%"
    )


@pytest.mark.solver
def test_frontier_points_start_from_the_main_answer_and_are_never_worse(tiny_company) -> None:
    acc, reps = tiny_company.accounts, tiny_company.reps
    opts = {"balance": ["workload"], "k_nearest": 20}
    main = align_territories(
        acc, reps, tolerance=0.10, max_disruption=0.3, time_limit=20, mip_gap=0.01, **opts
    )
    # Looser settings with almost no time: the warm start keeps them at least as good.
    front = tradeoff_frontier(
        acc,
        reps,
        tolerances=[0.10, 0.15],
        max_disruptions=[0.3, 0.45],
        time_limit=1.0,
        mip_gap=0.01,
        main=main,
        **opts,
    )
    assert front["from_main"].sum() == 1
    assert (front["objective"] <= main.objective * (1 + 1e-9)).all()


def test_start_vector_rejects_an_infeasible_or_incomplete_start() -> None:
    from spm_models.territory.alignment import start_vector
    from spm_models.territory.inputs import prepare_alignment
    from spm_models.territory.model import build_alignment

    accounts, reps = line_company([0.0, 1.0], [0.0, 1.0], current=["R1", "R2"])
    inputs = prepare_alignment(accounts, reps, tolerance=0.0, k_nearest=None)
    model = build_alignment(inputs)
    ok = start_vector(inputs, model, pd.Series({"A1": "R1", "A2": "R2"}))
    assert ok is not None and model.linear.evaluate(ok) == pytest.approx(0.0)
    # Both accounts on one rep breaks the exact balance; a missing account is no start.
    assert start_vector(inputs, model, pd.Series({"A1": "R1", "A2": "R1"})) is None
    assert start_vector(inputs, model, pd.Series({"A1": "R1"})) is None


def test_green_field_infeasible_is_one_plain_sentence() -> None:
    exc = InfeasibleModelError(
        "green-field centres",
        "capacity",
        "60 territories of at most 1,013 workload cannot take every cluster "
        "(the largest cluster has 3,829)",
    )
    assert report.green_field_infeasible(exc).sentence() == (
        "The green-field sketch is not shown: 60 territories of at most 1,013 workload cannot "
        "take every cluster (the largest cluster has 3,829); it works on clusters of accounts, "
        "and a cluster cannot be split between territories while the alignment above splits "
        "accounts freely."
    )
