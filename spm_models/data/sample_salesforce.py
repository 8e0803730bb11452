"""The sample company as a fictional Salesforce export (standard objects, API field names).

:func:`salesforce_frames` turns a :class:`~spm_models.data.company.Company` into the CSV
frames a Salesforce data export would hold: ``Account``, ``Opportunity``, ``User``,
``OpportunitySplit`` and ``OpportunityLineItem``, with ISO datetimes ending in ``Z``,
``true``/``false`` booleans, custom fields (``Segment__c``, ``Potential__c``, ``Workload__c``,
``Region__c``, ``Hire_Date__c``, ``Discount__c``) and the extra columns real exports carry
(phone, website, lead source, forecast category ...), which an importer must ignore.

Every booking row becomes a won opportunity (closing mid-month), every open opportunity an
open one (stage names and probabilities of a typical sales process), every closed-history
deal a won or lost one. As in any Salesforce org, each won deal is a booking: the sample's
closed-history wins (drawn independently of its bookings) therefore add to the bookings an
import finds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from spm_models.data.company import Company

#: Canonical stage -> (Salesforce stage name, probability %) of the sample's sales process.
STAGE_NAMES = {
    "prospecting": ("Prospecting", 10),
    "qualification": ("Qualification", 30),
    "proposal": ("Proposal/Price Quote", 50),
    "negotiation": ("Negotiation/Review", 70),
    "commit": ("Commit", 90),
}
#: Canonical booking type -> Opportunity ``Type``.
TYPE_NAMES = {
    "new": "New Business",
    "expansion": "Existing Customer - Upgrade",
    "renewal": "Existing Customer - Renewal",
}
#: Product name -> product code.
PRODUCT_CODES = {
    "Core Platform": "CORE",
    "Analytics": "ANLT",
    "Integrations": "INTG",
    "Services": "SRVC",
}


def _stamp(dates: pd.Series | pd.DatetimeIndex, hour: int = 17) -> np.ndarray:
    """ISO datetimes in UTC with milliseconds and a Z, as Salesforce exports them."""
    values = pd.to_datetime(pd.Series(dates)) + pd.Timedelta(hours=hour, minutes=24, seconds=5)
    return values.dt.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_numpy()


def _day(dates) -> np.ndarray:
    return pd.to_datetime(pd.Series(dates)).dt.strftime("%Y-%m-%d").to_numpy()


def _bool(values) -> np.ndarray:
    return np.where(np.asarray(values, dtype=bool), "true", "false")


def salesforce_frames(company: Company) -> dict[str, pd.DataFrame]:
    """The company as Salesforce object exports, keyed by object name.

    Ids are the sample's own (``A00042``, ``R007``, ``O000001``) so a round trip can be
    compared; bookings become opportunities ``B0000001`` ... in bookings order.
    """
    acc, reps = company.accounts, company.reps
    accounts = pd.DataFrame(
        {
            "Id": acc["account_id"].to_numpy(),
            "IsDeleted": "false",
            "Name": acc["account_name"].to_numpy(),
            "Type": "Customer - Direct",
            "BillingStreet": [f"{100 + i % 900} Market Street" for i in range(len(acc))],
            "BillingCity": acc["city"].to_numpy(),
            "BillingState": acc["state"].to_numpy(),
            "BillingPostalCode": acc["zip"].to_numpy(),
            "BillingCountry": "United States",
            "Phone": "(555) 010-0000",
            "Website": [f"www.example-{i}.com" for i in range(len(acc))],
            "Industry": acc["industry"].to_numpy(),
            "AnnualRevenue": "",
            "NumberOfEmployees": acc["employees"].to_numpy(),
            "OwnerId": acc["current_rep_id"].fillna("").to_numpy(),
            "CreatedDate": _stamp(
                pd.Series(company.as_of - pd.Timedelta(days=2000), index=acc.index)
            ),
            "AccountSource": "Web",
            "Segment__c": acc["segment"].to_numpy(),
            "Potential__c": acc["potential"].to_numpy(),
            "Workload__c": acc["workload"].to_numpy(),
            "Region__c": acc["region"].to_numpy(),
        }
    )
    first = reps["rep_name"].str.split(" ").str[0]
    last = reps["rep_name"].str.split(" ").str[1:].str.join(" ")
    users = pd.DataFrame(
        {
            "Id": reps["rep_id"].to_numpy(),
            "Username": [f"{r.lower()}@example.com" for r in reps["rep_id"]],
            "LastName": last.to_numpy(),
            "FirstName": first.to_numpy(),
            "Name": reps["rep_name"].to_numpy(),
            "Email": [f"{r.lower()}@example.com" for r in reps["rep_id"]],
            "IsActive": _bool(reps["status"] != "vacant"),
            "UserRoleId": "00E000000000001",
            "ManagerId": reps["manager_id"].to_numpy() if "manager_id" in reps else "",
            "PostalCode": reps["home_zip"].to_numpy(),
            "Country": "US",
            "TimeZoneSidKey": "America/New_York",
            "Hire_Date__c": _day(reps["hire_date"]),
            "Region__c": reps["region"].to_numpy(),
        }
    )
    users["Hire_Date__c"] = users["Hire_Date__c"].astype(object)
    users.loc[reps["hire_date"].isna().to_numpy(), "Hire_Date__c"] = ""
    deals, items = _opportunities(company)
    owned = deals[deals["OwnerId"] != ""]
    splits = pd.DataFrame(
        {
            "Id": [f"S{i:07d}" for i in range(1, len(owned) + 1)],
            "OpportunityId": owned["Id"].to_numpy(),
            "SplitOwnerId": owned["OwnerId"].to_numpy(),
            "SplitPercentage": 100,
            "SplitAmount": owned["Amount"].to_numpy(),
            "SplitTypeId": "149000000000001",
            "IsDeleted": "false",
        }
    )
    return {
        "Account": accounts,
        "Opportunity": deals,
        "User": users,
        "OpportunitySplit": splits,
        "OpportunityLineItem": items,
    }


def _opportunities(company: Company) -> tuple[pd.DataFrame, pd.DataFrame]:
    b, o, c = company.bookings, company.opportunities, company.closed_opportunities
    close_b = b["period"] + pd.Timedelta(days=14)
    won = pd.DataFrame(
        {
            "Id": [f"B{i:07d}" for i in range(1, len(b) + 1)],
            "AccountId": b["account_id"].to_numpy(),
            "OwnerId": b["rep_id"].fillna("").to_numpy(),
            "StageName": "Closed Won",
            "Amount": b["amount"].to_numpy(),
            "Probability": 100,
            "CloseDate": _day(close_b),
            "CreatedDate": _stamp(close_b - pd.Timedelta(days=45)),
            "IsClosed": "true",
            "IsWon": "true",
            "Type": b["booking_type"].map(TYPE_NAMES).to_numpy(),
            "Discount__c": "",
        }
    )
    stage = o["stage"].map(lambda s: STAGE_NAMES[s][0])
    prob = o["stage"].map(lambda s: STAGE_NAMES[s][1])
    open_ = pd.DataFrame(
        {
            "Id": o["opportunity_id"].to_numpy(),
            "AccountId": o["account_id"].to_numpy(),
            "OwnerId": o["rep_id"].fillna("").to_numpy(),
            "StageName": stage.to_numpy(),
            "Amount": o["amount"].to_numpy(),
            "Probability": prob.to_numpy(),
            "CloseDate": _day(o["expected_close_date"]),
            "CreatedDate": _stamp(o["created_date"]),
            "IsClosed": "false",
            "IsWon": "false",
            "Type": "New Business",
            "Discount__c": "",
        }
    )
    closed = pd.DataFrame(
        {
            "Id": c["opportunity_id"].to_numpy(),
            "AccountId": c["account_id"].to_numpy(),
            "OwnerId": c["rep_id"].fillna("").to_numpy(),
            "StageName": np.where(c["won"], "Closed Won", "Closed Lost"),
            "Amount": c["amount"].to_numpy(),
            "Probability": np.where(c["won"], 100, 0),
            "CloseDate": _day(c["closed_date"]),
            "CreatedDate": _stamp(c["created_date"]),
            "IsClosed": "true",
            "IsWon": _bool(c["won"]),
            "Type": "New Business",
            "Discount__c": c["discount"].to_numpy(),
        }
    )
    deals = pd.concat([won, open_, closed], ignore_index=True)
    deals.insert(3, "Name", deals["Id"].radd("Deal "))
    deals["CurrencyIsoCode"] = "USD"
    deals["LeadSource"] = "Partner Referral"
    deals["ForecastCategoryName"] = np.where(deals["IsClosed"] == "true", "Closed", "Pipeline")
    deals["IsDeleted"] = "false"
    products = pd.concat(
        [o[["opportunity_id", "product", "amount"]], c[["opportunity_id", "product", "amount"]]],
        ignore_index=True,
    )
    items = pd.DataFrame(
        {
            "Id": [f"L{i:07d}" for i in range(1, len(products) + 1)],
            "OpportunityId": products["opportunity_id"].to_numpy(),
            "Product2Id": products["product"].map(PRODUCT_CODES).radd("01t").to_numpy(),
            "ProductCode": products["product"].to_numpy(),
            "Quantity": 1,
            "UnitPrice": products["amount"].to_numpy(),
            "TotalPrice": products["amount"].to_numpy(),
        }
    )
    return deals, items


def write_salesforce_sample(company: Company, folder: str | Path) -> Path:
    """Write :func:`salesforce_frames` as ``Account.csv``, ``Opportunity.csv`` ... to ``folder``.

    Files are written under temporary names and renamed when complete.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in salesforce_frames(company).items():
        tmp = folder / f".{name}.csv.tmp"
        frame.to_csv(tmp, index=False)
        tmp.replace(folder / f"{name}.csv")
    return folder
