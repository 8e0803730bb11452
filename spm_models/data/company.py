"""The company's four validated tables, loaded from files or SQL, or written back out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from spm_models.data.csv_writer import write_csv
from spm_models.data.loaders import is_sql_url, read_sql_tables, read_table_file, table_path
from spm_models.data.schema import SCHEMAS
from spm_models.data.validate import check_foreign_keys, check_table
from spm_models.errors import InputDataError, Problem
from spm_models.sources.provenance import ProvenanceEntry, read_provenance, write_provenance

#: Tables every company has.
TABLES = ("accounts", "reps", "bookings", "opportunities")
#: Tables read when present and otherwise empty (e.g. the closed-deal history).
OPTIONAL_TABLES = ("closed_opportunities",)
ALL_TABLES = TABLES + OPTIONAL_TABLES


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of table ``name``'s schema."""
    schema = SCHEMAS[name]
    frame, _ = check_table(pd.DataFrame(columns=schema.column_names), schema, source=name)
    return frame


def _empty_closed() -> pd.DataFrame:
    return empty_table("closed_opportunities")


@dataclass(frozen=True)
class Company:
    """A sales organisation's validated input tables.

    Attributes
    ----------
    accounts, reps, bookings, opportunities : DataFrame
        Tables following :mod:`spm_models.data.schema`.
    as_of : Timestamp
        The planning date: the last day of the last month of bookings history.
    source : str
        Where the data came from (folder or URL without password).
    closed_opportunities : DataFrame
        Optional history of won and lost deals (``CLOSED_OPPORTUNITIES`` schema); an empty
        frame with the schema's columns when the source has none.
    provenance : tuple of ProvenanceEntry
        Every field that was derived or defaulted rather than read (empty when the data was
        used as given); written to ``provenance.json`` and listed in reports.
    """

    accounts: pd.DataFrame
    reps: pd.DataFrame
    bookings: pd.DataFrame
    opportunities: pd.DataFrame
    as_of: pd.Timestamp
    source: str = "memory"
    closed_opportunities: pd.DataFrame = field(default_factory=_empty_closed)
    provenance: tuple[ProvenanceEntry, ...] = ()

    @property
    def plan_year(self) -> int:
        """The year being planned: the one after the last full history month."""
        return int((self.as_of + pd.Timedelta(days=1)).year)

    def summary(self) -> dict[str, object]:
        """Headline counts, e.g. for a report header."""
        return {
            "accounts": len(self.accounts),
            "reps": len(self.reps),
            "vacant_reps": int((self.reps["status"] == "vacant").sum()),
            "bookings_rows": len(self.bookings),
            "open_opportunities": len(self.opportunities),
            "history_start": str(self.bookings["period"].min().date())
            if len(self.bookings)
            else None,
            "as_of": str(self.as_of.date()),
        }


def as_of_from_bookings(bookings: pd.DataFrame) -> pd.Timestamp:
    """The last day of the latest month in the bookings history."""
    if bookings.empty:
        return pd.Timestamp.today().normalize()
    last = pd.Timestamp(bookings["period"].max())
    return (last + pd.offsets.MonthEnd(0)).normalize()


def default_country(
    raw: dict[str, pd.DataFrame], provenance: tuple[ProvenanceEntry, ...] = ()
) -> tuple[dict[str, pd.DataFrame], tuple[ProvenanceEntry, ...]]:
    """Give accounts and reps a ``country`` column of 'US' when they have none, noted.

    Returns the (copied where changed) tables and the provenance with one entry per
    defaulted table; an entry already recorded for that column is not repeated.
    """
    raw = dict(raw)
    known = {(e.table, e.column) for e in provenance}
    added: list[ProvenanceEntry] = []
    for name in ("accounts", "reps"):
        frame = raw.get(name)
        if frame is None or "country" in frame.columns:
            continue
        raw[name] = frame.assign(country="US")
        if (name, "country") not in known:
            added.append(
                ProvenanceEntry(
                    table=name,
                    column="country",
                    rule="country defaulted",
                    detail="The data has no country column: every location is taken to be in "
                    "the US.",
                    rows=len(frame),
                )
            )
    return raw, tuple(provenance) + tuple(added)


