"""County units on real boundaries: Connecticut and Rhode Island, through ``spm align``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from spm_models.cli import main
from spm_models.geography import county_shapes

pytestmark = pytest.mark.solver

# (ZIP, workload) spread over both states; reps in Hartford, New Haven and Providence.
ZIPS = [
    ("06103", 9), ("06105", 7), ("06040", 5), ("06010", 4), ("06790", 3), ("06320", 4),
    ("06360", 3), ("06226", 2), ("06510", 8), ("06511", 6), ("06460", 3), ("06604", 7),
    ("06902", 6), ("06810", 4), ("06457", 3), ("02903", 9), ("02860", 5), ("02886", 5),
    ("02840", 3), ("02879", 3), ("02809", 2), ("06082", 3), ("06770", 4), ("06418", 2),
]  # fmt: skip


def write_company(folder: Path) -> tuple[Path, Path]:
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{i:02d}" for i in range(len(ZIPS))],
            "zip": [z for z, _ in ZIPS],
            "lat": 41.5,  # the ZIP decides the county; lat/lon feed distances only
            "lon": -72.5,
            "potential": 100.0,
            "workload": [float(w) for _, w in ZIPS],
            "current_rep_id": ["R1", "R2", "R3"] * (len(ZIPS) // 3),
            "account_name": [f"Account {i}" for i in range(len(ZIPS))],
            "industry": "Retail",
            "segment": "smb",
            "state": [("RI" if z.startswith("02") else "CT") for z, _ in ZIPS],
            "region": "East",
        }
    )
    reps = pd.DataFrame(
        {"rep_id": ["R1", "R2", "R3"], "home_lat": [41.76, 41.31, 41.82],
         "home_lon": [-72.68, -72.92, -71.41], "fte": 1.0, "rep_name": ["A B", "C D", "E F"],
         "region": "East", "manager_id": "M1", "home_zip": ["06103", "06510", "02903"],
         "hire_date": "2020-01-01", "status": "active"}
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    accounts.to_csv(folder / "accounts.csv", index=False)
    reps.to_csv(folder / "reps.csv", index=False)
    return folder / "accounts.csv", folder / "reps.csv"


def test_county_units_contiguous_through_the_cli(tmp_path: Path, capsys) -> None:
    acc, reps = write_company(tmp_path / "in")
    out = tmp_path / "out"
    code = main(
        ["align", "--accounts", str(acc), "--reps", str(reps), "--units", "county",
         "--contiguous", "--tolerance", "0.25", "--k-nearest", "0", "--time-limit", "30",
         "--mip-gap", "0", "--out", str(out)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    units = pd.read_csv(out / "units.csv", dtype={"unit_id": str, "county": str})
    counties = county_shapes()
    area = counties[counties["state"].isin(["CT", "RI"])]
    assert set(units["county"]) == set(area["unit_id"])  # every county, with or without accounts
    assignment = pd.read_csv(out / "assignment.csv", dtype={"unit_id": str})
    assert (assignment.groupby("unit_id")["new_rep_id"].nunique() == 1).all()
    territories = pd.read_csv(out / "territories.csv")
    assert (territories["parts"] == 1).all()
    assert territories["home_adjacent"].all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["contiguous"] is True and summary["status"] == "optimal"


def test_lock_unit_by_name_and_ambiguous_name(tmp_path: Path, capsys) -> None:
    acc, reps = write_company(tmp_path / "in")
    args = ["align", "--accounts", str(acc), "--reps", str(reps), "--units", "county",
            "--tolerance", "0.5", "--k-nearest", "0", "--time-limit", "30"]  # fmt: skip
    assert main([*args, "--lock-unit", "Newport, RI", "--out", str(tmp_path / "a")]) == 0
    units = pd.read_csv(tmp_path / "a" / "units.csv", dtype={"unit_id": str})
    row = units.set_index("unit_id").loc["44005"]
    assert row["rep_id"] == row["old_rep_id"]
    capsys.readouterr()
    assert main([*args, "--lock-unit", "Washington", "--out", str(tmp_path / "b")]) != 0
    assert "'Washington' is ambiguous" in capsys.readouterr().err
