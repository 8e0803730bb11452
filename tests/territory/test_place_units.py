"""City and country units for accounts outside the US: whole places, no contiguity."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.errors import InputDataError
from spm_models.geography.places import place_geography
from spm_models.territory import align_territories

pytestmark = pytest.mark.solver

# Paris (2 spellings), Lyon, Berlin, Munich; two reps, in Paris and in Berlin.
CITIES = [("FR", "Paris", 48.86, 2.35, 4), ("FR", "PARIS ", 48.85, 2.34, 2),
          ("FR", "Lyon", 45.76, 4.84, 3), ("DE", "Berlin", 52.52, 13.40, 5),
          ("DE", "Munich", 48.14, 11.58, 4)]  # fmt: skip


def company() -> tuple[pd.DataFrame, pd.DataFrame]:
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(len(CITIES))],
            "country": [c[0] for c in CITIES],
            "city": [c[1] for c in CITIES],
            "lat": [c[2] for c in CITIES],
            "lon": [c[3] for c in CITIES],
            "workload": [float(c[4]) for c in CITIES],
            "potential": 100.0,
            "current_rep_id": ["R2", "R1", "R1", "R1", "R2"],
            "region": "Europe",
        }
    )
    reps = pd.DataFrame(
        {"rep_id": ["R1", "R2"], "home_lat": [48.86, 52.52], "home_lon": [2.35, 13.40],
         "fte": 1.0, "rep_name": ["A B", "C D"], "region": "Europe", "status": "active"}
    )  # fmt: skip
    return accounts, reps


def test_city_units_keep_each_city_whole() -> None:
    accounts, reps = company()
    res = align_territories(accounts, reps, units="city", tolerance=0.3, k_nearest=None,
                            time_limit=20, mip_gap=0)  # fmt: skip
    assert res.status == "optimal"
    assert sorted(res.units["unit_id"]) == ["DE:Berlin", "DE:Munich", "FR:Lyon", "FR:Paris"]
    a = res.assignment
    assert a.loc[a["account_id"].isin(["A0", "A1"]), "new_rep_id"].nunique() == 1
    # Hand-checked: France (9) to the Paris rep, Germany (9) to the Berlin rep is the only
    # split within ±30% of 9 that keeps travel short.
    unit_rep = res.units.set_index("unit_id")["rep_id"]
    assert unit_rep["FR:Paris"] == unit_rep["FR:Lyon"] == "R1"
    assert unit_rep["DE:Berlin"] == unit_rep["DE:Munich"] == "R2"


def test_country_units_and_contiguity_refused() -> None:
    accounts, reps = company()
    geo = place_geography(accounts, by="country")
    assert list(geo.units["unit_id"]) == ["DE", "FR"] and len(geo.edges) == 0
    with pytest.raises(ValueError, match="no map borders"):
        align_territories(accounts, reps, units="country", contiguous=True)


def test_an_account_without_a_city_is_named() -> None:
    accounts, _ = company()
    accounts.loc[3, "city"] = None
    with pytest.raises(InputDataError, match=r"column 'city'.*row 4.*account_id='A3'"):
        place_geography(accounts, by="city")


def test_spm_align_with_city_units(tmp_path, capsys) -> None:
    from spm_models.cli import main

    accounts, reps = company()
    accounts = accounts.assign(account_name="X", industry="Retail", segment="smb", state="", zip="")
    reps = reps.assign(manager_id="M1", home_zip="", hire_date="2020-01-01")
    accounts.to_csv(tmp_path / "accounts.csv", index=False)
    reps.to_csv(tmp_path / "reps.csv", index=False)
    args = ["align", "--accounts", str(tmp_path / "accounts.csv"), "--reps",
            str(tmp_path / "reps.csv"), "--units", "city", "--tolerance", "0.3",
            "--k-nearest", "0", "--out", str(tmp_path / "out")]  # fmt: skip
    assert main([*args, "--contiguous"]) == 2
    assert "--contiguous needs --units county" in capsys.readouterr().err
    assert main(args) == 0, capsys.readouterr().err
    units = pd.read_csv(tmp_path / "out" / "units.csv")
    assert list(units.columns[:2]) == ["unit_id", "rep_id"] and len(units) == 4
