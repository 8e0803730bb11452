"""Salesforce exports out of the box: the standard objects by API field names or report labels.

A folder holds ``Account.csv``, ``Opportunity.csv`` and optionally ``User.csv``,
``OpportunitySplit.csv`` and ``OpportunityLineItem.csv`` (file names in any case, singular or
plural), each a CSV file or a report exported as ``.xlsx`` (title rows above the header and
the totals footer are left out and listed in the import's warnings, see
:mod:`~spm_models.sources.report_xlsx`). Columns are found by name through
:data:`ALIASES` (API field names such as ``CloseDate`` and report column labels such as
``"Close Date"``, compared without case or spacing), in any order; unknown columns are
ignored. Values are parsed by :mod:`spm_models.sources.parse` (ISO dates or datetimes such as
``2017-03-01T17:24:05.000Z`` unless a date format is given; ``true``/``false``; money strings)
and the company is built by :func:`~spm_models.sources.deals.build_company_from_deals`.

Report exports name owners and accounts rather than giving their ids: an ``OwnerId`` that is
not a user id but a user's name, or an ``AccountId`` that is an account's name, is resolved
to the id. Without ``IsClosed``/``IsWon`` columns, a stage name containing "won" or "lost"
(or "closed") tells them.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from spm_models.data.company import write_company
from spm_models.data.text import arrow_text, clean_text
from spm_models.errors import InputDataError, Problem
from spm_models.sources.deals import BuildRules, DealExport, ImportResult, build_company_from_deals
from spm_models.sources.parse import parse_bool, parse_dates, parse_money, parse_percent
from spm_models.sources.report_xlsx import read_report_workbook

#: The objects read, their file stems (first one canonical) and whether they are required.
OBJECTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "accounts": (("Account", "Accounts"), True),
    "deals": (("Opportunity", "Opportunities"), True),
    "users": (("User", "Users"), False),
    "splits": (("OpportunitySplit", "OpportunitySplits"), False),
    "line_items": (("OpportunityLineItem", "OpportunityLineItems"), False),
}

#: Intermediate column -> accepted headers (API name first, then report labels), per object.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "accounts": {
        "account_id": ("Id", "Account ID", "Account Id", "AccountId"),
        "account_name": ("Name", "Account Name"),
        "owner_id": ("OwnerId", "Account Owner ID", "Account Owner", "Owner"),
        "industry": ("Industry",),
        "employees": ("NumberOfEmployees", "Employees", "Number of Employees"),
        "annual_revenue": ("AnnualRevenue", "Annual Revenue"),
        "zip": ("BillingPostalCode", "Billing Zip/Postal Code", "Billing Postal Code"),
        "city": ("BillingCity", "Billing City"),
        "state": ("BillingStateCode", "BillingState", "Billing State/Province", "Billing State"),
        "country": (
            "BillingCountryCode",
            "BillingCountry",
            "Billing Country",
            "Billing Country Code",
        ),
        "lat": ("BillingLatitude", "Billing Latitude"),
        "lon": ("BillingLongitude", "Billing Longitude"),
        "segment": ("Segment__c", "Segment"),
        "potential": ("Potential__c", "Potential"),
        "workload": ("Workload__c", "Workload"),
        "region": ("Region__c", "Region", "Sales Region"),
    },
    "deals": {
        "opportunity_id": ("Id", "Opportunity ID", "Opportunity Id"),
        "account_id": ("AccountId", "Account ID", "Account Id", "Account Name", "Account"),
        "owner_id": ("OwnerId", "Opportunity Owner ID", "Opportunity Owner", "Owner"),
        "stage": ("StageName", "Stage"),
        "amount": ("Amount", "Amount (converted)", "Total Price"),
        "probability": ("Probability", "Probability (%)"),
        "close_date": ("CloseDate", "Close Date"),
        "created_date": ("CreatedDate", "Created Date"),
        "is_closed": ("IsClosed", "Closed"),
        "is_won": ("IsWon", "Won"),
        "booking_type": ("Type", "Opportunity Type"),
        "product": ("Product__c", "Product", "Product Name"),
        "currency": ("CurrencyIsoCode", "Opportunity Currency", "Currency"),
        "discount": ("Discount__c", "Discount"),
    },
    "users": {
        "rep_id": ("Id", "User ID", "User Id"),
        "rep_name": ("Name", "Full Name", "User"),
        "first_name": ("FirstName", "First Name"),
        "last_name": ("LastName", "Last Name"),
        "manager_id": ("ManagerId", "Manager ID", "Manager"),
        "is_active": ("IsActive", "Active"),
        "hire_date": ("Hire_Date__c", "HireDate__c", "Hire Date", "Start Date"),
        "zip": ("PostalCode", "Zip/Postal Code", "Postal Code"),
        "city": ("City",),
        "state": ("StateCode", "State", "State/Province"),
        "country": ("CountryCode", "Country"),
        "lat": ("Latitude",),
        "lon": ("Longitude",),
        "region": ("Region__c", "Region", "Sales Region"),
    },
    "splits": {
        "opportunity_id": ("OpportunityId", "Opportunity ID", "Opportunity Id"),
        "rep_id": ("SplitOwnerId", "Split Owner ID", "Split Owner"),
        "share": ("SplitPercentage", "Split Percentage", "Percent (%)", "Split %"),
    },
    "line_items": {
        "opportunity_id": ("OpportunityId", "Opportunity ID", "Opportunity Id"),
        "product": ("ProductCode", "Product Code", "Product2Id", "Product Name", "Product"),
        "amount": ("TotalPrice", "Total Price"),
    },
}

_DATES = {"close_date", "created_date", "hire_date"}
_BOOLS = {"is_closed", "is_won", "is_active", "is_deleted"}
# Every object may carry the deleted-record flag (Data Loader's "Export All" includes the
# recycle bin); flagged rows are left out on reading.
for _columns_of_object in ALIASES.values():
    _columns_of_object["is_deleted"] = ("IsDeleted", "Deleted")
_NUMBERS = {"amount", "employees", "annual_revenue", "potential", "workload", "lat", "lon"}
_PERCENTS = {"probability": "percent", "share": "percent", "discount": "auto"}
_KEY = {"accounts": "account_id", "deals": "opportunity_id", "users": "rep_id"}


@dataclass(frozen=True)
class SalesforceOptions:
    """How to read a Salesforce export.

    Attributes
    ----------
    rules : BuildRules
        Derivation rules (stage map, conversion rates, segment bands ...).
    date_format : str or None
        A ``strptime`` format for every date column (e.g. ``"%m/%d/%Y"`` for a US report
        export); None accepts ISO dates and datetimes only.
    decimal : str
        Decimal mark of amounts (``"."`` or ``","``).
    encoding : str
        File encoding (a byte-order mark is skipped).
    """

    rules: BuildRules = field(default_factory=BuildRules)
    date_format: str | None = None
    decimal: str = "."
    encoding: str = "utf-8-sig"


def _norm(header: str) -> str:
    return re.sub(r"[\s_]+", "", str(header)).lower()


#: File types an object may be exported as (report workbooks are read by their data block).
EXPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def find_file(folder: Path, stems: tuple[str, ...]) -> Path | None:
    """The export file of an object (``Account.csv``, ``accounts.CSV``, ``Account.xlsx``
    ...), or None.

    Raises
    ------
    InputDataError
        When the object is exported twice (``Account.csv`` and ``Account.xlsx``): which
        one to read is not guessed.
    """
    wanted = {s.lower() for s in stems}
    found = [
        path
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix.lower() in EXPORT_SUFFIXES and path.stem.lower() in wanted
    ]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise InputDataError(
            f"holds {names}: one export per object; move the others out", source=folder.name
        )
    return found[0] if found else None


def _columns(headers: list[str], obj: str) -> dict[str, str]:
    """Intermediate column -> the file's header, first matching alias winning."""
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(_norm(h), h)
    found: dict[str, str] = {}
    used: set[str] = set()
    for target, aliases in ALIASES[obj].items():
        for alias in aliases:
            header = by_norm.get(_norm(alias))
            if header is not None and header not in used:
                found[target] = header
                used.add(header)
                break
    return found


