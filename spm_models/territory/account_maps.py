"""Account-level territory maps on a map of the states: lower 48 with Alaska and Hawaii insets.

Accounts are dots coloured by territory, drawn over the outlines of the states they lie
in, today and proposed side by side. On the proposed side the accounts that keep their rep
are faded, so the moved ones stand out in their new territory's colour without a ring
each. Accounts outside the US states cannot be placed on this map:
:func:`account_map_skip` says so and :func:`account_map_figures` keeps the plain
longitude/latitude plots.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spm_models.geography.projection import albers_km
from spm_models.territory.maps import _area_of, _draw, _homes, _panel_axes, fit_to_shapes


def account_map_skip(accounts: pd.DataFrame) -> str | None:
    """Why the accounts cannot be drawn on the map of the states, or ``None`` when they can."""
    from spm_models.geography.shapes import state_shapes

    if "state" not in accounts:
        return "the accounts have no state column"
    known = set(state_shapes()["state"])
    outside = sorted(set(accounts["state"].dropna().astype(str)) - known)
    if outside or accounts["state"].isna().any():
        shown = ", ".join(outside[:3]) or "a blank state"
        return f"some accounts lie outside the US states ({shown})"
    return None


#: What each kind of account map shows, for the page.
STATES_SENTENCE = (
    "Each dot is an account, coloured by its territory, over the states it lies in; black "
    "dots are rep homes. On the proposed map the accounts that change rep are bright and "
    "the others faded."
)
PLAIN_SENTENCE = (
    "Each dot is an account, coloured by its territory; stars are rep homes, crosses vacant "
    "seats. On the proposed map, accounts that change rep are ringed in black."
)


def account_map_figures(result, accounts: pd.DataFrame, reps: pd.DataFrame) -> tuple[str, list]:
    """The territory page's account-level maps and the sentence that explains them.

    On the map of the states when every account lies in one (:func:`plot_account_maps`),
    otherwise today's and the proposed alignment by longitude and latitude.

    Returns
    -------
    tuple of (str, list of matplotlib.figure.Figure)
    """
    if account_map_skip(accounts) is None:
        title = "Territories by account, today and proposed"
        return STATES_SENTENCE, [plot_account_maps(result, accounts, reps, title=title)]
    from spm_models.territory.plots import plot_alignment_map

    return PLAIN_SENTENCE, [
        plot_alignment_map(result, reps, which="before", title="Current alignment"),
        plot_alignment_map(
            result, reps, which="after", title="Proposed alignment, moved accounts ringed"
        ),
    ]


def plot_account_maps(result, accounts: pd.DataFrame, reps: pd.DataFrame, *, title: str):
    """Today's and the proposed territories side by side, accounts over state outlines.

    Parameters
    ----------
    result : AlignmentResult
        An account-level alignment.
    accounts : pandas.DataFrame
        The accounts, with ``account_id`` and ``state`` (two-letter codes).
    reps : pandas.DataFrame
        Reps with ``rep_id``, ``home_lat``, ``home_lon`` (homes are marked).
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from spm_models.geography.shapes import state_shapes
    from spm_models.territory.plots import _colours

    a = result.assignment
    state = a["account_id"].map(accounts.set_index("account_id")["state"]).astype(str)
    keys = np.array(sorted(set(reps["rep_id"].astype(str)) | {"unassigned"}))
    colour_of = dict(zip(keys, _colours(keys), strict=True))
    states = state_shapes()
    states = states[states["state"].isin(set(state))]
    homes = _homes(reps)
    fig = plt.figure(figsize=(16, 6.2))
    panels = (
        ("Today", "old_rep_id", None),
        ("Proposed (bright: accounts that change rep)", "new_rep_id", a["moved"].to_numpy(bool)),
    )
    for k, (label, column, moved) in enumerate(panels):
        axes = _panel_axes(fig, 0.01 + 0.5 * k, 0.48)
        rep = a[column].fillna("unassigned").astype(str).to_numpy()
        colours = np.array([colour_of[r] for r in rep])
        for area, ax in axes.items():
            _draw_area(ax, area, a, state, colours, moved, states, homes)
        axes["lower48"].set_title(label, fontsize=11)
    handles = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor="black",
               markeredgecolor="white", label="rep home"),
        Line2D([], [], marker="o", linestyle="", markerfacecolor="#888888", alpha=0.45,
               markeredgewidth=0, label="account keeps its rep (proposed map)"),
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False, fontsize=9)
    fig.suptitle(title, fontsize=13)
    return fig


def _draw_area(ax, area, a, state, colours, moved, states, homes) -> None:
    """One frame (lower 48, Alaska or Hawaii): state outlines, accounts, rep homes."""
    here = (state.map(_area_of) == area).to_numpy()
    shown = states[states["state"].map(_area_of) == area]
    if not here.any() or not len(shown):
        ax.set_visible(False)
        return
    _draw(ax, shown["geometry"].to_numpy(), shown["state"].to_numpy(), ["#f7f7f7"] * len(shown),
          area=area, edge="#555555", lw=0.5)  # fmt: skip
    x, y = albers_km(a["lon"].to_numpy()[here], a["lat"].to_numpy()[here], area)
    c = colours[here]
    if moved is None:
        ax.scatter(x, y, s=5, c=list(c), linewidths=0, zorder=3)
    else:
        keep = ~moved[here]
        ax.scatter(x[keep], y[keep], s=4, c=list(c[keep]), alpha=0.45, linewidths=0, zorder=3)
        ax.scatter(x[~keep], y[~keep], s=9, c=list(c[~keep]), linewidths=0, zorder=4)
    h = homes[homes["state"].map(_area_of) == area]
    hx, hy = albers_km(h["lon"].to_numpy(), h["lat"].to_numpy(), area)
    ax.scatter(hx, hy, s=16, marker="o", facecolor="black", edgecolor="white", linewidth=0.6,
               zorder=5)  # fmt: skip
    fit_to_shapes(ax, shown["geometry"], area)
