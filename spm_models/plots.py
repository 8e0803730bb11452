"""Charts of the data overview. Each takes results, ``*, ax=None`` and returns the Figure.

Matplotlib is imported lazily so the model layers stay free of it.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from spm_models.data import Company
from spm_models.figures import figure_axes, mark_rep_homes
from spm_models.registry import format_value

_axes = partial(figure_axes, default=(8, 5))


def plot_account_map(
    company: Company,
    *,
    assignment: pd.Series | None = None,
    moved: pd.Series | None = None,
    title: str = "Accounts by territory",
    ax=None,
):
    """Accounts as a longitude/latitude scatter coloured by territory, rep homes marked.

    Parameters
    ----------
    company : Company
    assignment : Series, optional
        Rep id per account (aligned with ``company.accounts``); defaults to the current one.
    moved : Series of bool, optional
        Accounts to highlight (e.g. those an alignment moves).
    """
    import matplotlib.pyplot as plt

    fig, ax = _axes(ax, figsize=(9, 5.5))
    acc = company.accounts
    reps = assignment if assignment is not None else acc["current_rep_id"]
    codes, uniques = pd.factorize(reps.fillna("unassigned"))
    cmap = plt.get_cmap("tab20")
    size = 4 + 30 * (acc["potential"] / acc["potential"].max()) ** 0.5
    ax.scatter(
        acc["lon"],
        acc["lat"],
        c=codes % 20,
        cmap=cmap,
        vmin=0,
        vmax=19,
        s=size,
        alpha=0.7,
        linewidths=0,
    )
    if moved is not None and moved.any():
        ax.scatter(
            acc.loc[moved.to_numpy(), "lon"],
            acc.loc[moved.to_numpy(), "lat"],
            s=22,
            facecolors="none",
            edgecolors="black",
            linewidths=0.7,
            label="moved account",
        )
    mark_rep_homes(ax, company.reps)
    ax.set_xlabel("Longitude (°)")
    ax.set_ylabel("Latitude (°)")
    ax.set_title(f"{title} ({len(uniques)} territories, {len(acc):,} accounts)")
    ax.legend(loc="lower left", fontsize=8)
    ax.set_aspect(1.25)
    return fig


def plot_territory_balance(
    balance: pd.DataFrame,
    metric: str = "workload",
    *,
    band: float = 0.10,
    unit: str = "",
    ax=None,
):
    """Bars of each territory's ``metric`` against the mean and a ±``band`` target band.

    The mean and the share within the band count staffed territories only (as the page's
    sentences do); vacant seats, when the table has a ``status``, are drawn in grey.
    """
    fig, ax = _axes(ax, figsize=(10, 4.5))
    data = balance.sort_values(metric, ascending=False)
    vacant = (
        data["status"].astype(str).eq("vacant")
        if "status" in data
        else pd.Series(False, index=data.index)
    )
    staffed = data.loc[~vacant, metric]
    mean = staffed.mean() if len(staffed) else 0.0
    inside = (data[metric] - mean).abs() <= band * mean
    colors = [
        "#BBBBBB" if v else ("#4C72B0" if ok else "#DD8452")
        for ok, v in zip(inside, vacant, strict=True)
    ]
    inside = inside[~vacant]
    ax.bar(range(len(data)), data[metric], color=colors)
    ax.axhline(mean, color="black", linewidth=1, label="mean")
    ax.axhspan(
        mean * (1 - band), mean * (1 + band), color="green", alpha=0.12, label=f"±{band:.0%} band"
    )
    ax.set_xticks(range(len(data)))
    ax.set_xticklabels(data["rep_id"], rotation=90, fontsize=6)
    ax.set_xlabel("Territory (rep)")
    ax.set_ylabel(f"{metric.replace('_', ' ').capitalize()}{f' ({unit})' if unit else ''}")
    ax.set_title(
        f"{metric.replace('_', ' ').capitalize()} per territory: "
        f"{format_value(inside.mean() if len(inside) else None, 'pct')} of staffed territories "
        f"within ±{format_value(band, 'pct')} of the mean"
    )
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return fig


def plot_bookings_history(wide: pd.DataFrame, *, title: str, ax=None):
    """Stacked bars of bookings per period and group (a table from ``bookings_by``)."""
    fig, ax = _axes(ax, figsize=(9, 4))
    bottom = None
    labels = [p.strftime("%Y Q") + str((p.month - 1) // 3 + 1) for p in wide.index]
    for col in wide.columns:
        values = wide[col].to_numpy() / 1e6
        ax.bar(labels, values, bottom=bottom, label=str(col))
        bottom = values if bottom is None else bottom + values
    ax.set_ylabel("Bookings (USD millions)")
    ax.set_xlabel("Quarter")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=60, labelsize=7)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return fig


def plot_pipeline(stages: pd.DataFrame, *, ax=None):
    """Horizontal bars of open pipeline amount per stage."""
    fig, ax = _axes(ax, figsize=(7, 3.5))
    ax.barh(stages["stage"], stages["amount"] / 1e6, color="#55A868")
    for y, (amount, n) in enumerate(zip(stages["amount"], stages["opportunities"], strict=True)):
        ax.text(amount / 1e6, y, f"  {n:,} opps", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("Open pipeline (USD millions)")
    ax.set_title("Open pipeline by stage")
    return fig


def plot_scorecard(metrics: dict, *, ax=None):
    """The scenario at a glance: bookings, forecast (with interval), target, quota and capacity.

    Bars are drawn only for the registered figures the scenario has; each value label is
    formatted through the registry and placed beyond the bar and its interval, so neither the
    error bar nor the legend crosses it. Returns ``None`` when there are no figures.
    """
    from spm_models.registry import figure
    from spm_models.reporting.summary import has, number, text

    names = (
        "overview.bookings_last_12m",
        "forecast.next_year_total",
        "quota.target",
        "quota.total",
        "capacity.annual_capacity",
    )
    bars = [name for name in names if number(metrics, name) is not None]
    if not bars:
        return None
    interval = ("forecast.next_year_lower", "forecast.next_year_upper")
    fig, ax = _axes(ax, figsize=(8, 0.9 + 0.6 * len(bars)))
    right = 0.0
    for y, name in enumerate(bars):
        value = number(metrics, name) / 1e6
        ax.barh(y, value, color="#55A868" if name.startswith("forecast.") else "#4C72B0")
        end = value
        if name == "forecast.next_year_total" and all(has(metrics, n) for n in interval):
            low, high = (number(metrics, n) / 1e6 for n in interval)
            ax.errorbar(value, y, xerr=[[value - low], [high - value]], color="black", capsize=5)
            end = max(value, high)
        ax.text(end, y, f"  {text(metrics, name)}", va="center", fontsize=9)
        right = max(right, end)
    ax.set_xlim(0, right * 1.25 if right > 0 else 1)
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([figure(n).label for n in bars])
    ax.invert_yaxis()
    ax.set_xlabel("USD millions")
    ax.set_title("Bookings, forecast (with interval), target, quota and capacity")
    return fig
