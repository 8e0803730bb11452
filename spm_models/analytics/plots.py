"""Charts of performance analytics. matplotlib is imported lazily, inside each function."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spm_models.analytics.attainment import BENCHMARK_BAND
from spm_models.figures import figure_axes
from spm_models.registry import format_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from spm_models.analytics.attainment import AttainmentResult
    from spm_models.analytics.churn import ChurnEvaluation
    from spm_models.analytics.segmentation import MarketView


_axes = partial(figure_axes, default=(8, 5))


def plot_pace_quadrant(
    result: AttainmentResult, *, ax: Axes | None = None, cap: float = 2.0, label_top: int = 4
) -> Figure:
    """Attainment to date against the share of quota due by today (seasonal pace), per rep.

    Reps above the diagonal are on pace, below it behind; above the dashed line they have
    already made quota. Attainment above ``cap`` is drawn at ``cap`` (a triangle); reps with
    nothing due yet are left out.
    """
    fig, ax = _axes(ax)
    # Reps with nothing due yet (first ramp month) have no pace to show.
    r = result.by_rep.loc[result.by_rep["expected_seasonal"] > 0]
    x = r["seasonal_share"].to_numpy(dtype=float)
    y = r["attainment"].to_numpy(dtype=float)
    on = r["on_pace"].fillna(False).astype(bool).to_numpy()
    clipped = y > cap
    yy = np.minimum(y, cap)
    for mask, color, name in ((on, "tab:green", "on pace"), (~on, "tab:red", "behind pace")):
        ax.scatter(x[mask & ~clipped], yy[mask & ~clipped], c=color, s=30, label=name, zorder=3)
        ax.scatter(x[mask & clipped], yy[mask & clipped], c=color, s=40, marker="^", zorder=3)
    top = max(1.05, float(yy.max()) * 1.05 if len(yy) else 1.05)
    ax.plot([0, 1], [0, 1], color="black", lw=1, label="on pace line")
    ax.axhline(1.0, color="grey", ls="--", lw=1, label="quota reached")
    behind = r.assign(gap=r["expected_seasonal"] - r["to_date"]).nlargest(label_top, "gap")
    # Full-year reps share one pace share: fan the labels out so names stay readable.
    for i, rec in enumerate(behind.itertuples()):
        name = rec.rep_name if isinstance(rec.rep_name, str) else rec.rep_id
        dx, dy = (-30 if i % 2 else 30), 16 - 14 * i
        ax.annotate(
            f"{name}",
            (rec.seasonal_share, min(rec.attainment, cap)),
            fontsize=7,
            xytext=(dx, dy),
            textcoords="offset points",
            ha="left" if dx > 0 else "right",
            arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "grey"},
        )
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, top)
    ax.xaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.set_xlabel(f"Share of period quota due by today ({result.pace_basis} pace, % of quota)")
    ax.set_ylabel("Attainment to date (% of quota)")
    ax.set_title(
        f"Attainment vs pace on {result.period.today:%d %b %Y}: "
        f"{result.share_on_pace:.0%} of reps on pace"
    )
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_attainment_distribution(
    result: AttainmentResult, *, ax: Axes | None = None, cap: float = 2.0
) -> Figure:
    """Histogram of projected end-of-period attainment with the share of reps at or above
    each level (right axis) against the benchmark band of 55–65% at or above quota."""
    fig, ax = _axes(ax)
    att = result.by_rep["projected_attainment"].dropna().to_numpy(dtype=float)
    shown = np.minimum(att, cap)
    ax.hist(shown, bins=np.linspace(0, cap, 21), color="tab:blue", alpha=0.7, label="reps")
    ax.axvline(1.0, color="black", lw=1)
    ax.set_xlabel(f"Projected end-of-period attainment (% of quota; above {cap:.0%} drawn at it)")
    ax.set_ylabel("Reps")
    ax.xaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    twin = ax.twinx()
    grid = np.linspace(0, cap, 201)
    survival = [(att >= g).mean() for g in grid]
    twin.plot(grid, survival, color="tab:orange", lw=2, label="share of reps at or above")
    lo, hi = BENCHMARK_BAND
    twin.axhspan(lo, hi, color="tab:green", alpha=0.2, label=f"healthy band {lo:.0%}–{hi:.0%}")
    twin.set_ylim(0, 1.02)
    twin.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    twin.set_ylabel("Share of reps at or above (%)")
    share = result.share_at_or_above_quota
    twin.scatter([1.0], [share], color="black", zorder=4, s=30)
    ax.set_title(f"Projected attainment: {share:.0%} of reps at or above quota ({result.verdict})")
    handles = ax.get_legend_handles_labels()
    twin_handles = twin.get_legend_handles_labels()
    ax.legend(
        handles[0] + twin_handles[0], handles[1] + twin_handles[1], fontsize=8, loc="upper right"
    )
    return fig


def plot_rollup(result: AttainmentResult, *, by: str = "region", ax: Axes | None = None) -> Figure:
    """Attainment to date against the seasonal expectation per region or team (``by`` is
    ``"region"`` or ``"team"``)."""
    fig, ax = _axes(ax)
    table = result.by_region if by == "region" else result.by_team
    key = "region" if by == "region" else "manager_id"
    t = table.sort_values("attainment", ascending=False)
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["attainment"], width=0.4, label="attainment to date", color="tab:blue")
    expected = t["expected_seasonal"] / t["quota"]
    ax.bar(
        x + 0.2,
        expected,
        width=0.4,
        label=f"due by today ({result.pace_basis} pace)",
        color="tab:grey",
    )
    ax.set_xticks(x, t[key].astype(str))
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.set_ylabel("Share of period quota (%)")
    ax.set_title(f"Attainment to date vs pace by {by}")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig


def plot_whitespace_map(market: MarketView, *, ax: Axes | None = None) -> Figure:
    """Accounts on a map sized by whitespace; uncovered accounts (no staffed rep) in red."""
    fig, ax = _axes(ax, (9, 5.5))
    a = market.accounts
    size = 4 + 200 * np.sqrt(a["whitespace"] / max(float(a["whitespace"].max()), 1.0))
    for covered, color, name in ((True, "tab:blue", "covered"), (False, "tab:red", "uncovered")):
        m = a["covered"] == covered
        ax.scatter(
            a.loc[m, "lon"], a.loc[m, "lat"], s=size[m], c=color, alpha=0.35, label=name, lw=0
        )
    ax.set_xlabel("Longitude (°)")
    ax.set_ylabel("Latitude (°)")
    ax.set_title(
        f"Whitespace by account: {format_value(market.whitespace_total, 'usd')} a year, "
        f"{format_value(market.uncovered_whitespace, 'usd')} uncovered (dot area = whitespace)"
    )
    ax.legend(fontsize=8, loc="lower left", markerscale=0.5)
    ax.set_aspect(1.25)
    return fig


def plot_whitespace_by(
    market: MarketView, *, by: str = "territory", top: int = 15, ax: Axes | None = None
) -> Figure:
    """Whitespace and bookings ranked by ``territory``, ``segment``, ``region``, ``cluster``
    or ``tier`` (the ``top`` largest)."""
    fig, ax = _axes(ax)
    table = getattr(market, f"by_{by}").head(top).iloc[::-1]
    labels = table[by].astype(str)
    if by == "cluster":
        names = market.clusters.profiles.set_index("cluster")["name"]
        labels = table[by].map(names).astype(str)
    y = np.arange(len(table))
    ax.barh(y, table["whitespace"] / 1e6, color="tab:orange", label="whitespace")
    ax.barh(
        y,
        table["bookings_12m"] / 1e6,
        left=table["whitespace"] / 1e6,
        color="tab:blue",
        label="bookings, last 12 months",
    )
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("USD per year ($M)")
    ax.set_title(f"Whitespace by {by}: potential not yet booked")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_calibration(evaluation: Any, *, ax: Axes | None = None) -> Figure:
    """Reliability: predicted against observed rates on the hold-out, with the baseline's."""
    fig, ax = _axes(ax, (6, 5.5))
    cal = evaluation.calibration
    base = getattr(evaluation, "stage_calibration", None)
    ax.plot([0, 1], [0, 1], color="black", lw=1, label="perfect calibration")
    rep = evaluation.model_report
    ax.plot(cal["mean_predicted"], cal["observed"], "o-", color="tab:blue", label=f"{rep.name}")
    if base is not None:
        ax.plot(
            base["mean_predicted"],
            base["observed"],
            "s--",
            color="tab:grey",
            label="stage win rates",
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.yaxis.set_major_formatter(lambda v, _p: f"{v:.0%}")
    ax.set_xlabel("Predicted probability (%, mean of a score decile)")
    ax.set_ylabel("Observed rate (%)")
    ax.set_title(f"Calibration on the hold-out ({rep.name}: mean gap {rep.calibration_error:.1%})")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def plot_lift(evaluation: Any, *, ax: Axes | None = None) -> Figure:
    """Outcome rate by score decile over the overall rate, model against the baseline."""
    fig, ax = _axes(ax)
    lift = evaluation.lift
    base = getattr(evaluation, "stage_lift", None)
    x = lift["group"].to_numpy()
    width = 0.4 if base is not None else 0.8
    ax.bar(
        x - (0.2 if base is not None else 0),
        lift["lift"],
        width=width,
        color="tab:blue",
        label=evaluation.model_report.name,
    )
    if base is not None:
        ax.bar(
            base["group"] + 0.2,
            base["lift"],
            width=width,
            color="tab:grey",
            label="stage win rates",
        )
    ax.axhline(1.0, color="black", lw=1)
    ax.set_xticks(x)
    ax.set_xlabel("Score decile (1 = highest scores)")
    ax.set_ylabel("Lift (rate in decile / overall rate, x)")
    top = lift.iloc[0]
    ax.set_title(f"Lift on the hold-out: the top decile is {top['lift']:.1f}x the average rate")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig


def plot_importance(
    evaluation: Any, *, labels: dict[str, str] | None = None, ax: Axes | None = None
) -> Figure:
    """Permutation importance: the drop in hold-out AUC when a feature is shuffled."""
    fig, ax = _axes(ax)
    imp = evaluation.importance.iloc[::-1]
    names = [(labels or {}).get(f, f) for f in imp["feature"]]
    ax.barh(names, imp["importance"], xerr=imp["importance_sd"], color="tab:purple")
    ax.set_xlabel("Drop in hold-out AUC when shuffled (AUC points)")
    ax.set_title(f"What drives the {evaluation.model_report.name}")
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_top_risk(churn: ChurnEvaluation, *, top: int = 15, ax: Axes | None = None) -> Figure:
    """The accounts with the most trailing-year bookings at risk of churn."""
    fig, ax = _axes(ax)
    r = churn.risk.head(top).iloc[::-1]
    names = r["account_name"].astype(str) + " (" + r["rep_id"].fillna("house").astype(str) + ")"
    colors = pd.cut(
        r["churn_risk"], [-0.01, 0.2, 0.5, 1.0], labels=["tab:olive", "tab:orange", "tab:red"]
    )
    ax.barh(names, r["value_at_risk"] / 1e3, color=colors.astype(str))
    for i, rec in enumerate(r.itertuples()):
        ax.text(rec.value_at_risk / 1e3, i, f" {rec.churn_risk:.0%}", va="center", fontsize=7)
    ax.set_xlabel("Bookings at risk: churn risk x last 12 months' bookings ($k)")
    ax.set_title(f"Top {len(r)} accounts by bookings at risk (label: churn risk)")
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="x", alpha=0.3)
    return fig
