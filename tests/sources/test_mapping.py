"""The declarative source mapping on messy CRM-style exports kept outside the project.

The fixture is a five-table company in five shapes: a semicolon-delimited Windows-1252 CSV with
European money strings and a currency column, an ``.xlsx`` sheet with day-first dates, a SQL
query on a SQLite file with US money strings and month names, a Parquet file with custom stage
names, and a CSV of closed deals with 'Closed Won' labels and percent strings.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import yaml

from spm_models import config
from spm_models.cli import main
from spm_models.errors import InputDataError
from spm_models.sources.mapping import import_mapped, inputs_hash, mapping_inputs, read_mapping

ACCOUNTS = """\
Kunde;Firma;Branche;Groesse;PLZ;Ort;Staat;Breite;Laenge;Gebiet;Potenzial;Waehrung;Betreuer;Besuche
A1;Café Nord;Retail;Großkunde;10001;New York;NY;40.75;-73.99;East;1.000,00 €;EUR;R1;12
A2;Süd GmbH;Tech;Mittelstand;60601;Chicago;IL;41.88;-87.63;Central;2.500,50;USD;R2;6
A3;West Ltd;Tech;Klein;94105;San Francisco;CA;37.79;-122.39;West;500,00 £;GBP;;4
"""

CLOSED = """\
Deal,Account,Owner,Tier,Industry,Product,Stage,Value,Discount,Opened,Reviewed,Age,InStage,Tenure,Closed,Outcome
D1,A1,R1,Großkunde,Retail,Core,Legal,"$1,000.00",10%,2024-01-05,2024-02-01,27,5,12,2024-02-10,Closed Won
D2,A2,R2,Mittelstand,Tech,Core,Demo,$250.00,0%,2024-01-10,2024-02-15,36,9,30,2024-02-20,Closed Lost
"""  # noqa: E501

SEGMENTS = {"Großkunde": "enterprise", "Mittelstand": "mid-market", "Klein": "smb"}
STAGES = {
    "Discovery": "prospecting",
    "Demo": "qualification",
    "Quote": "proposal",
    "Legal": "negotiation",
    "Verbal": "commit",
}


def _write_exports(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "accounts.csv").write_bytes(ACCOUNTS.encode("cp1252"))
    reps = pd.DataFrame(
        {
            "Rep ID": ["R1", "R2"],
            "Full Name": ["Ana Diaz", "Bo Chen"],
            "Region": ["East", "Central"],
            "ZIP": ["10001", "60601"],
            "Lat": [40.75, 41.88],
            "Lon": [-73.99, -87.63],
            "Start": ["03/04/2021", "25/12/2019"],
            "Status": ["Active", "Active"],
            "FTE": [1.0, 1.0],
        }
    )
    reps.to_excel(folder / "team.xlsx", sheet_name="Reps", index=False)
    with sqlite3.connect(folder / "crm.db") as conn:
        conn.execute("create table won (acct, owner, month, kind, total)")
        conn.executemany(
            "insert into won values (?, ?, ?, ?, ?)",
            [
                ("A1", "R1", "Jan 2024", "New Business", "$1,234.50"),
                ("A2", "R2", "Jan 2024", "Upsell", "$100.00"),
                ("A1", "R1", "Feb 2024", "Renewal", "$2,000"),
            ],
        )
    pd.DataFrame(
        {
            "Id": ["O1", "O2"],
            "AccountId": ["A1", "A3"],
            "OwnerId": ["R1", None],
            "StageName": ["Discovery", "Verbal"],
            "Amount": [5000.0, 750.0],
            "CreatedDate": ["2024-01-15", "2024-02-01"],
            "CloseDate": ["2024-06-30", "2024-03-31"],
        }
    ).to_parquet(folder / "pipeline.parquet", index=False)
    (folder / "closed.csv").write_text(CLOSED, encoding="utf-8")


def _mapping(folder: Path) -> dict:
    return {
        "currency_rates": {"EUR": 1.1, "GBP": 1.25},
        "tables": {
            "accounts": {
                "file": "accounts.csv",
                "encoding": "cp1252",
                "delimiter": ";",
                "columns": {
                    "Kunde": "account_id",
                    "Firma": "account_name",
                    "Branche": "industry",
                    "Groesse": "segment",
                    "PLZ": "zip",
                    "Ort": "city",
                    "Staat": "state",
                    "Breite": "lat",
                    "Laenge": "lon",
                    "Gebiet": "region",
                    "Potenzial": "potential",
                    "Betreuer": "current_rep_id",
                    "Besuche": "workload",
                },
                "values": {"segment": SEGMENTS},
                "money": {"potential": ","},
                "currency": {"column": "Waehrung", "amounts": ["potential"]},
            },
            "reps": {
                "file": "team.xlsx",
                "sheet": "Reps",
                "columns": {
                    "Rep ID": "rep_id",
                    "Full Name": "rep_name",
                    "Region": "region",
                    "ZIP": "home_zip",
                    "Lat": "home_lat",
                    "Lon": "home_lon",
                    "Start": "hire_date",
                    "Status": "status",
                    "FTE": "fte",
                },
                "values": {"status": {"Active": "active", "Open seat": "vacant"}},
                "dates": {"hire_date": "%d/%m/%Y"},
            },
            "bookings": {
                "sql": {
                    "url": "sqlite:///crm.db",
                    "query": "select acct as account_id, owner as rep_id, month as period, "
                    "kind as booking_type, total as amount from won",
                },
                "values": {
                    "booking_type": {
                        "New Business": "new",
                        "Upsell": "expansion",
                        "Renewal": "renewal",
                    },
                },
                "dates": {"period": "%b %Y"},
                "money": {"amount": "."},
            },
            "opportunities": {
                "file": str(folder / "pipeline.parquet"),
                "columns": {
                    "Id": "opportunity_id",
                    "AccountId": "account_id",
                    "OwnerId": "rep_id",
                    "StageName": "stage",
                    "Amount": "amount",
                    "CreatedDate": "created_date",
                    "CloseDate": "expected_close_date",
                },
                "values": {"stage": STAGES},
                "defaults": {"product": "Core"},
            },
            "closed_opportunities": {
                "file": "closed.csv",
                "columns": {
                    "Deal": "opportunity_id",
                    "Account": "account_id",
                    "Owner": "rep_id",
                    "Tier": "segment",
                    "Industry": "industry",
                    "Product": "product",
                    "Stage": "stage",
                    "Value": "amount",
                    "Discount": "discount",
                    "Opened": "created_date",
                    "Reviewed": "review_date",
                    "Age": "age_days",
                    "InStage": "days_in_stage",
                    "Tenure": "rep_tenure_months",
                    "Closed": "closed_date",
                    "Outcome": "won",
                },
                "values": {
                    "segment": SEGMENTS,
                    "stage": STAGES,
                    "won": {"Closed Won": "true", "Closed Lost": "false"},
                },
                "money": {"amount": "."},
                "percent": {"discount": "share"},
            },
        },
    }


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A mapping.yaml and its exports in a folder outside the project."""
    folder = tmp_path / "crm_export"
    _write_exports(folder)
    assert not folder.resolve().is_relative_to(config.PROJECT_ROOT)
    path = folder / "mapping.yaml"
    path.write_text(yaml.safe_dump(_mapping(folder), allow_unicode=True), encoding="utf-8")
    return path


