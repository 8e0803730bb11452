"""Every kind of bad input gets a message naming file, column, row and key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from spm_models.data import load_company, validate_table, write_company
from spm_models.errors import InputDataError


@pytest.fixture
def company_dir(tiny_company, tmp_path: Path) -> Path:
    return write_company(tiny_company, tmp_path / "co")


def _edit_csv(folder: Path, name: str, edit) -> None:
    path = folder / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False)


def test_valid_company_loads(company_dir: Path) -> None:
    company = load_company(company_dir)
    assert len(company.accounts) == 400
    assert company.as_of == pd.Timestamp("2026-12-31")
    assert pd.api.types.is_datetime64_any_dtype(company.bookings["period"])


def test_negative_potential_names_file_column_row_and_key(company_dir: Path) -> None:
    _edit_csv(
        company_dir,
        "accounts",
        lambda f: f.__setitem__("potential", f["potential"].where(f.index != 16, "-5")),
    )
    with pytest.raises(InputDataError) as info:
        load_company(company_dir)
    message = str(info.value)
    assert "accounts.csv: column 'potential' must be >= 0; got -5 at row 17" in message
    assert "account_id='A00017'" in message


def test_missing_column(company_dir: Path) -> None:
    _edit_csv(company_dir, "reps", lambda f: f.pop("home_lat"))
    with pytest.raises(InputDataError, match=r"reps.csv: column 'home_lat' is missing"):
        load_company(company_dir)


def test_wrong_type_and_nan_in_required_field(company_dir: Path) -> None:
    def edit(f: pd.DataFrame) -> None:
        f.loc[3, "workload"] = "lots"
        f.loc[5, "lat"] = ""

    _edit_csv(company_dir, "accounts", edit)
    with pytest.raises(InputDataError) as info:
        load_company(company_dir)
    text = str(info.value)
    assert "column 'workload' must be a number; got 'lots' at row 4 (account_id='A00004')" in text
    assert (
        "column 'lat' must not be empty when 'lon' is given at row 6 (account_id='A00006')" in text
    )
    assert len(info.value.problems) == 2  # all problems collected, not only the first


def test_duplicate_ids(company_dir: Path) -> None:
    _edit_csv(
        company_dir,
        "accounts",
        lambda f: f.__setitem__("account_id", f["account_id"].where(f.index != 9, "A00001")),
    )
    with pytest.raises(
        InputDataError,
        match=r"duplicate key \(account_id\) at row 10 "
        r"\(account_id='A00001'\)",
    ):
        load_company(company_dir)


def test_unknown_rep_id_in_assignment(company_dir: Path) -> None:
    _edit_csv(
        company_dir,
        "accounts",
        lambda f: f.__setitem__("current_rep_id", f["current_rep_id"].where(f.index != 0, "R999")),
    )
    with pytest.raises(
        InputDataError,
        match=r"accounts.csv: column 'current_rep_id' refers to "
        r"unknown reps.rep_id 'R999' at row 1",
    ):
        load_company(company_dir)


def test_dates_out_of_range_and_unparseable(company_dir: Path) -> None:
    def edit(f: pd.DataFrame) -> None:
        f.loc[0, "period"] = "1890-01-01"
        f.loc[1, "period"] = "next month"

    _edit_csv(company_dir, "bookings", edit)
    with pytest.raises(InputDataError) as info:
        load_company(company_dir)
    text = str(info.value)
    assert (
        "bookings.csv: column 'period' must be on or after 1990-01-01; got '1890-01-01' at row 1"
        in text
    )
    assert "column 'period' must be a date (YYYY-MM-DD); got 'next month' at row 2" in text


def test_allowed_values_and_pattern(company_dir: Path) -> None:
    def edit(f: pd.DataFrame) -> None:
        f.loc[0, "segment"] = "giant"
        f.loc[1, "zip"] = "9021"

    _edit_csv(company_dir, "accounts", edit)
    with pytest.raises(InputDataError) as info:
        load_company(company_dir)
    text = str(info.value)
    assert (
        "column 'segment' must be one of enterprise, mid-market, smb; got 'giant' at row 1" in text
    )
    assert r"column 'zip' must match ^\d{5}$; got '9021' at row 2" in text


def test_close_date_before_created(company_dir: Path) -> None:
    def edit(f: pd.DataFrame) -> None:
        f.loc[2, "expected_close_date"] = "2000-01-01"

    _edit_csv(company_dir, "opportunities", edit)
    with pytest.raises(
        InputDataError,
        match=r"opportunities.csv: column 'expected_close_date' "
        r"must not be before created_date at row 3",
    ):
        load_company(company_dir)


def test_non_utf8_file(company_dir: Path) -> None:
    path = company_dir / "reps.csv"
    path.write_bytes(
        path.read_bytes().replace(b"Vacant", b"Vac\xe9nt").replace(b"R001,", b"R001\xff,", 1)
    )
    with pytest.raises(
        InputDataError,
        match=r"reps.csv: is not valid UTF-8: byte 0x[0-9a-f]{2} "
        r"on line \d+",
    ):
        load_company(company_dir)


def test_empty_file_and_header_only(company_dir: Path) -> None:
    (company_dir / "opportunities.csv").write_text("")
    header = (company_dir / "accounts.csv").read_text().splitlines()[0]
    (company_dir / "accounts.csv").write_text(header + "\n")
    with pytest.raises(InputDataError) as info:
        load_company(company_dir)
    text = str(info.value)
    assert "opportunities.csv: is empty (no header row)" in text
    assert "accounts.csv: has no data rows" in text


def test_missing_file_and_folder(company_dir: Path, tmp_path: Path) -> None:
    (company_dir / "bookings.csv").unlink()
    with pytest.raises(InputDataError, match=r"bookings.csv: file not found"):
        load_company(company_dir)
    with pytest.raises(InputDataError, match="does not exist"):
        load_company(tmp_path / "nowhere")


def test_validate_table_does_not_mutate_input(tiny_company) -> None:
    raw = tiny_company.accounts.astype(str)
    before = raw.copy()
    typed = validate_table(raw, "accounts", source="accounts.csv")
    pd.testing.assert_frame_equal(raw, before)
    assert typed["potential"].dtype == float


def test_integer_column_rejects_fractions(tiny_company) -> None:
    raw = tiny_company.accounts.astype(str)
    raw.loc[0, "employees"] = "12.5"
    with pytest.raises(
        InputDataError,
        match=r"column 'employees' must be a whole number; "
        r"got '12.5' at row 1",
    ):
        validate_table(raw, "accounts", source="accounts.csv")
