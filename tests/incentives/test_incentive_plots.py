"""Charts and the interactive plan explorer draw what they say."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from spm_models import config
from spm_models.incentives import (
    compare_plans,
    compute_payouts,
    load_plans,
    simulate_attainment,
)
from spm_models.incentives import plots as incentive_plots

from .helpers import assignment, commission_measure, credit, frame, make_plan

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def comparison():
    plans = load_plans(
        [config.PROJECT_ROOT / "plans" / f"{p}.yaml" for p in ("ae_standard", "ae_accelerated")]
    )
    sim = simulate_attainment(10, 200, sd=0.3, seed=3)
    return compare_plans(list(plans.values()), sim, quotas=1_000_000), sim, plans


def test_comparison_charts(comparison) -> None:
    import matplotlib.pyplot as plt

    cmp, _, _ = comparison
    fig = incentive_plots.plot_payout_curves(cmp)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 2 + 2  # two plans and the two reference lines
    assert "attainment" in ax.get_xlabel().lower() and ax.get_title()
    fig2 = incentive_plots.plot_cost_distribution(cmp)
    assert "USD" in fig2.axes[0].get_xlabel()
    fig3 = incentive_plots.plot_cost_of_sales(cmp)
    assert fig3.axes[0].get_title().startswith("Cost of sales")
    fig4 = incentive_plots.plot_plan_comparison(cmp)
    assert len(fig4.axes[0].patches) == 6  # 3 statistics x 2 plans
    plt.close("all")


def test_statement_chart_and_axes_reuse() -> None:
    import matplotlib.pyplot as plt

    plan = make_plan([commission_measure([{"from": 0, "rate": 0.1}])])
    res = compute_payouts(plan, frame([assignment()]), frame([credit("D1", 1000, "2027-01-05")]))
    fig, ax = plt.subplots()
    out = incentive_plots.plot_statement(res, "R1", ax=ax)
    assert out is fig
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(100.0)
    plt.close("all")


def test_plan_explorer_recomputes_when_a_slider_moves(comparison) -> None:
    _, sim, plans = comparison
    box = incentive_plots.plan_explorer(plans["ae_standard"], sim, quotas=1_000_000)
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["rate x", "accelerator", "cap x TI"]
    summary = box.children[1]
    before = summary.value
    assert "Edited plan: expected cost" in before
    sliders[0].value = 1.3  # 30% higher rates cost more
    after = summary.value
    assert after != before
    scale = {"K": 1e3, "M": 1e6}
    money = [t.split("<b>$")[1].split("</b>")[0] for t in (before, after)]
    cost = [float(m.rstrip("KM").replace(",", "")) * scale.get(m[-1], 1) for m in money]
    assert cost[1] > cost[0]
    assert np.isfinite(sliders[1].value)