def _edit(path: Path, change) -> Path:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_mapping_imports_every_shape_with_known_answers(exports: Path) -> None:
    company = import_mapped(exports).company
    accounts = company.accounts.set_index("account_id")
    # 1.000,00 EUR at 1.1, 2.500,50 USD, 500,00 GBP at 1.25
    assert accounts["potential"].to_dict() == pytest.approx(
        {"A1": 1100.0, "A2": 2500.5, "A3": 625.0}
    )
    assert accounts["segment"].tolist() == ["enterprise", "mid-market", "smb"]
    assert accounts.loc["A1", "account_name"] == "Café Nord"
    assert pd.isna(accounts.loc["A3", "current_rep_id"])
    reps = company.reps.set_index("rep_id")
    assert reps.loc["R1", "hire_date"] == pd.Timestamp("2021-04-03")  # day first
    assert reps.loc["R2", "hire_date"] == pd.Timestamp("2019-12-25")
    bookings = company.bookings
    assert bookings["amount"].sum() == pytest.approx(3334.5)
    assert sorted(bookings["booking_type"]) == ["expansion", "new", "renewal"]
    assert bookings["period"].max() == pd.Timestamp("2024-02-01")
    assert company.as_of == pd.Timestamp("2024-02-29")
    assert company.opportunities["stage"].tolist() == ["prospecting", "commit"]
    closed = company.closed_opportunities.set_index("opportunity_id")
    assert closed["won"].to_dict() == {"D1": True, "D2": False}
    assert closed["discount"].to_dict() == pytest.approx({"D1": 0.10, "D2": 0.0})
    assert closed.loc["D1", "stage"] == "negotiation"


