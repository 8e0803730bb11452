"""The bulk CSV writer writes the bytes pandas' ``to_csv`` writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spm_models.data.csv_writer import write_csv


def _pandas(frame: pd.DataFrame, path: Path) -> bytes:
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d") for c in dates}).to_csv(path, index=False)
    return path.read_bytes()


FRAME = pd.DataFrame(
    {
        "id": ["A1", "B2", None, "D4"],
        "amount": [1.0, 1234.5, np.nan, 1e16],
        "share": [0.1 + 0.2, 1e-05, 3.0, -0.0],
        "count": pd.array([1, None, 3, 4], dtype="Int64"),
        "n": [1, 2, 3, 4],
        "won": [True, False, True, False],
        "day": pd.to_datetime(["2024-01-05", None, "2023-12-31", "2020-02-29"]),
    }
)


@pytest.mark.parametrize(
    "frame",
    [
        FRAME,
        FRAME.assign(id=["Acme, Inc.", 'say "hi"', "x", "y"]),  # quoted: pandas writes it
        FRAME.iloc[:0],
    ],
    ids=["plain", "needs-quotes", "empty"],
)
def test_same_bytes_as_pandas(frame: pd.DataFrame, tmp_path: Path) -> None:
    write_csv(frame, tmp_path / "fast.csv")
    assert (tmp_path / "fast.csv").read_bytes() == _pandas(frame, tmp_path / "ref.csv")
