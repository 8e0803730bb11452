"""Charts carry titles, units and the data they are given."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from spm_models.capacity import (
    CapacityAssumptions,
    capacity_sensitivity,
    capacity_waterfall,
    plan_hiring,
    simulate_capacity,
)
from spm_models.capacity import plots as cplots
from spm_models.quota import fair_quotas, simulate_attainment
from spm_models.quota import plots as qplots
from spm_models.registry import format_figure

START = pd.Timestamp("2027-01-01")
ROSTER = pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "tenure_months": [24, 2, 0], "fte": 1.0})


def test_capacity_chart_uses_given_axes_and_data() -> None:
    res = simulate_capacity(ROSTER, CapacityAssumptions(), plan_start=START, targets=400_000)
    fig, ax = plt.subplots()
    assert cplots.plot_capacity(res, ax=ax) is fig
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx((res.monthly["bookings_capacity"] / 1e6).tolist())
    assert "($M)" in ax.get_ylabel()
    assert "against target" in ax.get_title()
    plt.close(fig)


def test_waterfall_tornado_and_hiring_charts() -> None:
    a = CapacityAssumptions()
    w = capacity_waterfall(ROSTER, a, plan_start=START, hires=[1] * 12)
    fig = cplots.plot_waterfall(w)
    assert len(fig.axes[0].patches) == len(w)
    assert "waterfall" in fig.axes[0].get_title().lower()
    s = capacity_sensitivity(ROSTER, a, plan_start=START, hires=[1] * 12)
    fig2 = cplots.plot_tornado(s)
    labels = [t.get_text() for t in fig2.axes[0].get_yticklabels()]
    assert labels[-1] == s.table["label"].iloc[0]  # widest bar on top
    plan = plan_hiring(ROSTER, a, plan_start=START, targets=[200e3, 300e3, 300e3, 300e3])
    fig3 = cplots.plot_hiring_plan(plan)
    assert str(plan.total_hires) in fig3.axes[0].get_title()
    plt.close("all")


def test_quota_charts() -> None:
    t = pd.DataFrame(
        {
            "rep_id": ["A", "B", "C"],
            "potential": [100.0, 200.0, 300.0],
            "trailing_bookings": [10.0, 30.0, 20.0],
        }
    )
    fair = fair_quotas(t, 66.0)
    fig = qplots.plot_quota_vs_potential(fair)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Territory potential ($M)"
    assert "±" in " ".join(text.get_text() for text in ax.get_legend().get_texts())
    q = pd.DataFrame({"rep_id": ["A", "B"], "quota": [100.0, 100.0]})
    e = pd.DataFrame({"rep_id": ["A", "B"], "expected_bookings": [90.0, 120.0], "cv": 0.2})
    att = simulate_attainment(q, e, n_sims=300)
    fig2 = qplots.plot_attainment_distribution(att)
    counts = sum(p.get_height() for p in fig2.axes[0].patches)
    assert counts == 600
    assert format_figure("quota.expected_share_at_or_above", att.expected_share) in (
        fig2.axes[0].get_title()
    )
    methods = pd.DataFrame(
        {
            "region": ["E", "W", "E", "W"],
            "method": ["even", "even", "fair", "fair"],
            "quota": [1e6, 2e6, 1.5e6, 1.5e6],
        }
    )
    fig3 = qplots.plot_method_comparison(methods)
    assert np.isclose(sorted(p.get_height() for p in fig3.axes[0].patches), [1, 1.5, 1.5, 2]).all()
    plt.close("all")
