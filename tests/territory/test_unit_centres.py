"""Green field on map units: a hand-checkable p-median, the hole filling and the skips."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from spm_models.geography.units import UnitGeography
from spm_models.skipped import Skipped
from spm_models.territory.geo import haversine_km
from spm_models.territory.unit_centres import (
    choose_unit_centres,
    fill_by_adjacency,
    unit_centres_sentence,
)

pytestmark = pytest.mark.solver

# Two rows of three units on the equator, 0.1 degree apart, far from each other; unit 6 has
# no accounts and borders unit 2 only; unit 7 has no accounts and no neighbours.
LON = [0.0, 0.1, 0.2, 10.0, 10.1, 10.2, 5.0, 9.0]
EDGES = np.array([[0, 1], [1, 2], [3, 4], [4, 5], [2, 6]])


def unit_result(workload: list[float]) -> SimpleNamespace:
    units = pd.DataFrame(
        {
            "unit_id": [f"U{i}" for i in range(len(LON))],
            "name": [f"Unit {i}" for i in range(len(LON))],
            "state": "KS",
            "lat": 0.0,
            "lon": LON,
            "exempt": False,
        }
    )
    account_unit = np.arange(6)
    geo = UnitGeography(units, EDGES, account_unit)
    assignment = pd.DataFrame(
        {"account_id": [f"A{i}" for i in range(6)], "lat": 0.0,
         "lon": [LON[u] for u in account_unit], "workload": workload}
    )  # fmt: skip
    return SimpleNamespace(geography=geo, assignment=assignment)


def _parts(res):
    return res.geography, res.assignment


def test_two_territories_centred_on_the_middle_units() -> None:
    res = unit_result([1.0] * 6)
    c = choose_unit_centres(
        res.geography, res.assignment, n_territories=2, tolerance=0.1, time_limit=10
    )
    assert not isinstance(c, Skipped)
    assert sorted(c.centres["unit_id"]) == ["U1", "U4"]
    step = haversine_km(0.0, 0.0, 0.0, 0.1)
    assert c.objective == pytest.approx(4 * step, rel=1e-6)
    assert c.gap <= 1e-6 and c.status.is_ok
    assert c.weighted_km == pytest.approx(4 * step / 6, rel=1e-6)
    table = c.units_table().set_index("unit_id")["centre_id"]
    west = table["U1"]
    # Every unit has a territory: U6 through its border with U2, U7 as the nearest by km.
    assert table[["U0", "U2", "U6"]].eq(west).all() and table["U7"] == table["U4"] != west
    assert list(c.centres["workload"]) == [3.0, 3.0] and c.centres["units"].sum() == 8
    text = unit_centres_sentence(c, {})
    assert "2 territories" in text and "proven optimal" in text and "nan" not in text


def test_a_unit_heavier_than_a_territory_is_a_plain_sentence() -> None:
    res = unit_result([1.0, 1.0, 20.0, 1.0, 1.0, 1.0])
    skip = choose_unit_centres(res.geography, res.assignment, n_territories=2, tolerance=0.1)
    assert isinstance(skip, Skipped)
    assert "Unit 2, KS alone carries 20" in skip.sentence()
    assert "more than one of 2 territories may hold" in skip.sentence()


def test_fewer_units_with_workload_than_territories() -> None:
    skip = choose_unit_centres(*_parts(unit_result([1.0] * 6)), n_territories=7)
    assert isinstance(skip, Skipped) and "fewer than the 7 territories" in skip.sentence()


def test_fill_by_adjacency_keeps_assigned_units() -> None:
    units = pd.DataFrame({"lat": [0.0, 0.0, 0.0], "lon": [0.0, 1.0, 2.0]})
    neighbours = [np.array([1]), np.array([0]), np.array([], dtype=np.int64)]
    out = fill_by_adjacency(np.array([0, -1, 1]), neighbours, units)
    assert out.tolist() == [0, 0, 1]
