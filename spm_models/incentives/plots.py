"""Charts of incentive plans: payout curves, cost distributions, plan comparisons, statements.

Each function takes a result and ``*, ax=None`` and returns the Figure; matplotlib (and
ipywidgets for :func:`plan_explorer`) are imported only when a chart is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import numpy as np
import pandas as pd

from spm_models.figures import figure_axes
from spm_models.incentives.cost import AttainmentSimulation, PlanComparison, plan_cost
from spm_models.incentives.engine import PayoutResult
from spm_models.incentives.plan import Plan
from spm_models.registry import format_value

_axes = partial(figure_axes, default=(7.5, 4.2))


def _usd(x: float, _pos=None) -> str:
    if abs(x) >= 1e6:
        return f"${x / 1e6:,.1f}M"
    if abs(x) >= 1e3:
        return f"${x / 1e3:,.0f}K"
    return f"${x:,.0f}"


def _name(plan_id: str, names: Mapping[str, str] | None) -> str:
    """The plan's name for a legend (its id when no name is given)."""
    return (names or {}).get(plan_id, plan_id)


def plot_payout_curves(
    comparison: PlanComparison, *, names: Mapping[str, str] | None = None, ax=None
):
    """Payout as a multiple of target incentive against attainment, one line per plan."""
    from matplotlib.ticker import PercentFormatter

    fig, ax = _axes(ax)
    for pid, rows in comparison.curves.groupby("plan_id", sort=False):
        ax.plot(rows["attainment"], rows["payout_pct_of_target"], label=_name(pid, names), lw=2)
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("Attainment (% of annual quota)")
    ax.set_ylabel("Annual incentive (% of target incentive)")
    ax.set_title("Payout curve per plan")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    ax.grid(alpha=0.3)
    return fig


def plot_cost_distribution(
    comparison: PlanComparison, *, names: Mapping[str, str] | None = None, ax=None
):
    """Distribution of the team's annual incentive cost per plan, with the target cost."""
    fig, ax = _axes(ax)
    costs = comparison.costs
    lo = min(c.total_cost.min() for c in costs.values())
    hi = max(c.total_cost.max() for c in costs.values())
    bins = np.linspace(lo, hi if hi > lo else lo + 1, 40)
    for pid, c in costs.items():
        ax.hist(
            c.total_cost,
            bins=bins,
            alpha=0.5,
            label=f"{_name(pid, names)} (mean {format_value(c.total_cost.mean(), 'usd')})",
        )
    target = next(iter(costs.values())).target_cost
    ax.axvline(
        target, color="black", ls="--", lw=1, label=f"target cost {format_value(target, 'usd')}"
    )
    ax.xaxis.set_major_formatter(_usd)
    ax.set_xlabel("Total incentive cost of the team per year (USD)")
    ax.set_ylabel("Simulated years")
    ax.set_title("Incentive cost distribution")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    return fig


