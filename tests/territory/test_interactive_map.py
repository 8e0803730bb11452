"""The interactive unit map: built on a few real counties, no tiles, click text."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from spm_models.geography.shapes import county_shapes
from spm_models.geography.units import UnitGeography
from spm_models.territory.interactive_map import click_text, unit_map, view


@pytest.fixture(scope="module")
def result() -> SimpleNamespace:
    # Rhode Island's five counties: two territories, loads by hand.
    ri = county_shapes().query("state == 'RI'").reset_index(drop=True)
    units = ri.assign(county=ri["unit_id"], exempt=False)
    rep = ["R1", "R1", "R2", "R2", "R2"]
    load = [10.0, 20.0, 5.0, 0.0, 15.0]
    table = units[["unit_id", "name", "state", "county"]].assign(
        rep_id=rep, workload=load, accounts=[2, 3, 1, 0, 4]
    )
    territories = pd.DataFrame(
        {"rep_id": ["R1", "R2"], "workload": [30.0, 20.0], "target_workload": [25.0, 25.0]}
    )
    geo = UnitGeography(units, np.array([[0, 1], [1, 2], [2, 3], [3, 4]]), np.zeros(0, int))
    return SimpleNamespace(units=table, territories=territories, geography=geo)


REPS = pd.DataFrame({"rep_id": ["R1", "R2"], "rep_name": ["Ada Byron", "Alan <Turing>"]})


def _click(layer, unit_id: str) -> None:
    feature = next(f for f in layer.data["features"] if f["properties"]["unit_id"] == unit_id)
    # The message the browser sends when a polygon is clicked.
    layer._handle_mouse_events(
        None, {"event": "click", "feature": feature, "properties": feature["properties"]}, []
    )


def test_clicking_a_unit_shows_its_territory_load_and_rep(result) -> None:
    built = unit_map(result, REPS)
    assert not built.map.layers[:-1]  # no tile layer: only the units
    assert len(built.layer.data["features"]) == 5
    newport = result.units.set_index("name").loc["Newport", "unit_id"]
    _click(built.layer, newport)
    text = built.info.value
    assert f"<b>Newport, RI</b> ({newport})" in text
    # Newport (44005) is the third county by FIPS code: rep R2, whose name is escaped.
    assert "territory of Alan &lt;Turing&gt; (R2)." in text
    assert "Territory workload: 20.00 (80.0% of its target)" in text
    load = result.units.set_index("name").loc["Newport", "workload"]
    assert f"This unit: {load:,.2f} workload" in text
    assert "nan" not in text


def test_neighbouring_territories_get_different_fills(result) -> None:
    built = unit_map(result, REPS)
    fill = {f["properties"]["rep_id"]: f["properties"]["style"]["fillColor"]
            for f in built.layer.data["features"]}  # fmt: skip
    assert fill["R1"] != fill["R2"]


def test_click_text_without_a_target_or_name() -> None:
    text = click_text(
        {"metric": "workload", "territory_target": 0.0, "territory_load": 4.0, "rep_name": "",
         "rep_id": "R9", "name": "", "unit_id": "44001-02806", "unit_load": 1.0,
         "unit_accounts": 1}
    )  # fmt: skip
    assert text.startswith("<b>44001-02806</b>") and "of its target" not in text
    assert "territory of R9." in text


def test_view_frames_the_units() -> None:
    ri = county_shapes().query("state == 'RI'")
    (lat, lon), zoom = view(ri)
    assert 41 < lat < 42.1 and -72 < lon < -71 and zoom >= 8
    (_, _), national = view(county_shapes())
    assert national == 4  # the lower 48 frame, not stretched by Alaska
