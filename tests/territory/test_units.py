"""Unit-based alignment: known answers on a 12-unit grid, integrity, contiguity, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.geography.units import UnitGeography
from spm_models.territory.contiguity import territory_components
from spm_models.territory.geo import haversine_km
from spm_models.territory.units import UnitAlignmentResult, align_units

# A 3 x 4 grid of units half a degree apart; unit u sits in row u // 4, column u % 4.
#   workload   4 8 5 1      homes: R0 at unit 0, R1 at unit 3, R2 at unit 9
#              7 7 8 2      total 57, target 19 each, band +-10 % = [17.1, 20.9]
#              1 8 1 5
WORKLOAD = [4, 8, 5, 1, 7, 7, 8, 2, 1, 8, 1, 5]
HOMES = {"R0": 0, "R1": 3, "R2": 9}
LAT = 40 + 0.5 * (np.arange(12) // 4)
LON = -100 + 0.5 * (np.arange(12) % 4)
EDGES = [(u, u + 1) for u in range(12) if u % 4 < 3] + [(u, u + 4) for u in range(8)]
# Without contiguity the optimum sends unit 8 (bottom left) to R1 and unit 11 to R2, both
# cut off from the rest of their territories; with contiguity R2 takes the right and
# bottom edge and R1 the middle (loads 19 / 20 / 18).
FREE = ["R0", "R0", "R1", "R1", "R0", "R2", "R1", "R1", "R1", "R2", "R1", "R2"]
CONTIGUOUS = ["R0", "R0", "R1", "R2", "R0", "R1", "R1", "R2", "R2", "R2", "R2", "R2"]


def grid():
    """Two accounts per unit (the workload split in halves), reps at their home units."""
    rows = []
    for u, w in enumerate(WORKLOAD):
        for k in range(2):
            rows.append(
                {"account_id": f"A{u:02d}{k}", "unit_id": f"U{u:02d}", "lat": LAT[u],
                 "lon": LON[u], "potential": 10.0, "workload": w / 2, "current_rep_id": None}
            )  # fmt: skip
    accounts = pd.DataFrame(rows)
    reps = pd.DataFrame(
        {"rep_id": list(HOMES), "home_lat": [LAT[u] for u in HOMES.values()],
         "home_lon": [LON[u] for u in HOMES.values()], "fte": 1.0}
    )  # fmt: skip
    units = pd.DataFrame(
        {"unit_id": [f"U{u:02d}" for u in range(12)], "lat": LAT, "lon": LON, "exempt": False}
    )
    geo = UnitGeography(units, np.array(EDGES), np.repeat(np.arange(12), 2))
    return accounts, reps, geo


def cost_of(assign: list[str]) -> float:
    homes = [HOMES[r] for r in assign]
    return float(np.dot(WORKLOAD, haversine_km(LAT, LON, LAT[homes], LON[homes])))


def check_units(res: UnitAlignmentResult) -> None:
    """No unit split; every territory one piece when contiguity was asked for."""
    a = res.assignment
    assert (a.groupby("unit_id")["new_rep_id"].nunique() == 1).all()
    unit_rep = res.units.set_index("unit_id")["rep_id"]
    assert (a["new_rep_id"].to_numpy() == unit_rep.loc[a["unit_id"]].to_numpy()).all()
    geo = res.geography
    pos = {r: i for i, r in enumerate(res.territories["rep_id"])}
    rep = res.units["rep_id"].map(pos).to_numpy()
    parts = territory_components(rep, geo.edges, geo.units["exempt"].to_numpy(), len(pos))
    assert (parts == res.territories["parts"].to_numpy()).all()
    if res.contiguous:
        assert (parts[np.bincount(rep, minlength=len(pos)) > 0] == 1).all()


def test_known_answers_by_enumeration():
    """The hand-stated optima are the true ones (all 3**12 alignments enumerated)."""
    best_free = best_cont = (np.inf, None)
    adj = {u: set() for u in range(12)}
    for a, b in EDGES:
        adj[a].add(b)
        adj[b].add(a)
    for combo in itertools.product(list(HOMES), repeat=12):
        loads = [sum(w for w, r in zip(WORKLOAD, combo, strict=True) if r == k) for k in HOMES]
        if not all(17.1 <= x <= 20.9 for x in loads):
            continue
        c = cost_of(list(combo))
        best_free = min(best_free, (c, combo))
        pieces = 0
        for k in HOMES:
            mine = {u for u in range(12) if combo[u] == k}
            seen, stack = set(), [next(iter(mine))]
            while stack:
                u = stack.pop()
                if u not in seen:
                    seen.add(u)
                    stack += list(adj[u] & mine)
            pieces += seen != mine
        if pieces == 0:
            best_cont = min(best_cont, (c, combo))
    assert list(best_free[1]) == FREE
    assert list(best_cont[1]) == CONTIGUOUS


@pytest.mark.solver
def test_grid_without_contiguity_has_an_island():
    accounts, reps, geo = grid()
    res = align_units(accounts, reps, geography=geo, k_nearest=None, tolerance=0.10)
    assert res.status.is_ok and res.gap < 1e-6
    assert res.units["rep_id"].tolist() == FREE
    assert res.objective == pytest.approx(cost_of(FREE), rel=1e-6)
    assert res.territories["parts"].max() == 2
    check_units(res)


@pytest.mark.solver
def test_grid_contiguous_optimum():
    accounts, reps, geo = grid()
    res = align_units(
        accounts, reps, geography=geo, contiguous=True, k_nearest=None, tolerance=0.10
    )
    assert res.status == "optimal"
    assert res.units["rep_id"].tolist() == CONTIGUOUS
    assert res.objective == pytest.approx(cost_of(CONTIGUOUS), rel=1e-6)
    assert res.cut_rounds >= 2 and res.cuts > 0
    assert res.off_home == ()
    check_units(res)
    assert set(res.assignment.columns) >= {"account_id", "unit_id", "new_rep_id"}


@pytest.mark.solver
def test_unit_locks_and_disruption_in_accounts():
    accounts, reps, geo = grid()
    accounts["current_rep_id"] = [FREE[u] for u in np.repeat(np.arange(12), 2)]
    res = align_units(
        accounts, reps, geography=geo, contiguous=True, k_nearest=None, tolerance=0.10,
        locked_units=("U08",),
    )  # fmt: skip
    assert res.units.set_index("unit_id").loc["U08", "rep_id"] == "R1"
    check_units(res)
    moved = res.assignment["moved"].sum()
    assert res.summary["accounts_moved"] == moved
    assert res.summary["potential_moved"] == pytest.approx(10.0 * moved)


def test_account_without_geography_is_named():
    from spm_models.geography import account_counties

    accounts = pd.DataFrame(
        {"account_id": ["A1", "A2"], "zip": ["10001", None], "lat": [40.75, np.nan],
         "lon": [-73.99, np.nan]}
    )  # fmt: skip
    with pytest.raises(InputDataError, match=r"A2.*|has no geography") as err:
        account_counties(accounts)
    assert "A2" in str(err.value) and "no geography" in str(err.value)


def test_point_in_no_county_and_unknown_zip():
    from spm_models.geography import account_counties

    accounts = pd.DataFrame(
        {"account_id": ["SEA", "BAD"], "zip": [None, "00000"], "lat": [30.0, 40.0],
         "lon": [-40.0, -75.0]}
    )  # fmt: skip
    with pytest.raises(InputDataError) as err:
        account_counties(accounts)
    text = str(err.value)
    assert "matches no county" in text and "'SEA'" in text
    assert "'00000' is not a known US ZIP code" in text and "'BAD'" in text


def test_ambiguous_county_name():
    from spm_models.geography import resolve_county

    with pytest.raises(InputDataError, match="'Washington' is ambiguous"):
        resolve_county("Washington")
    assert resolve_county("Los Angeles, CA") == "06037"
    assert resolve_county("Cook County, IL") == "17031"


def test_zip_to_county():
    from spm_models.geography import zip_to_county

    got = zip_to_county(["10001", "60601", "2134"])
    assert got.tolist() == ["36061", "17031", "25025"]


def test_disruption_sentence_says_what_a_unit_cap_counts() -> None:
    from types import SimpleNamespace

    from spm_models.territory.report import _cap_counts, disruption_sentence

    figures = {
        "territory.accounts_moved": 1678,
        "territory.accounts_moved_share": 0.336,
        "territory.potential_moved_share": 0.411,
        "territory.max_disruption": 0.3,
        "territory.reps_gaining": 37,
        "territory.reps_losing": 23,
    }

    by_unit = SimpleNamespace(options={"units": "county"})
    text = disruption_sentence(figures, _cap_counts(by_unit))
    assert "(the cap is 30.0% of accounts, counted in the counties that change rep)" in text
    by_account = SimpleNamespace(options={"units": "county", "disruption": "account"})
    assert "(the cap is 30.0% of accounts)" in disruption_sentence(figures, _cap_counts(by_account))