def build_company(
    raw: dict[str, pd.DataFrame],
    sources: dict[str, str],
    *,
    origin: str,
    problems: list[Problem] | None = None,
    provenance: tuple[ProvenanceEntry, ...] = (),
) -> Company:
    """Validate raw tables together (types, ranges, keys, foreign keys) into a Company.

    ``problems`` already found (e.g. unreadable files, whose tables are then absent from
    ``raw``) are reported together with those found here. Accounts and reps without a
    ``country`` column get 'US', recorded in the company's ``provenance`` (which starts
    from ``provenance``).

    Raises
    ------
    InputDataError
        Listing every problem across all tables.
    """
    problems = list(problems or [])
    raw, provenance = default_country(raw, provenance)
    typed: dict[str, pd.DataFrame] = {}
    for name in ALL_TABLES:
        if name not in raw:
            continue
        frame, found = check_table(raw[name], SCHEMAS[name], source=sources[name])
        typed[name] = frame
        problems += found
    # Foreign keys are checked even when other problems exist, so one pass lists them all.
    problems += check_foreign_keys(typed, sources)
    if problems:
        raise InputDataError(problems)
    return Company(
        accounts=typed["accounts"],
        reps=typed["reps"],
        bookings=typed["bookings"],
        opportunities=typed["opportunities"],
        as_of=as_of_from_bookings(typed["bookings"]),
        source=origin,
        closed_opportunities=typed.get("closed_opportunities", _empty_closed()),
        provenance=tuple(provenance),
    )


def load_company(source: str | Path) -> Company:
    """Load and validate a company from a folder of files or a SQLAlchemy URL.

    Parameters
    ----------
    source : str or Path
        A folder holding ``accounts``, ``reps``, ``bookings`` and ``opportunities`` as
        ``.csv`` or ``.parquet`` files, or a SQLAlchemy URL (``sqlite:///company.db``,
        ``duckdb:///company.duckdb``, ``postgresql://...``) with tables of those names.
        An optional ``closed_opportunities`` file or table is read when it exists.

    Returns
    -------
    Company

    Raises
    ------
    InputDataError
        Every problem in every table (unreadable, empty, non-UTF-8 files included).

    Notes
    -----
    A folder's ``provenance.json`` (written by an importer) becomes ``Company.provenance``.
    """
    if is_sql_url(str(source)):
        raw, sources, origin = read_sql_tables(str(source), TABLES, optional=OPTIONAL_TABLES)
        return build_company(raw, sources, origin=origin)
    folder = Path(source)
    if not folder.is_dir():
        raise InputDataError(f"data folder {str(folder)!r} does not exist", source=str(folder))
    raw: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    for name in TABLES:
        try:
            path = table_path(folder, name)
            sources[name] = path.name
            raw[name] = read_table_file(path)
        except InputDataError as exc:
            problems += exc.problems
    for name in OPTIONAL_TABLES:
        if any((folder / f"{name}{suffix}").exists() for suffix in (".csv", ".parquet")):
            try:
                path = table_path(folder, name)
                sources[name] = path.name
                raw[name] = read_table_file(path)
            except InputDataError as exc:
                problems += exc.problems
    try:
        provenance = read_provenance(folder)
    except InputDataError as exc:
        problems += exc.problems
        provenance = ()
    return build_company(
        raw, sources, origin=str(folder.resolve()), problems=problems, provenance=provenance
    )


def write_company(company: Company, folder: str | Path, *, fmt: str = "csv") -> Path:
    """Write the company's tables to ``folder`` as CSV or Parquet files.

    The optional ``closed_opportunities`` table is written only when it has rows, and
    ``provenance.json`` only when the company has provenance entries.

    Files are first written under temporary names and then renamed, so a reader never
    sees a half-written table.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(
            f"The 'fmt' parameter of write_company must be 'csv' or 'parquet'. Got {fmt!r} instead."
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ALL_TABLES:
        frame: pd.DataFrame = getattr(company, name)
        if name in OPTIONAL_TABLES and frame.empty:
            continue
        final = folder / f"{name}.{fmt}"
        tmp = folder / f".{name}.{fmt}.tmp"
        if fmt == "csv":
            write_csv(frame, tmp)
        else:
            frame.to_parquet(tmp, index=False)
        tmp.replace(final)
    write_provenance(company.provenance, folder)
    return folder
