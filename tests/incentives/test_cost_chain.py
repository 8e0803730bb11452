"""The incentive cost on exactly the issued quotas and the quota page's simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models import config
from spm_models.errors import InputDataError
from spm_models.incentives import compare_plans, load_plan
from spm_models.incentives import report as incentive_report
from spm_models.incentives.cost import (
    comparison_figures,
    cost_sentences,
    recommend_plan,
)
from spm_models.incentives.from_company import (
    plan_quotas,
    replay_skipped,
    seat_attainment,
    seat_quotas,
    share_at_or_above,
)
from spm_models.skipped import Skipped
from tests.incentives.helpers import commission_measure, make_plan
from tests.messy import short_history


@pytest.fixture(scope="module")
def standard():
    return load_plan(config.PLANS_DIR / "ae_standard.yaml")


@pytest.fixture(scope="module")
def accelerated():
    return load_plan(config.PLANS_DIR / "ae_accelerated.yaml")


def _issued(tiny_company) -> pd.DataFrame:
    reps = tiny_company.reps
    out = pd.DataFrame(
        {
            "rep_id": reps["rep_id"],
            "rep_name": reps["rep_name"],
            "status": reps["status"],
            "quota": np.linspace(100_000, 800_000, len(reps)),
        }
    )
    out.loc[0, "quota"] = 0.0  # a seat without quota is not costed
    return pd.concat(
        [
            out,
            pd.DataFrame(
                [{"rep_id": "V9", "rep_name": "Vacant", "status": "vacant", "quota": 250_000.0}]
            ),
        ],
        ignore_index=True,
    )


def test_seats_are_exactly_the_issued_quotas(tiny_company, standard) -> None:
    issued = _issued(tiny_company)
    seats = seat_quotas(tiny_company, standard, issued, growth=0.1)
    assert list(seats["rep_id"]) == list(issued.loc[issued["quota"] > 0, "rep_id"])
    assert seats["quota_new_business"].sum() == pytest.approx(issued["quota"].sum())
    assert seats.attrs["bookings_measure"] == "new_business"
    # renewals: a rep's renewal bookings over the last 12 months x 1.1
    b = tiny_company.bookings
    end = tiny_company.as_of.to_period("M").to_timestamp()
    recent = b[(b["period"] > end - pd.DateOffset(months=12)) & (b["booking_type"] == "renewal")]
    rep = seats["rep_id"].iloc[1]
    expected = round(recent.loc[recent["rep_id"] == rep, "amount"].sum() * 1.1, -2)
    got = seats.set_index("rep_id").loc[rep, "quota_renewals"]
    assert got == pytest.approx(expected)
    # a vacant seat has no renewals of its own: it takes the median of the others
    others = seats.loc[seats["rep_id"] != "V9", "quota_renewals"]
    assert seats.set_index("rep_id").loc["V9", "quota_renewals"] == pytest.approx(
        round(others.median(), -2), abs=100
    )
    assert np.allclose(seats["annual_quota"], seats["quota_new_business"] + seats["quota_renewals"])


def test_a_plan_without_a_bookings_measure_is_skipped(tiny_company) -> None:
    plan = make_plan([commission_measure([{"from": 0, "rate": 0.1}], mid="x")])
    plan_renewals = make_plan(
        [
            {
                **commission_measure([{"from": 0, "rate": 0.1}], mid="x"),
                "credits": {"measures": ["renewal"]},
            }
        ]
    )
    for p in (plan, plan_renewals):
        result = seat_quotas(tiny_company, p, _issued(tiny_company))
        assert isinstance(result, Skipped) or "quota_x" in result.columns
    result = seat_quotas(tiny_company, plan_renewals, _issued(tiny_company))
    assert isinstance(result, Skipped)
    assert "no measure on new and expansion bookings" in result.sentence()
    with pytest.raises(ValueError, match="growth"):
        seat_quotas(tiny_company, plan, _issued(tiny_company), growth=-1.0)


def test_seat_attainment_takes_the_quota_simulation() -> None:
    draws = pd.DataFrame({"A": [0.5, 1.5, 1.0], "B": [2.0, 0.0, 1.2]})
    sim = seat_attainment(draws, ["B", "A", "V"], seed=1)
    assert sim.attainment.shape == (3, 3)
    assert np.array_equal(sim.attainment[:, 0], draws["B"].to_numpy())
    assert np.array_equal(sim.attainment[:, 1], draws["A"].to_numpy())
    # the seat the simulation did not cover takes, each year, a simulated rep's attainment
    for row in range(3):
        assert sim.attainment[row, 2] in (draws["A"].iloc[row], draws["B"].iloc[row])
    assert sim.params["seats_drawn_from_others"] == 1
    assert share_at_or_above(draws) == pytest.approx((0.5 + 0.5 + 1.0) / 3)
    with pytest.raises(ValueError, match="draws"):
        seat_attainment(pd.DataFrame(), ["A"])


def test_recommendation_prefers_the_usual_upside_band() -> None:
    table = pd.DataFrame(
        {
            "plan_id": ["a", "b"],
            "expected_cost_of_sales": [0.05, 0.04],
            "p90_multiple": [2.5, 1.2],
        }
    )
    assert recommend_plan(table) == "a"  # b is cheaper but pays too little upside
    assert recommend_plan(table.assign(p90_multiple=[1.0, 1.1])) == "b"
    assert recommend_plan(table.assign(p90_multiple=[2.2, 2.4])) == "b"
    with pytest.raises(ValueError, match="at least one plan"):
        recommend_plan(table.iloc[:0])


def test_comparison_figures_and_sentences(tiny_company, standard, accelerated) -> None:
    issued = _issued(tiny_company)
    seats = seat_quotas(tiny_company, standard, issued)
    draws = pd.DataFrame(
        np.random.default_rng(3).lognormal(0, 0.3, (200, 4)),
        columns=list(seats["rep_id"].iloc[:4]),
    )
    sim = seat_attainment(draws, seats["rep_id"].tolist())
    cmp = compare_plans([standard, accelerated], sim, quotas=seats)
    names = {standard.id: standard.name, accelerated.id: accelerated.name}
    figures = comparison_figures(cmp, standard.id, accelerated.id, names)
    assert figures["incentives.plan_a"] == standard.name
    assert figures["incentives.total_cost"] == pytest.approx(
        cmp.costs[standard.id].total_cost.mean()
    )
    assert figures["incentives.cost_p10"] <= figures["incentives.total_cost"]
    assert figures["incentives.recommended_plan"] in names.values()
    assert all(isinstance(v, str) or np.isfinite(v) for v in figures.values())
    text = " ".join(cost_sentences(figures))
    for bad in ("nan", "None", "inf", standard.id):
        assert bad not in text
    assert "Recommended:" in text
    curve = incentive_report.curve_sentence(cmp, names)
    assert curve.startswith("On Account Executive") and "100.0% at quota" in curve


def test_no_invented_quota_without_a_prior_year(tiny_company, standard) -> None:
    short = short_history(tiny_company, 10)
    year = short.plan_year
    with pytest.raises(InputDataError, match="no 2026 quota can be derived"):
        plan_quotas(short, standard, year - 1)
    skipped = replay_skipped(short, standard, year - 1)
    assert "10 month(s)" in skipped.sentence()
    assert replay_skipped(tiny_company, standard, tiny_company.plan_year - 1) is None


def test_basis_from_the_quota_page_or_computed_here(tiny_company) -> None:
    issued = _issued(tiny_company)
    draws = pd.DataFrame({"R001": [0.9, 1.1]})
    basis = incentive_report.quota_basis(tiny_company, issued, draws)
    assert basis.from_quota_page and basis.total == pytest.approx(issued["quota"].sum())
    assert "quota page's issued quotas" in incentive_report.basis_sentence(basis, 8, 0.1)
    here = incentive_report.quota_basis(tiny_company, None, None, n_sims=50)
    assert not here.from_quota_page and here.draws.shape[0] == 50
    text = incentive_report.basis_sentence(here, len(here.issued), 0.1)
    assert "no quota page" in text and "today's territories" in text and "+10.0%" in text


def test_statement_and_trace_read_without_python_reprs() -> None:
    trace = pd.DataFrame(
        {
            "component": ["new_business", "plan"],
            "step": ["ytd_credit", "ytd_earned"],
            "rule": ["sum of credit lines, measure in ['new', 'expansion']", "all"],
            "base": [None, "100.5"],
            "rate": [None, "1.50041343"],
            "result": ["50263.85", None],
        }
    )
    rows = incentive_report.trace_rows(trace)
    assert rows.iloc[0].tolist() == [
        "new business",
        "ytd credit",
        "sum of credit lines, measure in new, expansion",
        "",
        "",
        "$50,263.85",
    ]
    assert rows.iloc[1][["base", "rate", "result"]].tolist() == ["$100.50", "1.5004", ""]
    st = pd.DataFrame(
        {
            "period": ["2026-Q1"],
            **{f"{c}_cents": [-12345] for c in incentive_report.STATEMENT_COLUMNS},
        }
    )
    assert incentive_report.statement_rows(st).iloc[0].tolist() == ["2026-Q1"] + ["-$123.45"] * 7


def test_plan_summary_names_measures_not_ids(standard) -> None:
    text = incentive_report.plan_summary(standard)
    assert text.startswith("**Account Executive, standard (FY2027)** (2027, paid quarterly")
    assert "`ae_standard`" not in text and "new_business" not in text
    assert "only if New and expansion ARR reaches 50% attainment" in text


def test_charts_name_plans_and_keep_legends_off_the_bars(tiny_company, standard, accelerated):
    import matplotlib.pyplot as plt

    from spm_models.incentives import plots as incentive_plots

    seats = seat_quotas(tiny_company, standard, _issued(tiny_company))
    draws = pd.DataFrame({"R002": [0.8, 1.2, 1.0]})
    sim = seat_attainment(draws, seats["rep_id"].tolist())
    cmp = compare_plans([standard, accelerated], sim, quotas=seats)
    names = {standard.id: "Current", accelerated.id: "Proposed"}
    fig = incentive_plots.plot_plan_comparison(cmp, names=names)
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Current", "Proposed"]
    assert legend.get_bbox_to_anchor().y0 < fig.axes[0].get_window_extent().y0  # below the axes
    plt.close(fig)


def test_issued_quotas_without_draws_are_simulated_here_on_those_quotas(tiny_company) -> None:
    issued = _issued(tiny_company)
    basis = incentive_report.quota_basis(tiny_company, issued, None, n_sims=80, seed=3)
    assert basis.from_quota_page and not basis.draws_from_quota_page
    assert basis.total == pytest.approx(issued["quota"].sum())
    staffed = issued.loc[(issued["status"] != "vacant") & (issued["quota"] > 0), "rep_id"]
    assert list(basis.draws.columns) == list(staffed) and len(basis.draws) == 80
    text = incentive_report.basis_sentence(basis, 8, 0.1)
    assert "run here the same way on those quotas" in text
