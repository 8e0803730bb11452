"""Charts of quota plans. matplotlib is imported lazily, inside each function."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spm_models.figures import figure_axes
from spm_models.registry import format_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from spm_models.quota.attainment import AttainmentResult
    from spm_models.quota.fairness import FairQuotaResult


_axes = partial(figure_axes, default=(8, 5))


def plot_quota_vs_potential(result: FairQuotaResult, *, ax: Axes | None = None) -> Figure:
    """Quota against potential by territory, with the company ratio and the fairness band."""
    fig, ax = _axes(ax)
    q = result.quotas
    x = q["potential"] / 1e6
    colors = np.where(q["binding"] != "", "tab:orange", "tab:blue")
    ax.scatter(x, q["quota"] / 1e6, c=colors, s=28, zorder=3)
    grid = np.linspace(0, float(x.max()) * 1.05, 50)
    lo, hi = result.band
    ax.plot(
        grid,
        grid * result.company_ratio,
        color="black",
        lw=1,
        label=f"company ratio {result.company_ratio:.1%}",
    )
    ax.fill_between(
        grid,
        grid * lo,
        grid * hi,
        color="tab:green",
        alpha=0.15,
        label=f"fairness band ±{result.objective:.1%} of potential",
    )
    ax.scatter([], [], c="tab:orange", s=28, label="on a growth bound")
    ax.set_xlabel("Territory potential ($M)")
    ax.set_ylabel("Quota ($M)")
    ax.set_title("Quota vs potential by territory")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_attainment_distribution(result: AttainmentResult, *, ax: Axes | None = None) -> Figure:
    """Histogram of simulated attainment over all reps and years, with the 100% line."""
    fig, ax = _axes(ax)
    sample = np.clip(result.attainment_sample * 100, 0, 300)
    ax.hist(sample, bins=60, color="tab:blue", alpha=0.8)
    ax.axvline(100, color="black", lw=1.2, ls="--", label="quota (100%)")
    ax.set_xlabel("Attainment (% of quota, clipped at 300%)")
    ax.set_ylabel("Simulated rep-years")
    share = format_figure("quota.expected_share_at_or_above", result.expected_share)
    ax.set_title(f"Simulated attainment: {share} of reps expected at or above quota")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_method_comparison(quotas_by_method: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Quota by region under each allocation method.

    Parameters
    ----------
    quotas_by_method : DataFrame
        ``region, method, quota`` rows (one per rep and method, or already summed).
    """
    fig, ax = _axes(ax)
    pivot = quotas_by_method.pivot_table(
        index="region", columns="method", values="quota", aggfunc="sum"
    )
    from spm_models.quota.report import METHOD_SHORT_LABELS

    pivot = pivot.rename(columns=lambda m: METHOD_SHORT_LABELS.get(m, str(m).replace("_", " ")))
    (pivot / 1e6).plot.bar(ax=ax, rot=0)
    ax.set_xlabel("Region")
    ax.set_ylabel("Quota ($M)")
    ax.set_title("Quota by region under each allocation method")
    # Below the axes, so that the legend never covers a bar.
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
    ax.grid(alpha=0.3, axis="y")
    return fig