def _read(path: Path, obj: str, options: SalesforceOptions) -> tuple[pd.DataFrame, dict, tuple]:
    """Read one object's export: the known columns renamed as stripped text, their headers,
    and sentences saying which rows of a report workbook were left out."""
    if path.suffix.lower() in EXPORT_SUFFIXES[1:]:
        return _read_workbook(path, obj, options)
    try:
        headers = list(pd.read_csv(path, nrows=0, encoding=options.encoding).columns)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputDataError(f"cannot be read as CSV ({exc})", source=path.name) from exc
    columns = _columns(headers, obj)
    try:
        table = _read_arrow(path, list(columns.values()), options.encoding)
    except Exception:  # any pyarrow failure: the reference reader says where it fails
        kwargs = {"usecols": list(columns.values()), "dtype": str, "keep_default_na": False}
        try:
            raw = pd.read_csv(path, encoding=options.encoding, **kwargs)
        except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
            raise InputDataError(f"cannot be read as CSV ({exc})", source=path.name) from exc
        table = pa.table({h: pa.array(raw[h], type=pa.string()) for h in columns.values()})
    frame = _stripped_frame(table, columns)
    return frame, columns, ()


def _read_workbook(
    path: Path, obj: str, options: SalesforceOptions
) -> tuple[pd.DataFrame, dict, tuple]:
    """A report exported as ``.xlsx``: title rows and the totals footer left out."""
    known = {_norm(alias) for aliases in ALIASES[obj].values() for alias in aliases}
    sheet = read_report_workbook(
        path, lambda header: _norm(header) in known, date_format=options.date_format
    )
    columns = _columns(list(sheet.table.column_names), obj)
    notes = sheet.dropped
    if sheet.first_row > 2:
        notes += (
            f"{path.name}: rows are counted from the first data row (sheet row "
            f"{sheet.first_row} is row 1).",
        )
    return _stripped_frame(sheet.table, columns), columns, notes