def test_defaulted_fields_are_in_provenance(exports: Path) -> None:
    result = import_mapped(exports)
    entries = {(e.table, e.column): e for e in result.provenance}
    assert entries[("opportunities", "product")].rows == 2
    assert "'Core'" in entries[("opportunities", "product")].detail
    assert ("accounts", "country") in entries  # defaulted by the data layer, listed too


def test_a_dict_mapping_resolves_against_base(exports: Path) -> None:
    mapping = _mapping(exports.parent)
    company = import_mapped(mapping, base=exports.parent).company
    assert len(company.accounts) == 3


def test_home_relative_paths(exports: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(exports.parent.parent))
    mapping = _mapping(exports.parent)
    mapping["tables"]["accounts"]["file"] = "~/crm_export/accounts.csv"
    spec = read_mapping(mapping, base=exports.parent)
    assert spec.tables["accounts"].source.path == exports.parent / "accounts.csv"


def test_inputs_are_every_file_read(exports: Path) -> None:
    spec = read_mapping(exports)
    names = sorted(p.name for p in mapping_inputs(spec))
    assert names == ["accounts.csv", "closed.csv", "crm.db", "pipeline.parquet", "team.xlsx"]
    before = inputs_hash(spec)
    with (exports.parent / "closed.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert inputs_hash(read_mapping(exports)) != before


# ------------------------------------------------------------------------ bad inputs


def test_ambiguous_date_without_format_is_an_error_never_a_guess(exports: Path) -> None:
    _edit(exports, lambda m: m["tables"]["reps"].pop("dates"))
    with pytest.raises(InputDataError) as info:
        import_mapped(exports)
    text = str(info.value)
    assert "team.xlsx: column 'hire_date' must be a date (YYYY-MM-DD); got '03/04/2021'" in text
    assert "at row 1" in text


def test_bad_date_names_file_export_column_row_and_value(exports: Path) -> None:
    team = pd.read_excel(exports.parent / "team.xlsx", dtype=object)
    team.loc[1, "Start"] = "31/02/2020"
    team.to_excel(exports.parent / "team.xlsx", sheet_name="Reps", index=False)
    with pytest.raises(
        InputDataError,
        match=r"team.xlsx: column 'Start' must be a date in the format '%d/%m/%Y'; "
        r"got '31/02/2020' at row 2",
    ):
        import_mapped(exports)


def test_unknown_currency_and_bad_money_and_unmapped_value_all_listed(exports: Path) -> None:
    text = ACCOUNTS.replace("500,00 £;GBP", "5,00,0;JPY").replace("Mittelstand", "Riesig")
    (exports.parent / "accounts.csv").write_bytes(text.encode("cp1252"))
    with pytest.raises(InputDataError) as info:
        import_mapped(exports)
    problems = [str(p) for p in info.value.problems]
    assert any(
        "accounts.csv: column 'Waehrung' currency 'JPY' has no rate in currency_rates" in p
        and "at row 3" in p
        for p in problems
    )
    assert any(
        "accounts.csv: column 'Potenzial' must be an amount (decimal mark ',');"
        " got '5,00,0' at row 3" in p
        for p in problems
    )
    assert any(
        "accounts.csv: column 'Groesse' value 'Riesig' is not in the mapping's values" in p
        and "at row 2" in p
        for p in problems
    )


def test_missing_export_column_is_named(exports: Path) -> None:
    def rename(m: dict) -> None:
        columns = m["tables"]["accounts"]["columns"]
        columns["Besuch"] = columns.pop("Besuche")

    _edit(exports, rename)
    with pytest.raises(InputDataError, match=r"accounts.csv: column 'Besuch' is not in the export"):
        import_mapped(exports)


def test_wrong_encoding_is_named(exports: Path) -> None:
    _edit(exports, lambda m: m["tables"]["accounts"].pop("encoding"))
    with pytest.raises(InputDataError, match=r"accounts.csv: is not valid utf-8: byte 0xe9"):
        import_mapped(exports)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda m: m["tables"]["accounts"].update(colums={}),
            r"mapping.yaml: tables.accounts.colums: unknown key \(allowed: file, sql",
        ),
        (lambda m: m.update(extra=1), r"mapping.yaml: extra: unknown key"),
        (lambda m: m["tables"].pop("reps"), r"mapping.yaml: tables.reps: required table"),
        (
            lambda m: m["tables"]["reps"].update(file="nope.xlsx"),
            r"mapping.yaml: tables.reps.file: file 'nope.xlsx' not found",
        ),
        (
            lambda m: m["tables"]["bookings"]["sql"].update(url="sqlite:///nope.db"),
            r"mapping.yaml: tables.bookings.sql.url: database file '.*nope.db' not found",
        ),
        (
            lambda m: m["tables"]["accounts"]["money"].update(potential="comma"),
            r"tables.accounts.money.potential: must be '.' or ','; got 'comma'",
        ),
        (
            lambda m: m["currency_rates"].update(EUR=-1),
            r"mapping.yaml: currency_rates.EUR: must be a number > 0; got -1",
        ),
        (lambda m: m["tables"].update(leads={"file": "x"}), r"tables.leads: unknown table"),
        (
            lambda m: m["tables"]["accounts"].update(encoding="latin-99"),
            r"tables.accounts.encoding: unknown encoding 'latin-99'",
        ),
        (
            lambda m: m["tables"]["accounts"].update(delimiter=";;"),
            r"tables.accounts.delimiter: must be one character; got ';;'",
        ),
        (
            lambda m: m["tables"]["closed_opportunities"].update(booleans="won"),
            r"tables.closed_opportunities.booleans: must be a list of column names",
        ),
        (
            lambda m: m["tables"]["accounts"]["columns"].update(Ort="account_name"),
            r"tables.accounts.columns: several export columns map to 'account_name'",
        ),
        (
            lambda m: m["tables"]["accounts"].update(sql={"url": "sqlite:///crm.db"}),
            r"tables.accounts: give exactly one of file or sql",
        ),
        (lambda m: m.update(preset="hubspot", path="."), r"preset: must be one of salesforce"),
    ],
)
def test_mapping_mistakes_are_named(exports: Path, change, message: str) -> None:
    with pytest.raises(InputDataError, match=message):
        read_mapping(_edit(exports, change))


