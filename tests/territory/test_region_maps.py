"""The zoomed map per region: framing, colours shared with the national map, no overlaps."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from spm_models.geography.projection import albers_km
from spm_models.territory.maps import unit_colours
from spm_models.territory.region_maps import (
    plot_region_maps,
    region_map_sentence,
    region_map_skip,
    unit_regions,
)
from spm_models.territory.units import align_units
from tests.territory.test_units_counties import write_company

matplotlib.use("Agg")
pytestmark = pytest.mark.solver


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    acc_path, rep_path = write_company(Path(tmp_path_factory.mktemp("regions")))
    accounts, reps = pd.read_csv(acc_path, dtype={"zip": str}), pd.read_csv(rep_path)
    reps["region"] = ["Connecticut", "Connecticut", "Rhode Island"]
    result = align_units(accounts, reps, tolerance=0.5, k_nearest=None, time_limit=30)
    return result, reps


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_one_panel_per_region_framed_on_its_units(solved) -> None:
    import matplotlib.pyplot as plt

    result, reps = solved
    fig = plot_region_maps(result, reps, title="By region")
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title().split(":")[0] for ax in shown] == ["Connecticut", "Rhode Island"]
    region = unit_regions(result, reps)
    units = result.geography.units
    x, y = albers_km(units["lon"].to_numpy(), units["lat"].to_numpy())
    for ax in shown:
        mine = region == ax.get_title().split(":")[0]
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        assert ((x[mine] >= x0) & (x[mine] <= x1) & (y[mine] >= y0) & (y[mine] <= y1)).all()
    # Framed on the region: Rhode Island's frame is far smaller than Connecticut's.
    widths = [ax.get_xlim()[1] - ax.get_xlim()[0] for ax in shown]
    assert widths[1] < 0.7 * widths[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in [fig._suptitle, *(a.title for a in shown)]]
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    plt.close(fig)


def test_regional_colours_are_the_national_colours(solved) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    result, reps = solved
    table = result.units.set_index("unit_id").loc[result.geography.units["unit_id"]]
    pos = {r: i for i, r in enumerate(result.territories["rep_id"])}
    national = set(unit_colours(table["rep_id"].map(pos).to_numpy(), result.geography.edges))
    fig = plot_region_maps(result, reps)
    fills = {
        to_hex(c) for ax in fig.axes for coll in ax.collections[:1] for c in coll.get_facecolors()
    }
    assert fills - {"#dddddd"} <= national and len(fills - {"#dddddd"}) >= 2
    plt.close(fig)


def test_sentence_and_skip(solved) -> None:
    result, reps = solved
    assert region_map_skip(result, reps) is None
    assert "2 regions" in region_map_sentence(result, reps)
    one = reps.assign(region="East")
    assert "every rep is in one region" in region_map_skip(result, one).sentence()
    assert "not built from map units" in region_map_skip(object(), reps).sentence()
    assert np.all(unit_regions(result, reps) != "")


def test_no_unit_solution_skips_the_county_maps(solved) -> None:
    from dataclasses import replace

    from spm_models.territory.report import unit_map_skip

    result, reps = solved
    assert unit_map_skip(result) is None
    empty = replace(result, units=result.units.iloc[0:0])
    assert "no alignment of whole counties" in unit_map_skip(empty).sentence()
    assert region_map_skip(empty, reps) is not None