def _read_arrow(path: Path, names: list[str], encoding: str) -> pa.Table:
    """The named columns of a CSV file as Arrow text, read on every core."""
    from pyarrow import csv

    plain_utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")
    read = csv.ReadOptions(encoding="utf8" if plain_utf8 else encoding)
    convert = csv.ConvertOptions(
        include_columns=names,
        column_types={name: pa.string() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    # Exports carry multi-line text fields (descriptions, addresses) inside quotes.
    parse = csv.ParseOptions(newlines_in_values=True)
    return csv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)


def _stripped_frame(table: pa.Table, columns: dict[str, str]) -> pd.DataFrame:
    """Stripped columns (blank as missing) renamed, with a report's footer left out.

    A report export ends with rows empty in every known column ("Grand Totals",
    "Confidential Information - Do Not Distribute", "Generated By ..."): trailing rows
    with no value in any known column are dropped.
    """
    stripped = {}
    for target, header in columns.items():
        arr = arrow_text(table.column(header))
        assert arr is not None  # every column was read as text
        stripped[target] = arr
    filled = np.zeros(table.num_rows, dtype=bool)
    for arr in stripped.values():
        filled |= arr.is_valid().to_numpy(zero_copy_only=False)
    last = np.flatnonzero(filled)
    keep = int(last[-1]) + 1 if len(last) else 0
    return pd.DataFrame(
        {
            target: pd.Series(pd.arrays.ArrowExtensionArray(arr.slice(0, keep)))
            for target, arr in stripped.items()
        },
        index=pd.RangeIndex(keep),
    )


def _without_deleted(frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Rows flagged ``IsDeleted`` left out (they are in the recycle bin, not the CRM)."""
    if "is_deleted" not in frame:
        return frame, ()
    deleted = frame["is_deleted"].fillna(False).to_numpy(dtype=bool)
    kept = frame.loc[~deleted].drop(columns="is_deleted").reset_index(drop=True)
    if not deleted.any():
        return kept, ()
    n = int(deleted.sum())
    records = "record" if n == 1 else "records"
    return kept, (f"{file}: left out {n:,} deleted {records} (IsDeleted true).",)


def _name_as_id(frame: pd.DataFrame, obj: str, headers: dict[str, str]) -> pd.DataFrame:
    """A report export of accounts or users without an id column: the name is the id."""
    key, name = {"accounts": ("account_id", "account_name"), "users": ("rep_id", "rep_name")}.get(
        obj, (None, None)
    )
    if key is None or key in frame or name not in frame:
        return frame
    headers[key] = headers[name]
    return frame.assign(**{key: frame[name]})


def _missing_columns(frame: pd.DataFrame, obj: str, file: str) -> list[Problem]:
    """Required columns absent, named by API name and report label."""
    from spm_models.sources.deals import EXPORT_COLUMNS

    derivable = {"is_closed", "is_won"} if "stage" in frame else set()
    problems = []
    for col in EXPORT_COLUMNS[obj]["required"]:
        if col not in frame and col not in derivable and not (obj == "deals" and col in _BOOLS):
            names = ALIASES[obj][col]
            problems.append(
                Problem(
                    file, f"is missing (also accepted: {', '.join(names[1:3])})", column=names[0]
                )
            )
    return problems


def _parse(
    frame: pd.DataFrame, obj: str, file: str, headers: dict[str, str], options: SalesforceOptions
) -> pd.DataFrame:
    """Typed columns; every bad value across the object's columns in one error."""
    key_col = _KEY.get(obj)
    key = None
    if key_col and key_col in frame:
        # Shown with each bad value: text, an empty key as '' (as the file holds it).
        key = frame[key_col].astype(object).where(frame[key_col].notna(), "")
    key_name = headers.get(key_col) if key_col else None
    out = frame.copy()
    problems: list[Problem] = []
    for col in frame.columns:
        where = {"file": file, "column": headers[col], "key": key, "key_name": key_name}
        try:
            if col in _DATES:
                out[col] = parse_dates(frame[col], fmt=options.date_format, **where)
            elif col in _BOOLS:
                out[col] = parse_bool(frame[col], **where)
            elif col in _NUMBERS:
                out[col] = parse_money(frame[col], decimal=options.decimal, **where)
            elif col in _PERCENTS:
                out[col] = parse_percent(frame[col], scale=_PERCENTS[col], **where)
            else:
                out[col] = clean_text(frame[col])
        except InputDataError as exc:
            problems += exc.problems
    if problems:
        raise InputDataError(problems)
    return out


def _resolve(values: pd.Series, ids: pd.Series, names: pd.Series | None) -> pd.Series:
    """Values that are not ids but names (report exports) replaced by the named id."""
    if names is None or values.isna().all():
        return values
    unknown = values.notna() & ~values.isin(set(ids.dropna()))
    if not unknown.any():
        return values
    by_name = pd.Series(ids.to_numpy(), index=names.to_numpy())
    by_name = by_name[~by_name.index.duplicated()]
    return values.mask(unknown & values.isin(by_name.index), values.map(by_name))


def _closed_from_stage(deals: pd.DataFrame, file: str) -> pd.DataFrame:
    if "is_closed" in deals and "is_won" in deals:
        return deals
    if "stage" not in deals:
        missing = [c for c in ("is_closed", "is_won") if c not in deals]
        raise InputDataError(
            [
                Problem(
                    file,
                    "is missing (and there is no StageName to tell it)",
                    ALIASES["deals"][c][0],
                )
                for c in missing
            ]
        )
    stage = deals["stage"].fillna("").str.lower()
    won = stage.str.contains("won", regex=False)
    lost = stage.str.contains("lost", regex=False)
    closed = won | lost | stage.str.contains("closed", regex=False)
    if "is_won" not in deals:
        deals = deals.assign(is_won=won.to_numpy())
    if "is_closed" not in deals:
        deals = deals.assign(is_closed=(closed | deals["is_won"].fillna(False)).to_numpy())
    return deals


def read_export(folder: str | Path, options: SalesforceOptions | None = None) -> DealExport:
    """Read a Salesforce export folder into a :class:`DealExport` (no derivations yet).

    Raises
    ------
    InputDataError
        A required file or column missing, or bad values, each naming file, column, row
        and value.
    """
    options = options or SalesforceOptions()
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise InputDataError(f"folder {str(folder)!r} does not exist", source=str(folder))
    frames: dict[str, pd.DataFrame | None] = {}
    headers: dict[str, dict[str, str]] = {}
    files: dict[str, str] = {"folder": str(folder.resolve())}
    problems: list[Problem] = []
    notes: tuple[str, ...] = ()
    for obj, (stems, required) in OBJECTS.items():
        try:
            path = find_file(folder, stems)
        except InputDataError as exc:
            problems += exc.problems
            continue
        files[obj] = path.name if path else f"{stems[0]}.csv"
        if path is None:
            if required:
                problems.append(
                    Problem(f"{stems[0]}.csv", f"is missing from {folder.name} (or .xlsx)")
                )
            frames[obj] = None
            continue
        try:
            raw, headers[obj], read_notes = _read(path, obj, options)
            notes += read_notes
            raw = _name_as_id(raw, obj, headers[obj])
            problems += _missing_columns(raw, obj, path.name)
            parsed = _parse(raw, obj, path.name, headers[obj], options)
            frames[obj], deleted_note = _without_deleted(parsed, path.name)
            notes += deleted_note
        except InputDataError as exc:
            problems += exc.problems
    if problems:
        raise InputDataError(problems)
    users = frames["users"]
    if users is not None and "rep_name" not in users and {"first_name", "last_name"} & set(users):
        first = users.get("first_name", pd.Series("", index=users.index)).fillna("")
        last = users.get("last_name", pd.Series("", index=users.index)).fillna("")
        users["rep_name"] = (first + " " + last).str.strip().replace("", None)
    accounts, deals = frames["accounts"], frames["deals"]
    deals = _closed_from_stage(deals, files["deals"])
    if "account_id" in deals and "account_id" in accounts:
        deals["account_id"] = _resolve(
            deals["account_id"], accounts["account_id"], accounts.get("account_name")
        )
    if users is not None and "rep_id" in users:
        names = users.get("rep_name")
        for frame, col in (
            (accounts, "owner_id"),
            (deals, "owner_id"),
            (frames["splits"], "rep_id"),
        ):
            if frame is not None and col in frame:
                frame[col] = _resolve(frame[col], users["rep_id"], names)
    return DealExport(
        accounts=accounts,
        deals=deals,
        users=users,
        splits=frames["splits"],
        line_items=frames["line_items"],
        files=files,
        headers=headers,
        clean_text=True,
        notes=notes,
    )


def read_salesforce(
    folder: str | Path, *, options: SalesforceOptions | None = None
) -> ImportResult:
    """Read a Salesforce export folder and build the company.

    Parameters
    ----------
    folder : str or Path
        The folder of ``Account.csv``, ``Opportunity.csv`` and the optional objects.
    options : SalesforceOptions, optional
        Date format, decimal mark, derivation rules and conversion rates.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputDataError
        Every problem found, each naming file, column, row and value.
    """
    options = options or SalesforceOptions()
    export = read_export(folder, options)
    return build_company_from_deals(export, options.rules)


def write_import(result: ImportResult, out: str | Path) -> Path:
    """Write the imported company (and ``provenance.json``, ``unplaced.csv``) to ``out``.

    Everything is written to a temporary folder beside ``out`` first and moved in only when
    complete, so an error leaves ``out`` as it was.
    """
    out = Path(out).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_company(result.company, staging)
        if not result.unplaced.empty:
            result.unplaced.to_csv(staging / "unplaced.csv", index=False)
        out.mkdir(exist_ok=True)
        for stale in ("provenance.json", "unplaced.csv", "closed_opportunities.csv"):
            if (out / stale).exists() and not (staging / stale).exists():
                (out / stale).unlink()
        for path in staging.iterdir():
            path.replace(out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
