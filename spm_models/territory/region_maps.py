"""A zoomed map per region: small multiples of the unit territories, one frame per region.

A region is the company's own (the ``region`` of each rep); a unit belongs to the region of
the rep it is assigned to. Each panel is framed on its region's units in the lower 48 (the
national map's insets show Alaska and Hawaii), fills them with the colours of the national
map, greys the units of other regions for context, draws state outlines and marks the
region's rep homes. matplotlib is imported lazily.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from spm_models.geography.projection import albers_km
from spm_models.skipped import Skipped
from spm_models.territory.maps import _area_of, _homes, _rings, unit_colours

SECTION = "The regional maps"
CONTEXT = "#dddddd"  # units of other regions
#: Margin around a region's units, as a share of the frame's larger side.
MARGIN = 0.04


def region_map_skip(result, reps: pd.DataFrame) -> Skipped | None:
    """Why the regional maps cannot be drawn, or None.

    They need a unit alignment with map polygons and reps in at least two regions.
    """
    geo = getattr(result, "geography", None)
    units = getattr(result, "units", None)
    if geo is None or units is None or not len(units) or "geometry" not in geo.units:
        return Skipped(SECTION, "the alignment is not built from map units")
    if "region" not in reps or reps["region"].dropna().astype(str).str.strip().eq("").all():
        return Skipped(SECTION, "the reps carry no region", "a region for each rep")
    if reps["region"].dropna().nunique() < 2:
        return Skipped(SECTION, "every rep is in one region, which the national map shows")
    return None


def region_map_sentence(result, reps: pd.DataFrame) -> str:
    """What the regional maps show: how many regions, and where Alaska and Hawaii are."""
    region = unit_regions(result, reps)
    states = result.geography.units["state"].to_numpy()
    n = len({r for r, s in zip(region, states, strict=True) if r and _area_of(s) == "lower48"})
    text = (
        f"One map per region ({n} regions, each rep's region as the company defines it), "
        "zoomed on the counties and ZIP cells its territories hold, in the colours of the "
        "national map; grey areas belong to other regions and dots are rep homes."
    )
    if any(_area_of(s) != "lower48" for s in states):
        text += " Alaska and Hawaii appear in the insets of the national map."
    return text


def unit_regions(result, reps: pd.DataFrame) -> np.ndarray:
    """The region of every unit of ``result.geography.units``: its proposed rep's region."""
    table = result.units.set_index("unit_id").loc[result.geography.units["unit_id"]]
    region = reps.set_index(reps["rep_id"].astype(str))["region"].astype(str)
    return table["rep_id"].astype(str).map(region).fillna("").to_numpy(dtype=object)


def _frame(rings: list[list[np.ndarray]], members: np.ndarray) -> tuple[float, ...] | None:
    pts = [r for i in members for r in rings[int(i)]]
    if not pts:
        return None
    xy = np.vstack(pts)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = MARGIN * float(max(hi - lo))
    return lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad


def _inside(bbox: np.ndarray, frame: tuple[float, ...]) -> np.ndarray:
    x0, x1, y0, y1 = frame
    return (bbox[:, 0] <= x1) & (bbox[:, 1] >= x0) & (bbox[:, 2] <= y1) & (bbox[:, 3] >= y0)


def _bboxes(rings: list[list[np.ndarray]]) -> np.ndarray:
    out = np.full((len(rings), 4), np.nan)
    for i, rs in enumerate(rings):
        if rs:
            xy = np.vstack(rs)
            out[i] = xy[:, 0].min(), xy[:, 0].max(), xy[:, 1].min(), xy[:, 1].max()
    return out


def _collection(rings, idx, faces, *, edge, lw):
    from matplotlib.collections import PolyCollection

    polys, colours = [], []
    for i in idx:
        polys += rings[int(i)]
        colours += [faces[int(i)]] * len(rings[int(i)])
    return PolyCollection(polys, facecolors=colours, edgecolors=edge, linewidths=lw)


def plot_region_maps(result, reps: pd.DataFrame, *, title: str | None = None, ncols: int = 2):
    """One zoomed map per region of the proposed unit territories.

    Parameters
    ----------
    result : UnitAlignmentResult
        A unit alignment with ``units`` and ``geography`` (see :func:`region_map_skip`).
    reps : pandas.DataFrame
        Reps with ``rep_id``, ``region``, ``home_lat``, ``home_lon``.
    title : str, optional
        Figure title.
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    geo = result.geography
    units = geo.units
    table = result.units.set_index("unit_id").loc[units["unit_id"]]
    pos = {r: i for i, r in enumerate(result.territories["rep_id"])}
    unit_rep = table["rep_id"].map(pos).to_numpy(dtype=np.int64)
    faces = unit_colours(unit_rep, geo.edges)
    lower48 = np.array([_area_of(s) == "lower48" for s in units["state"]])
    rings = [_rings(g, "lower48") if ok else [] for g, ok in zip(units["geometry"], lower48,
                                                                   strict=True)]  # fmt: skip
    bbox = _bboxes(rings)
    region = unit_regions(result, reps)
    names = sorted(r for r in set(region) if r and lower48[region == r].any())
    states = _state_rings()
    homes = _homes(reps.reset_index(drop=True))
    home_region = reps["region"].astype(str).to_numpy()[homes.index.to_numpy()]
    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.2 * ncols, 5.6 * nrows), squeeze=False)
    for ax in axes.ravel()[len(names) :]:
        ax.set_visible(False)
    for ax, name in zip(axes.ravel(), names, strict=False):
        members = np.flatnonzero((region == name) & lower48)
        frame = _frame(rings, members)
        shown = np.flatnonzero(_inside(bbox, frame) & lower48)
        context = np.where(region[shown] == name, faces[shown], CONTEXT)
        ax.add_collection(_collection(rings, shown, dict(zip(shown.tolist(), context, strict=True)),
                                      edge="white", lw=0.15))  # fmt: skip
        ax.add_collection(_state_collection(states))
        h = homes[(home_region == name) & (homes["state"].map(_area_of) == "lower48").to_numpy()]
        x, y = albers_km(h["lon"].to_numpy(), h["lat"].to_numpy(), "lower48")
        ax.scatter(x, y, s=16, marker="o", facecolor="black", edgecolor="white", linewidth=0.6,
                   zorder=5)  # fmt: skip
        ax.set_xlim(frame[0], frame[1])
        ax.set_ylim(frame[2], frame[3])
        ax.set_aspect("equal")
        ax.set_axis_off()
        n_terr = len(np.unique(unit_rep[members]))
        ax.set_title(f"{name}: {n_terr} territories, {len(members):,} counties or ZIP cells",
                     fontsize=11)  # fmt: skip
    if title:
        fig.suptitle(title, fontsize=13)
    fig.tight_layout()
    return fig


def _state_rings() -> list[np.ndarray]:
    from spm_models.geography.shapes import state_shapes

    states = state_shapes()
    keep = [_area_of(s) == "lower48" for s in states["state"]]
    return [r for g in states.loc[keep, "geometry"] for r in _rings(g, "lower48")]


def _state_collection(rings: list[np.ndarray]):
    from matplotlib.collections import PolyCollection

    return PolyCollection(rings, facecolors="none", edgecolors="#333333", linewidths=0.6)
