"""Input checks for time series: dates, frequency, gaps, duplicates, length and values.

Every forecaster and the ``spm forecast`` command go through :func:`prepare_series` (one
series) or :func:`prepare_panel` (many series keyed by an id column). Problems that make a
forecast meaningless (unparseable dates, duplicate periods, negative sales, too few points)
raise one :class:`~spm_models.errors.InputDataError` listing every problem with its row; gaps
and missing values are filled and reported in :class:`SeriesReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error

#: Frequencies the forecasters understand: month start and weekly (any anchor weekday).
SUPPORTED_FREQS = ("MS", "W")

#: Seasonal period (observations per year) of each supported frequency.
SEASON_LENGTH = {"MS": 12, "W": 52}

#: Fewest observations a series needs before it can be forecast.
MIN_POINTS = 4

_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@dataclass(frozen=True)
class SeriesReport:
    """What :func:`prepare_series` changed in a series.

    Attributes
    ----------
    freq : str
        The pandas frequency used (``"MS"`` or ``"W-<DAY>"``).
    n_points : int
        Observations after filling gaps.
    filled_gaps : tuple of pandas.Timestamp
        Periods absent from the input and inserted.
    filled_missing : tuple of pandas.Timestamp
        Periods present with an empty value.
    fill : str
        How inserted and empty values were filled (``"interpolate"`` or ``"zero"``).
    """

    freq: str
    n_points: int
    filled_gaps: tuple[pd.Timestamp, ...] = ()
    filled_missing: tuple[pd.Timestamp, ...] = ()
    fill: str = "interpolate"

    @property
    def notes(self) -> list[str]:
        """Plain-language notes on what was filled, empty when nothing was."""
        out = []
        if self.filled_gaps:
            dates = ", ".join(d.strftime("%Y-%m-%d") for d in self.filled_gaps[:5])
            more = " ..." if len(self.filled_gaps) > 5 else ""
            out.append(
                f"{len(self.filled_gaps)} missing period(s) inserted ({self.fill}): {dates}{more}"
            )
        if self.filled_missing:
            dates = ", ".join(d.strftime("%Y-%m-%d") for d in self.filled_missing[:5])
            more = " ..." if len(self.filled_missing) > 5 else ""
            out.append(
                f"{len(self.filled_missing)} empty value(s) filled ({self.fill}): {dates}{more}"
            )
        return out


@dataclass(frozen=True)
class PreparedSeries:
    """A validated series on a regular grid: ``frame`` has columns ``ds`` and ``y``."""

    frame: pd.DataFrame
    report: SeriesReport
    season_length: int = field(default=12)

    @property
    def freq(self) -> str:
        """The pandas frequency string of the grid."""
        return self.report.freq


def freq_alias(freq: str) -> str:
    """Return the short alias (``"MS"`` or ``"W"``) of a pandas frequency string."""
    return "W" if freq.upper().startswith("W") else freq.upper()


def infer_freq(dates: pd.Series | pd.DatetimeIndex, *, source: str = "input") -> str:
    """Infer ``"MS"`` (all month starts) or ``"W-<DAY>"`` (7-day multiples) from dates.

    Raises
    ------
    InputDataError
        When the dates are neither all month starts nor spaced by whole weeks.
    """
    idx = pd.DatetimeIndex(pd.Series(dates).dropna().unique()).sort_values()
    if len(idx) == 0:
        raise InputDataError("no dates to infer a frequency from", source=source)
    if bool(np.all(idx.day == 1)) and bool(np.all(idx.normalize() == idx)):
        return "MS"
    days = np.diff(idx.to_numpy().astype("datetime64[D]").astype("int64"))
    exact = bool(np.all(idx.normalize() == idx))
    if len(days) and exact and bool(np.all(days % 7 == 0)):
        return f"W-{_WEEKDAYS[idx[0].day_of_week]}"
    raise InputDataError(
        "dates are neither all first-of-month (monthly, freq 'MS') nor spaced by whole weeks "
        "(weekly, freq 'W'); aggregate the data to months or weeks first",
        source=source,
    )


def _resolve_freq(freq: str | None, dates: pd.Series, source: str) -> str:
    if freq is None:
        return infer_freq(dates, source=source)
    alias = freq_alias(freq)
    if alias not in SUPPORTED_FREQS:
        raise param_error("freq", "prepare_series", "'MS' or 'W'", freq)
    if alias == "MS":
        return "MS"
    if "-" in freq:
        return freq.upper()
    first = pd.DatetimeIndex(dates.dropna()).min()
    return f"W-{_WEEKDAYS[first.day_of_week]}"


def _parse_dates(
    raw: pd.Series, date_col: str, source: str, keys: pd.Series | None, problems: list[Problem]
) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
        bad = np.zeros(len(raw), dtype=bool)
        empty = raw.isna().to_numpy()
    else:
        parsed = pd.to_datetime(raw, errors="coerce", format="mixed")
        text = raw.astype("string").str.strip()
        bad = (parsed.isna() & raw.notna() & (text != "")).to_numpy()
        empty = (raw.isna() | (text == "")).to_numpy()
    for pos in np.flatnonzero(bad):
        problems.append(
            Problem(
                source,
                f"must be a date; got {raw.iloc[pos]!r}",
                column=date_col,
                row=int(pos) + 1,
                key=None if keys is None else f"id={keys.iloc[pos]!r}",
            )
        )
    for pos in np.flatnonzero(empty):
        problems.append(
            Problem(
                source,
                "must be a date; got an empty value",
                column=date_col,
                row=int(pos) + 1,
                key=None if keys is None else f"id={keys.iloc[pos]!r}",
            )
        )
    return parsed


def _parse_values(
    raw: pd.Series, value_col: str, source: str, keys: pd.Series | None, problems: list[Problem]
) -> pd.Series:
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64")
    values = pd.to_numeric(raw, errors="coerce").astype("float64")
    text = raw.astype("string").str.strip()
    bad = values.isna() & raw.notna() & (text != "") & (text.str.lower() != "nan")
    for pos in np.flatnonzero(bad.to_numpy()):
        problems.append(
            Problem(
                source,
                f"must be a number; got {raw.iloc[pos]!r}",
                column=value_col,
                row=int(pos) + 1,
                key=None if keys is None else f"id={keys.iloc[pos]!r}",
            )
        )
    return values


def _check_one(
    frame: pd.DataFrame,
    *,
    freq: str,
    source: str,
    date_col: str,
    value_col: str,
    label: str | None,
    allow_negative: bool,
    min_points: int,
    fill: str,
    problems: list[Problem],
) -> PreparedSeries | None:
    """Check one series (``frame`` has ``ds``, ``y`` and ``row``); append problems.

    Works on NumPy arrays: this runs once per fit, and backtests fit many times.
    """
    key = None if label is None else f"id={label!r}"
    start = len(problems)
    ds = pd.DatetimeIndex(frame["ds"])
    y = frame["y"].to_numpy(dtype="float64")
    rows = frame["row"].to_numpy()

    def add(pos: int, message: str, column: str) -> None:
        problems.append(Problem(source, message, column=column, row=int(rows[pos]), key=key))

    for pos in np.flatnonzero(ds.duplicated(keep="first")):
        add(pos, f"has a duplicate period {ds[pos]:%Y-%m-%d}", date_col)
    if not allow_negative:
        for pos in np.flatnonzero(y < 0):
            add(pos, f"must be >= 0 (sales cannot be negative); got {y[pos]:g}", value_col)
    alias = freq_alias(freq)
    midnight = ds.normalize() == ds
    if alias == "MS":
        for pos in np.flatnonzero((ds.day != 1) | ~midnight):
            add(
                pos,
                f"must be the first day of a month for monthly data; got {ds[pos]:%Y-%m-%d}",
                date_col,
            )
    else:
        anchor = _WEEKDAYS.index(freq.split("-")[1])
        for pos in np.flatnonzero((ds.day_of_week != anchor) | ~midnight):
            add(
                pos,
                f"must fall on a {freq.split('-')[1].title()} for weekly data ({freq}); "
                f"got {ds[pos]:%Y-%m-%d}",
                date_col,
            )
    if len(problems) > start:
        return None
    order = np.argsort(ds.to_numpy(), kind="stable")
    stamps = ds.to_numpy()[order]
    y = y[order]
    if alias == "MS":
        steps = np.diff(stamps.astype("datetime64[M]").astype("int64"))
    else:
        steps = np.diff(stamps.astype("datetime64[D]").astype("int64")) // 7
    if np.all(steps == 1):
        grid = pd.DatetimeIndex(stamps)  # already regular: skip building a date range
        values = y
        gaps: tuple[pd.Timestamp, ...] = ()
    else:
        grid = pd.date_range(stamps[0], stamps[-1], freq=freq)
        observed = pd.Series(y, index=pd.DatetimeIndex(stamps))
        gaps = tuple(grid.difference(observed.index))
        values = observed.reindex(grid).to_numpy(dtype="float64")
    present = ~np.isin(grid.to_numpy(), np.array(gaps, dtype=grid.dtype)) if gaps else None
    empty = np.isnan(values) if present is None else np.isnan(values) & present
    missing = tuple(grid[empty])
    n_obs = int(np.isfinite(values).sum())
    if n_obs < min_points:
        problems.append(
            Problem(
                source,
                f"has too few points to forecast: {n_obs} non-empty observation(s), "
                f"at least {min_points} needed",
                column=value_col,
                key=key,
            )
        )
        return None
    if not np.all(np.isfinite(values)):
        series = pd.Series(values)
        filled = (
            series.fillna(0.0)
            if fill == "zero"
            else series.interpolate(method="linear", limit_direction="both")
        )
        values = filled.to_numpy(dtype="float64")
    out = pd.DataFrame({"ds": grid, "y": values})
    report = SeriesReport(
        freq=freq, n_points=len(out), filled_gaps=gaps, filled_missing=missing, fill=fill
    )
    return PreparedSeries(frame=out, report=report, season_length=SEASON_LENGTH[alias])


def _columns_present(df: pd.DataFrame, cols: list[str], source: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame; got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        have = ", ".join(repr(c) for c in df.columns)
        raise InputDataError(
            [
                Problem(source, f"is missing; the columns present are {have}", column=c)
                for c in missing
            ]
        )


def prepare_series(
    df: pd.DataFrame,
    *,
    date_col: str = "ds",
    value_col: str = "y",
    freq: str | None = None,
    source: str = "input",
    allow_negative: bool = False,
    min_points: int = MIN_POINTS,
    fill: str = "interpolate",
) -> PreparedSeries:
    """Validate one series and put it on a regular monthly or weekly grid.

    Parameters
    ----------
    df : pandas.DataFrame
        The series, one row per period.
    date_col, value_col : str
        Names of the date and value columns (Prophet's ``ds`` and ``y`` by default).
    freq : {"MS", "W", "W-<DAY>"} or None
        The grid; inferred from the dates when None.
    source : str
        Name used in error messages (a file name or table name).
    allow_negative : bool
        Accept negative values (default False: sales cannot be negative).
    min_points : int
        Fewest non-empty observations accepted.
    fill : {"interpolate", "zero"}
        How periods absent from the input and empty values are filled.

    Returns
    -------
    PreparedSeries
        ``frame`` with columns ``ds`` and ``y`` and a ``report`` of what was filled.

    Raises
    ------
    InputDataError
        Listing every unparseable date, non-numeric value, duplicate period, off-grid date,
        negative value, or a series that is too short.
    """
    if fill not in ("interpolate", "zero"):
        raise param_error("fill", "prepare_series", "'interpolate' or 'zero'", fill)
    _columns_present(df, [date_col, value_col], source)
    problems: list[Problem] = []
    raw = df.reset_index(drop=True)
    ds = _parse_dates(raw[date_col], date_col, source, None, problems)
    y = _parse_values(raw[value_col], value_col, source, None, problems)
    if problems:
        raise InputDataError(problems)
    frame = pd.DataFrame({"ds": ds, "y": y, "row": np.arange(1, len(raw) + 1)})
    if frame.empty:
        raise InputDataError("has no rows", source=source)
    resolved = _resolve_freq(freq, frame["ds"], source)
    out = _check_one(
        frame,
        freq=resolved,
        source=source,
        date_col=date_col,
        value_col=value_col,
        label=None,
        allow_negative=allow_negative,
        min_points=min_points,
        fill=fill,
        problems=problems,
    )
    if problems or out is None:
        raise InputDataError(problems)
    return out


def prepare_panel(
    df: pd.DataFrame,
    *,
    id_col: str,
    date_col: str = "ds",
    value_col: str = "y",
    freq: str | None = None,
    source: str = "input",
    allow_negative: bool = False,
    min_points: int = MIN_POINTS,
    fill: str = "interpolate",
) -> dict[str, PreparedSeries]:
    """Validate many series keyed by ``id_col``; see :func:`prepare_series`.

    Returns
    -------
    dict of str to PreparedSeries
        One prepared series per id (ids as strings, in first-appearance order).

    Raises
    ------
    InputDataError
        Listing every problem of every series, each naming its row and id.
    """
    _columns_present(df, [id_col, date_col, value_col], source)
    problems: list[Problem] = []
    raw = df.reset_index(drop=True)
    ids = raw[id_col]
    for pos in np.flatnonzero(ids.isna().to_numpy()):
        problems.append(Problem(source, "must not be empty", column=id_col, row=int(pos) + 1))
    keys = ids.astype("string")
    ds = _parse_dates(raw[date_col], date_col, source, keys, problems)
    y = _parse_values(raw[value_col], value_col, source, keys, problems)
    if problems:
        raise InputDataError(problems)
    if raw.empty:
        raise InputDataError("has no rows", source=source)
    frame = pd.DataFrame({"id": keys, "ds": ds, "y": y, "row": np.arange(1, len(raw) + 1)})
    resolved = _resolve_freq(freq, frame["ds"], source)
    out: dict[str, PreparedSeries] = {}
    for label, part in frame.groupby("id", sort=False):
        prepared = _check_one(
            part.drop(columns="id"),
            freq=resolved,
            source=source,
            date_col=date_col,
            value_col=value_col,
            label=str(label),
            allow_negative=allow_negative,
            min_points=min_points,
            fill=fill,
            problems=problems,
        )
        if prepared is not None:
            out[str(label)] = prepared
    if problems:
        raise InputDataError(problems)
    return out