def test_mapping_yaml_is_strict(exports: Path) -> None:
    text = exports.read_text(encoding="utf-8")
    exports.write_text(text + "currency_rates: {EUR: 2}\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"mapping.yaml: currency_rates: duplicate key"):
        read_mapping(exports)


def test_unreadable_workbook_and_missing_sheet(exports: Path) -> None:
    _edit(exports, lambda m: m["tables"]["reps"].update(sheet="Team"))
    with pytest.raises(InputDataError, match=r"team.xlsx: has no sheet 'Team'"):
        import_mapped(exports)
    (exports.parent / "team.xlsx").write_text("not a workbook")
    with pytest.raises(InputDataError, match=r"team.xlsx: is not a readable .xlsx workbook"):
        import_mapped(exports)


def test_failing_query_is_named(exports: Path) -> None:
    _edit(exports, lambda m: m["tables"]["bookings"]["sql"].update(query="select * from lost"))
    with pytest.raises(InputDataError, match=r"crm.db#bookings: the query failed: no such table"):
        import_mapped(exports)


# ------------------------------------------------------------ spm validate mapping.yaml


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validate_accepts_a_mapping_file(exports: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(exports)]) == 0
    assert "ok (3 accounts, 2 reps, 3 booking rows)" in capsys.readouterr().out


def test_validate_lists_every_export_problem_and_writes_nothing(
    exports: Path, capsys: pytest.CaptureFixture
) -> None:
    text = ACCOUNTS.replace("500,00 £;GBP", "5,00,0;JPY").replace("Mittelstand", "Riesig")
    (exports.parent / "accounts.csv").write_bytes(text.encode("cp1252"))
    before = _snapshot(exports.parent)
    assert main(["validate", str(exports)]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s) found:" in err
    assert "column 'Waehrung' currency 'JPY' has no rate" in err
    assert "column 'Potenzial' must be an amount (decimal mark ','); got '5,00,0' at row 3" in err
    assert "column 'Groesse' value 'Riesig'" in err
    assert _snapshot(exports.parent) == before


def test_validate_names_a_mapping_key(exports: Path, capsys: pytest.CaptureFixture) -> None:
    text = exports.read_text(encoding="utf-8").replace("money:", "monies:", 1)
    exports.write_text(text, encoding="utf-8")
    assert main(["validate", str(exports)]) == 2
    assert "mapping.yaml: tables." in capsys.readouterr().err


