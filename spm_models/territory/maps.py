"""Choropleth maps of unit territories: lower 48 with Alaska and Hawaii insets.

Units are filled by territory with colours from a graph colouring (neighbouring
territories never share a colour), state outlines on top, moved units hatched and rep homes
marked. matplotlib is imported lazily.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spm_models.geography.projection import albers_km
from spm_models.territory.colouring import colour_territories, territory_graph

#: Fill colours (colour-blind-safe qualitative set); the colouring needs about five.
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
    "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
EMPTY = "#eeeeee"
AREAS = {"lower48": None, "alaska": "AK", "hawaii": "HI"}


def _area_of(state: str) -> str:
    return {"AK": "alaska", "HI": "hawaii"}.get(state, "lower48")


def _rings(geom, area: str) -> list[np.ndarray]:
    import shapely

    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        xy = np.asarray(part.exterior.coords)
        x, y = albers_km(xy[:, 0], xy[:, 1], area)
        out.append(np.column_stack([x, y]))
    return out


def _draw(ax, geoms, states, facecolors, *, area, hatch=None, edge="white", lw=0.1):
    from matplotlib.collections import PolyCollection

    polys, faces = [], []
    for g, s, f in zip(geoms, states, facecolors, strict=True):
        if _area_of(s) != area:
            continue
        rings = _rings(g, area)
        polys += rings
        faces += [f] * len(rings)
    if polys:
        ax.add_collection(
            PolyCollection(polys, facecolors=faces, edgecolors=edge, linewidths=lw, hatch=hatch)
        )


def _panel_axes(fig, left: float, width: float):
    """Main axes for the lower 48 and two insets (Alaska, Hawaii) in the lower left."""
    main = fig.add_axes((left, 0.12, width, 0.78))
    ak = fig.add_axes((left, 0.1, width * 0.22, 0.25))
    hi = fig.add_axes((left + width * 0.23, 0.1, width * 0.12, 0.14))
    for ax in (main, ak, hi):
        ax.set_aspect("equal")
        ax.set_axis_off()
    return {"lower48": main, "alaska": ak, "hawaii": hi}


def _frame(axes: dict, units: pd.DataFrame, states: pd.DataFrame) -> None:
    for area, ax in axes.items():
        shown = states[[_area_of(s) == area for s in states["state"]]]
        if not len(shown) or not (units["state"].map(_area_of) == area).any():
            ax.set_visible(False)
            continue
        fit_to_shapes(ax, shown["geometry"], area)


def fit_to_shapes(ax, geoms, area: str) -> None:
    """Set the frame's limits to the projected shapes, with a 2% margin."""
    allxy = np.vstack([r for g in geoms for r in _rings(g, area)])
    lo, hi = allxy.min(axis=0), allxy.max(axis=0)
    pad = 0.02 * (hi - lo)
    ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
    ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])


def unit_colours(unit_rep: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Fill colour of every unit: its territory's colour from the graph colouring."""
    colour = colour_territories(territory_graph(unit_rep, edges))
    return np.array(
        [EMPTY if r < 0 else PALETTE[colour[int(r)] % len(PALETTE)] for r in unit_rep],
        dtype=object,
    )


def _draw_map(axes, units, unit_rep, edges, moved, states, homes) -> None:
    colours = unit_colours(unit_rep, edges)
    geoms = units["geometry"].to_numpy()
    st = units["state"].to_numpy()
    covered = set(units["state"])
    for area, ax in axes.items():
        _draw(ax, geoms, st, colours, area=area)
        if moved is not None and moved.any():
            _draw(ax, geoms[moved], st[moved], ["none"] * int(moved.sum()), area=area,
                  hatch="////", edge="#222222", lw=0.3)  # fmt: skip
        shown = states[states["state"].isin(covered)]
        _draw(ax, shown["geometry"].to_numpy(), shown["state"].to_numpy(),
              ["none"] * len(shown), area=area, edge="#333333", lw=0.5)  # fmt: skip
        if homes is not None and len(homes):
            h = homes[homes["state"].map(_area_of) == area]
            x, y = albers_km(h["lon"].to_numpy(), h["lat"].to_numpy(), area)
            ax.scatter(x, y, s=14, marker="o", facecolor="black", edgecolor="white",
                       linewidth=0.6, zorder=5)  # fmt: skip
    _frame(axes, units, states)


def plot_unit_maps(result, reps: pd.DataFrame, *, title: str | None = None):
    """Before and after side by side: territories of whole units on a map of the states.

    Parameters
    ----------
    result : UnitAlignmentResult
        A county-unit alignment (with ``units`` and ``geography``).
    reps : pandas.DataFrame
        Reps with ``rep_id``, ``home_lat``, ``home_lon`` (homes are marked).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from spm_models.geography.shapes import state_shapes

    geo = result.geography
    units = geo.units
    table = result.units.set_index("unit_id").loc[units["unit_id"]]
    pos = {r: i for i, r in enumerate(result.territories["rep_id"])}
    after = table["rep_id"].map(pos).to_numpy(dtype=np.int64)
    before = table["old_rep_id"].map(pos).fillna(-1).to_numpy(dtype=np.int64)
    moved = table["moved"].to_numpy(dtype=bool)
    homes = _homes(reps)
    states = state_shapes()
    fig = plt.figure(figsize=(16, 6.2))
    for k, (label, rep, mv) in enumerate(
        (("Today (rep holding most of each county's workload)", before, None),
         ("Proposed (hatched: counties that change rep)", after, moved))
    ):  # fmt: skip
        axes = _panel_axes(fig, 0.01 + 0.5 * k, 0.48)
        _draw_map(axes, units, rep, geo.edges, mv, states, homes)
        axes["lower48"].set_title(label, fontsize=11)
    handles = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor="black",
               markeredgecolor="white", label="rep home"),
        Patch(facecolor="none", edgecolor="#222222", hatch="////", label="county changes rep"),
        Patch(facecolor=EMPTY, edgecolor="#999999", label="county without a current rep"),
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=9)
    if title:
        fig.suptitle(title, fontsize=13)
    return fig


def _homes(reps: pd.DataFrame) -> pd.DataFrame:
    from spm_models.geography.shapes import counties_at, county_shapes

    pos = counties_at(reps["home_lon"].to_numpy(), reps["home_lat"].to_numpy())
    states = county_shapes()["state"].to_numpy()
    out = pd.DataFrame({"lon": reps["home_lon"].to_numpy(), "lat": reps["home_lat"].to_numpy()})
    out["state"] = np.where(pos >= 0, states[np.maximum(pos, 0)], "")
    return out[out["state"] != ""]


def plot_green_field_map(centres, *, title: str | None = None):
    """Green-field territories on the alignment's units, with their centre units marked.

    Parameters
    ----------
    centres : UnitCentres
        From :func:`~spm_models.territory.unit_centres.choose_unit_centres`.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from spm_models.geography.shapes import state_shapes

    geo = centres.geography
    fig = plt.figure(figsize=(9, 6.4))
    axes = _panel_axes(fig, 0.01, 0.98)
    _draw_map(axes, geo.units, centres.unit_centre, geo.edges, None, state_shapes(),
              centres.centres[["lon", "lat", "state"]])  # fmt: skip
    handles = [
        Line2D([], [], marker="o", linestyle="", markerfacecolor="black",
               markeredgecolor="white", label="territory centre (one county or ZIP cell)"),
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=1, frameon=False, fontsize=9)
    if title:
        fig.suptitle(title, fontsize=13)
    return fig
