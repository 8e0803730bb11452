"""``spm forecast``: forecast one or many series from a CSV file, optionally with a backtest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from spm_models.errors import InputDataError, Problem

if TYPE_CHECKING:
    import pandas as pd

# The names of spm_models.forecast.models.FORECASTERS, repeated so that ``spm forecast --help``
# does not import pandas and the models (tests/test_cli.py checks that they agree).
FORECASTER_NAMES = (
    "auto",
    "autoarima",
    "autoces",
    "autoets",
    "autotheta",
    "combo",
    "drift",
    "ets",
    "holt",
    "mstl",
    "naive",
    "prophet",
    "ses",
    "snaive",
    "theta",
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _width(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from exc
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``forecast`` command."""
    parser = subparsers.add_parser(
        "forecast",
        help="forecast time series from a CSV file (one or many series)",
        description=(
            "Forecast each series of a CSV file with calibrated intervals. Writes one row per "
            "series and future period: id (with --id-col), ds, yhat, yhat_lower, yhat_upper, "
            "model. Gaps and empty values are filled by interpolation and reported; "
            "unparseable dates, duplicate periods, negative values and series under 4 points "
            "are errors (exit code 2). Short series are forecast with the methods that fit "
            "their length (the ones left out are listed on stderr) and backtested at the "
            "cutoffs the history allows. The default model, auto, is the median of ETS, "
            "Theta, ARIMA and CES."
        ),
    )
    parser.add_argument("--input", required=True, type=Path, help="CSV (or .parquet) file")
    parser.add_argument("--date-col", required=True, help="column of period dates")
    parser.add_argument("--value-col", required=True, help="column of values (e.g. bookings)")
    parser.add_argument("--id-col", default=None, help="column naming the series (optional)")
    parser.add_argument("--horizon", required=True, type=_positive_int, help="periods ahead")
    parser.add_argument(
        "--freq",
        choices=("MS", "W"),
        default=None,
        help="MS (month start) or W (weekly); inferred from the dates when omitted",
    )
    parser.add_argument(
        "--model", choices=FORECASTER_NAMES, default="auto", help="forecaster (default auto)"
    )
    parser.add_argument(
        "--backtest",
        action="store_true",
        help="also backtest each series (rolling origin) and write a metrics table",
    )
    parser.add_argument(
        "--backtest-windows", type=_positive_int, default=3, help="backtest cutoffs (default 3)"
    )
    parser.add_argument(
        "--interval-width", type=_width, default=0.8, help="interval coverage (default 0.8)"
    )
    parser.add_argument("--out", required=True, type=Path, help="forecast CSV to write")
    parser.add_argument(
        "--metrics-out",
        type=Path,
        default=None,
        help="metrics CSV with --backtest (default: <out>_metrics.csv)",
    )
    parser.add_argument(
        "--jobs", type=_positive_int, default=None, help="worker processes (default: CPUs)"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--dask",
        action="store_true",
        help="map series across a local Dask cluster (--jobs workers)",
    )
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="map series across an existing Dask cluster"
    )
    parser.set_defaults(handler=run)


def _read(path: Path) -> pd.DataFrame:
    import pandas as pd

    if not path.exists():
        raise InputDataError([Problem(path.name, f"file not found: {path}")])
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise InputDataError([Problem(path.name, f"cannot be read: {exc}")]) from exc


