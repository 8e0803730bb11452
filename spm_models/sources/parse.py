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
import pyarrow as pa
import pyarrow.compute as pc

from spm_models.data.text import arrow_text
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


# --------------------------------------------------------------------------- fast paths
#
# Each parser first reads the whole column with Arrow's kernels, accepting only values it
# can read with certainty (a plain number, an ISO date); everything else goes to the careful
# per-value path below, unchanged, so a value that path accepts is read as before and an
# error names the same file, column, row and value as before.

_NULL_TEXT = pa.scalar(None, pa.string())
#: What the fast paths accept (RE2 syntax; ``\d`` is ASCII only, stricter than Python's).
_FAST_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
_FAST_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)$"
_FAST_COMMA_NUMBER = r"^[+-]?\d+(,\d*)?$"
_FAST_PERCENT = r"^[+-]?(\d+\.?\d*|\.\d+)%?$"


def _series(values: pd.Series | Sequence) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(list(values))
    return series.reset_index(drop=True)


def _valid(arr: pa.ChunkedArray) -> np.ndarray:
    return arr.is_valid().to_numpy(zero_copy_only=False)


def _matches(arr: pa.ChunkedArray, pattern: str) -> np.ndarray:
    """True where a (non-null) value matches ``pattern``."""
    hit = pc.fill_null(pc.match_substring_regex(arr, pattern), False)
    return hit.to_numpy(zero_copy_only=False)


def _floats(arr: pa.ChunkedArray, ok: np.ndarray) -> np.ndarray:
    """The values where ``ok`` as floats (NaN elsewhere); ``ok`` values are plain numbers."""
    kept = pc.if_else(pa.chunked_array([pa.array(ok)]), arr, _NULL_TEXT)
    return pc.cast(kept, pa.float64()).to_numpy(zero_copy_only=False).astype(float)


def _careful_subset(series: pd.Series, rejected: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """Positions of the rejected rows and their stripped text (positional, 0-based)."""
    positions = np.flatnonzero(rejected)
    return positions, _text(series.iloc[positions])


def _raise_bad(
    series: pd.Series,
    positions: np.ndarray,
    text: pd.Series,
    bad: np.ndarray,
    **where,
) -> None:
    """Raise :func:`bad_rows_error` for bad rows of a rejected subset, at their full rows."""
    if not bad.any():
        return
    shown = pd.Series(np.full(len(series), None, dtype=object))
    shown.iloc[positions] = text.to_numpy(dtype=object)
    full = np.zeros(len(series), dtype=bool)
    full[positions[bad]] = True
    raise bad_rows_error(shown, full, **where)


# ----------------------------------------------------------------------------- parsers


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
    where = {"file": file, "column": column, "key": key, "key_name": key_name}
    series = _series(values)
    arr = arrow_text(series) if fmt is None else None
    if arr is not None:
        iso = _matches(arr, _FAST_ISO)
        if not (_valid(arr) & ~iso).any():
            try:
                day = pc.utf8_slice_codeunits(arr, 0, 10)
                dates = pc.cast(day, pa.date32()).to_numpy(zero_copy_only=False)
                return pd.Series(dates.astype("datetime64[ns]"))
            except pa.ArrowInvalid:  # an impossible date such as 2024-02-30
                pass
    return _careful_dates(series, fmt, **where)


def _careful_dates(series: pd.Series, fmt: str | None, **where) -> pd.Series:
    text = _text(series)
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
        raise bad_rows_error(text, bad, expected=expected, **where)
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
    series = _series(values)
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    arr = arrow_text(series)
    if arr is None:  # no bulk path for this column: every value goes the careful way
        number = np.full(len(series), np.nan)
        rejected = np.ones(len(series), dtype=bool)
    elif decimal == ".":
        plain = _matches(arr, _FAST_NUMBER)
        number = _floats(arr, plain)
        rejected = _valid(arr) & ~plain
    else:
        plain = _matches(arr, _FAST_COMMA_NUMBER)
        number = _floats(pc.replace_substring(arr, ",", "."), plain)
        rejected = _valid(arr) & ~plain
    if rejected.any():
        positions, text = _careful_subset(series, rejected)
        careful, bad = _careful_money(text, decimal)
        _raise_bad(
            series,
            positions,
            text,
            bad,
            file=file,
            column=column,
            expected=f"an amount (decimal mark {decimal!r})",
            key=key,
            key_name=key_name,
        )
        number[positions] = careful
    return pd.Series(number)


def _careful_money(text: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Amounts and bad-value mask of stripped text, with symbols and separators cleaned."""
    present = text.notna()
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
    return number.to_numpy(dtype=float), bad.to_numpy(dtype=bool)


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
    where = {"file": file, "column": column, "key": key, "key_name": key_name}
    series = _series(values)
    arr = arrow_text(series)
    if arr is None:
        text = _text(series)
        number, has_sign, bad = _careful_percent(text)
        if bad.any():
            raise bad_rows_error(text, bad, expected="a percentage like 4% or 0.04", **where)
    else:
        fast = _matches(arr, _FAST_PERCENT)
        has_sign = fast & pc.fill_null(pc.ends_with(arr, "%"), False).to_numpy(zero_copy_only=False)
        number = _floats(pc.utf8_rtrim(arr, "%"), fast)
        rejected = _valid(arr) & ~fast
        if rejected.any():
            positions, text = _careful_subset(series, rejected)
            careful, sign, bad = _careful_percent(text)
            _raise_bad(
                series, positions, text, bad, expected="a percentage like 4% or 0.04", **where
            )
            number[positions], has_sign[positions] = careful, sign
    plain = np.where(has_sign, np.nan, number)
    percent = scale == "percent" or (scale == "auto" and bool((np.abs(plain) > 1).any()))
    share = np.where(has_sign, number / 100, plain / 100 if percent else plain)
    return pd.Series(share.astype(float))


def _careful_percent(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numbers, ``%``-sign mask and bad-value mask of stripped text."""
    present = text.notna()
    has_sign = text.str.endswith("%").fillna(False).astype(bool)
    stripped = text.str.rstrip("%").str.strip().astype(object)
    number = pd.to_numeric(stripped.where(stripped.notna(), None), errors="coerce").astype(float)
    bad = present & (number.isna() | ~np.isfinite(number))
    return number.to_numpy(dtype=float), has_sign.to_numpy(dtype=bool), bad.to_numpy(dtype=bool)


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
    series = _series(values)
    if pd.api.types.is_bool_dtype(series):
        return series.astype("boolean")
    arr = None if pd.api.types.is_float_dtype(series) else arrow_text(series)
    if arr is not None:
        lower = pc.utf8_lower(arr)
        is_true = pc.fill_null(pc.is_in(lower, pa.array(_TRUE)), False).to_numpy(
            zero_copy_only=False
        )
        is_false = pc.fill_null(pc.is_in(lower, pa.array(_FALSE)), False).to_numpy(
            zero_copy_only=False
        )
        if not (_valid(arr) & ~is_true & ~is_false).any():
            out = pd.array(is_true, dtype="boolean")
            out[~is_true & ~is_false] = pd.NA
            return pd.Series(out)
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
