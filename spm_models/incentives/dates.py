"""Dates in input tables: ISO ``YYYY-MM-DD`` unless the input declares its format.

A date such as ``03/04/2027`` is 3 April in one country and 4 March in another, and a guess can
move a deal into the wrong month or quarter without a word. So nothing is guessed: a cell is
read with exactly one format, the ISO one unless ``--date-format`` (or ``inputs.date_format``
in a plan) declares another, and any cell that does not match is an error naming file, column,
row and value.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem


def _blank(raw: pd.Series) -> pd.Series:
    text = raw.astype(str).str.strip()
    return raw.isna() | (text == "")


def _stripped(raw: pd.Series) -> pd.Series:
    return raw.astype(str).str.strip().where(raw.notna())


ISO_DATE = "%Y-%m-%d"
_ISO_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_FORMAT_TOKENS = (("YYYY", "%Y"), ("MM", "%m"), ("DD", "%d"))


def date_format_directive(date_format: str | None) -> str:
    """The ``strptime`` directive for a declared date format (``None``: ISO ``YYYY-MM-DD``).

    A format is written as ``strptime`` directives (``%d/%m/%Y``) or with the tokens
    ``YYYY``, ``MM`` and ``DD`` (``DD/MM/YYYY``); it must name the year, month and day.

    Raises
    ------
    InputDataError
        When the format does not name a four-digit year, a month and a day.
    """
    if date_format is None:
        return ISO_DATE
    directive = str(date_format).strip()
    if "%" not in directive:
        for token, code in _FORMAT_TOKENS:
            directive = directive.replace(token, code)
    if not all(code in directive for code in ("%Y", "%m", "%d")):
        raise InputDataError(
            [
                Problem(
                    "date format",
                    "must name a four-digit year, a month and a day, e.g. 'DD/MM/YYYY' or "
                    f"'%d/%m/%Y'; got {date_format!r}",
                )
            ]
        )
    return directive


def format_label(directive: str) -> str:
    """A directive written for people: ``%d/%m/%Y -> DD/MM/YYYY``."""
    label = directive
    for token, code in _FORMAT_TOKENS:
        label = label.replace(code, token)
    return label


def parse_dates(raw: pd.Series, date_format: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Read dates written exactly in one format, never guessing the order of day and month.

    Parameters
    ----------
    raw : Series
        Date cells: text, or already typed dates (datetime64 values or ``datetime.date``
        objects, as Parquet files and in-memory tables give them).
    date_format : str, optional
        The declared format (see :func:`date_format_directive`); ``None`` accepts only ISO
        ``YYYY-MM-DD``.

    Returns
    -------
    parsed : Series of datetime64[ns]
        Midnight of each date, ``NaT`` where the cell is blank or does not match.
    bad : Series of bool
        Cells that are not blank and do not match the format.
    """
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        parsed = raw.astype("datetime64[ns]").dt.normalize()
        return parsed, pd.Series(False, index=raw.index)
    blank = _blank(raw)
    directive = date_format_directive(date_format)
    text = _stripped(raw).where(~blank)
    parsed = pd.to_datetime(text, format=directive, exact=True, errors="coerce")
    if directive == ISO_DATE:
        # strptime accepts one-digit months and days; ISO dates have exactly two.
        iso = text.str.match(_ISO_PATTERN).fillna(False).astype(bool)
        parsed = parsed.where(iso)
    parsed = parsed.astype("datetime64[ns]")
    missing = parsed.isna() & ~blank
    if missing.any() and raw.dtype == object:
        # Date objects (from Parquet or built in memory) are dates already.
        typed = raw[missing].map(lambda v: isinstance(v, dt.date | np.datetime64)).astype(bool)
        if typed.any():
            idx = typed.index[typed.to_numpy()]
            parsed.loc[idx] = pd.to_datetime(raw.loc[idx]).astype("datetime64[ns]")
    bad = parsed.isna() & ~blank
    return parsed.dt.normalize(), bad