def run(args: argparse.Namespace) -> int:
    """Validate the input, forecast every series and write the results."""
    from spm_models.cluster import dask_client
    from spm_models.forecast.batch import forecast_many
    from spm_models.forecast.validate import prepare_panel, prepare_series

    frame = _read(args.input)
    source = args.input.name
    cols = {"date_col": args.date_col, "value_col": args.value_col}
    if args.id_col:
        prepared = prepare_panel(frame, id_col=args.id_col, freq=args.freq, source=source, **cols)
    else:
        prepared = {"": prepare_series(frame, freq=args.freq, source=source, **cols)}
    for sid, series in prepared.items():
        for note in series.report.notes:
            label = f"series {sid!r}: " if args.id_col else ""
            print(f"note: {source}: {label}{note}", file=sys.stderr)
    freq = next(iter(prepared.values())).freq
    series_frames = {sid: p.frame for sid, p in prepared.items()}
    params = {"freq": freq, "interval_width": args.interval_width}
    with dask_client(args.scheduler, local=args.dask, n_workers=args.jobs or 2) as client:
        batch = forecast_many(
            series_frames,
            horizon=args.horizon,
            model=args.model,
            params=params,
            backtest_windows=args.backtest_windows if args.backtest else 0,
            n_jobs=args.jobs,
            progress=not args.no_progress,
            dask_client=client,
        )
    for sid, why in batch.failures.items():
        print(f"error: series {sid!r} could not be forecast: {why}", file=sys.stderr)
    for note, sids in _method_notes(batch.notes, prepared).items():
        who = "" if not args.id_col else f"{_series_count(sids, len(prepared))}: "
        print(f"note: {who}{note}", file=sys.stderr)
    out = batch.forecasts.copy()
    out["ds"] = out["ds"].dt.strftime("%Y-%m-%d")
    columns = ["id", "ds", "yhat", "yhat_lower", "yhat_upper", "model"]
    if not args.id_col:
        columns = columns[1:]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out[columns].to_csv(args.out, index=False)
    n_series = out["id"].nunique()
    used = ", ".join(f"{k} x{v}" for k, v in batch.models_used.items())
    print(f"wrote {len(out)} rows ({n_series} series x {args.horizon} periods) to {args.out}")
    print(f"models used: {used}")
    if args.backtest:
        _write_backtest(args, batch)
    return EXIT_FAILED if batch.failures else EXIT_OK


def _write_backtest(args: argparse.Namespace, batch) -> None:
    """Write the backtest metrics table and print its summary line (or why there is none)."""
    import pandas as pd

    from spm_models.forecast.backtest import DEFAULT_METRICS
    from spm_models.forecast.metrics import evaluate

    metrics_path = args.metrics_out or args.out.with_name(f"{args.out.stem}_metrics.csv")
    if batch.metrics.empty:
        print(
            "backtest: no series is long enough for a backtest; no metrics written",
            file=sys.stderr,
        )
        return
    table = batch.metrics.copy()
    overall = evaluate(batch.backtests, DEFAULT_METRICS, width=args.interval_width)
    table = pd.concat(
        [table, pd.DataFrame([{"id": "ALL", "model": "-", **overall}])], ignore_index=True
    )
    if not args.id_col:
        table = table.drop(columns="id")
        table.insert(0, "series", ["series"] * (len(table) - 1) + ["ALL"])
    table.to_csv(metrics_path, index=False)
    cutoffs = int(batch.backtests.groupby("id")["cutoff"].nunique().max())
    print(
        f"backtest (up to {cutoffs} cutoffs per series): {_pct(overall.get('smape'))} sMAPE, "
        f"{_pct(overall.get('wape'))} WAPE, {args.interval_width:.0%} interval coverage "
        f"{_pct(overall.get('coverage'))}; metrics in {metrics_path}"
    )


def _pct(value: float | None) -> str:
    """A 0-100 percentage with one decimal, or "n/a" when it cannot be computed."""
    import numpy as np

    if value is None or not np.isfinite(value):
        return "n/a"
    return f"{value:.1f}%"


def _method_notes(notes: dict[str, list[str]], prepared: dict) -> dict[str, list[str]]:
    """Notes on methods and backtests (not on filled gaps), each with the series it concerns."""
    grouped: dict[str, list[str]] = {}
    for sid, lines in notes.items():
        filled = set(prepared[sid].report.notes) if sid in prepared else set()
        for line in lines:
            if line not in filled:
                grouped.setdefault(line, []).append(sid)
    return grouped


def _series_count(sids: list[str], total: int) -> str:
    if len(sids) == total and total > 1:
        return f"all {total} series"
    if len(sids) <= 3:
        return "series " + ", ".join(repr(s) for s in sids)
    return f"{len(sids)} series"