# ------------------------------------------------------- an opportunity-level export

DEALS = """\
Deal ID;Company;Owner;Stage;Value;Currency;Close;Created;Type;Closed?;Won?
1;ACME;U1;Gewonnen;1.000,00;EUR;15/01/2024;01/12/2023;New Business;Ja;Ja
2;ACME;U2;Gewonnen;500,00;USD;20/02/2024;05/01/2024;Upsell;Ja;Ja
3;BETA;U1;Verloren;2.000,00;USD;10/02/2024;10/11/2023;New Business;Ja;Nein
4;BETA;U2;Angebot;3.000,00;USD;30/06/2024;01/02/2024;New Business;Nein;Nein
"""
COMPANIES = """\
Company,Name,Employees,Zip,City,State,Country
ACME,Acme Corp,5000,10001,New York,NY,US
BETA,Beta LLC,50,60601,Chicago,IL,US
"""
USERS = """\
Id,Name,Zip,Start
U1,Ana Diaz,10001,2020-03-01
U2,Bo Chen,60601,2021-07-15
"""
YES_NO = {"Ja": "true", "Nein": "false"}


def _deal_mapping() -> dict:
    return {
        "currency_rates": {"EUR": 1.1},
        "deals": {
            "deals": {
                "file": "deals.csv",
                "delimiter": ";",
                "columns": {
                    "Deal ID": "opportunity_id",
                    "Company": "account_id",
                    "Owner": "owner_id",
                    "Stage": "stage",
                    "Value": "amount",
                    "Currency": "currency",
                    "Close": "close_date",
                    "Created": "created_date",
                    "Type": "booking_type",
                    "Closed?": "is_closed",
                    "Won?": "is_won",
                },
                "values": {"is_closed": YES_NO, "is_won": YES_NO},
                "booleans": ["is_closed", "is_won"],
                "dates": {"close_date": "%d/%m/%Y", "created_date": "%d/%m/%Y"},
                "money": {"amount": ","},
            },
            "accounts": {
                "file": "companies.csv",
                "columns": {
                    "Company": "account_id",
                    "Name": "account_name",
                    "Employees": "employees",
                    "Zip": "zip",
                    "City": "city",
                    "State": "state",
                    "Country": "country",
                },
            },
            "users": {
                "file": "users.csv",
                "columns": {"Id": "rep_id", "Name": "rep_name", "Zip": "zip", "Start": "hire_date"},
                "dates": {"hire_date": "%Y-%m-%d"},
            },
        },
        "rules": {
            "stage_map": {"Angebot": "proposal"},
            "segment_employees": [100, 1000],
            "potential_rule": "history",
            "calls_per_year": {"enterprise": 40, "mid-market": 20, "smb": 8},
        },
    }


