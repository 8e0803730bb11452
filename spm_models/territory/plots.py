"""Charts of territory alignments (matplotlib imported lazily).

Every function takes a result and ``*, ax=None`` and returns the Figure.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from spm_models.figures import figure_axes, mark_rep_homes
from spm_models.registry import format_value

_axes = partial(figure_axes, default=(8, 6))


def _colours(keys: np.ndarray) -> np.ndarray:
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("tab20")
    codes = pd.Categorical(keys).codes
    return np.array([cmap(c % 20) for c in codes])


def plot_alignment_map(
    result,
    reps: pd.DataFrame,
    *,
    which: str = "after",
    ax=None,
    title: str | None = None,
):
    """Accounts by longitude/latitude coloured by territory; rep homes as stars.

    Parameters
    ----------
    result : AlignmentResult
        The alignment.
    reps : pandas.DataFrame
        Reps with ``rep_id``, ``home_lat``, ``home_lon`` (and ``status``).
    which : {"after", "before"}
        The new alignment (moved accounts ringed in black) or today's.
    """
    fig, ax = _axes(ax)
    a = result.assignment
    col = "new_rep_id" if which == "after" else "old_rep_id"
    keys = a[col].fillna("unassigned").astype(str).to_numpy()
    all_keys = np.array(sorted(set(reps["rep_id"].astype(str)) | {"unassigned"}))
    colour_of = dict(zip(all_keys, _colours(all_keys), strict=True))
    ax.scatter(a["lon"], a["lat"], s=6, c=[colour_of[k] for k in keys], alpha=0.7, linewidths=0)
    if which == "after" and a["moved"].any():
        m = a[a["moved"]]
        ax.scatter(
            m["lon"],
            m["lat"],
            s=14,
            facecolors="none",
            edgecolors="black",
            linewidths=0.5,
            label=f"moved ({len(m):,})",
        )
    mark_rep_homes(ax, reps, colours=colour_of)
    ax.set_xlabel("longitude (degrees)")
    ax.set_ylabel("latitude (degrees)")
    ax.set_title(title or ("Proposed alignment" if which == "after" else "Current alignment"))
    ax.legend(loc="lower left", fontsize=8)
    return fig


def plot_balance(result, *, metric: str | None = None, ax=None, title: str | None = None):
    """Each territory's load before and after against its target band (bars, sorted)."""
    fig, ax = _axes(ax, figsize=(10, 4.5))
    metric = metric or result.spec.balance[0]
    t = result.territories.copy()
    target = t[f"target_{metric}"].to_numpy()
    ok = target > 0
    t = t[ok]
    target = target[ok]
    after = t[metric].to_numpy() / target
    before = t[f"{metric}_before"].to_numpy() / target
    order = np.argsort(before)
    x = np.arange(len(t))
    ax.bar(x - 0.2, before[order], width=0.4, color="#bbbbbb", label="today")
    ax.bar(x + 0.2, after[order], width=0.4, color="#1f77b4", label="proposed")
    tol = result.spec.tolerance_for(metric)
    ax.axhspan(1 - tol, 1 + tol, color="#2ca02c", alpha=0.15, label=f"target ±{tol:.0%}")
    ax.axhline(1.0, color="#2ca02c", linewidth=1)
    ax.set_xticks(x)
    ax.set_xticklabels(t["rep_id"].to_numpy()[order], rotation=90, fontsize=6)
    ax.set_ylabel(f"{metric} / target (1.0 = on target)")
    ax.set_xlabel("territory (sorted by today's load)")
    ax.set_title(title or f"Territory {metric} against target, today and proposed")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return fig


def plot_frontier(frontier: pd.DataFrame, *, ax=None, title: str | None = None):
    """Weighted travel against balance for each disruption cap (points labelled by tolerance).

    Points solved to the stated gap (``proven``) are solid; others are hollow and labelled
    "not proven", so no unproven point reads as a real trade-off. The legend sits outside the
    axes so that it never covers a point's label.
    """
    fig, ax = _axes(ax, figsize=(9, 5))
    ok = frontier[frontier["status"].isin(["optimal", "feasible"])]
    proven = ok["proven"] if "proven" in ok else pd.Series(True, index=ok.index)
    y_col = "weighted_travel_km" if "weighted_travel_km" in ok else "travel_km"
    x_col = "workload_spread" if "workload_spread" in ok else "balance_cv"
    seen: dict[tuple[float, float], int] = {}
    for cap, grp in ok.groupby(ok["max_disruption"].fillna(1.0)):
        grp = grp.sort_values("tolerance")
        line = ax.plot(grp[x_col], grp[y_col], linestyle="-", linewidth=1, alpha=0.6)[0]
        colour = line.get_color()
        for idx, r in grp.iterrows():
            solid = bool(proven.loc[idx])
            ax.scatter(
                [r[x_col]],
                [r[y_col]],
                s=40,
                facecolors=colour if solid else "white",
                edgecolors=colour,
                linewidths=1.5,
                zorder=4 if solid else 3,
            )
            # Points that coincide (e.g. a looser point that kept the main answer) get their
            # labels stacked instead of printed over each other.
            spot = (round(float(r[x_col]), 4), round(float(r[y_col]), 1))
            stacked = seen.get(spot, 0)
            seen[spot] = stacked + 1
            cap_text = f"{format_value(cap, 'pct')} moved"
            ax.annotate(
                f"±{format_value(r['tolerance'], 'pct')}, {cap_text}"
                + ("" if solid else ", not proven"),
                (r[x_col], r[y_col]),
                textcoords="offset points",
                xytext=(6, 5 + 11 * stacked),
                fontsize=7,
            )
        line.set_label(f"at most {format_value(cap, 'pct')} of accounts moved")
    ax.scatter([], [], s=40, facecolors="white", edgecolors="grey", label="hollow: not proven")
    bad = frontier[~frontier["status"].isin(["optimal", "feasible"])]
    if len(bad):
        ax.scatter([], [], s=0, label=f"{len(bad)} combination(s) infeasible")
    from matplotlib.ticker import PercentFormatter

    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlabel("workload spread after (coefficient of variation, lower is fairer)")
    ax.set_ylabel(
        "weighted travel (km, workload-weighted mean)"
        if y_col == "weighted_travel_km"
        else "total account-to-rep distance (km)"
    )
    ax.set_title(title or "Trade-off: travel against balance and disruption")
    ax.margins(x=0.15, y=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return fig


def plot_centres(centres, accounts: pd.DataFrame, *, ax=None, title: str | None = None):
    """Green-field territory centres from :func:`choose_centres` over the accounts."""
    fig, ax = _axes(ax)
    a = centres.assignment.merge(accounts[["account_id", "lat", "lon"]], on="account_id")
    ax.scatter(
        a["lon"], a["lat"], s=5, c=_colours(a["centre_id"].to_numpy()), alpha=0.6, linewidths=0
    )
    ax.scatter(
        centres.centres["lon"],
        centres.centres["lat"],
        marker="*",
        s=120,
        c="black",
        label=f"{len(centres.centres)} territory centres",
    )
    ax.set_xlabel("longitude (degrees)")
    ax.set_ylabel("latitude (degrees)")
    ax.set_title(title or "Green-field territory centres (capacitated p-median)")
    ax.legend(loc="lower left", fontsize=8)
    return fig
