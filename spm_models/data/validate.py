"""Validate input tables against their schema, collecting every problem before raising.

Values are coerced column by column; each value that cannot be coerced or breaks a rule
becomes a :class:`~spm_models.errors.Problem` naming the file, column, 1-based data row and
the row's key, so a user can fix everything in one pass.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from spm_models.data.schema import END_OF_THIS_MONTH, SCHEMAS, Column, Kind, TableSchema
from spm_models.data.text import blank_mask, clean_text
from spm_models.errors import InputDataError, Problem

_TRUE = {"true", "t", "yes", "y", "1"}
#: A time zone after a time of day: ``Z``, ``+02:00``, ``-0500`` or ``+02``.
_TZ_SUFFIX = r"(?<=\d\d:\d\d)(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)$"
_FALSE = {"false", "f", "no", "n", "0"}


def _blank(series: pd.Series) -> pd.Series:
    """True where a value is missing: NaN/None or an empty or whitespace-only string."""
    return pd.Series(blank_mask(series), index=series.index)


def latest_date(latest: str) -> tuple[pd.Timestamp, str]:
    """The latest allowed date of a column and how a message names it.

    ``latest`` is an ISO date or :data:`~spm_models.data.schema.END_OF_THIS_MONTH`, for
    history that cannot lie in the future (the end of the month of today's clock).
    """
    if latest == END_OF_THIS_MONTH:
        end = (pd.Timestamp.today() + pd.offsets.MonthEnd(0)).normalize()
        return end, f"{end:%Y-%m-%d} (history cannot lie in the future)"
    return pd.Timestamp(latest), latest


def _iso_dates(text: pd.Series) -> pd.Series:
    """ISO dates and timestamps, unparseable values as NaT, time zones read as local time."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # mixed offsets, handled below
            values = pd.to_datetime(text, errors="coerce", format="ISO8601")
        if pd.api.types.is_datetime64_any_dtype(values):
            return values
    except (ValueError, TypeError):
        pass
    # Several time zones in one column: drop each suffix, keeping the local date and time.
    local = text.astype("string").str.replace(_TZ_SUFFIX, "", regex=True)
    return pd.to_datetime(local, errors="coerce", format="ISO8601")


def _key_text(frame: pd.DataFrame, schema: TableSchema, idx: int) -> str | None:
    parts = []
    for key in schema.key:
        if key in frame.columns:
            parts.append(f"{key}={frame[key].iloc[idx]!r}")
    return ", ".join(parts) or None


def _coerce_column(
    raw: pd.Series, col: Column, schema: TableSchema, source: str, frame: pd.DataFrame
) -> tuple[pd.Series, list[Problem]]:
    problems: list[Problem] = []
    # Text columns are stripped once; every kind below reads the stripped values.
    text = clean_text(raw) if raw.dtype == object or pd.api.types.is_string_dtype(raw) else None
    missing = text.isna() if text is not None else _blank(raw)

    def report(mask: pd.Series | np.ndarray, message_for) -> None:
        for pos in np.flatnonzero(np.asarray(mask)):
            problems.append(
                Problem(
                    source=source,
                    column=col.name,
                    message=message_for(raw.iloc[pos]),
                    row=int(pos) + 1,
                    key=_key_text(frame, schema, int(pos)),
                )
            )

    if not col.nullable:
        report(missing, lambda _v: "must not be empty")

    present = ~missing
    if col.kind in (Kind.INTEGER, Kind.FLOAT):
        values = pd.to_numeric(raw.where(present), errors="coerce")
        bad = present & values.isna()
        report(bad, lambda v: f"must be a number; got {v!r}")
        finite = np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        report(present & ~bad & ~finite, lambda v: f"must be finite; got {v!r}")
        if col.kind is Kind.INTEGER:
            fractional = present & ~bad & (values.round() != values)
            report(fractional, lambda v: f"must be a whole number; got {v!r}")
            # A whole number past 64 bits cannot be stored; no count or id is that large.
            too_big = present & ~bad & (values.abs() >= 2.0**63)
            report(too_big, lambda v: f"is too large for a whole number; got {v!r}")
            values = values.where(~too_big)
            bad = bad | too_big
        ok = present & ~bad
        if col.minimum is not None:
            report(ok & (values < col.minimum), lambda v: f"must be >= {col.minimum:g}; got {v}")
        if col.maximum is not None:
            report(ok & (values > col.maximum), lambda v: f"must be <= {col.maximum:g}; got {v}")
        out = values.round().astype("Int64") if col.kind is Kind.INTEGER else values.astype(float)
        if col.kind is Kind.INTEGER and not out.isna().any():
            out = out.astype("int64")
        return out, problems

    if col.kind is Kind.DATE:
        if pd.api.types.is_datetime64_any_dtype(raw):
            values = pd.to_datetime(raw)
        else:
            stripped = text if text is not None else clean_text(raw)
            values = _iso_dates(stripped)
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        bad = present & values.isna()
        report(bad, lambda v: f"must be a date (YYYY-MM-DD); got {v!r}")
        ok = present & ~bad
        if col.earliest:
            lo = pd.Timestamp(col.earliest)
            report(ok & (values < lo), lambda v: f"must be on or after {col.earliest}; got {v!r}")
        if col.latest:
            hi, why = latest_date(col.latest)
            report(ok & (values > hi), lambda v: f"must be on or before {why}; got {v!r}")
        return values.astype("datetime64[ns]"), problems

    if col.kind is Kind.BOOLEAN:
        lower = (text if text is not None else clean_text(raw)).astype("string").str.lower()
        is_true, is_false = lower.isin(_TRUE).fillna(False), lower.isin(_FALSE).fillna(False)
        report(present & ~is_true & ~is_false, lambda v: f"must be true or false; got {v!r}")
        return is_true.astype(bool), problems

    # Strings: keep text, strip whitespace, check pattern and allowed values.
    if pd.api.types.is_float_dtype(raw):
        # A numeric-looking id read by a typed reader: 42.0 should read back as '42'.
        values = raw.where(present).map(lambda v: f"{v:g}" if pd.notna(v) else v).astype("string")
        values = values.astype(object).where(present, None)
    else:
        values = text if text is not None else clean_text(raw)  # stripped, None where blank
    if col.pattern:
        rx = re.compile(col.pattern)
        report(
            present & ~values.fillna("").map(lambda v: bool(rx.match(v))).astype(bool),
            lambda v: f"must match {col.pattern}; got {v!r}",
        )
    if col.allowed:
        allowed = ", ".join(col.allowed)
        report(
            present & ~values.isin(col.allowed),
            lambda v: f"must be one of {allowed}; got {v!r}",
        )
    return values.where(present, None), problems


def validate_table(
    frame: pd.DataFrame, schema: TableSchema | str, *, source: str | None = None
) -> pd.DataFrame:
    """Validate one table and return it with typed columns.

    Parameters
    ----------
    frame : DataFrame
        The raw table (strings, as read from CSV, or already typed).
    schema : TableSchema or str
        The table's schema, or its name (``"accounts"``, ``"reps"``, ...).
    source : str, optional
        Name used in messages, e.g. ``"accounts.csv"``. Defaults to the schema name.

    Returns
    -------
    DataFrame
        A copy with typed columns (the input is not changed).

    Raises
    ------
    InputDataError
        Listing every problem found: missing columns, bad types, out-of-range values,
        empty required fields and duplicate keys.
    """
    schema = SCHEMAS[schema] if isinstance(schema, str) else schema
    source = source or schema.name
    typed, problems = check_table(frame, schema, source=source)
    if problems:
        raise InputDataError(problems)
    return typed


def check_table(
    frame: pd.DataFrame, schema: TableSchema, *, source: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Like :func:`validate_table` but return the problems instead of raising."""
    problems: list[Problem] = []
    frame = frame.reset_index(drop=True)
    missing_cols = [c.name for c in schema.columns if c.required and c.name not in frame.columns]
    for name in missing_cols:
        problems.append(Problem(source=source, column=name, message="is missing"))
    if frame.empty and schema.name in ("accounts", "reps"):
        problems.append(Problem(source=source, message="has no data rows"))
    typed = frame.copy()
    for col in schema.columns:
        if col.name not in frame.columns:
            continue
        typed[col.name], found = _coerce_column(frame[col.name], col, schema, source, frame)
        problems += found
    problems += _check_geography(typed, schema, source, frame)
    keys = [k for k in schema.key if k in typed.columns]
    if keys and len(keys) == len(schema.key) and not typed.empty:
        dup = typed.duplicated(subset=keys, keep="first").to_numpy()
        for pos in np.flatnonzero(dup):
            problems.append(
                Problem(
                    source=source,
                    message=f"duplicate key ({', '.join(keys)})",
                    row=int(pos) + 1,
                    key=_key_text(frame, schema, int(pos)),
                )
            )
    return typed, problems


#: Coordinate pairs that must be given together (both or neither), per table.
COORDINATE_PAIRS = {"accounts": ("lat", "lon"), "reps": ("home_lat", "home_lon")}


def _check_geography(
    typed: pd.DataFrame, schema: TableSchema, source: str, raw: pd.DataFrame
) -> list[Problem]:
    """Geography may be empty, but a latitude needs its longitude and the other way round."""
    pair = COORDINATE_PAIRS.get(schema.name)
    if pair is None or not set(pair) <= set(typed.columns):
        return []
    problems: list[Problem] = []
    raw = raw.reset_index(drop=True)
    for col, other in (pair, pair[::-1]):
        lonely = _blank(raw[col]) & ~_blank(raw[other])
        for pos in np.flatnonzero(lonely.to_numpy()):
            problems.append(
                Problem(
                    source=source,
                    column=col,
                    message=f"must not be empty when {other!r} is given",
                    row=int(pos) + 1,
                    key=_key_text(raw, schema, int(pos)),
                )
            )
    return problems


def check_foreign_keys(tables: dict[str, pd.DataFrame], sources: dict[str, str]) -> list[Problem]:
    """Check every foreign key between the given (already typed) tables.

    Returns one problem per row whose reference does not exist, e.g. an account aligned to
    an unknown rep id.
    """
    problems: list[Problem] = []
    for name, frame in tables.items():
        schema = SCHEMAS[name]
        for fk in schema.foreign_keys:
            if fk.table not in tables or fk.column not in frame.columns:
                continue
            known = set(tables[fk.table][fk.target].dropna())
            values = frame[fk.column]
            unknown = values.notna() & ~values.isin(known)
            for pos in np.flatnonzero(unknown.to_numpy()):
                problems.append(
                    Problem(
                        source=sources[name],
                        column=fk.column,
                        message=(f"refers to unknown {fk.table}.{fk.target} {values.iloc[pos]!r}"),
                        row=int(pos) + 1,
                        key=_key_text(frame, schema, int(pos)),
                    )
                )
    # Dates that must not precede another date of the same row.
    orders = (
        ("opportunities", "expected_close_date", "created_date"),
        ("closed_opportunities", "review_date", "created_date"),
        ("closed_opportunities", "closed_date", "review_date"),
    )
    for name, later, earlier in orders:
        frame = tables.get(name)
        if frame is None or not {later, earlier} <= set(frame.columns):
            continue
        early = (frame[later] < frame[earlier]).to_numpy()
        for pos in np.flatnonzero(early):
            problems.append(
                Problem(
                    source=sources[name],
                    column=later,
                    message=f"must not be before {earlier}",
                    row=int(pos) + 1,
                    key=_key_text(frame, SCHEMAS[name], int(pos)),
                )
            )
    return problems
