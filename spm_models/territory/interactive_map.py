"""An interactive map of unit territories for JupyterLab (ipyleaflet, no tiles: offline).

Unit polygons on a blank base, filled with the colours of the static maps (neighbouring
territories never share one); clicking a unit shows its territory, the territory's load
against its target and its rep. ipyleaflet and ipywidgets are imported lazily, so that
static report pages never load them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from spm_models.registry import format_value
from spm_models.territory.maps import unit_colours

#: Polygon simplification, degrees (about 1 km): keeps a national map light in the browser.
SIMPLIFY_DEG = 0.01
PROMPT = "Click a county or ZIP cell to see its territory, load and rep."


@dataclass(frozen=True)
class UnitMap:
    """The interactive map and its parts.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What the notebook displays: the map above the text of the last click.
    map : ipyleaflet.Map
        The map (no tile layer).
    layer : ipyleaflet.GeoJSON
        The unit polygons; its click handler fills ``info``.
    info : ipywidgets.HTML
        Text about the clicked unit.
    """

    widget: object
    map: object
    layer: object
    info: object


def unit_properties(result, reps: pd.DataFrame, metric: str = "workload") -> pd.DataFrame:
    """Per unit of the map: its name, territory, rep, load, the territory's load and colour.

    Parameters
    ----------
    result : UnitAlignmentResult
        A unit alignment with ``units``, ``territories`` and ``geography``.
    reps : pandas.DataFrame
        Reps with ``rep_id`` and ``rep_name``.
    metric : str
        The balanced metric whose load is shown.
    """
    geo = result.geography
    table = result.units.set_index("unit_id").loc[geo.units["unit_id"]].reset_index()
    pos = {r: i for i, r in enumerate(result.territories["rep_id"])}
    colour = unit_colours(table["rep_id"].map(pos).to_numpy(dtype=np.int64), geo.edges)
    terr = result.territories.set_index("rep_id")
    names = reps.set_index(reps["rep_id"].astype(str))["rep_name"]
    rep = table["rep_id"].astype(str)
    return pd.DataFrame(
        {
            "unit_id": table["unit_id"].astype(str),
            "name": [_place(n, s) for n, s in zip(table["name"], table["state"], strict=True)],
            "rep_id": rep,
            "rep_name": rep.map(names).fillna(""),
            "unit_load": table[metric].to_numpy(dtype=float),
            "unit_accounts": table["accounts"].to_numpy(dtype=int),
            "territory_load": rep.map(terr[metric]).to_numpy(dtype=float),
            "territory_target": rep.map(terr[f"target_{metric}"]).to_numpy(dtype=float),
            "metric": metric,
            "colour": colour,
        }
    )


def _place(name, state) -> str:
    name = "" if pd.isna(name) else str(name)
    return f"{name}, {state}" if name and state else name


def click_text(properties: dict) -> str:
    """The HTML shown for a clicked unit (values escaped; no missing-value codes)."""
    metric = properties["metric"]
    target = properties["territory_target"]
    share = (
        f" ({format_value(properties['territory_load'] / target, 'pct')} of its target)"
        if target and target > 0
        else ""
    )
    rep = escape(properties["rep_id"])
    if properties["rep_name"]:
        rep = f"{escape(properties['rep_name'])} ({rep})"
    return (
        f"<b>{escape(properties['name'] or properties['unit_id'])}</b> "
        f"({escape(properties['unit_id'])}): territory of {rep}. "
        f"Territory {metric}: {format_value(properties['territory_load'], 'num')}{share}. "
        f"This unit: {format_value(properties['unit_load'], 'num')} {metric}, "
        f"{format_value(properties['unit_accounts'], 'int')} accounts."
    )


def unit_features(result, reps: pd.DataFrame, metric: str = "workload") -> dict:
    """The units as a GeoJSON FeatureCollection (simplified polygons, properties as above)."""
    import shapely

    props = unit_properties(result, reps, metric)
    geoms = shapely.simplify(
        result.geography.units["geometry"].to_numpy(), SIMPLIFY_DEG, preserve_topology=True
    )
    features = []
    for geom, row in zip(geoms, props.to_dict("records"), strict=True):
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(geom),
                "properties": {k: _plain(v) for k, v in row.items()},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def view(units: pd.DataFrame, width_px: int = 900) -> tuple[tuple[float, float], int]:
    """Centre and zoom that frame the units (the lower 48 when they hold any units).

    Leaflet's world is ``256 * 2**zoom`` pixels wide; the largest zoom at which the units'
    longitude span fits ``width_px`` is chosen.
    """
    shown = units[~units["state"].isin(["AK", "HI"])] if "state" in units else units
    shown = shown if len(shown) else units
    lat, lon = shown["lat"].to_numpy(dtype=float), shown["lon"].to_numpy(dtype=float)
    span = max(float(lon.max() - lon.min()), 2 * float(lat.max() - lat.min()), 0.1)
    zoom = int(np.clip(np.floor(np.log2(width_px * 360 / (256 * span))), 2, 12))
    return ((float(lat.min() + lat.max()) / 2, float(lon.min() + lon.max()) / 2), zoom)


def unit_map(result, reps: pd.DataFrame, *, metric: str = "workload") -> UnitMap:
    """The interactive map of a unit alignment's proposed territories.

    Parameters
    ----------
    result : UnitAlignmentResult
        A unit alignment with ``units``, ``territories`` and ``geography``.
    reps : pandas.DataFrame
        Reps with ``rep_id`` and ``rep_name``.
    metric : str
        The balanced metric whose load a click shows.

    Returns
    -------
    UnitMap
    """
    import ipywidgets as widgets
    from ipyleaflet import GeoJSON, Map

    data = unit_features(result, reps, metric)
    centre, zoom = view(result.geography.units)
    # No tile layer: the map works offline and shows only the units.
    m = Map(center=centre, zoom=zoom, layers=(), scroll_wheel_zoom=True,
            layout=widgets.Layout(height="560px"))  # fmt: skip
    layer = GeoJSON(
        data=data,
        style_callback=lambda f: {
            "fillColor": f["properties"]["colour"], "color": "white", "weight": 0.4,
            "fillOpacity": 0.85,
        },
        hover_style={"weight": 2, "color": "#222222"},
        name="territories",
    )  # fmt: skip
    info = widgets.HTML(value=PROMPT)

    def on_click(properties=None, **_):
        if properties:
            info.value = click_text(properties)

    layer.on_click(on_click)
    m.add(layer)
    return UnitMap(widgets.VBox([m, info]), m, layer, info)
