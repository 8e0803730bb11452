"""The one way a table reaches a report: labelled columns, units, a row limit, escaped text.

A leadership page never shows a raw DataFrame (0..n index, snake_case headers, ``9.4e+05``):
every table goes through :func:`table_html`, which formats each column by its unit with the
same :func:`spm_models.registry.format_value` the headline figures use, escapes every cell,
shows at most ``max_rows`` rows and links the full table as CSV.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from spm_models.registry import UNITS, format_value


@dataclass(frozen=True)
class Column:
    """One column of a report table.

    Attributes
    ----------
    name : str
        Column of the DataFrame.
    label : str
        Header a reader sees, with its unit where it helps ("Quota ($)" is not needed: money
        prints as ``$1.2M``).
    unit : str
        One of :data:`spm_models.registry.UNITS`.
    """

    name: str
    label: str
    unit: str = "text"

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(
                f"column {self.name!r}: unit must be one of {UNITS}; got {self.unit!r}"
            )


def _columns(spec: Sequence[Column | tuple[str, str] | tuple[str, str, str]]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(*c) for c in spec]


def format_table(
    frame: pd.DataFrame, columns: Sequence[Column | tuple[str, str] | tuple[str, str, str]]
) -> pd.DataFrame:
    """The table as strings, with the columns' labels as headers (for tests and CSV-free views).

    Raises
    ------
    KeyError
        Naming a column the frame does not have.
    """
    cols = _columns(columns)
    missing = [c.name for c in cols if c.name not in frame.columns]
    if missing:
        raise KeyError(f"table has no column(s) {missing}; it has {list(frame.columns)}")
    return pd.DataFrame(
        {c.label: [format_value(v, c.unit) for v in frame[c.name].tolist()] for c in cols}
    )


def table_html(
    frame: pd.DataFrame,
    columns: Sequence[Column | tuple[str, str] | tuple[str, str, str]],
    *,
    max_rows: int = 15,
    csv: str | None = None,
    caption: str | None = None,
) -> str:
    """An HTML table for a report page.

    Parameters
    ----------
    frame : DataFrame
        The data, in the order to show.
    columns : sequence of Column or (name, label[, unit]) tuples
        Which columns to show, how to label and format them.
    max_rows : int
        At most this many rows are shown; the rest are counted under the table.
    csv : str, optional
        File name of the full table under ``tables/`` (e.g. ``"quotas.csv"``), linked below.
    caption : str, optional
        A caption above the table.
    """
    shown = format_table(frame.head(max_rows), columns)
    cols = _columns(columns)
    head = "".join(
        f'<th class="{"text" if c.unit in ("text", "date") else "num"}">{html.escape(c.label)}</th>'
        for c in cols
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"text" if c.unit in ("text", "date") else "num"}">{html.escape(v)}</td>'
            for c, v in zip(cols, row, strict=True)
        )
        + "</tr>"
        for row in shown.itertuples(index=False)
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    notes = []
    if len(frame) > max_rows:
        notes.append(f"Showing {max_rows:,} of {len(frame):,} rows.")
    if csv:
        notes.append(f'<a href="tables/{html.escape(csv)}">Full table (CSV)</a>')
    foot = f'<p class="table-note">{" ".join(notes)}</p>' if notes else ""
    return (
        f'<div class="table-wrap"><table class="report">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>{foot}"
    )
