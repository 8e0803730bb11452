"""Write a table as CSV with the bytes pandas' ``to_csv`` writes, at Arrow's speed.

Imported companies run to millions of rows and ``DataFrame.to_csv`` formats them one value
at a time. :func:`write_csv` formats each column in bulk exactly as pandas does (floats
through NumPy's shortest representation, booleans as ``True``/``False``, missing values as
empty fields) and hands the text to Arrow's writer. A table with a value that would need
quoting (a comma, quote or line break) is written by pandas itself, so the file is the
same either way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Characters that make pandas quote a field.
_NEEDS_QUOTES = r'[,"\r\n]'


def iso_days(values: pd.Series) -> pa.Array:
    """Dates as ``YYYY-MM-DD`` text (null where missing), formatted in bulk by Arrow."""
    days = pa.array(values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"))
    return pc.cast(days, pa.string())


def _formatted(values: pd.Series) -> pa.Array | None:
    """The column as the text pandas writes for it (null for an empty field); None when it
    is not formatted here."""
    dtype = values.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return None
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return iso_days(values)
    if pd.api.types.is_bool_dtype(dtype):
        flags = values.to_numpy(dtype=bool, na_value=False)
        text = pa.array(np.where(flags, "True", "False"))
        return pc.if_else(pa.array(values.isna().to_numpy(dtype=bool)), None, text)
    if pd.api.types.is_float_dtype(dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        # NumPy's text of a float64 is the one pandas writes (shortest round trip, '1.0').
        text = pa.array(numbers.astype(str))
        return pc.if_else(pa.array(np.isnan(numbers)), None, text)
    if pd.api.types.is_integer_dtype(dtype):
        return pc.cast(pa.array(values, from_pandas=True), pa.string())
    if pd.api.types.is_string_dtype(dtype):
        try:
            return pa.array(values, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers or dates held as objects
            return None
    return None


def _needs_pandas(header: list[str], columns: list[pa.Array | None]) -> bool:
    """True when a column is not formatted here or a field or name needs quoting."""
    if len(set(header)) < len(header) or any(
        name == "" or any(ch in name for ch in ',"\r\n') for name in header
    ):
        return True
    return any(
        arr is None or pc.any(pc.match_substring_regex(arr, _NEEDS_QUOTES)).as_py()
        for arr in columns
    )


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` (without its index) as ``frame.to_csv(path, index=False)`` would,
    with date columns as ``YYYY-MM-DD``.

    Parameters
    ----------
    frame : DataFrame
        Columns of text, numbers, booleans or dates.
    path : str or Path
        The file written.
    """
    from pyarrow import csv

    header = [str(name) for name in frame.columns]
    columns = [_formatted(frame.iloc[:, i]) for i in range(frame.shape[1])]
    if _needs_pandas(header, columns):
        dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        out = frame.assign(**{str(c): frame[c].dt.strftime("%Y-%m-%d") for c in dates})
        out.to_csv(path, index=False)
        return
    table = pa.table(dict(zip(header, columns, strict=True)))
    options = csv.WriteOptions(quoting_style="none", include_header=False)
    # Arrow quotes header names whatever the style: the header line is written here.
    with pa.OSFile(str(path), "wb") as sink:
        sink.write((",".join(header) + "\n").encode("utf-8"))
        csv.write_csv(table, sink, write_options=options)
