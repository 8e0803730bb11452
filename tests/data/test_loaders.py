"""CSV, Parquet and SQL (a real SQLite file through SQLAlchemy) give the same company."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from spm_models.data import load_company, write_company, write_sql_tables
from spm_models.data.company import TABLES
from spm_models.errors import InputDataError


def _same(a, b) -> None:
    for name in TABLES:
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
    write_sql_tables({name: getattr(tiny_company, name) for name in TABLES}, url)
    from_sql = load_company(url)
    _same(from_csv, from_parquet)
    _same(from_csv, from_sql)
    assert from_sql.as_of == from_csv.as_of
    assert from_sql.source.startswith("sqlite:///")


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