@pytest.fixture
def deal_export(tmp_path: Path) -> Path:
    """An opportunity-level export with its mapping, outside the project."""
    folder = tmp_path / "deal_export"
    folder.mkdir()
    (folder / "deals.csv").write_text(DEALS, encoding="utf-8")
    (folder / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    (folder / "users.csv").write_text(USERS, encoding="utf-8")
    path = folder / "mapping.yaml"
    path.write_text(yaml.safe_dump(_deal_mapping()), encoding="utf-8")
    return path


def test_deal_export_builds_every_table_with_known_answers(deal_export: Path) -> None:
    result = import_mapped(deal_export)
    company = result.company
    bookings = company.bookings
    assert bookings["amount"].sum() == pytest.approx(1000 * 1.1 + 500)
    assert sorted(bookings["period"].dt.strftime("%Y-%m")) == ["2024-01", "2024-02"]
    assert company.as_of == pd.Timestamp("2024-02-29")
    assert company.opportunities["stage"].tolist() == ["proposal"]
    assert company.opportunities["amount"].tolist() == [3000.0]
    assert len(company.closed_opportunities) == 3
    assert company.closed_opportunities["won"].sum() == 2
    accounts = company.accounts.set_index("account_id")
    assert accounts.loc["ACME", "segment"] == "enterprise"  # 5000 employees >= 1000
    assert accounts.loc["BETA", "segment"] == "smb"  # 50 employees < 100
    assert accounts.loc["ACME", "workload"] == 40
    derived = {(e.table, e.column) for e in result.provenance}
    assert {("accounts", "segment"), ("accounts", "potential"), ("accounts", "workload")} <= derived


def test_deal_export_bad_rule_and_unknown_rule_are_named(deal_export: Path) -> None:
    _edit(deal_export, lambda m: m["rules"].update(potential_rule="guess", colour="red"))
    with pytest.raises(InputDataError) as info:
        read_mapping(deal_export)
    text = str(info.value)
    assert "mapping.yaml: rules.colour: unknown key" in text
    assert "The 'potential_rule' parameter of BuildRules must be" in text


def test_deal_export_bad_date_names_file_column_row_value(deal_export: Path) -> None:
    text = DEALS.replace("20/02/2024", "2024-02-20")
    (deal_export.parent / "deals.csv").write_text(text, encoding="utf-8")
    with pytest.raises(
        InputDataError,
        match=r"deals.csv: column 'Close' must be a date in the format '%d/%m/%Y'; "
        r"got '2024-02-20' at row 2",
    ):
        import_mapped(deal_export)


# ------------------------------------------------------------- the Salesforce preset


@pytest.fixture
def salesforce_export(tmp_path: Path, tiny_company) -> Path:
    """The tiny sample company as a Salesforce export, outside the project."""
    from spm_models.data.sample_salesforce import write_salesforce_sample

    return write_salesforce_sample(tiny_company, tmp_path / "sfdc")


def test_salesforce_preset_reads_the_export(salesforce_export: Path, tiny_company) -> None:
    path = salesforce_export / "mapping.yaml"
    path.write_text("preset: salesforce\npath: .\n", encoding="utf-8")
    company = import_mapped(path).company
    assert len(company.accounts) == len(tiny_company.accounts)
    got = company.bookings.groupby("booking_type")["amount"].sum()
    want = tiny_company.bookings.groupby("booking_type")["amount"].sum()
    for kind in ("expansion", "renewal"):
        assert got[kind] == pytest.approx(want[kind], rel=1e-6)


def test_salesforce_preset_takes_rules_and_options(salesforce_export: Path) -> None:
    path = salesforce_export / "mapping.yaml"
    path.write_text(
        "preset: salesforce\npath: .\noptions: {decimal: '.'}\n"
        "rules: {calls_per_year: {enterprise: 50, mid-market: 25, smb: 10}}\n",
        encoding="utf-8",
    )
    result = import_mapped(path)
    workload = result.company.accounts.groupby("segment")["workload"].first()
    if ("accounts", "workload") in {(e.table, e.column) for e in result.provenance}:
        assert workload.to_dict() == {"enterprise": 50, "mid-market": 25, "smb": 10}
    path.write_text("preset: salesforce\npath: .\noptions: {delimiter: ';'}\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"mapping.yaml: options.delimiter: unknown key"):
        read_mapping(path)
    path.write_text("preset: salesforce\npath: nowhere\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"mapping.yaml: path: folder 'nowhere' not found"):
        read_mapping(path)


def test_validate_accepts_a_deal_export_mapping(
    deal_export: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["validate", str(deal_export)]) == 0
    assert "ok (2 accounts, 2 reps, 2 booking rows)" in capsys.readouterr().out
    (deal_export.parent / "deals.csv").write_text(DEALS.replace("20/02/2024", "2024-02-20"))
    assert main(["validate", str(deal_export)]) == 2
    assert "deals.csv: column 'Close' must be a date" in capsys.readouterr().err


def test_deal_export_credit_splits_share_one_deal(deal_export: Path) -> None:
    (deal_export.parent / "splits.csv").write_text("Deal,Rep,Pct\n1,U1,60\n1,U2,40\n")

    def add_splits(m: dict) -> None:
        m["deals"]["splits"] = {
            "file": "splits.csv",
            "columns": {"Deal": "opportunity_id", "Rep": "rep_id", "Pct": "share"},
            "percent": {"share": "percent"},
        }

    _edit(deal_export, add_splits)
    bookings = import_mapped(deal_export).company.bookings
    january = bookings[bookings["period"] == "2024-01-01"].set_index("rep_id")["amount"]
    assert january.to_dict() == pytest.approx({"U1": 660.0, "U2": 440.0})  # 60/40 of 1,100
    assert mapping_inputs(read_mapping(deal_export))[-1].name == "users.csv"
    assert "splits.csv" in {p.name for p in mapping_inputs(read_mapping(deal_export))}


def test_validate_a_folder_holding_a_mapping(exports: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(exports.parent)]) == 0
    assert "mapping.yaml: ok (3 accounts" in capsys.readouterr().out
