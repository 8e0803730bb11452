"""Parse raw text values from exports (dates, money, percentages, booleans), vectorised.

Every parser takes the raw column and the ``file`` and ``column`` it came from, and raises
:class:`~spm_models.errors.InputDataError` listing the first bad rows (1-based data rows,
the header not counted) with their values, plus how many more there are. Empty values
(NaN, ``""``, whitespace) stay missing; callers decide whether missing is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem

#: How many bad rows an error lists before summarising the rest as a count.
MAX_LISTED = 5

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_ISO = re.compile(
    rf"^{_ISO_DATE}([T ]\d{{2}}:\d{{2}}(:\d{{2}}(\.\d+)?)?(Z|[+-]\d{{2}}:?\d{{2}})?)?$"
)
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)$"
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")


def _text(values: pd.Series | Sequence) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    series = series.reset_index(drop=True)
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def bad_rows_error(
    text: pd.Series,
    bad: pd.Series | np.ndarray,
    *,
    file: str,
    column: str,
    expected: str,
    key: pd.Series | None = None,
    key_name: str | None = None,
) -> InputDataError:
    """An error listing the first bad rows of a column and how many more there are.

    Parameters
    ----------
    text : Series
        The raw values (positionally aligned with ``bad``).
    bad : array of bool
        Which rows are bad.
    file, column : str
        Where the values came from, named in every problem.
    expected : str
        What a value must be, e.g. ``"a date (YYYY-MM-DD)"``.
    key, key_name : Series and str, optional
        The rows' key values (e.g. the ``Id`` column), shown with each row.
    """
    positions = np.flatnonzero(np.asarray(bad, dtype=bool))
    problems = []
    for pos in positions[:MAX_LISTED]:
        key_text = None
        if key is not None:
            key_text = f"{key_name or 'key'}={key.iloc[pos]!r}"
        problems.append(
            Problem(
                source=file,
                column=column,
                message=f"must be {expected}; got {text.iloc[pos]!r}",
                row=int(pos) + 1,
                key=key_text,
            )
        )
    more = len(positions) - MAX_LISTED
    if more > 0:
        problems.append(
            Problem(source=file, column=column, message=f"has {more:,} more bad values like these")
        )
    return InputDataError(problems)


def parse_dates(
    values: pd.Series | Sequence,
    *,
    fmt: str | None = None,
    file: str,
    column: str,
    key: pd.Series | None = None,
    key_name: str | None = None,
) -> pd.Series:
    """Parse dates to ``datetime64[ns]`` day timestamps (time of day and zone dropped).

    Parameters
    ----------
    values : Series or sequence
        Raw values, e.g. ``"2017-03-01"`` or ``"2017-03-01T17:24:05.000Z"``.
    fmt : str, optional
        An explicit ``strptime`` format such as ``"%d/%m/%Y"``. Without it only ISO dates and
        ISO datetimes are accepted: a value like ``03/04/2024`` (day or month first?) is an
        error, never a guess.
    file, column : str
        Named in the error.
    key, key_name : Series and str, optional
        Row keys shown in the error.

    Returns
    -------
    Series
        Dates normalised to midnight; missing where the input is empty.

    Raises
    ------
    InputDataError
        Every value that does not match, naming file, column, row and value.
    """
    text = _text(values)
    present = text.notna()
    if fmt is None:
        iso = text.str.match(_ISO).fillna(False).astype(bool)
        # Dates first: the common case, then only the datetimes need the slower parser.
        day = text.str.slice(0, 10)
        parsed = pd.to_datetime(day.where(iso), format="%Y-%m-%d", errors="coerce")
        expected = "an ISO date (YYYY-MM-DD, or a datetime like 2017-03-01T17:24:05Z)"
    else:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(None)
        expected = f"a date in the format {fmt!r}"
    bad = present & parsed.isna()
    if bad.any():
        raise bad_rows_error(
            text, bad, file=file, column=column, expected=expected, key=key, key_name=key_name
        )
    return parsed.dt.normalize().astype("datetime64[ns]")


def parse_money(
    values: pd.Series | Sequence,
    *,
    file: str,
    column: str,
    decimal: str = ".",
    key: pd.Series | None = None,
    key_name: str | None = None,
) -> pd.Series:
    """Parse amounts such as ``$1,234.50``, ``1.234,50 €``, ``(1,200)`` or ``-5`` to floats.

    Currency symbols and codes (``$ € £ ¥``, ``USD``, ``EUR`` ...) and spaces are dropped;
    parentheses mean a negative amount. ``decimal`` is the decimal mark (``"."`` or
    ``","``); the other mark is a thousands separator.

    Raises
    ------
    InputDataError
        Every value that is not an amount, naming file, column, row and value.
    """
    if decimal not in (".", ","):
        raise ValueError(
            f"The 'decimal' parameter of parse_money must be '.' or ','. Got {decimal!r} instead."
        )
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.reset_index(drop=True).astype(float)
    text = _text(series)
    present = text.notna()
    plain = text.str.match(_PLAIN_NUMBER).fillna(True).astype(bool)
    if decimal == "." and plain.all():
        # The common case: plain numbers, no symbols or separators to clean.
        return pd.to_numeric(text, errors="coerce").astype("Float64").astype(float)
    cleaned = text.str.replace(r"[A-Za-z$€£¥\s\u00a0']", "", regex=True)
    negative = cleaned.str.match(r"^\(.*\)$").fillna(False).astype(bool)
    cleaned = cleaned.str.strip("()")
    thousands = "," if decimal == "." else "."
    cleaned = cleaned.str.replace(thousands, "", regex=False)
    if decimal == ",":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    ok = cleaned.str.match(_PLAIN_NUMBER).fillna(False).astype(bool)
    number = pd.to_numeric(cleaned.where(ok).astype(object), errors="coerce").astype(float)
    number = number.where(~negative, -number)
    bad = present & number.isna()
    if bad.any():
        raise bad_rows_error(
            text,
            bad,
            file=file,
            column=column,
            expected=f"an amount (decimal mark {decimal!r})",
            key=key,
            key_name=key_name,
        )
    return number.astype(float)


def parse_percent(
    values: pd.Series | Sequence,
    *,
    file: str,
    column: str,
    scale: str = "auto",
    key: pd.Series | None = None,
    key_name: str | None = None,
) -> pd.Series:
    """Parse percentages to shares: ``"4%"`` and ``0.04`` both give 0.04.

    Parameters
    ----------
    scale : {"auto", "share", "percent"}
        How to read plain numbers: ``"share"`` (0.04 is 4%), ``"percent"`` (4 is 4%, as
        Salesforce's ``Probability``), or ``"auto"``: percent when any plain value of the
        column is above 1, else share. Values with a ``%`` sign are always percent.

    Raises
    ------
    InputDataError
        Every value that is not a percentage.
    """
    if scale not in ("auto", "share", "percent"):
        raise ValueError(
            "The 'scale' parameter of parse_percent must be 'auto', 'share' or 'percent'. "
            f"Got {scale!r} instead."
        )
    text = _text(values)
    present = text.notna()
    has_sign = text.str.endswith("%").fillna(False).astype(bool)
    stripped = text.str.rstrip("%").str.strip().astype(object)
    number = pd.to_numeric(stripped.where(stripped.notna(), None), errors="coerce").astype(float)
    bad = present & (number.isna() | ~np.isfinite(number))
    if bad.any():
        raise bad_rows_error(
            text,
            bad,
            file=file,
            column=column,
            expected="a percentage like 4% or 0.04",
            key=key,
            key_name=key_name,
        )
    plain = number.where(~has_sign)
    percent = scale == "percent" or (scale == "auto" and bool((plain.abs() > 1).any()))
    share = number.where(has_sign, plain / 100 if percent else plain)
    return share.where(~has_sign, number / 100).astype(float)


def parse_bool(
    values: pd.Series | Sequence,
    *,
    file: str,
    column: str,
    key: pd.Series | None = None,
    key_name: str | None = None,
) -> pd.Series:
    """Parse ``true/false``, ``1/0``, ``yes/no`` (any case) to a nullable boolean Series.

    Raises
    ------
    InputDataError
        Every other value.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    if pd.api.types.is_bool_dtype(series):
        return series.reset_index(drop=True).astype("boolean")
    text = _text(series)
    if pd.api.types.is_float_dtype(series):
        text = text.str.replace(r"\.0$", "", regex=True)
    lower = text.str.lower()
    is_true = lower.isin(_TRUE).fillna(False).astype(bool)
    is_false = lower.isin(_FALSE).fillna(False).astype(bool)
    bad = text.notna() & ~is_true & ~is_false
    if bad.any():
        raise bad_rows_error(
            text,
            bad,
            file=file,
            column=column,
            expected="true or false",
            key=key,
            key_name=key_name,
        )
    out = pd.Series(pd.NA, index=text.index, dtype="boolean")
    out[is_true] = True
    out[is_false] = False
    return out
