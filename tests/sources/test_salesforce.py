"""Salesforce exports: the sample's round trip, report-label exports, messy files, the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from spm_models.cli import main
from spm_models.data import generate_company, load_company
from spm_models.data.sample_salesforce import write_salesforce_sample
from spm_models.errors import InputDataError
from spm_models.sources.deals import BuildRules
from spm_models.sources.salesforce import SalesforceOptions, read_salesforce, write_import


@pytest.fixture(scope="module")
def sample():
    return generate_company(11, 300, 10)


@pytest.fixture(scope="module")
def sample_export(sample, tmp_path_factory) -> Path:
    return write_salesforce_sample(sample, tmp_path_factory.mktemp("sf"))


def test_round_trip_of_the_sample_export(sample, sample_export) -> None:
    """Import the Salesforce-shaped sample and get the same company back.

    What the export cannot carry, and so is not compared:
    - the closed history's review-time description (stage at review, review date, age, days
      in stage, rep tenure): Salesforce keeps only the final stage and the close date;
    - bookings are won deals, so the closed history's wins (drawn independently of the
      sample's bookings) add to bookings as new business in their close month;
    - every won booking also appears in the closed history (it is a closed deal).
    """
    back = read_salesforce(sample_export).company
    cols = list(sample.accounts.columns)
    got = back.accounts[cols].astype(str).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, sample.accounts[cols].astype(str), check_dtype=False)
    assert set(back.accounts["country"]) == {"US"}
    rcols = [
        "rep_name",
        "region",
        "manager_id",
        "home_zip",
        "home_lat",
        "home_lon",
        "hire_date",
        "status",
        "fte",
    ]
    reps = sample.reps.set_index("rep_id")[rcols]
    owners = set(sample.accounts["current_rep_id"]) | set(sample.bookings["rep_id"].dropna())
    reps = reps.loc[sorted(owners)]
    got_reps = back.reps.set_index("rep_id").loc[reps.index, rcols]
    pd.testing.assert_frame_equal(got_reps.astype(str), reps.astype(str), check_index_type=False)

    closed = sample.closed_opportunities
    wins = closed[closed["won"]].assign(period=lambda f: f["closed_date"].dt.to_period("M"))
    expected = sample.bookings.assign(period=lambda f: f["period"].dt.to_period("M"))
    expected = pd.concat([expected, wins.assign(booking_type="new")])
    expected = expected.groupby(["period", "booking_type"])["amount"].sum()
    got_b = back.bookings.assign(period=lambda f: f["period"].dt.to_period("M"))
    got_b = got_b.groupby(["period", "booking_type"])["amount"].sum()
    pd.testing.assert_series_equal(got_b, expected, check_exact=False, rtol=1e-9)
    assert back.as_of == sample.as_of

    ocols = [
        "opportunity_id",
        "account_id",
        "rep_id",
        "stage",
        "amount",
        "created_date",
        "expected_close_date",
        "product",
    ]
    got_o = back.opportunities[ocols].sort_values("opportunity_id").reset_index(drop=True)
    want_o = sample.opportunities[ocols].sort_values("opportunity_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got_o.astype(str), want_o.astype(str))

    ccols = [
        "opportunity_id",
        "account_id",
        "rep_id",
        "segment",
        "industry",
        "product",
        "amount",
        "discount",
        "created_date",
        "closed_date",
        "won",
    ]
    got_c = back.closed_opportunities.set_index("opportunity_id")
    got_c = got_c.loc[closed["opportunity_id"]].reset_index()[ccols]
    pd.testing.assert_frame_equal(got_c.astype(str), closed[ccols].astype(str))


def test_write_import_and_load_keep_provenance(sample_export, tmp_path) -> None:
    result = read_salesforce(sample_export)
    out = write_import(result, tmp_path / "company")
    loaded = load_company(out)
    assert loaded.provenance == result.provenance
    assert (out / "provenance.json").exists()
    assert len(loaded.bookings) == len(result.company.bookings)


def _write(folder: Path, name: str, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)


def _report_export(
    folder: Path,
    close: tuple[str, ...] = ("31/01/2024", "15/02/2024", "03/03/2024", "20/06/2024", "10/02/2024"),
) -> Path:
    """A report export: column labels, owner and account names, custom stages, no User.csv,
    day-first dates, money strings, accounts in Germany, France and the UK."""
    _write(
        folder,
        "Account",
        [
            {
                "Account Name": "Acme GmbH",
                "Account Owner": "Ann Lee",
                "Billing City": "Munich",
                "Billing Country": "Germany",
                "Employees": "2,500",
                "Extra": "x",
            },
            {
                "Account Name": "Beta SA",
                "Account Owner": "Bob Ray",
                "Billing City": "Lyon",
                "Billing Country": "France",
                "Employees": "40",
                "Extra": "y",
            },
            {
                "Account Name": "Gamma Ltd",
                "Account Owner": "",
                "Billing City": "Manchester",
                "Billing Country": "UK",
                "Employees": "",
                "Extra": "z",
            },
        ],
    )
    stages = ["Won - Signed", "Closed Won", "Lost to competitor", "Demo booked", "Closed Won"]
    _write(
        folder,
        "Opportunity",
        [
            {
                "Opportunity ID": f"O{i}",
                "Account Name": acc,
                "Opportunity Owner": owner,
                "Stage": stage,
                "Amount": amount,
                "Probability (%)": prob,
                "Close Date": day,
                "Created Date": "01/01/2024",
                "Type": typ,
            }
            for i, (acc, owner, stage, amount, prob, day, typ) in enumerate(
                zip(
                    ["Acme GmbH", "Acme GmbH", "Beta SA", "Gamma Ltd", "Gamma Ltd"],
                    ["Ann Lee", "Ann Lee", "Bob Ray", "Cy Ng", "Ann Lee"],
                    stages,
                    ["$1,000.00", "$500.50", "", "$2,000", "(100)"],
                    ["100%", "100%", "0%", "45%", "100%"],
                    close,
                    ["New Business", "Upsell", "", "", ""],
                    strict=True,
                ),
                start=1,
            )
        ],
    )
    return folder


def test_report_label_export_with_custom_stages_and_non_us_accounts(tmp_path) -> None:
    folder = _report_export(tmp_path / "report")
    result = read_salesforce(folder, options=SalesforceOptions(date_format="%d/%m/%Y"))
    c = result.company
    acc = c.accounts.set_index("account_name")
    assert acc["country"].to_dict() == {"Acme GmbH": "DE", "Beta SA": "FR", "Gamma Ltd": "GB"}
    assert acc.loc["Acme GmbH", "lat"] == pytest.approx(48.14, abs=0.01)
    assert acc.loc["Acme GmbH", "segment"] == "enterprise"
    assert acc.loc["Gamma Ltd", "region"] == "United Kingdom"
    assert set(c.reps["rep_name"]) == {"Ann Lee", "Bob Ray", "Cy Ng"}
    # Won and lost from the custom stage names; the credit note (100) counts as zero.
    assert c.bookings["amount"].sum() == pytest.approx(1500.5)
    got = c.bookings.groupby(["account_id", "period", "booking_type"])["amount"].sum()
    assert got.to_dict() == {
        ("Acme GmbH", pd.Timestamp("2024-01-01"), "new"): 1000.0,
        ("Acme GmbH", pd.Timestamp("2024-02-01"), "expansion"): 500.5,
        ("Gamma Ltd", pd.Timestamp("2024-02-01"), "new"): 0.0,
    }
    assert c.opportunities["stage"].tolist() == ["proposal"]
    assert len(c.closed_opportunities) == 4
    assert not c.closed_opportunities.set_index("opportunity_id").loc["O3", "won"]
    assert c.as_of == pd.Timestamp("2024-02-29")  # the last month with a won deal


def test_day_first_dates_without_a_format_are_an_error(tmp_path) -> None:
    folder = _report_export(tmp_path / "report")
    with pytest.raises(InputDataError) as info:
        read_salesforce(folder)
    text = str(info.value)
    assert "Opportunity.csv: column 'Close Date' must be an ISO date" in text
    assert "got '31/01/2024' at row 1 (Opportunity ID='O1')" in text


def test_bad_values_and_duplicate_ids_named(tmp_path) -> None:
    folder = _report_export(tmp_path / "bad")
    deals = pd.read_csv(folder / "Opportunity.csv", dtype=str, keep_default_na=False)
    deals.loc[2, "Amount"] = "lots"
    deals.loc[4, "Opportunity ID"] = "O1"
    deals.to_csv(folder / "Opportunity.csv", index=False)
    with pytest.raises(
        InputDataError,
        match=r"column 'Amount' must be an amount .*got 'lots' "
        r"at row 3 \(Opportunity ID='O3'\)",
    ):
        read_salesforce(folder, options=SalesforceOptions(date_format="%d/%m/%Y"))
    deals.loc[2, "Amount"] = "10"
    deals.to_csv(folder / "Opportunity.csv", index=False)
    with pytest.raises(
        InputDataError,
        match=r"Opportunity.csv: column 'Opportunity ID' has a "
        r"duplicate id 'O1' at row 5",
    ):
        read_salesforce(folder, options=SalesforceOptions(date_format="%d/%m/%Y"))


def test_missing_file_and_column(tmp_path) -> None:
    folder = _report_export(tmp_path / "gone")
    deals = pd.read_csv(folder / "Opportunity.csv", dtype=str).drop(columns="Close Date")
    deals.to_csv(folder / "Opportunity.csv", index=False)
    with pytest.raises(
        InputDataError,
        match=r"Opportunity.csv: column 'CloseDate' is missing "
        r"\(also accepted: Close Date\)",
    ):
        read_salesforce(folder)
    (folder / "Account.csv").unlink()
    with pytest.raises(InputDataError, match=r"Account.csv: is missing from gone"):
        read_salesforce(folder)


def test_unknown_accounts_listed_or_an_error(tmp_path) -> None:
    folder = _report_export(tmp_path / "unknown")
    deals = pd.read_csv(folder / "Opportunity.csv", dtype=str, keep_default_na=False)
    deals.loc[0, "Account Name"] = "Nobody Inc"
    deals.to_csv(folder / "Opportunity.csv", index=False)
    options = SalesforceOptions(date_format="%d/%m/%Y")
    result = read_salesforce(folder, options=options)
    assert "Nobody Inc" in set(result.company.accounts["account_id"])
    assert any("appear only on deals" in w for w in result.warnings)
    strict = SalesforceOptions(date_format="%d/%m/%Y", rules=BuildRules(unknown_accounts="error"))
    with pytest.raises(InputDataError, match=r"refers to an account not in Account\.csv"):
        read_salesforce(folder, options=strict)


def test_cli_import_ok_and_errors_exit_2_with_nothing_written(sample_export, tmp_path, capsys):
    out = tmp_path / "company"
    assert main(["import", "salesforce", str(sample_export), "--out", str(out)]) == 0
    assert (out / "accounts.csv").exists() and (out / "provenance.json").exists()
    bad = _report_export(tmp_path / "report")
    target = tmp_path / "never"
    assert main(["import", "salesforce", str(bad), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "Opportunity.csv: column 'Close Date' must be an ISO date" in err
    assert "'31/01/2024' at row 1" in err
    assert not target.exists()
    assert not list(tmp_path.glob(".never*"))
    code = main(
        [
            "import",
            "salesforce",
            str(bad),
            "--out",
            str(target),
            "--date-format",
            "%d/%m/%Y",
            "--rate",
            "EUR",
        ]
    )
    assert code == 2 and "--rate must be NAME=VALUE" in capsys.readouterr().err
    code = main(["import", "salesforce", str(bad), "--out", str(target), "--country", "Atlantis"])
    assert code == 2 and "'default_country' parameter of BuildRules" in capsys.readouterr().err
    assert not target.exists()


def test_cli_sample_salesforce(tmp_path) -> None:
    folder = tmp_path / "sf"
    args = [
        "sample",
        "--format",
        "salesforce",
        "--out",
        str(folder),
        "--accounts",
        "100",
        "--reps",
        "5",
    ]
    assert main(args) == 0
    names = {p.name for p in folder.iterdir()}
    assert names == {
        "Account.csv",
        "Opportunity.csv",
        "User.csv",
        "OpportunitySplit.csv",
        "OpportunityLineItem.csv",
    }
    head = (folder / "Opportunity.csv").read_text().splitlines()[1]
    assert "T17:24:05.000Z" in head and ",true," in head


def _crm_style_export(folder: Path) -> Path:
    """Shaped like a public B2B CRM dataset converted to Salesforce objects: agents named, not
    id'd, offices by country only, stages Prospecting/Engaging/Won/Lost, prospecting deals
    with no account and no dates, ten months of history, a few dollars-and-cents strings."""
    countries = ["United States", "Kenya", "Philippines", "Japan", "Italy", "Norway", "Korea"]
    accounts = [
        {
            "Name": f"Firm {i}",
            "Industry": ["retail", "medical", "software"][i % 3],
            "AnnualRevenue": f"{1000 + 37 * i}.5",
            "NumberOfEmployees": 50 + 400 * i,
            "BillingCountry": countries[i % len(countries)],
            "year_established": 1990 + i,
        }
        for i in range(14)
    ]
    _write(folder, "Account", accounts)
    agents = [f"Agent {a}" for a in "ABCDEF"]
    _write(
        folder,
        "User",
        [
            {
                "Name": a,
                "Manager": "Boss One" if i < 3 else "Boss Two",
                "Region__c": "Central" if i < 3 else "West",
            }
            for i, a in enumerate(agents)
        ],
    )
    rows = []
    for i in range(120):
        stage = ["Won", "Lost", "Engaging", "Prospecting"][i % 4]
        day = pd.Timestamp("2017-01-01") + pd.Timedelta(days=(i * 2.5) % 280)
        rows.append(
            {
                "Id": f"OPP{i:04d}",
                "OwnerId": agents[i % 6],
                "AccountId": "" if stage == "Prospecting" and i % 8 == 3 else f"Firm {i % 14}",
                "StageName": stage,
                "Product__c": ["GTX Basic", "MG Special"][i % 2],
                "CreatedDate": "" if stage == "Prospecting" else f"{day:%Y-%m-%d}",
                "CloseDate": f"{day + pd.Timedelta(days=20):%Y-%m-%d}"
                if stage in ("Won", "Lost")
                else "",
                "Amount": f"{100 + 13 * i}" if stage == "Won" else ("0" if stage == "Lost" else ""),
            }
        )
    _write(folder, "Opportunity", rows)
    return folder


def test_crm_style_export_imports_and_loads(tmp_path) -> None:
    folder = _crm_style_export(tmp_path / "crm")
    result = read_salesforce(folder)
    c = result.company
    assert len(c.reps) == 6 and set(c.reps["region"]) == {"Central", "West"}
    assert set(c.reps["manager_id"]) == {"Boss One", "Boss Two"}
    assert c.as_of == pd.Timestamp("2017-10-31")
    assert c.bookings["period"].dt.to_period("M").nunique() == 10
    assert len(c.closed_opportunities) == 60 and c.closed_opportunities["won"].sum() == 30
    # Open deals: those with an account stay in the pipeline with a derived close date.
    assert len(c.opportunities) == 60 - 15 and (c.opportunities["amount"] == 0).all()
    assert any("have no account and were left out" in w for w in result.warnings)
    # Offices known by country only: not placed, listed, never dropped.
    assert len(c.accounts) == 14 and c.accounts["lat"].isna().all()
    assert set(result.unplaced["id"]) >= set(c.accounts["account_id"])
    assert set(c.accounts["country"]) == {"US", "KE", "PH", "JP", "IT", "NO", "KR"}
    out = write_import(result, tmp_path / "company")
    again = load_company(out)
    assert len(again.bookings) == len(c.bookings)
    assert (out / "unplaced.csv").exists()


def test_report_footer_lines_are_left_out(tmp_path) -> None:
    folder = _report_export(tmp_path / "footer")
    path = folder / "Opportunity.csv"
    path.write_text(
        path.read_text() + '\n"Grand Totals (5 records)"\n\n"Confidential Information - Do Not '
        'Distribute"\n"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
    )
    result = read_salesforce(folder, options=SalesforceOptions(date_format="%d/%m/%Y"))
    assert len(result.company.closed_opportunities) + len(result.company.opportunities) == 5
