"""CSV, Parquet and SQL (a real SQLite file through SQLAlchemy) give the same company."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from spm_models.data import load_company, write_company, write_sql_tables
from spm_models.data.company import ALL_TABLES, TABLES
from spm_models.errors import InputDataError


def _same(a, b) -> None:
    for name in ALL_TABLES:
        left = getattr(a, name).reset_index(drop=True)
        right = getattr(b, name).reset_index(drop=True)
        assert list(left.columns) == list(right.columns), name
        assert len(left) == len(right), name
        for col in left.columns:
            if pd.api.types.is_numeric_dtype(left[col]):
                assert (left[col].fillna(-1).to_numpy() == right[col].fillna(-1).to_numpy()).all()
            else:
                assert left[col].astype(str).tolist() == right[col].astype(str).tolist(), col


def test_csv_parquet_and_sqlite_agree(tiny_company, tmp_path: Path) -> None:
    from_csv = load_company(write_company(tiny_company, tmp_path / "csv"))
    from_parquet = load_company(write_company(tiny_company, tmp_path / "pq", fmt="parquet"))
    url = f"sqlite:///{tmp_path / 'company.db'}"
    write_sql_tables({name: getattr(tiny_company, name) for name in ALL_TABLES}, url)
    from_sql = load_company(url)
    _same(from_csv, from_parquet)
    _same(from_csv, from_sql)
    assert from_sql.as_of == from_csv.as_of
    assert from_sql.source.startswith("sqlite:///")
    assert len(from_csv.closed_opportunities) == len(tiny_company.closed_opportunities) > 0
    assert from_csv.closed_opportunities["won"].dtype == bool


def test_closed_history_is_optional(tiny_company, tmp_path: Path) -> None:
    folder = write_company(tiny_company, tmp_path / "csv")
    (folder / "closed_opportunities.csv").unlink()
    company = load_company(folder)
    assert company.closed_opportunities.empty
    assert list(company.closed_opportunities.columns) == list(
        tiny_company.closed_opportunities.columns
    )
    url = f"sqlite:///{tmp_path / 'four.db'}"
    write_sql_tables({name: getattr(tiny_company, name) for name in TABLES}, url)
    assert load_company(url).closed_opportunities.empty
    # A company without history writes no closed_opportunities file.
    again = write_company(company, tmp_path / "again")
    assert not (again / "closed_opportunities.csv").exists()


def test_bad_closed_history_rows_are_reported(tiny_company, tmp_path: Path) -> None:
    folder = write_company(tiny_company, tmp_path / "csv")
    closed = pd.read_csv(folder / "closed_opportunities.csv", dtype=str)
    closed.loc[4, "won"] = "maybe"
    closed.loc[6, "account_id"] = "A99999"
    closed.to_csv(folder / "closed_opportunities.csv", index=False)
    oid4, oid6 = closed.loc[4, "opportunity_id"], closed.loc[6, "opportunity_id"]
    with pytest.raises(
        InputDataError,
        match=rf"closed_opportunities.csv: column 'won' must be true or false; got 'maybe' "
        rf"at row 5 \(opportunity_id='{oid4}'\)",
    ):
        load_company(folder)
    closed.loc[4, "won"] = "True"
    closed.to_csv(folder / "closed_opportunities.csv", index=False)
    with pytest.raises(
        InputDataError,
        match=rf"unknown accounts.account_id 'A99999' at row 7 "
        rf"\(opportunity_id='{oid6}'\)",
    ):
        load_company(folder)
    closed.loc[6, "account_id"] = tiny_company.accounts["account_id"].iloc[0]
    closed.loc[2, "closed_date"] = "2000-01-01"
    closed.to_csv(folder / "closed_opportunities.csv", index=False)
    with pytest.raises(InputDataError, match="column 'closed_date' must not be before review_date"):
        load_company(folder)


def test_sql_missing_table_and_bad_rows_are_reported(tiny_company, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'partial.db'}"
    write_sql_tables({"accounts": tiny_company.accounts, "reps": tiny_company.reps}, url)
    with pytest.raises(InputDataError, match=r"partial.db#bookings: table not found"):
        load_company(url)
    bad = tiny_company.reps.copy()
    bad.loc[2, "fte"] = 3.0
    write_sql_tables({name: getattr(tiny_company, name) for name in TABLES} | {"reps": bad}, url)
    with pytest.raises(
        InputDataError,
        match=r"partial.db#reps: column 'fte' must be <= 1; "
        r"got 3.0 at row 3 \(rep_id='R003'\)",
    ):
        load_company(url)


def test_unknown_database_dialect_is_a_clear_error() -> None:
    with pytest.raises(InputDataError, match="cannot open database"):
        load_company("nosuchdb://host/db")


def test_corrupt_parquet(tiny_company, tmp_path: Path) -> None:
    folder = write_company(tiny_company, tmp_path / "pq", fmt="parquet")
    (folder / "reps.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputDataError, match=r"reps.parquet: is not a readable Parquet file"):
        load_company(folder)
