"""Salesforce reports exported as .xlsx: header found below title rows, footer left out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from spm_models.errors import InputDataError
from spm_models.sources.salesforce import SalesforceOptions, read_salesforce
from tests.sources.test_salesforce import _report_export

DAY_FIRST = SalesforceOptions(date_format="%d/%m/%Y")


def _as_workbook(csv_path: Path, *, real_dates: bool, gap_row: bool = False) -> Path:
    """The CSV export as a formatted report workbook: title rows, then the table (dates as
    Excel dates, whole numbers as numbers, percentages as shares in percent cells), then the
    totals footer."""
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    book = Workbook()
    ws = book.active
    ws.append(["Opportunities by close date"])
    ws.append(["As of 30/06/2024", None, "Filtered By: all"])
    ws.append([])
    ws.append(list(frame.columns))
    for n, row in enumerate(frame.itertuples(index=False), start=1):
        cells: list[object] = []
        percent: list[int] = []
        for name, value in zip(frame.columns, row, strict=True):
            if real_dates and name.endswith("Date") and value:
                cells.append(dt.datetime.strptime(value, "%d/%m/%Y"))
            elif value.isdigit():
                cells.append(int(value))
            elif value.endswith("%"):
                cells.append(float(value[:-1]) / 100)  # a share shown as a percentage
                percent.append(len(cells))
            else:
                cells.append(value or None)
        if gap_row and n == 3:
            ws.append([])
        ws.append(cells)
        for column in percent:
            ws.cell(row=ws.max_row, column=column).number_format = "0%"
    ws.append([])
    ws.append(["Grand Totals (5 records)", None, None, None, 3400.5])
    ws.append([])
    ws.append(["Confidential Information - Do Not Distribute"])
    ws.append(["Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."])
    out = csv_path.with_suffix(".xlsx")
    book.save(out)
    csv_path.unlink()
    return out


def _tables(result) -> dict[str, pd.DataFrame]:
    c = result.company
    return {
        name: getattr(c, name).reset_index(drop=True)
        for name in ("accounts", "reps", "bookings", "opportunities", "closed_opportunities")
    }


@pytest.mark.parametrize("real_dates", [True, False], ids=["excel-dates", "text-dates"])
def test_workbook_reads_like_the_csv_export(tmp_path: Path, real_dates: bool) -> None:
    expected = _tables(read_salesforce(_report_export(tmp_path / "csv"), options=DAY_FIRST))
    folder = _report_export(tmp_path / "xlsx")
    _as_workbook(folder / "Opportunity.csv", real_dates=real_dates)
    _as_workbook(folder / "Account.csv", real_dates=real_dates)
    result = read_salesforce(folder, options=DAY_FIRST)
    for name, frame in _tables(result).items():
        pd.testing.assert_frame_equal(frame, expected[name], check_dtype=False, obj=name)
    said = "\n".join(result.warnings)
    assert "Opportunity.xlsx: left out 3 title rows above the header on row 4" in said
    assert "'Opportunities by close date'" in said
    assert "Opportunity.xlsx: left out 3 footer rows below the data from row 10" in said
    assert "'Grand Totals (5 records)'" in said and "'Confidential Information" in said
    assert "sheet row 5 is row 1" in said


def test_bad_value_in_a_workbook_is_named(tmp_path: Path) -> None:
    folder = _report_export(
        tmp_path / "bad",
        close=("31/01/2024", "15/02/2024", "soon", "20/06/2024", "10/02/2024"),
    )
    _as_workbook(folder / "Opportunity.csv", real_dates=False)
    with pytest.raises(InputDataError) as info:
        read_salesforce(folder, options=DAY_FIRST)
    assert (
        "Opportunity.xlsx: column 'Close Date' must be a date in the format '%d/%m/%Y'; "
        "got 'soon' at row 3"
    ) in str(info.value)


def test_data_below_a_blank_row_is_refused_not_dropped(tmp_path: Path) -> None:
    folder = _report_export(tmp_path / "gap")
    _as_workbook(folder / "Opportunity.csv", real_dates=True, gap_row=True)
    with pytest.raises(InputDataError, match=r"row 8 looks like data but comes after the end"):
        read_salesforce(folder, options=DAY_FIRST)


def test_an_object_exported_twice_is_an_error(tmp_path: Path) -> None:
    folder = _report_export(tmp_path / "twice")
    pd.read_csv(folder / "Account.csv").to_excel(folder / "Account.xlsx", index=False)
    with pytest.raises(InputDataError, match=r"holds Account.csv, Account.xlsx: one export"):
        read_salesforce(folder, options=DAY_FIRST)


def test_workbook_without_a_header_row(tmp_path: Path) -> None:
    folder = _report_export(tmp_path / "nohead")
    book = Workbook()
    book.active.append(["just", "some", "cells"])
    book.save(folder / "Account.xlsx")
    (folder / "Account.csv").unlink()
    with pytest.raises(InputDataError, match=r"Account.xlsx: has no header row among its first"):
        read_salesforce(folder, options=DAY_FIRST)
