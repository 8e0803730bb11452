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
FORECASTER_NAMES = ("auto", "combo", "ets", "holt", "naive", "prophet", "ses", "snaive", "theta")

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
            "unparseable dates, duplicate periods, negative values and too-short series are "
            "errors (exit code 2)."
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
    import pandas as pd

    from spm_models.cluster import dask_client
    from spm_models.forecast.backtest import DEFAULT_METRICS
    from spm_models.forecast.batch import forecast_many
    from spm_models.forecast.metrics import evaluate
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
    for sid, notes in batch.notes.items():
        for note in notes:
            if note.startswith("backtest"):
                print(f"note: series {sid!r}: {note}", file=sys.stderr)
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
        metrics_path = args.metrics_out or args.out.with_name(f"{args.out.stem}_metrics.csv")
        table = batch.metrics.copy()
        if not batch.backtests.empty:
            overall = evaluate(batch.backtests, DEFAULT_METRICS, width=args.interval_width)
            table = pd.concat(
                [table, pd.DataFrame([{"id": "ALL", "model": "-", **overall}])],
                ignore_index=True,
            )
        if not args.id_col:
            table = table.drop(columns="id").assign(
                series=["series" if i < len(table) - 1 else "ALL" for i in range(len(table))]
            )
            table = table[["series", *[c for c in table.columns if c != "series"]]]
        table.to_csv(metrics_path, index=False)
        last = table.iloc[-1]
        print(
            f"backtest ({args.backtest_windows} cutoffs): sMAPE {last['smape']:.1f}%, "
            f"WAPE {last['wape']:.1f}%, {args.interval_width:.0%} interval coverage "
            f"{last.get('coverage', float('nan')):.0f}%; metrics in {metrics_path}"
        )
    return EXIT_FAILED if batch.failures else EXIT_OK