def plot_cost_of_sales(
    comparison: PlanComparison, *, names: Mapping[str, str] | None = None, ax=None
):
    """Cost of sales (incentive cost / bookings) against team attainment, per simulated year."""
    from matplotlib.ticker import PercentFormatter

    fig, ax = _axes(ax)
    for pid, c in comparison.costs.items():
        points = ax.scatter(
            c.mean_attainment, c.cost_of_sales, s=6, alpha=0.3, label=_name(pid, names)
        )
        # the trend: mean cost of sales within attainment bands of equal count
        n_bins = int(min(12, max(len(c.mean_attainment) // 25, 2)))
        bands = pd.qcut(c.mean_attainment, n_bins, duplicates="drop")
        trend = pd.DataFrame({"att": c.mean_attainment, "cos": c.cost_of_sales, "band": bands})
        trend = trend.groupby("band", observed=True)[["att", "cos"]].mean()
        ax.plot(trend["att"], trend["cos"], "o-", lw=2, color=points.get_facecolor()[0][:3])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlabel("Team attainment in the simulated year (% of quota)")
    ax.set_ylabel("Cost of sales (incentive / bookings)")
    ax.set_title("Cost of sales against attainment (dots: simulated years; line: band means)")
    ax.legend(
        markerscale=3,
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.15),
        ncol=2,
        frameon=False,
    )
    ax.grid(alpha=0.3)
    return fig


def plot_plan_comparison(
    comparison: PlanComparison, *, names: Mapping[str, str] | None = None, ax=None
):
    """Plan A against plan B: 10th, 50th and 90th percentile of annual cost, side by side."""
    fig, ax = _axes(ax)
    table = comparison.table.set_index("plan_id")
    stats = ["cost_p10", "cost_p50", "cost_p90"]
    stat_labels = ["P10 (weak year)", "median", "P90 (strong year)"]
    x = np.arange(len(stats))
    width = 0.8 / max(len(table), 1)
    for i, (pid, row) in enumerate(table.iterrows()):
        values = [row[s] for s in stats]
        bars = ax.bar(x + i * width - 0.4 + width / 2, values, width, label=_name(pid, names))
        ax.bar_label(bars, labels=[format_value(v, "usd") for v in values], fontsize=7)
    ax.set_xticks(x, stat_labels)
    ax.set_ylim(0, float(table[stats].to_numpy().max()) * 1.12)
    ax.yaxis.set_major_formatter(_usd)
    ax.set_ylabel("Total incentive cost per year (USD)")
    ax.set_title("Plan comparison on the same simulated attainment")
    # Below the axes, so that the legend never covers a bar's value label.
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    return fig


def plot_statement(result: PayoutResult, rep_id: str, *, name: str | None = None, ax=None):
    """One rep's statement by period: commission, clawback, SPIF, and the amount paid.

    ``name`` is the rep's name for the title (default the id).
    """
    fig, ax = _axes(ax)
    st = result.statements[result.statements["rep_id"] == rep_id]
    x = np.arange(len(st))
    parts = [
        ("commission_cents", "commission"),
        ("clawback_cents", "clawback"),
        ("spif_cents", "SPIF"),
    ]
    pos = np.zeros(len(st))
    neg = np.zeros(len(st))
    for col, label in parts:
        v = st[col].to_numpy(dtype=float) / 100
        bottom = np.where(v >= 0, pos, neg)
        ax.bar(x, v, 0.6, bottom=bottom, label=label)
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    paid = st["paid_cents"].to_numpy(dtype=float) / 100
    ax.plot(x, paid, "ko-", label="paid")
    ax.axhline(0, color="grey", lw=0.8)
    top = max(float(pos.max(initial=0)), float(paid.max(initial=0)), 1.0)
    bottom = min(float(neg.min(initial=0)), float(paid.min(initial=0)), 0.0)
    ax.set_ylim(bottom * 1.12, top * 1.12)
    ax.set_xticks(x, st["period"].astype(str), rotation=45 if len(st) > 6 else 0)
    ax.yaxis.set_major_formatter(_usd)
    ax.set_ylabel("USD per period")
    ax.set_title(f"Payout statement of {name or rep_id}")
    # Below the axes, so that the legend never covers a bar or the paid line.
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, frameon=False)
    return fig


def plan_explorer(
    plan: Plan,
    simulation: AttainmentSimulation,
    *,
    quotas: float | Sequence[float] | np.ndarray,
):
    """Widgets to edit a plan's rates, accelerator and cap and watch its cost move.

    Returns an ``ipywidgets.VBox`` (sliders, a summary line, the charts); each change
    recomputes the payout curve and the cost distribution on the same simulated attainment.
    """
    import io

    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from spm_models.incentives.cost import compare_plans
    from spm_models.incentives.plan import adjust_plan

    rate = widgets.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.05, description="rate x")
    accel = widgets.FloatSlider(value=1.5, min=1.0, max=3.0, step=0.1, description="accelerator")
    cap = widgets.FloatSlider(value=3.0, min=0.0, max=5.0, step=0.25, description="cap x TI")
    # An image widget rather than an Output widget: it renders the same in JupyterLab and in
    # headless runs, and needs no output capture.
    chart = widgets.Image(format="png")
    summary = widgets.HTML()
    baseline = plan_cost(plan, simulation, quotas=quotas)

    def redraw(_change=None) -> None:
        variant = adjust_plan(
            plan,
            rate_scale=rate.value,
            accelerator=accel.value,
            cap_multiple=cap.value,
            plan_id=f"{plan.id} (edited)",
        )
        cmp = compare_plans([plan, variant], simulation, quotas=quotas)
        fig, axes = plt.subplots(1, 2, figsize=(12, 4))
        plot_payout_curves(cmp, ax=axes[0])
        plot_cost_distribution(cmp, ax=axes[1])
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        plt.close(fig)
        chart.value = buf.getvalue()
        edited = cmp.costs[variant.id].summary
        summary.value = (
            f"Edited plan: expected cost <b>{_usd(edited['expected_cost'])}</b> "
            f"(current {_usd(baseline.summary['expected_cost'])}), cost of sales "
            f"<b>{edited['expected_cost_of_sales']:.2%}</b>, P90 rep payout "
            f"<b>{_usd(edited['p90_payout'])}</b> ({edited['p90_multiple']:.2f}x target)"
        )

    for w in (rate, accel, cap):
        w.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([rate, accel, cap]), summary, chart])


__all__ = [
    "plan_explorer",
    "plot_cost_distribution",
    "plot_cost_of_sales",
    "plot_payout_curves",
    "plot_plan_comparison",
    "plot_statement",
]
