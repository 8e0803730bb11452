"""Charts of capacity plans. matplotlib is imported lazily, inside each function."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spm_models.figures import figure_axes
from spm_models.registry import format_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from spm_models.capacity.headcount import CapacityResult
    from spm_models.capacity.hiring import HiringPlan
    from spm_models.capacity.sensitivity import SensitivityResult


_axes = partial(figure_axes, default=(9, 5))


def plot_capacity(result: CapacityResult, *, ax: Axes | None = None) -> Figure:
    """Monthly bookings capacity against target, with headcount on a second axis."""
    fig, ax = _axes(ax)
    m = result.monthly
    labels = [p.strftime("%b %y") for p in m["period"]]
    x = np.arange(len(m))
    ax.bar(x, m["bookings_capacity"] / 1e6, color="tab:blue", alpha=0.8, label="bookings capacity")
    if (m["target"] > 0).any():
        ax.step(x, m["target"] / 1e6, where="mid", color="black", lw=1.5, label="bookings target")
    ax.set_xticks(x, labels, rotation=45)
    ax.set_ylabel("Bookings per month ($M)")
    ax2 = ax.twinx()
    ax2.plot(x, m["heads"], color="tab:orange", marker="o", label="heads")
    ax2.plot(
        x,
        m["effective_reps"],
        color="tab:green",
        marker=".",
        ls="--",
        label="effective (ramped-equivalent) reps",
    )
    ax2.set_ylabel("Reps")
    ax2.set_ylim(0, max(float(m["heads"].max()), 1.0) * 1.2)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    # Below the axes (under the month labels), so that it never covers a bar or a line.
    ax.legend(
        h1 + h2,
        l1 + l2,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.set_title("Headcount and bookings capacity by month against target")
    ax.grid(alpha=0.3, axis="y")
    return fig


def plot_waterfall(waterfall: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Capacity waterfall (``step, value, kind`` from ``capacity_waterfall``)."""
    fig, ax = _axes(ax)
    running = 0.0
    for i, row in enumerate(waterfall.itertuples(index=False)):
        v = row.value / 1e6
        if row.kind == "total":
            ax.bar(i, v, color="tab:blue")
            running = v
            top = v
        else:
            bottom = running if v >= 0 else running + v
            ax.bar(i, abs(v), bottom=bottom, color="tab:green" if v >= 0 else "tab:red")
            running += v
            top = max(running, running - v)
        ax.text(
            i,
            top,
            f"{v:+,.2f}" if row.kind == "delta" else f"{v:,.2f}",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(range(len(waterfall)), waterfall["step"], rotation=20, ha="right")
    ax.set_ylabel("Bookings over the plan year ($M)")
    ax.set_title("Capacity waterfall: from today's team to planned capacity")
    ax.grid(alpha=0.3, axis="y")
    return fig


def plot_tornado(result: SensitivityResult, *, ax: Axes | None = None) -> Figure:
    """Tornado: capacity at each driver's low and high value around the base case."""
    fig, ax = _axes(ax)
    t = result.table.iloc[::-1].reset_index(drop=True)
    base = result.base_capacity / 1e6
    y = np.arange(len(t))
    for i, row in t.iterrows():
        lo, hi = row["low_capacity"] / 1e6, row["high_capacity"] / 1e6
        ax.barh(i, lo - base, left=base, color="tab:red" if lo < base else "tab:green", alpha=0.8)
        ax.barh(i, hi - base, left=base, color="tab:green" if hi >= base else "tab:red", alpha=0.8)
        ax.text(
            min(lo, hi),
            i,
            f"{_fmt(row['low_value'] if lo < hi else row['high_value'], row['unit'])} ",
            ha="right",
            va="center",
            fontsize=8,
        )
        ax.text(
            max(lo, hi),
            i,
            f" {_fmt(row['high_value'] if lo < hi else row['low_value'], row['unit'])}",
            ha="left",
            va="center",
            fontsize=8,
        )
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(y, t["label"])
    ax.set_xlabel("Bookings capacity over the plan year ($M)")
    ax.set_title(f"What moves capacity (base ${base:,.1f}M)")
    ax.grid(alpha=0.3, axis="x")
    lo_x = min(t["low_capacity"].min(), t["high_capacity"].min()) / 1e6
    hi_x = max(t["low_capacity"].max(), t["high_capacity"].max()) / 1e6
    pad = (hi_x - lo_x) * 0.25 + 1e-9
    ax.set_xlim(lo_x - pad, hi_x + pad)
    return fig


def _fmt(value: float, unit: str) -> str:
    if unit == "months":
        return f"{value:g} mo"
    return f"{value:.1%}"


def plot_hiring_plan(plan: HiringPlan, *, ax: Axes | None = None) -> Figure:
    """Quarterly capacity from today's team and from planned hires against target."""
    fig, ax = _axes(ax)
    q = plan.quarterly
    x = np.arange(len(q))
    ax.bar(x, q["base_capacity"] / 1e6, color="tab:blue", label="today's team (with backfills)")
    ax.bar(
        x,
        q["hire_capacity"] / 1e6,
        bottom=q["base_capacity"] / 1e6,
        color="tab:green",
        label="planned hires",
    )
    ax.scatter(
        x, q["target"] / 1e6, color="black", marker="_", s=600, lw=2.5, label="target", zorder=3
    )
    for i, s in enumerate(q["shortfall"]):
        if s > 0.5:
            ax.text(
                i,
                q["target"].iloc[i] / 1e6,
                f"short {format_value(s, 'usd')}",
                ha="center",
                va="bottom",
                color="tab:red",
                fontsize=8,
            )
    ax.set_xticks(x, [f"Q{int(v)}" for v in q["quarter"]])
    ax.set_ylabel("Bookings per quarter ($M)")
    outcome = "every quarter's target met" if plan.status.is_ok else "target not met"
    ax.set_title(
        f"Hiring plan: {plan.total_hires} requisitions, "
        f"{format_value(plan.objective, 'usd')} cost ({outcome})"
    )
    # Below the axes, so that the legend never covers a bar or a shortfall label.
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    ax.grid(alpha=0.3, axis="y")
    return fig
