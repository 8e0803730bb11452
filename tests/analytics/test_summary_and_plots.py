"""Headline metrics, the executive-summary finding and every chart."""

from __future__ import annotations

import matplotlib
import pytest

from spm_models import analytics
from spm_models.analytics import plots
from spm_models.analytics.summary import performance_finding, performance_metrics
from spm_models.registry import format_figure

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def results(tiny_company):
    att = analytics.attainment_and_pace(tiny_company, period_end="2026-12-31", today="2026-11-15")
    market = analytics.market_view(tiny_company, k=3, seed=0)
    win = analytics.evaluate_win_model(tiny_company.closed_opportunities, n_repeats=1)
    churn = analytics.evaluate_churn_model(tiny_company, n_repeats=1)
    return att, market, win, churn


def test_metrics_carry_the_headline_figures(results) -> None:
    att, market, win, churn = results
    m = performance_metrics(att, market, churn, win=win)
    assert m["analytics.share_on_pace"] == att.share_on_pace
    assert m["analytics.win_model_auc"] == win.model_report.auc
    assert m["analytics.stage_rate_auc"] == win.stage_report.auc
    assert m["analytics.churn_auc"] == churn.model_report.auc
    assert m["analytics.whitespace_total"] == pytest.approx(market.whitespace_total)
    assert "analytics.pipeline_expected_value" not in m
    assert "analytics.win_model_auc" not in performance_metrics(att, market)


def test_finding_is_written_from_the_figures() -> None:
    assert performance_finding({"overview.accounts": 400}) is None
    text = performance_finding(
        {
            "analytics.share_on_pace": 0.5,
            "analytics.attainment_to_date": 0.7,
            "analytics.expected_to_date": 0.75,
            "analytics.share_at_or_above_quota": 0.4,
            "analytics.whitespace_total": 9.0e8,
            "analytics.uncovered_whitespace": 6.0e7,
            "analytics.win_model_auc": 0.81,
            "analytics.stage_rate_auc": 0.7,
        }
    )
    assert text.startswith("**Performance**: 50.0% of reps are on pace (70.0% of quota booked")
    assert (
        "40.0% are projected to finish at or above quota, below the healthy 55.0%–65.0% band"
        in text
    )
    assert "$900.00M a year, $60.00M of it uncovered" in text
    assert "AUC 0.81 against 0.70" in text
    for name in ("analytics.share_on_pace", "analytics.whitespace_total"):
        assert format_figure(name, {"analytics.share_on_pace": 0.5}.get(name, 9.0e8)) in text
    leaky = performance_finding(
        {
            "analytics.share_on_pace": 0.5,
            "analytics.win_model_auc": 0.999,
            "analytics.stage_rate_auc": 0.7,
            "analytics.win_model_verdict": "likely leakage",
        }
    )
    assert "likely leakage" in leaky and "AUC" not in leaky
    losing = performance_finding(
        {
            "analytics.share_on_pace": 0.5,
            "analytics.win_model_auc": 0.6,
            "analytics.stage_rate_auc": 0.7,
            "analytics.win_model_verdict": "does not beat the baseline",
        }
    )
    assert "does not beat stage win rates and is not used" in losing
    assert performance_finding({"analytics.share_on_pace": float("nan")}) is None
    inside = performance_finding(
        {"analytics.share_on_pace": 0.6, "analytics.share_at_or_above_quota": 0.6}
    )
    assert "inside the healthy" in inside


def test_every_chart_has_a_title_and_draws_on_given_axes(results) -> None:
    import matplotlib.pyplot as plt

    att, market, win, churn = results
    figures = [
        plots.plot_pace_quadrant(att),
        plots.plot_attainment_distribution(att),
        plots.plot_rollup(att, by="region"),
        plots.plot_rollup(att, by="team"),
        plots.plot_whitespace_map(market),
        plots.plot_whitespace_by(market, by="territory"),
        plots.plot_whitespace_by(market, by="cluster"),
        plots.plot_calibration(win),
        plots.plot_lift(win),
        plots.plot_importance(win),
        plots.plot_calibration(churn),
        plots.plot_lift(churn),
        plots.plot_top_risk(churn, top=5),
    ]
    for fig in figures:
        assert fig.axes[0].get_title()
        plt.close(fig)
    fig, ax = plt.subplots()
    assert plots.plot_lift(win, ax=ax) is fig
    assert "on pace" in plots.plot_pace_quadrant(att).axes[0].get_title()
    plt.close("all")
