"""Text columns in bulk: strip, blank-to-missing and blank masks through Arrow's kernels.

Exports run to millions of rows, and a per-value Python ``str.strip`` over every text column
costs seconds per column. These helpers do the same work with pyarrow's compute kernels
whenever a column holds only text (or missing values), and fall back to pandas' own string
methods for anything else (numbers read by a typed reader, mixed cells of a spreadsheet), so
the result is the same either way: values stripped of surrounding whitespace, empty strings
missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_NULL_TEXT = pa.scalar(None, pa.string())


def arrow_text(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.ChunkedArray | None:
    """The values as stripped Arrow strings with blanks as nulls; None when not all text.

    Parameters
    ----------
    values : Series, Array or ChunkedArray
        A column of text (object, ``string`` or Arrow-backed), possibly with missing values.

    Returns
    -------
    ChunkedArray or None
        Stripped strings (Unicode whitespace), empty ones null; ``None`` when the column
        holds anything but text and missing values (the caller then takes the careful path).
    """
    if isinstance(values, pa.ChunkedArray | pa.Array):
        arr = values
    else:
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            return None
        try:
            arr = pa.array(values, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    if isinstance(arr, pa.Array):
        arr = pa.chunked_array([arr])
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        return None
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(trimmed, ""), _NULL_TEXT, trimmed)


def to_objects(arr: pa.ChunkedArray) -> np.ndarray:
    """An Arrow string column as a NumPy object array of ``str`` with ``None`` for nulls."""
    return arr.to_numpy(zero_copy_only=False)


def clean_text(series: pd.Series) -> pd.Series:
    """Stripped text with empty strings as ``None``, as an object Series on ``series``' index."""
    arr = arrow_text(series)
    if arr is not None:
        return pd.Series(to_objects(arr), index=series.index, dtype=object)
    text = series.astype("string").str.strip()
    text = text.mask(text == "").astype(object)
    return text.where(text.notna(), None)


def blank_mask(series: pd.Series) -> np.ndarray:
    """True where a value is missing: NaN/None or an empty or whitespace-only string."""
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        arr = arrow_text(series)
        if arr is not None:
            return arr.is_null().to_numpy(zero_copy_only=False)
        text = series.astype("string").str.strip()
        return (series.isna() | (text == "").fillna(True)).to_numpy(dtype=bool)
    return series.isna().to_numpy(dtype=bool)
