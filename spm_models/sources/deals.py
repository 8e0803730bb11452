"""Build the canonical company tables from an opportunity-level CRM export.

An importer (the Salesforce reader, a declarative mapping) first renames and parses the
export into a :class:`DealExport` of frames with the intermediate columns documented there,
then :func:`build_company_from_deals` derives every canonical table by documented rules whose
parameters are a :class:`BuildRules`:

- **bookings**: won deals, by close month; the booking type from the deal's type text
  (:attr:`BuildRules.type_words`) or, when it says nothing, *new* for an account's first won
  deal and *expansion* after; credit from the split table (shares normalised per deal, equal
  shares when a split has no percentage) or else 100% to the deal owner.
- **opportunities** (open pipeline): open deals; the stage from :attr:`BuildRules.stage_map`,
  else from the deal's probability (:attr:`BuildRules.stage_bands`), else from the stage
  name's words, else the first stage.
- **closed_opportunities**: won and lost deals, each column by the rule in
  :func:`closed_history`.
- **reps**: every owner of an account, deal or split; homes from the user's address, else the
  centre of the rep's accounts; hire dates from a column or the first deal owned.
- **accounts**: segment from a column, else employee bands, else revenue bands; potential from
  a column, else history, else firmographics; workload from a per-segment call rule; region
  from the state (US) or country; the current rep from the account owner, else the rep with
  most won business there.

Every derived or defaulted field becomes a :class:`~spm_models.sources.provenance.ProvenanceEntry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from spm_models.data.company import Company, build_company
from spm_models.data.schema import SEGMENTS, STAGES
from spm_models.data.text import clean_text
from spm_models.errors import InputDataError, Problem
from spm_models.sources.derive import potential, segments, workload
from spm_models.sources.geocode import METHODS, Placement, place
from spm_models.sources.provenance import ProvenanceEntry

#: Intermediate columns of each frame of a :class:`DealExport` (required ones first).
EXPORT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "accounts": {
        "required": ("account_id",),
        "optional": (
            "account_name",
            "owner_id",
            "industry",
            "employees",
            "annual_revenue",
            "segment",
            "potential",
            "workload",
            "region",
            "zip",
            "city",
            "state",
            "country",
            "lat",
            "lon",
        ),
    },
    "deals": {
        "required": ("opportunity_id", "account_id", "amount", "close_date", "is_closed", "is_won"),
        "optional": (
            "owner_id",
            "stage",
            "probability",
            "created_date",
            "booking_type",
            "product",
            "currency",
            "discount",
        ),
    },
    "users": {
        "required": ("rep_id",),
        "optional": (
            "rep_name",
            "manager_id",
            "is_active",
            "hire_date",
            "zip",
            "city",
            "state",
            "country",
            "lat",
            "lon",
            "region",
        ),
    },
    "splits": {"required": ("opportunity_id", "rep_id"), "optional": ("share",)},
    "line_items": {"required": ("opportunity_id",), "optional": ("product", "amount")},
}

#: Canonical key of each export frame (unique within the frame).
EXPORT_KEYS = {"accounts": "account_id", "deals": "opportunity_id", "users": "rep_id"}


@dataclass(frozen=True)
class DealExport:
    """An opportunity-level export, renamed and parsed to the intermediate columns.

    Attributes
    ----------
    accounts : DataFrame
        ``account_id`` and optionally ``account_name, owner_id, industry, employees,
        annual_revenue, segment, potential, workload, region, zip, city, state, country,
        lat, lon``. Numbers are floats, text is text.
    deals : DataFrame
        One row per opportunity: ``opportunity_id, account_id, amount`` (float, may be
        empty), ``close_date`` (datetime), ``is_closed, is_won`` (bool) and optionally
        ``owner_id, stage`` (the CRM's own stage name), ``probability`` (share 0-1),
        ``created_date, booking_type`` (the CRM's type text), ``product``, ``currency`` (ISO
        code), ``discount`` (share 0-1).
    users : DataFrame or None
        ``rep_id`` and optionally ``rep_name, manager_id, is_active, hire_date, zip, city,
        state, country, lat, lon, region``.
    splits : DataFrame or None
        Credit splits: ``opportunity_id, rep_id`` and optionally ``share`` (0-1; empty means
        equal shares among the deal's splits).
    line_items : DataFrame or None
        ``opportunity_id`` and optionally ``product`` and ``amount``.
    files : dict
        The file each frame came from (``{"deals": "Opportunity.csv", ...}``), named in
        error messages.
    headers : dict
        Per frame, the source header of each intermediate column (``{"deals":
        {"close_date": "CloseDate"}}``), named in error messages.
    clean_text : bool
        True when text columns are already stripped, with empty values as None (the
        readers' output): ids are then not cleaned again.
    notes : tuple of str
        What the reader left out or assumed (e.g. a report's title and footer rows),
        passed on as warnings of the import.
    """

    accounts: pd.DataFrame
    deals: pd.DataFrame
    users: pd.DataFrame | None = None
    splits: pd.DataFrame | None = None
    line_items: pd.DataFrame | None = None
    files: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    clean_text: bool = False
    notes: tuple[str, ...] = ()

    def file(self, frame: str) -> str:
        """The file name of ``frame`` for messages (the frame's name when unknown)."""
        return self.files.get(frame, frame)

    def header(self, frame: str, column: str) -> str:
        """The source file's header of an intermediate column, for messages."""
        return self.headers.get(frame, {}).get(column, column)


#: Probability bands (upper bounds, exclusive) of the open stages, in stage order.
DEFAULT_STAGE_BANDS: tuple[tuple[str, float], ...] = (
    ("prospecting", 0.2),
    ("qualification", 0.4),
    ("proposal", 0.6),
    ("negotiation", 0.8),
    ("commit", 1.01),
)
#: Words of a CRM type text that make each booking type (checked in this order).
DEFAULT_TYPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("renewal", ("renewal", "renew")),
    ("expansion", ("expansion", "upgrade", "upsell", "up-sell", "cross", "add-on", "existing")),
    ("new", ("new",)),
)


@dataclass(frozen=True)
class BuildRules:
    """Parameters of the derivation rules of :func:`build_company_from_deals`.

    Attributes
    ----------
    stage_map : dict
        CRM stage name (case-insensitive) to canonical stage; wins over probability.
    stage_bands : tuple of (stage, upper bound)
        Open stages by probability: a deal goes to the first band whose bound exceeds it.
    type_words : tuple of (booking type, words)
        A deal's type text containing one of the words (case-insensitive) gives the type.
    segment_employees : (float, float)
        Employee counts from which an account is mid-market and enterprise.
    segment_revenue : (float, float)
        Annual revenues (USD) from which an account is mid-market and enterprise.
    default_segment : str
        Segment of an account with neither a segment, employees nor revenue.
    potential_rule : {"auto", "history", "firmographics"}
        ``"history"``: ``potential_multiple`` times the account's won bookings per year
        (annualised over the months of history); accounts with none get their segment's
        median. ``"firmographics"``: ``potential_revenue_share`` of annual revenue, else
        ``potential_per_employee`` per employee, else the segment median. ``"auto"``:
        history when there are won deals, else firmographics. A ``potential`` column wins.
    calls_per_year : dict
        Workload (calls per year) per segment, when the export has no workload.
    closed_stage : str
        Stage recorded for closed deals: an export keeps only the final stage, which tells
        the outcome, so the closed history gets this one stage for all deals.
    review_lag_days : int
        The last review before closing is taken this many days before the close date.
    cycle_days : int
        Sales cycle assumed for deals without a created date.
    ramp_months : int
        Reps hired this many months or less before the as-of date are ramping.
    ramp_fte : float
        Capacity of a ramping rep.
    unknown_accounts : {"add", "error"}
        Deals on accounts missing from the account table: add them as accounts named by
        their id (listed in provenance) or raise.
    rates : dict
        Conversion rates to USD by currency code (``{"EUR": 1.08}``).
    default_country : str
        Country of an address without one (and not evidently US).
    as_of : Timestamp or None
        The planning date; default the last day of the last month with a won deal.
    """

    stage_map: dict[str, str] = field(default_factory=dict)
    stage_bands: tuple[tuple[str, float], ...] = DEFAULT_STAGE_BANDS
    type_words: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_TYPE_WORDS
    segment_employees: tuple[float, float] = (200.0, 2000.0)
    segment_revenue: tuple[float, float] = (50e6, 1e9)
    default_segment: str = "smb"
    potential_rule: str = "auto"
    potential_multiple: float = 3.0
    potential_revenue_share: float = 0.001
    potential_per_employee: float = 300.0
    calls_per_year: dict[str, float] = field(
        default_factory=lambda: {"enterprise": 36.0, "mid-market": 16.0, "smb": 6.0}
    )
    closed_stage: str = "proposal"
    review_lag_days: int = 14
    cycle_days: int = 90
    ramp_months: int = 6
    ramp_fte: float = 0.5
    unknown_accounts: str = "add"
    rates: dict[str, float] = field(default_factory=dict)
    default_country: str = "US"
    as_of: pd.Timestamp | None = None

    def __post_init__(self) -> None:
        checks = (
            (
                "potential_rule",
                self.potential_rule in ("auto", "history", "firmographics"),
                "'auto', 'history' or 'firmographics'",
            ),
            ("unknown_accounts", self.unknown_accounts in ("add", "error"), "'add' or 'error'"),
            ("closed_stage", self.closed_stage in STAGES, "one of " + ", ".join(STAGES)),
            ("default_segment", self.default_segment in SEGMENTS, "one of " + ", ".join(SEGMENTS)),
            (
                "stage_map",
                set(self.stage_map.values()) <= set(STAGES),
                "a map to " + ", ".join(STAGES),
            ),
            ("ramp_fte", 0 < self.ramp_fte <= 1, "in (0, 1]"),
            (
                "default_country",
                len(self.default_country) == 2
                and self.default_country.isalpha()
                and self.default_country.isupper(),
                "a two-letter ISO country code such as 'US'",
            ),
            ("potential_multiple", self.potential_multiple > 0, "> 0"),
        )
        for name, ok, constraint in checks:
            if not ok:
                raise ValueError(
                    f"The {name!r} parameter of BuildRules must be {constraint}. "
                    f"Got {getattr(self, name)!r} instead."
                )


@dataclass(frozen=True)
class ImportResult:
    """A company built from an export, with what was derived and what could not be placed.

    Attributes
    ----------
    company : Company
        The validated company (its ``provenance`` is :attr:`provenance`).
    provenance : tuple of ProvenanceEntry
        Every derived or defaulted field.
    unplaced : DataFrame
        Accounts and reps that could not be placed on the map: ``table, id, zip, city,
        state, country``.
    warnings : tuple of str
        Plain sentences for the user (unplaced rows, unknown countries, added accounts).
    """

    company: Company
    provenance: tuple[ProvenanceEntry, ...]
    unplaced: pd.DataFrame
    warnings: tuple[str, ...] = ()


class _Notes:
    """Collects provenance entries and warnings while building."""

    def __init__(self) -> None:
        self.entries: list[ProvenanceEntry] = []
        self.warnings: list[str] = []

    def add(self, table: str, column: str, rule: str, detail: str, rows: int | np.integer) -> None:
        if int(rows) > 0:
            self.entries.append(ProvenanceEntry(table, column, rule, detail, int(rows)))


def _has(frame: pd.DataFrame | None, column: str) -> bool:
    return frame is not None and column in frame.columns and bool(frame[column].notna().any())


def _text(series: pd.Series) -> pd.Series:
    """Stripped text with empty strings as missing (object dtype: fast to match and join)."""
    return clean_text(series)


def _filled_text(
    frame: pd.DataFrame, column: str, fill: str, notes, table: str, rule: str, detail: str
) -> pd.Series:
    """``frame[column]`` as text with blanks (or a missing column) filled, noted in provenance."""
    values = _text(frame[column]) if column in frame else pd.Series(pd.NA, index=frame.index)
    notes.add(table, column, rule, detail, values.isna().sum())
    return values.fillna(fill).astype(object)


def _clean(series: pd.Series, export: DealExport) -> pd.Series:
    """:func:`_text`, skipped for text a reader already cleaned (``export.clean_text``)."""
    if export.clean_text and series.dtype == object:
        return series
    return _text(series)


def _deal_key(export: DealExport, deals: pd.DataFrame, pos: int) -> str:
    """The key text of a deal row for messages, e.g. ``Id='006...'``."""
    return f"{export.header('deals', 'opportunity_id')}={deals['opportunity_id'].iloc[pos]!r}"


def _check_frames(export: DealExport) -> None:
    """Required columns present, keys unique and not empty."""
    problems: list[Problem] = []
    for name, spec in EXPORT_COLUMNS.items():
        frame = getattr(export, name)
        if frame is None:
            continue
        for col in spec["required"]:
            if col not in frame.columns:
                problems.append(
                    Problem(export.file(name), "is missing", column=export.header(name, col))
                )
    if problems:
        raise InputDataError(problems)
    for name, key in EXPORT_KEYS.items():
        frame = getattr(export, name)
        if frame is None:
            continue
        ids = _clean(frame[key], export).reset_index(drop=True)
        for pos in np.flatnonzero(ids.isna().to_numpy())[:5]:
            problems.append(
                Problem(
                    export.file(name), "must not be empty", export.header(name, key), int(pos) + 1
                )
            )
        dup = ids.duplicated(keep="first") & ids.notna()
        for pos in np.flatnonzero(dup.to_numpy())[:5]:
            problems.append(
                Problem(
                    export.file(name),
                    f"has a duplicate id {ids.iloc[pos]!r}",
                    export.header(name, key),
                    int(pos) + 1,
                )
            )
        if int(dup.sum()) > 5:
            problems.append(
                Problem(export.file(name), f"has {int(dup.sum()) - 5:,} more duplicate ids", key)
            )
    if export.deals.empty:
        problems.append(Problem(export.file("deals"), "has no data rows"))
    if problems:
        raise InputDataError(problems)


def _convert_currency(deals: pd.DataFrame, export: DealExport, rules: BuildRules, notes: _Notes):
    if not _has(deals, "currency"):
        return deals
    # Most exports are in one currency: look at the distinct codes first.
    distinct = {str(c).strip().upper() for c in pd.unique(deals["currency"]) if pd.notna(c)}
    if distinct <= {"USD", ""}:
        return deals
    code = _text(deals["currency"]).str.upper()
    rates = {k.upper(): float(v) for k, v in rules.rates.items()} | {"USD": 1.0}
    known = code.isna() | code.isin(rates)
    if not known.all():
        if not rules.rates and code.dropna().nunique() == 1:
            notes.add(
                "bookings",
                "amount",
                "currency not converted",
                f"Every deal is in {code.dropna().iloc[0]} and no conversion rate was "
                "given: amounts are used as they are, labelled USD.",
                len(deals),
            )
            return deals
        pos = int(np.flatnonzero(~known.to_numpy())[0])
        raise InputDataError(
            [
                Problem(
                    export.file("deals"),
                    f"has currency {code.iloc[pos]!r} with no conversion rate (give one for every "
                    "currency: " + ", ".join(sorted(set(code.dropna()) - set(rates))) + ")",
                    export.header("deals", "currency"),
                    pos + 1,
                    _deal_key(export, deals, pos),
                )
            ]
        )
    converted = code.notna() & (code != "USD")
    if converted.any():
        deals = deals.assign(amount=deals["amount"] * code.map(rates).fillna(1.0).to_numpy())
        used = ", ".join(f"{c} {rates[c]:g}" for c in sorted(set(code[converted])))
        notes.add(
            "bookings",
            "amount",
            "currency converted",
            f"Amounts converted to USD at fixed rates ({used}).",
            int(converted.sum()),
        )
    return deals


def _without_account(deals: pd.DataFrame, export: DealExport, notes: _Notes) -> pd.DataFrame:
    """Deals with no account cannot be placed in any table: left out, counted and warned."""
    no_account = deals["account_id"].isna()
    if not no_account.any():
        return deals
    won = deals.loc[no_account & deals["is_won"], "amount"].sum()
    notes.add(
        "opportunities",
        "account_id",
        "deals without account left out",
        f"Deals with no account are left out of every table ({won:,.0f} won among them).",
        no_account.sum(),
    )
    notes.warnings.append(
        f"{int(no_account.sum()):,} deals in {export.file('deals')} have no account and were left "
        f"out (of them, {int((no_account & deals['is_won']).sum()):,} won deals worth "
        f"{won:,.0f})."
    )
    return deals[~no_account].reset_index(drop=True)


def _open_close_dates(deals: pd.DataFrame, rules: BuildRules, notes: _Notes) -> pd.DataFrame:
    """Open deals without an expected close date: created date plus the sales cycle."""
    missing = deals["close_date"].isna()
    if not missing.any():
        return deals
    deals = deals.copy()
    created = (
        pd.to_datetime(deals["created_date"])
        if "created_date" in deals
        else pd.Series(pd.NaT, index=deals.index)
    )
    cycle = pd.Timedelta(days=rules.cycle_days)
    latest = deals["close_date"].max()
    if pd.isna(latest):
        latest = created.max()
    fill = (created + cycle).fillna(latest + cycle if pd.notna(latest) else pd.NaT)
    deals["close_date"] = deals["close_date"].fillna(fill)
    notes.add(
        "opportunities",
        "expected_close_date",
        "close date from sales cycle",
        f"Open deals with no close date are expected to close {rules.cycle_days} days after "
        "they were created (else after the export's latest date).",
        missing.sum(),
    )
    return deals


def _prepare_deals(export: DealExport, rules: BuildRules, notes: _Notes) -> pd.DataFrame:
    """Typed deals with amounts filled from line items, product and unknown accounts checked."""
    deals = export.deals.reset_index(drop=True).copy()
    deals["opportunity_id"] = _clean(deals["opportunity_id"], export)
    deals["account_id"] = _clean(deals["account_id"], export)
    deals["owner_id"] = _clean(deals["owner_id"], export) if "owner_id" in deals else pd.NA
    deals["owner_id"] = deals["owner_id"].astype(object).where(deals["owner_id"].notna(), None)
    deals["amount"] = pd.to_numeric(deals["amount"], errors="coerce").astype(float)
    deals["is_closed"] = deals["is_closed"].astype("boolean").fillna(False).astype(bool)
    deals["is_won"] = deals["is_won"].astype("boolean").fillna(False).astype(bool)
    deals["is_closed"] = deals["is_closed"] | deals["is_won"]
    no_close = deals["close_date"].isna() & deals["is_closed"]
    if no_close.any():
        pos = int(np.flatnonzero(no_close.to_numpy())[0])
        raise InputDataError(
            [
                Problem(
                    export.file("deals"),
                    f"must not be empty for a closed deal ({int(no_close.sum()):,} closed deals "
                    "have no close date)",
                    export.header("deals", "close_date"),
                    pos + 1,
                    _deal_key(export, deals, pos),
                )
            ]
        )
    deals = _without_account(deals, export, notes)
    deals = _open_close_dates(deals, rules, notes)
    deals = _convert_currency(deals, export, rules, notes)
    items = export.line_items
    if items is not None and not items.empty:
        items = items.assign(opportunity_id=_text(items["opportunity_id"]).astype(object))
        if "amount" in items:
            total = items.groupby("opportunity_id")["amount"].sum(min_count=1)
            fill = deals["amount"].isna() & deals["opportunity_id"].map(total).notna()
            deals.loc[fill, "amount"] = deals.loc[fill, "opportunity_id"].map(total)
            notes.add(
                "opportunities",
                "amount",
                "amount from line items",
                "Deals without an amount take the total of their line items.",
                fill.sum(),
            )
        if _has(items, "product"):
            weight = items["amount"].fillna(0) if "amount" in items else 1.0
            ranked = items.assign(_w=weight).sort_values("_w", ascending=False)
            top = ranked.drop_duplicates("opportunity_id").set_index("opportunity_id")["product"]
            given = (
                _text(deals["product"])
                if "product" in deals
                else pd.Series(pd.NA, index=deals.index)
            )
            from_items = given.isna() & deals["opportunity_id"].map(top).notna()
            deals["product"] = given.mask(from_items, deals["opportunity_id"].map(top))
            notes.add(
                "opportunities",
                "product",
                "product from line items",
                "A deal's product is its largest line item's product.",
                from_items.sum(),
            )
    empty_amount = deals["amount"].isna()
    deals["amount"] = deals["amount"].fillna(0.0)
    notes.add(
        "opportunities",
        "amount",
        "empty amount is zero",
        "Deals with no amount (and no line items) count as $0.",
        empty_amount.sum(),
    )
    negative = deals["amount"] < 0
    deals["amount"] = deals["amount"].clip(lower=0.0)
    notes.add(
        "opportunities",
        "amount",
        "negative amount is zero",
        "Deals with a negative amount (credits) count as $0.",
        negative.sum(),
    )
    deals["product"] = _filled_text(
        deals,
        "product",
        "Unspecified",
        notes,
        "opportunities",
        "product unspecified",
        "Deals with no product are under 'Unspecified'.",
    )
    created = (
        deals["created_date"] if "created_date" in deals else pd.Series(pd.NaT, index=deals.index)
    )
    created = pd.to_datetime(created)
    no_created = created.isna()
    created = created.fillna(deals["close_date"] - pd.Timedelta(days=rules.cycle_days))
    notes.add(
        "opportunities",
        "created_date",
        "created date from close date",
        f"Deals with no created date are taken to open {rules.cycle_days} days before they close.",
        no_created.sum(),
    )
    late = created > deals["close_date"]
    deals["created_date"] = created.where(~late, deals["close_date"])
    notes.add(
        "opportunities",
        "created_date",
        "created after close",
        "Deals created after their close date are taken to open on the close date.",
        late.sum(),
    )
    return deals


def _accounts_base(export: DealExport, deals: pd.DataFrame, rules: BuildRules, notes: _Notes):
    accounts = export.accounts.reset_index(drop=True).copy()
    accounts["account_id"] = _text(accounts["account_id"]).astype(object)
    unknown = ~deals["account_id"].isin(accounts["account_id"])
    if unknown.any():
        if rules.unknown_accounts == "error":
            pos = int(np.flatnonzero(unknown.to_numpy())[0])
            raise InputDataError(
                [
                    Problem(
                        export.file("deals"),
                        f"refers to an account not in {export.file('accounts')}: "
                        f"{deals['account_id'].iloc[pos]!r} ({unknown.sum():,} deals)",
                        export.header("deals", "account_id"),
                        pos + 1,
                        _deal_key(export, deals, pos),
                    )
                ]
            )
        extra = pd.DataFrame({"account_id": deals.loc[unknown, "account_id"].unique()})
        notes.add(
            "accounts",
            "account_id",
            "account added from deals",
            f"Deals refer to accounts missing from {export.file('accounts')}: they are "
            "added, named by their id, with no address.",
            len(extra),
        )
        notes.warnings.append(
            f"{len(extra):,} accounts appear only on deals, not in {export.file('accounts')}; "
            "they were added by id with no address."
        )
        accounts = pd.concat([accounts, extra], ignore_index=True)
    name = _text(accounts["account_name"]) if "account_name" in accounts else accounts["account_id"]
    notes.add(
        "accounts",
        "account_name",
        "name from id",
        "Accounts without a name are named by their id.",
        name.isna().sum(),
    )
    accounts["account_name"] = name.fillna(accounts["account_id"]).astype(object)
    accounts["industry"] = _filled_text(
        accounts,
        "industry",
        "Unknown",
        notes,
        "accounts",
        "industry unknown",
        "Accounts without an industry are under 'Unknown'.",
    )
    return accounts


def _owner_ids(export: DealExport, accounts: pd.DataFrame, deals: pd.DataFrame) -> pd.Index:
    ids = [deals["owner_id"].dropna()]
    if "owner_id" in accounts:
        ids.append(_text(accounts["owner_id"]).dropna())
    if export.splits is not None and not export.splits.empty:
        ids.append(_text(export.splits["rep_id"]).dropna())
    return pd.Index(pd.concat(ids).astype(str).unique())


def _credits(export: DealExport, deals: pd.DataFrame, notes: _Notes) -> pd.DataFrame:
    """One row per deal and credited rep: ``opportunity_id, rep_id, share``."""
    owner = deals[["opportunity_id", "owner_id"]].rename(columns={"owner_id": "rep_id"})
    owner = owner.assign(share=1.0)
    splits = export.splits
    if splits is None or splits.empty:
        return owner
    splits = pd.DataFrame(
        {
            "opportunity_id": _text(splits["opportunity_id"]).astype(object),
            "rep_id": _text(splits["rep_id"]).astype(object),
            "share": pd.to_numeric(splits["share"], errors="coerce")
            if "share" in splits
            else np.nan,
        }
    ).dropna(subset=["opportunity_id", "rep_id"])
    known = splits["opportunity_id"].isin(_text(export.deals["opportunity_id"]))
    unknown = len(export.splits) - int(known.sum())
    if unknown:
        notes.warnings.append(
            f"{unknown:,} credit splits name no known deal or rep and were left out."
        )
    # Only the given deals (the won ones) need credit.
    splits = splits[known & splits["opportunity_id"].isin(deals["opportunity_id"])]
    count = splits.groupby("opportunity_id")["rep_id"].transform("size")
    equal = splits["share"].isna()
    splits["share"] = splits["share"].fillna(1.0 / count)
    total = splits.groupby("opportunity_id")["share"].transform("sum")
    off = (total - 1.0).abs() > 1e-6
    splits["share"] = np.where(
        total > 0, splits["share"] / total.where(total > 0, 1.0), 1.0 / count
    )
    notes.add(
        "bookings",
        "rep_id",
        "equal credit shares",
        "Credit splits with no percentage share the deal equally.",
        equal.sum(),
    )
    notes.add(
        "bookings",
        "rep_id",
        "split shares normalised",
        "Split percentages of a deal that do not add up to 100% are scaled to add up.",
        off.sum(),
    )
    split_deals = set(splits["opportunity_id"])
    rest = owner[~owner["opportunity_id"].isin(split_deals)]
    return pd.concat([rest, splits], ignore_index=True)


def _booking_types(won: pd.DataFrame, rules: BuildRules, notes: _Notes) -> pd.Series:
    kind = pd.Series(pd.NA, index=won.index, dtype="string")
    if "booking_type" in won:
        # A type column holds a handful of distinct texts: match each once.
        codes, uniques = pd.factorize(_text(won["booking_type"]))
        text = pd.Series(np.asarray(uniques, dtype=object), dtype="string").str.lower()
        per_text = pd.Series(pd.NA, index=text.index, dtype="string")
        for booking_type, words in rules.type_words:
            pattern = "|".join(map(_escape, words))
            hit = per_text.isna() & text.str.contains(pattern, regex=True).fillna(False)
            per_text = per_text.mask(hit.astype(bool), booking_type)
        kinds = np.append(per_text.to_numpy(dtype=object, na_value=None), None)
        kind = pd.Series(kinds[codes], index=won.index, dtype="string")
    todo = kind.isna()
    if todo.any():
        first = won.sort_values(["close_date", "opportunity_id"]).drop_duplicates("account_id")
        is_first = won["opportunity_id"].isin(first["opportunity_id"])
        kind = kind.mask(todo, np.where(is_first, "new", "expansion"))
        notes.add(
            "bookings",
            "booking_type",
            "booking type by order",
            "Won deals whose type does not say new, expansion or renewal are new for an "
            "account's first won deal and expansion after.",
            todo.sum(),
        )
    return kind.astype(object)


def _escape(word: str) -> str:
    import re

    return re.escape(word.lower())


def _bookings(won: pd.DataFrame, credits: pd.DataFrame) -> pd.DataFrame:
    rows = won[["opportunity_id", "account_id", "close_date", "booking_type", "amount"]].merge(
        credits, on="opportunity_id", how="left"
    )
    rows["amount"] = rows["amount"] * rows["share"].fillna(1.0)
    rows["period"] = rows["close_date"].dt.to_period("M").dt.to_timestamp()
    rows["rep_id"] = rows["rep_id"].astype(object).where(rows["rep_id"].notna(), "")
    out = rows.groupby(["account_id", "period", "booking_type", "rep_id"], as_index=False)[
        "amount"
    ].sum()
    out["rep_id"] = out["rep_id"].replace("", None)
    out["amount"] = out["amount"].round(2)
    return out.sort_values(["period", "account_id"]).reset_index(drop=True)[
        ["account_id", "rep_id", "period", "booking_type", "amount"]
    ]


def _stages(open_deals: pd.DataFrame, rules: BuildRules, notes: _Notes) -> pd.Series:
    stage = pd.Series(pd.NA, index=open_deals.index, dtype="string")
    name = _text(open_deals["stage"]).str.lower() if "stage" in open_deals else stage
    if rules.stage_map:
        mapping = {k.lower(): v for k, v in rules.stage_map.items()}
        stage = name.map(mapping).astype("string")
        notes.add(
            "opportunities",
            "stage",
            "stage from stage map",
            "Open stages follow the given stage map.",
            stage.notna().sum(),
        )
    if "probability" in open_deals:
        prob = pd.to_numeric(open_deals["probability"], errors="coerce")
        labels = [s for s, _ in rules.stage_bands]
        bounds = [-np.inf] + [b for _, b in rules.stage_bands]
        banded = pd.cut(prob.clip(0, 1), bins=bounds, labels=labels, right=False)
        use = stage.isna() & banded.notna()
        stage = stage.mask(use, banded.astype("string"))
        bands = ", ".join(f"{s} below {b:.0%}" for s, b in rules.stage_bands[:-1])
        notes.add(
            "opportunities",
            "stage",
            "stage from probability",
            f"Open stages by the deal's probability: {bands}, {rules.stage_bands[-1][0]} above.",
            use.sum(),
        )
    todo = stage.isna() & name.notna()
    if todo.any():
        for canonical in STAGES:
            hit = stage.isna() & name.str.contains(canonical[:5], regex=False).fillna(False)
            stage = stage.mask(hit.astype(bool), canonical)
        notes.add(
            "opportunities",
            "stage",
            "stage from stage name",
            "Open stages without a probability are matched by the words of their name.",
            (todo & stage.notna()).sum(),
        )
    notes.add(
        "opportunities",
        "stage",
        "stage defaulted",
        f"Open deals whose stage cannot be matched are {STAGES[0]}.",
        stage.isna().sum(),
    )
    return stage.fillna(STAGES[0]).astype(object)


def _opportunities(open_deals: pd.DataFrame, rules: BuildRules, notes: _Notes) -> pd.DataFrame:
    close = open_deals["close_date"].where(
        open_deals["close_date"] >= open_deals["created_date"], open_deals["created_date"]
    )
    return pd.DataFrame(
        {
            "opportunity_id": open_deals["opportunity_id"].to_numpy(),
            "account_id": open_deals["account_id"].to_numpy(),
            "rep_id": open_deals["owner_id"].to_numpy(),
            "stage": _stages(open_deals, rules, notes).to_numpy(),
            "amount": open_deals["amount"].round(2).to_numpy(),
            "created_date": open_deals["created_date"].to_numpy(),
            "expected_close_date": close.to_numpy(),
            "product": open_deals["product"].to_numpy(),
        }
    )


def closed_history(
    closed: pd.DataFrame,
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    rules: BuildRules,
    notes: _Notes | None = None,
) -> pd.DataFrame:
    """The ``closed_opportunities`` table from closed deals, each column by a rule.

    - ``segment``, ``industry``: the account's (after derivation).
    - ``stage``: :attr:`BuildRules.closed_stage` for every deal (an export keeps only the
      final stage, which gives the outcome away).
    - ``discount``: the deal's ``discount`` column, else 0.
    - ``review_date``: ``review_lag_days`` before the close date, not before creation;
      ``age_days``: creation to review; ``days_in_stage``: equal to ``age_days`` (an export
      has no stage history).
    - ``rep_tenure_months``: the owner's months since hire at the review (empty for a deal
      without owner or hire date).
    - ``won``: the deal's won flag.
    """
    notes = notes or _Notes()
    acc = accounts.set_index("account_id")
    review = (closed["close_date"] - pd.Timedelta(days=rules.review_lag_days)).where(
        lambda d: d >= closed["created_date"], closed["created_date"]
    )
    age = (review - closed["created_date"]).dt.days.astype("int64")
    hire = closed["owner_id"].map(reps.set_index("rep_id")["hire_date"])
    tenure = ((review - pd.to_datetime(hire)).dt.days / 30.4375).clip(lower=0).round(1)
    discount = (
        pd.to_numeric(closed["discount"], errors="coerce")
        if "discount" in closed
        else pd.Series(np.nan, index=closed.index)
    )
    n = len(closed)
    notes.add(
        "closed_opportunities",
        "stage",
        "one stage for closed deals",
        f"Closed deals are all recorded at the {rules.closed_stage} stage: the export "
        "keeps only the final stage, which gives the outcome away.",
        n,
    )
    notes.add(
        "closed_opportunities",
        "discount",
        "discount zero",
        "Closed deals without a discount count as no discount.",
        discount.isna().sum(),
    )
    notes.add(
        "closed_opportunities",
        "review_date",
        "review before close",
        f"The last review is taken {rules.review_lag_days} days before the close date "
        "(not before creation); days in stage equal the deal's age.",
        n,
    )
    return (
        pd.DataFrame(
            {
                "opportunity_id": closed["opportunity_id"].to_numpy(),
                "account_id": closed["account_id"].to_numpy(),
                "rep_id": closed["owner_id"].to_numpy(),
                "segment": closed["account_id"].map(acc["segment"]).to_numpy(),
                "industry": closed["account_id"].map(acc["industry"]).to_numpy(),
                "product": closed["product"].to_numpy(),
                "stage": rules.closed_stage,
                "amount": closed["amount"].round(2).to_numpy(),
                "discount": discount.fillna(0.0).clip(0, 1).to_numpy(),
                "created_date": closed["created_date"].to_numpy(),
                "review_date": review.to_numpy(),
                "age_days": age.to_numpy(),
                "days_in_stage": age.to_numpy(),
                "rep_tenure_months": tenure.where(closed["owner_id"].notna()).to_numpy(dtype=float),
                "closed_date": closed["close_date"].to_numpy(),
                "won": closed["is_won"].to_numpy(dtype=bool),
            }
        )
        .sort_values("closed_date", kind="stable")
        .reset_index(drop=True)
    )


def _place(
    frame: pd.DataFrame, id_column: str, table: str, rules: BuildRules, notes: _Notes, file: str
) -> Placement:
    placement = place(frame, id_column=id_column, default_country=rules.default_country)
    counts = placement.counts()
    coords = "lat, lon" if table == "accounts" else "home_lat, home_lon"
    for method, label in METHODS.items():
        if method != "given":
            notes.add(
                table,
                coords,
                f"placed by {label}",
                f"Coordinates are the {label}.",
                counts.get(method, 0),
            )
    notes.add(
        table,
        "country",
        "country defaulted",
        f"Locations with no country (and no US ZIP or state) are taken to be in "
        f"{rules.default_country}.",
        placement.country_defaulted,
    )
    if placement.unknown_countries:
        notes.warnings.append(
            f"{file}: countries not recognised: " + ", ".join(placement.unknown_countries[:10])
        )
    return placement


def _account_owners(accounts, deals, won, reps_known: pd.Index, notes: _Notes) -> pd.Series:
    owner = (
        _text(accounts["owner_id"])
        if "owner_id" in accounts
        else pd.Series(pd.NA, index=accounts.index, dtype="string")
    )
    owner = owner.where(owner.isin(reps_known))
    todo = owner.isna()
    if todo.any():
        by_won = won.dropna(subset=["owner_id"]).groupby(["account_id", "owner_id"])["amount"].sum()
        by_deals = deals.dropna(subset=["owner_id"]).groupby(["account_id", "owner_id"]).size()
        score = pd.concat([by_won.rename("won"), by_deals.rename("n")], axis=1).fillna(0)
        best = score.sort_values(["won", "n"], ascending=False).reset_index()
        best = best.drop_duplicates("account_id").set_index("account_id")["owner_id"]
        derived = accounts["account_id"].map(best)
        use = todo & derived.notna()
        owner = owner.mask(use, derived)
        notes.add(
            "accounts",
            "current_rep_id",
            "owner from deals",
            "Accounts with no owner are aligned to the rep with the most won business "
            "there (else the most deals).",
            use.sum(),
        )
    return owner.astype(object).where(owner.notna(), None)


def _reps(
    export: DealExport,
    owners: pd.Index,
    accounts: pd.DataFrame,
    deals: pd.DataFrame,
    as_of: pd.Timestamp,
    rules: BuildRules,
    notes: _Notes,
) -> tuple[pd.DataFrame, Placement]:
    users = export.users
    base = pd.DataFrame({"rep_id": owners.astype(object)})
    if users is not None and not users.empty:
        users = users.assign(rep_id=_text(users["rep_id"]).astype(object))
        base = base.merge(users, on="rep_id", how="left")
        missing = ~pd.Series(owners).isin(users["rep_id"]).to_numpy()
    else:
        missing = np.ones(len(base), dtype=bool)
    notes.add(
        "reps",
        "rep_name",
        "rep not in user table",
        f"Owners missing from {export.file('users')} are reps named by their id, active, "
        "full-time.",
        int(missing.sum()),
    )
    name = (
        _text(base["rep_name"])
        if "rep_name" in base
        else pd.Series(pd.NA, index=base.index, dtype="string")
    )
    base["rep_name"] = name.fillna(base["rep_id"]).astype(object)
    placement = _place(base, "rep_id", "reps", rules, notes, export.file("users"))
    geo = placement.frame
    lat, lon = geo["lat"].copy(), geo["lon"].copy()
    todo = lat.isna()
    placed = accounts.dropna(subset=["lat", "lon", "current_rep_id"])
    centre = placed.groupby("current_rep_id")[["lat", "lon"]].mean()
    use = todo & base["rep_id"].isin(centre.index)
    lat = lat.mask(use, base["rep_id"].map(centre["lat"]))
    lon = lon.mask(use, base["rep_id"].map(centre["lon"]))
    notes.add(
        "reps",
        "home_lat, home_lon",
        "home at centre of accounts",
        "Reps with no usable address are based at the centre of their accounts.",
        use.sum(),
    )
    region = geo["region"].copy()
    aligned = accounts.dropna(subset=["current_rep_id"])
    aligned = aligned[aligned["region"] != "Unassigned"]
    # The most common region (and country) of the rep's accounts, by account count.
    counts = aligned.groupby(["current_rep_id", "region"]).size().rename("n").reset_index()
    top = counts.sort_values("n", ascending=False).drop_duplicates("current_rep_id")
    acc_region = top.set_index("current_rep_id")["region"]
    countries = aligned.dropna(subset=["country"]).groupby(["current_rep_id", "country"]).size()
    top_c = countries.rename("n").reset_index().sort_values("n", ascending=False)
    acc_country = top_c.drop_duplicates("current_rep_id").set_index("current_rep_id")["country"]
    country = geo["country"].copy()
    no_address = geo["method"].isna() & base["rep_id"].isin(acc_country.index)
    country = country.mask(no_address, base["rep_id"].map(acc_country))
    notes.add(
        "reps",
        "country",
        "country of the rep's accounts",
        "Reps with no usable address are in the most common country of their accounts.",
        no_address.sum(),
    )
    from_accounts = base["rep_id"].map(acc_region)
    given = _text(base["region"]) if "region" in base else pd.Series(pd.NA, index=base.index)
    use_r = given.isna() & from_accounts.notna()
    region = given.fillna(from_accounts.where(use_r, region)).fillna("Unassigned")
    notes.add(
        "reps",
        "region",
        "region of the rep's accounts",
        "A rep's region is the most common region of the accounts aligned to them.",
        use_r.sum(),
    )
    hire = (
        pd.to_datetime(base["hire_date"])
        if "hire_date" in base
        else pd.Series(pd.NaT, index=base.index)
    )
    first = deals.dropna(subset=["owner_id"]).groupby("owner_id")["created_date"].min()
    no_hire = hire.isna()
    hire = hire.fillna(base["rep_id"].map(first)).fillna(deals["created_date"].min())
    notes.add(
        "reps",
        "hire_date",
        "hire date from first deal",
        "Reps with no hire date are taken to start with the first deal they owned.",
        no_hire.sum(),
    )
    active = (
        base["is_active"].astype("boolean").fillna(True).astype(bool)
        if "is_active" in base
        else pd.Series(True, index=base.index)
    )
    ramp_from = as_of - pd.DateOffset(months=rules.ramp_months)
    # A first deal early in the export only says the rep was there when the data starts.
    window = deals["created_date"].min() + pd.DateOffset(months=rules.ramp_months)
    new_hire = (hire > ramp_from) & (~no_hire | (hire > window))
    status = np.where(~active, "vacant", np.where(new_hire, "ramping", "active"))
    notes.add(
        "reps",
        "status",
        "status from hire date and activity",
        f"Inactive users are vacant seats; reps hired in the last {rules.ramp_months} "
        f"months are ramping at {rules.ramp_fte:.0%} capacity; others are full-time.",
        len(base),
    )
    manager = _text(base["manager_id"]) if "manager_id" in base else None
    reps = pd.DataFrame(
        {
            "rep_id": base["rep_id"],
            "rep_name": base["rep_name"],
            "region": region.astype(object),
            "home_zip": geo["zip"].astype(object).where(geo["zip"].notna(), None),
            "country": country.astype(object).where(country.notna(), None),
            "home_lat": lat.astype(float),
            "home_lon": lon.astype(float),
            "hire_date": hire.where(status != "vacant").astype("datetime64[ns]"),
            "status": status,
            "fte": np.where(status == "ramping", rules.ramp_fte, 1.0),
        }
    )
    if manager is not None and manager.notna().any():
        notes.add(
            "reps",
            "manager_id",
            "no manager",
            "Reps with no manager are under 'No manager'.",
            manager.isna().sum(),
        )
        reps.insert(3, "manager_id", manager.fillna("No manager").astype(object))
    return reps, placement


def _as_of(
    won: pd.DataFrame, deals: pd.DataFrame, rules: BuildRules, notes: _Notes
) -> pd.Timestamp:
    if rules.as_of is not None:
        return pd.Timestamp(rules.as_of)
    if not won.empty:
        last = won["close_date"].max()
        rule = "the last day of the last month with a won deal"
    else:
        closed = deals.loc[deals["is_closed"], "close_date"]
        last = closed.max() if not closed.empty else deals["created_date"].max()
        rule = "the last day of the month of the last closed (else created) deal"
    as_of = (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).normalize()
    notes.add(
        "company", "as_of", "as-of date", f"The planning date is {rule}: {as_of:%Y-%m-%d}.", 1
    )
    return as_of


def _warn_partial_month(won: pd.DataFrame, notes: _Notes) -> None:
    """Warn when the last month has under half the won deals of the three before it: an
    export taken mid-month makes the last month of history look like a slump."""
    if won.empty:
        return
    counts = won["close_date"].dt.to_period("M").value_counts().sort_index()
    counts = counts.reindex(pd.period_range(counts.index.min(), counts.index.max()), fill_value=0)
    if len(counts) < 4:
        return
    before = counts.iloc[-4:-1].mean()
    if before > 0 and counts.iloc[-1] < 0.5 * before:
        notes.warnings.append(
            f"The last month of history ({counts.index[-1]}) has {int(counts.iloc[-1]):,} won "
            f"deals against {before:,.0f} a month in the three before: if the export was taken "
            "during that month, set the as-of date to the month before."
        )


def build_company_from_deals(export: DealExport, rules: BuildRules | None = None) -> ImportResult:
    """Build and validate a company from an opportunity-level export.

    Parameters
    ----------
    export : DealExport
        The parsed export.
    rules : BuildRules, optional
        Parameters of the derivation rules (defaults documented on :class:`BuildRules`).

    Returns
    -------
    ImportResult
        The company, every derived field, the rows that could not be placed, warnings.

    Raises
    ------
    InputDataError
        Missing required columns, empty or duplicated ids, deals without account or close
        date, deals on unknown accounts (with ``unknown_accounts="error"``), currencies
        without a rate; each naming file, column, row and value.
    """
    rules = rules or BuildRules()
    notes = _Notes()
    notes.warnings += export.notes
    _check_frames(export)
    deals = _prepare_deals(export, rules, notes)
    won = deals[deals["is_won"]].copy()
    won["booking_type"] = _booking_types(won, rules, notes)
    as_of = _as_of(won, deals, rules, notes)
    _warn_partial_month(won, notes)
    accounts = _accounts_base(export, deals, rules, notes)
    owners = _owner_ids(export, accounts, deals)
    placement = _place(accounts, "account_id", "accounts", rules, notes, export.file("accounts"))
    geo = placement.frame
    accounts["segment"] = segments(accounts, rules, notes)
    region = (
        _text(accounts["region"])
        if "region" in accounts
        else pd.Series(pd.NA, index=accounts.index, dtype="string")
    )
    derived_region = region.isna()
    region = region.fillna(geo["region"].astype("string"))
    notes.add(
        "accounts",
        "region",
        "region from state or country",
        "Regions are the US sales region of the state, else the country.",
        (derived_region & region.notna()).sum(),
    )
    notes.add(
        "accounts",
        "region",
        "region unknown",
        "Accounts with no location are in region 'Unassigned'.",
        region.isna().sum(),
    )
    out = pd.DataFrame(
        {
            "account_id": accounts["account_id"],
            "account_name": accounts["account_name"],
            "industry": accounts["industry"],
            "segment": accounts["segment"],
            "zip": geo["zip"].astype(object).where(geo["zip"].notna(), None),
            "city": geo["city"].astype(object).where(geo["city"].notna(), None),
            "state": geo["state"].astype(object).where(geo["state"].notna(), None),
            "country": geo["country"].astype(object).where(geo["country"].notna(), None),
            "lat": geo["lat"],
            "lon": geo["lon"],
            "region": region.fillna("Unassigned").astype(object),
        }
    )
    if "employees" in accounts:
        out["employees"] = (
            pd.to_numeric(accounts["employees"], errors="coerce").round().astype("Int64")
        )
    out["potential"] = potential(
        out.assign(**{c: accounts[c] for c in ("annual_revenue", "potential") if c in accounts}),
        won,
        rules,
        notes,
    )
    out["workload"] = workload(
        out.assign(**({"workload": accounts["workload"]} if "workload" in accounts else {})),
        rules,
        notes,
    )
    out["current_rep_id"] = _account_owners(accounts, deals, won, owners, notes)
    reps, rep_placement = _reps(export, owners, out, deals, as_of, rules, notes)
    credits = _credits(export, won, notes)
    bookings = _bookings(won, credits)
    open_deals = deals[~deals["is_closed"]]
    opportunities = _opportunities(open_deals, rules, notes)
    closed = closed_history(deals[deals["is_closed"]], out, reps, rules, notes)
    unplaced = pd.concat(
        [
            placement.unplaced.rename(columns={"account_id": "id"}).assign(table="accounts"),
            rep_placement.unplaced.rename(columns={"rep_id": "id"}).assign(table="reps"),
        ],
        ignore_index=True,
    )[["table", "id", "zip", "city", "state", "country"]]
    if len(placement.unplaced):
        notes.warnings.append(
            f"{len(placement.unplaced):,} of {len(out):,} accounts could not be placed on the "
            "map (no usable ZIP, city or coordinates); they keep empty coordinates."
        )
    provenance = tuple(notes.entries)
    raw = {
        "accounts": out,
        "reps": reps,
        "bookings": bookings,
        "opportunities": opportunities,
        "closed_opportunities": closed,
    }
    sources = {
        "accounts": f"accounts (from {export.file('accounts')})",
        "reps": f"reps (from {export.file('users')} and the owners)",
        "bookings": f"bookings (from won deals in {export.file('deals')})",
        "opportunities": f"opportunities (from open deals in {export.file('deals')})",
        "closed_opportunities": f"closed_opportunities (from {export.file('deals')})",
    }
    origin = export.files.get("folder", "export")
    company = build_company(raw, sources, origin=origin, provenance=provenance)
    company = replace(company, as_of=as_of)
    return ImportResult(
        company=company,
        provenance=company.provenance,
        unplaced=unplaced,
        warnings=tuple(notes.warnings),
    )


__all__ = [
    "BuildRules",
    "DealExport",
    "ImportResult",
    "build_company_from_deals",
    "closed_history",
]
