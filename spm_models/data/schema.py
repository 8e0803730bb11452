"""The documented schema of every input table, used both to validate and to document.

Each table is a tidy DataFrame keyed by named id columns. ``describe_schemas()`` renders
these definitions as Markdown for the README and ``spm validate --schema``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """The logical type of a column."""

    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    DATE = "date"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    """One column of a table: its type, whether it is required and its allowed values."""

    name: str
    kind: Kind
    description: str
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    earliest: str | None = None
    latest: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """A column whose values must exist in another table's key."""

    column: str
    table: str
    target: str
    nullable: bool = False


@dataclass(frozen=True)
class TableSchema:
    """A table: its file stem, columns, unique key and foreign keys."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        """Names of all columns, in documented order."""
        return [c.name for c in self.columns]


SEGMENTS = ("enterprise", "mid-market", "smb")
REP_STATUSES = ("active", "ramping", "vacant")
BOOKING_TYPES = ("new", "expansion", "renewal")
STAGES = ("prospecting", "qualification", "proposal", "negotiation", "commit")
EARLIEST_DATE = "1990-01-01"
LATEST_DATE = "2100-12-31"
#: ``Column.latest`` for history: the end of the current month by the clock.
END_OF_THIS_MONTH = "end of this month"

ACCOUNTS = TableSchema(
    name="accounts",
    description="One row per account (customer or prospect) with its location and potential.",
    key=("account_id",),
    columns=(
        Column("account_id", Kind.STRING, "Unique account identifier, e.g. 'A00042'."),
        Column("account_name", Kind.STRING, "Company name."),
        Column("industry", Kind.STRING, "Industry of the account."),
        Column("segment", Kind.STRING, "Size segment.", allowed=SEGMENTS),
        Column(
            "zip",
            Kind.STRING,
            "5-digit US ZIP code (empty: not known, or outside the US).",
            nullable=True,
            pattern=r"^\d{5}$",
        ),
        Column("city", Kind.STRING, "City of the account.", required=False, nullable=True),
        Column(
            "state",
            Kind.STRING,
            "2-letter US state code, or a state/province outside the US (empty: not known).",
            nullable=True,
        ),
        Column(
            "country",
            Kind.STRING,
            "ISO 3166 two-letter country code; 'US' when the column is absent (empty: not known).",
            required=False,
            nullable=True,
            pattern=r"^[A-Z]{2}$",
        ),
        Column(
            "lat",
            Kind.FLOAT,
            "Latitude in degrees (empty: the account could not be placed).",
            nullable=True,
            minimum=-90,
            maximum=90,
        ),
        Column(
            "lon",
            Kind.FLOAT,
            "Longitude in degrees (empty with lat).",
            nullable=True,
            minimum=-180,
            maximum=180,
        ),
        Column("region", Kind.STRING, "Sales region the account belongs to."),
        Column(
            "employees",
            Kind.INTEGER,
            "Employee count (empty: not known).",
            required=False,
            nullable=True,
            minimum=0,
        ),
        Column("potential", Kind.FLOAT, "Annual revenue potential in USD.", minimum=0),
        Column("workload", Kind.FLOAT, "Sales calls per year the account needs.", minimum=0),
        Column(
            "current_rep_id",
            Kind.STRING,
            "Rep the account is aligned to today (empty: unassigned).",
            nullable=True,
        ),
    ),
    foreign_keys=(ForeignKey("current_rep_id", "reps", "rep_id", nullable=True),),
)

REPS = TableSchema(
    name="reps",
    description="One row per territory / rep seat, including vacant seats.",
    key=("rep_id",),
    columns=(
        Column("rep_id", Kind.STRING, "Unique rep (territory) identifier, e.g. 'R007'."),
        Column("rep_name", Kind.STRING, "Rep's name; 'Vacant' for an open seat."),
        Column("region", Kind.STRING, "Sales region."),
        Column("manager_id", Kind.STRING, "First-line manager of the rep.", required=False),
        Column(
            "home_zip",
            Kind.STRING,
            "5-digit ZIP of the rep's base (empty: not known, or outside the US).",
            nullable=True,
            pattern=r"^\d{5}$",
        ),
        Column(
            "country",
            Kind.STRING,
            "ISO 3166 two-letter country code of the base; 'US' when the column is absent.",
            required=False,
            pattern=r"^[A-Z]{2}$",
        ),
        Column(
            "home_lat",
            Kind.FLOAT,
            "Latitude of the base (empty: not known).",
            nullable=True,
            minimum=-90,
            maximum=90,
        ),
        Column(
            "home_lon",
            Kind.FLOAT,
            "Longitude of the base (empty with home_lat).",
            nullable=True,
            minimum=-180,
            maximum=180,
        ),
        Column(
            "hire_date",
            Kind.DATE,
            "Start date (empty for a vacant seat).",
            nullable=True,
            earliest=EARLIEST_DATE,
            latest=LATEST_DATE,
        ),
        Column("status", Kind.STRING, "Seat status.", allowed=REP_STATUSES),
        Column("fte", Kind.FLOAT, "Capacity as a fraction of a full rep.", minimum=0, maximum=1),
    ),
)

BOOKINGS = TableSchema(
    name="bookings",
    description=(
        "Monthly bookings history per account (one row per account, month, type and credited "
        "rep: a deal split between reps gives one row per rep)."
    ),
    key=("account_id", "period", "booking_type", "rep_id"),
    columns=(
        Column("account_id", Kind.STRING, "Account booked."),
        Column("rep_id", Kind.STRING, "Rep credited.", nullable=True),
        Column(
            "period",
            Kind.DATE,
            "First day of the month booked.",
            earliest=EARLIEST_DATE,
            latest=END_OF_THIS_MONTH,
        ),
        Column("booking_type", Kind.STRING, "Kind of booking.", allowed=BOOKING_TYPES),
        Column("amount", Kind.FLOAT, "Booked amount in USD.", minimum=0),
    ),
    foreign_keys=(
        ForeignKey("account_id", "accounts", "account_id"),
        ForeignKey("rep_id", "reps", "rep_id", nullable=True),
    ),
)

OPPORTUNITIES = TableSchema(
    name="opportunities",
    description="Open pipeline: one row per open opportunity.",
    key=("opportunity_id",),
    columns=(
        Column("opportunity_id", Kind.STRING, "Unique opportunity identifier."),
        Column("account_id", Kind.STRING, "Account of the deal."),
        Column("rep_id", Kind.STRING, "Owning rep.", nullable=True),
        Column("stage", Kind.STRING, "Sales stage.", allowed=STAGES),
        Column("amount", Kind.FLOAT, "Deal amount in USD.", minimum=0),
        Column(
            "created_date",
            Kind.DATE,
            "Date the opportunity was opened.",
            earliest=EARLIEST_DATE,
            latest=LATEST_DATE,
        ),
        Column(
            "expected_close_date",
            Kind.DATE,
            "Expected close date.",
            earliest=EARLIEST_DATE,
            latest=LATEST_DATE,
        ),
        Column("product", Kind.STRING, "Product line.", required=False),
    ),
    foreign_keys=(
        ForeignKey("account_id", "accounts", "account_id"),
        ForeignKey("rep_id", "reps", "rep_id", nullable=True),
    ),
)

CLOSED_OPPORTUNITIES = TableSchema(
    name="closed_opportunities",
    description=(
        "Optional closed-deal history: one row per won or lost opportunity, described as it "
        "stood at its last pipeline review before closing (the point a win model scores)."
    ),
    key=("opportunity_id",),
    columns=(
        Column("opportunity_id", Kind.STRING, "Unique opportunity identifier."),
        Column("account_id", Kind.STRING, "Account of the deal."),
        Column("rep_id", Kind.STRING, "Owning rep (empty: house deal).", nullable=True),
        Column("segment", Kind.STRING, "Size segment of the account.", allowed=SEGMENTS),
        Column("industry", Kind.STRING, "Industry of the account."),
        Column("product", Kind.STRING, "Product line."),
        Column("stage", Kind.STRING, "Stage at the last review before closing.", allowed=STAGES),
        Column("amount", Kind.FLOAT, "Deal amount in USD.", minimum=0),
        Column(
            "discount", Kind.FLOAT, "Discount offered, as a share of list.", minimum=0, maximum=1
        ),
        Column(
            "created_date",
            Kind.DATE,
            "Date the opportunity was opened.",
            earliest=EARLIEST_DATE,
            latest=LATEST_DATE,
        ),
        Column(
            "review_date",
            Kind.DATE,
            "Date of the last pipeline review before closing.",
            earliest=EARLIEST_DATE,
            latest=LATEST_DATE,
        ),
        Column("age_days", Kind.INTEGER, "Days from creation to the review.", minimum=0),
        Column("days_in_stage", Kind.INTEGER, "Days in its stage at the review.", minimum=0),
        Column(
            "rep_tenure_months",
            Kind.FLOAT,
            "Owning rep's tenure in months at the review (empty: house deal).",
            nullable=True,
            minimum=0,
        ),
        Column(
            "closed_date",
            Kind.DATE,
            "Date the deal was won or lost.",
            earliest=EARLIEST_DATE,
            latest=LATEST_DATE,
        ),
        Column("won", Kind.BOOLEAN, "True if the deal was won."),
    ),
    foreign_keys=(
        ForeignKey("account_id", "accounts", "account_id"),
        ForeignKey("rep_id", "reps", "rep_id", nullable=True),
    ),
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s for s in (ACCOUNTS, REPS, BOOKINGS, OPPORTUNITIES, CLOSED_OPPORTUNITIES)
}


def describe_schemas() -> str:
    """Render every table schema as Markdown (the README's data dictionary)."""
    lines: list[str] = []
    for schema in SCHEMAS.values():
        lines += [f"### `{schema.name}`", "", schema.description, ""]
        lines += [f"Key: {', '.join(f'`{k}`' for k in schema.key)}", ""]
        lines += ["| column | type | required | rule | meaning |", "|---|---|---|---|---|"]
        for col in schema.columns:
            rules = []
            if col.minimum is not None:
                rules.append(f">= {col.minimum:g}")
            if col.maximum is not None:
                rules.append(f"<= {col.maximum:g}")
            if col.allowed:
                rules.append("one of " + ", ".join(col.allowed))
            if col.pattern:
                rules.append(f"matches `{col.pattern}`")
            if col.nullable:
                rules.append("may be empty")
            for fk in schema.foreign_keys:
                if fk.column == col.name:
                    rules.append(f"in {fk.table}.{fk.target}")
            req = "yes" if col.required else "no"
            lines.append(
                f"| `{col.name}` | {col.kind} | {req} | {'; '.join(rules)} | {col.description} |"
            )
        lines.append("")
    return "\n".join(lines)
