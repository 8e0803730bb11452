"""Reading Salesforce CSV files in bulk: byte-order marks, encodings, multi-line fields."""

from __future__ import annotations

from pathlib import Path

from spm_models.sources.salesforce import SalesforceOptions, read_export

OPPORTUNITY = "Id,AccountId,Amount,CloseDate,IsClosed,IsWon\n006A,001A,10,2024-01-05,true,true\n"


def test_bom_multiline_fields_and_quoted_commas(tmp_path: Path) -> None:
    (tmp_path / "Account.csv").write_bytes(
        b'\xef\xbb\xbfId,Name,Description,BillingCity\r\n001A,Acme,"line one\nline two",Paris\r\n'
        b'001B,"Beta, Inc.",, Lyon \r\n'
    )
    (tmp_path / "Opportunity.csv").write_text(OPPORTUNITY)
    export = read_export(tmp_path)
    assert export.accounts.to_dict("records") == [
        {"account_id": "001A", "account_name": "Acme", "city": "Paris"},
        {"account_id": "001B", "account_name": "Beta, Inc.", "city": "Lyon"},
    ]
    assert export.headers["accounts"]["account_id"] == "Id"  # the mark is not in the header


def test_other_encoding(tmp_path: Path) -> None:
    (tmp_path / "Account.csv").write_bytes("Id,Name\n001A,Café\n".encode("latin-1"))
    (tmp_path / "Opportunity.csv").write_text(OPPORTUNITY)
    export = read_export(tmp_path, SalesforceOptions(encoding="latin-1"))
    assert export.accounts["account_name"].tolist() == ["Café"]


def test_deleted_records_are_left_out_and_said(tmp_path: Path) -> None:
    from spm_models.sources.salesforce import read_salesforce

    (tmp_path / "Account.csv").write_text("Id,Name,IsDeleted\n001A,Acme,false\n001B,Gone,true\n")
    (tmp_path / "Opportunity.csv").write_text(
        "Id,AccountId,OwnerId,Amount,CloseDate,IsClosed,IsWon,IsDeleted\n"
        "006A,001A,005A,10,2024-01-05,true,true,\n"
        "006B,001A,005A,99,2024-01-06,true,true,TRUE\n"
        "006C,001B,005A,5,2024-01-07,true,true,true\n"
    )
    result = read_salesforce(tmp_path)
    assert result.company.accounts["account_id"].tolist() == ["001A"]
    assert result.company.bookings["amount"].sum() == 10
    assert "Account.csv: left out 1 deleted record (IsDeleted true)." in result.warnings
    assert "Opportunity.csv: left out 2 deleted records (IsDeleted true)." in result.warnings
