"""Many series at once: parallel fits with a progress display, and reconciliation to totals.

:func:`forecast_many` fits one forecaster per series (by rep, territory, region, segment...) in
worker processes, optionally backtests each, and collects the forecasts in one tidy frame.
:func:`reconcile` makes the parts add up to the total, bottom-up or proportionally.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, SpmError, param_error
from spm_models.forecast.backtest import DEFAULT_METRICS, backtest
from spm_models.forecast.models import make_forecaster


@dataclass(frozen=True)
class BatchForecast:
    """Outcome of :func:`forecast_many`.

    Attributes
    ----------
    forecasts : pandas.DataFrame
        ``id, ds, yhat, yhat_lower, yhat_upper, model``: one row per series and future period.
    metrics : pandas.DataFrame
        Backtest metrics per series (``id``, ``model``, one column per metric); empty when no
        backtest was asked for.
    backtests : pandas.DataFrame
        The backtest forecasts of every series (``id`` plus :class:`BacktestResult` columns).
    notes : dict of str to list of str
        What validation filled per series (gaps, empty values).
    failures : dict of str to str
        Series that could not be forecast and why.
    runtime_s : float
        Wall-clock seconds.
    n_jobs : int
        Worker processes used.
    """

    forecasts: pd.DataFrame
    metrics: pd.DataFrame
    backtests: pd.DataFrame
    notes: dict[str, list[str]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    runtime_s: float = 0.0
    n_jobs: int = 1

    @property
    def models_used(self) -> dict[str, int]:
        """How many series used each model."""
        per_series = self.forecasts.drop_duplicates("id")["model"]
        return {str(k): int(v) for k, v in per_series.value_counts().items()}


def _run_one(task: tuple[str, pd.DataFrame, str, dict, int, dict | None]) -> dict[str, Any]:
    """Fit, predict and optionally backtest one series (runs in a worker process)."""
    sid, frame, model, params, horizon, bt = task
    try:
        est = make_forecaster(model, **params).fit(frame)
        fc = est.predict(horizon)
        fc.insert(0, "id", sid)
        fc["model"] = est.model_name_
        notes = [*est.report_.notes, *getattr(est, "notes_", [])]
        out: dict[str, Any] = {"id": sid, "forecast": fc, "notes": notes}
        if bt:
            try:
                res = backtest(make_forecaster(model, **params), frame, **bt)
            except SpmError as exc:
                out["notes"] = [*out["notes"], f"backtest skipped: {exc}"]
            else:
                if res.note:
                    out["notes"] = [*out["notes"], f"backtest shortened: {res.note}"]
                out["metrics"] = {"id": sid, "model": est.model_name_, **res.metrics}
                out["backtest"] = res.forecasts.assign(id=sid)
        return out
    except SpmError as exc:
        return {"id": sid, "error": str(exc)}
    except (ValueError, RuntimeError, np.linalg.LinAlgError) as exc:
        return {"id": sid, "error": f"{type(exc).__name__}: {exc}"}


def _run_chunk(tasks: list[tuple]) -> list[dict[str, Any]]:
    """Several series in one task (runs on a Dask worker)."""
    return [_run_one(task) for task in tasks]


class _Progress:
    """A progress display: tqdm when installed and enabled, otherwise a line every 10%."""

    def __init__(self, total: int, enabled: bool, desc: str) -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled
        self.bar = None
        self.desc = desc
        if enabled:
            try:
                from tqdm.auto import tqdm

                self.bar = tqdm(total=total, desc=desc, unit="series", file=sys.stderr)
            except ImportError:
                self.bar = None

    def update(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
        elif self.done == self.total or self.done % max(1, self.total // 10) == 0:
            print(f"{self.desc}: {self.done}/{self.total} series", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def forecast_many(
    series: Mapping[str, pd.DataFrame] | pd.DataFrame,
    *,
    horizon: int,
    model: str = "auto",
    params: Mapping[str, Any] | None = None,
    id_col: str = "id",
    backtest_horizon: int | None = None,
    backtest_windows: int = 0,
    metrics: Iterable[str] = DEFAULT_METRICS,
    n_jobs: int | None = None,
    progress: bool = True,
    dask_client: Any = None,
) -> BatchForecast:
    """Forecast many series, each with its own fitted model, in parallel processes.

    Parameters
    ----------
    series : mapping of id to DataFrame, or DataFrame
        Each series as a ``ds, y`` frame, or one long frame with ``id_col``, ``ds``, ``y``.
    horizon : int
        Periods to forecast.
    model : str
        Forecaster name (see :func:`spm_models.forecast.make_forecaster`).
    params : mapping or None
        Extra forecaster parameters; ``calibration_horizon`` defaults to ``horizon``.
    id_col : str
        Id column of a long frame.
    backtest_horizon, backtest_windows : int
        Backtest each series over this many cutoffs (0: no backtest) and steps (default:
        ``horizon``).
    metrics : iterable of str
        Metrics of the backtest.
    n_jobs : int or None
        Worker processes (default: the CPU count); 1 runs in this process.
    progress : bool
        Show a progress bar on stderr.
    dask_client : distributed.Client, optional
        Map the series across this Dask cluster's workers instead of local processes; the
        results are identical to a local run.

    Returns
    -------
    BatchForecast

    Raises
    ------
    InputDataError
        When no series could be forecast (every failure is listed).
    """
    if isinstance(series, pd.DataFrame):
        if id_col not in series.columns:
            raise InputDataError(f"column {id_col!r} is missing", source="forecast_many")
        series = {str(k): g.drop(columns=id_col) for k, g in series.groupby(id_col, sort=False)}
    if horizon < 1:
        raise param_error("horizon", "forecast_many", "an int >= 1", horizon)
    jobs = (os.cpu_count() or 1) if n_jobs is None else max(1, int(n_jobs))
    bt = None
    if backtest_windows > 0:
        bt = {
            "horizon": int(backtest_horizon or horizon),
            "windows": int(backtest_windows),
            "metrics": tuple(metrics),
        }
    # Calibrate intervals on errors as far ahead as the forecast reaches.
    params = {"calibration_horizon": int(horizon), **dict(params or {})}
    tasks = [(sid, frame, model, params, int(horizon), bt) for sid, frame in series.items()]
    start = time.perf_counter()
    bar = _Progress(len(tasks), progress, f"forecast ({model})")
    results: list[dict[str, Any]] = []
    try:
        if dask_client is not None:
            from distributed import as_completed as dask_completed

            jobs = len(dask_client.scheduler_info().get("workers", {})) or 1
            # A few chunks per worker: one task per series drowns short fits in overhead.
            n_chunks = min(len(tasks), 4 * jobs)
            chunks = [tasks[i::n_chunks] for i in range(n_chunks)]
            for fut in dask_completed(dask_client.map(_run_chunk, chunks, pure=False)):
                for result in fut.result():
                    results.append(result)
                    bar.update()
        elif jobs == 1 or len(tasks) == 1:
            for task in tasks:
                results.append(_run_one(task))
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
                futures = [pool.submit(_run_one, task) for task in tasks]
                for fut in as_completed(futures):
                    results.append(fut.result())
                    bar.update()
    finally:
        bar.close()
    order = {sid: i for i, sid in enumerate(series)}
    results.sort(key=lambda r: order[r["id"]])
    failures = {r["id"]: r["error"] for r in results if "error" in r}
    ok = [r for r in results if "error" not in r]
    if not ok:
        lines = "\n".join(f"- {k}: {v}" for k, v in failures.items())
        raise InputDataError(f"no series could be forecast:\n{lines}", source="forecast_many")
    forecasts = pd.concat([r["forecast"] for r in ok], ignore_index=True)
    metrics_df = pd.DataFrame([r["metrics"] for r in ok if "metrics" in r])
    parts = [r["backtest"] for r in ok if "backtest" in r]
    backtests = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return BatchForecast(
        forecasts=forecasts,
        metrics=metrics_df,
        backtests=backtests,
        notes={r["id"]: r["notes"] for r in ok if r["notes"]},
        failures=failures,
        runtime_s=time.perf_counter() - start,
        n_jobs=jobs,
    )


@dataclass(frozen=True)
class Reconciled:
    """Forecasts of parts and total that add up.

    Attributes
    ----------
    parts : pandas.DataFrame
        ``id, ds, yhat, yhat_lower, yhat_upper`` after reconciliation.
    total : pandas.DataFrame
        ``ds, yhat, yhat_lower, yhat_upper`` of the total; ``yhat`` equals the sum of the parts.
    method : str
        ``"bottom_up"`` or ``"proportional"``.
    max_gap_before : float
        Largest relative gap, before reconciliation, between the total forecast and the sum of
        the parts' forecasts (NaN when no separate total forecast was given).
    """

    parts: pd.DataFrame
    total: pd.DataFrame
    method: str
    max_gap_before: float


def reconcile(
    parts: pd.DataFrame,
    total: pd.DataFrame | None = None,
    *,
    method: str = "bottom_up",
) -> Reconciled:
    """Make part forecasts and the total forecast coherent.

    Parameters
    ----------
    parts : pandas.DataFrame
        ``id, ds, yhat, yhat_lower, yhat_upper``.
    total : pandas.DataFrame or None
        The total series' own forecast ``ds, yhat, yhat_lower, yhat_upper``; required for
        ``"proportional"``.
    method : {"bottom_up", "proportional"}
        ``bottom_up``: the total is the sum of the parts; its interval is the total forecast's
        own interval moved to the new centre (or, without one, the parts' half-widths added in
        quadrature, which assumes independent parts). ``proportional``: each part is scaled
        per period so the parts add up to the total forecast (top-down by forecast shares).
    """
    if method not in ("bottom_up", "proportional"):
        raise param_error("method", "reconcile", "'bottom_up' or 'proportional'", method)
    if method == "proportional" and total is None:
        raise param_error("total", "reconcile", "a forecast frame for 'proportional'", None)
    parts = parts.copy()
    summed = parts.groupby("ds", sort=True)["yhat"].sum()
    gap = float("nan")
    if total is not None:
        tot = total.set_index("ds").reindex(summed.index)
        if tot["yhat"].isna().any():
            raise InputDataError(
                "total forecast does not cover every period of the parts", source="reconcile"
            )
        denom = np.maximum(np.abs(tot["yhat"].to_numpy()), 1e-12)
        gap = float(np.max(np.abs(tot["yhat"].to_numpy() - summed.to_numpy()) / denom))
    if method == "proportional":
        assert total is not None
        target = total.set_index("ds")["yhat"]
        factor = (target / summed.where(summed != 0)).fillna(0.0)
        f = parts["ds"].map(factor).to_numpy()
        for col in ("yhat", "yhat_lower", "yhat_upper"):
            parts[col] = parts[col].to_numpy() * f
        new_total = total.set_index("ds").loc[summed.index].reset_index()
        new_total["yhat"] = parts.groupby("ds", sort=True)["yhat"].sum().to_numpy()
    else:
        if total is not None:
            tot = total.set_index("ds").loc[summed.index]
            shift = summed.to_numpy() - tot["yhat"].to_numpy()
            new_total = pd.DataFrame(
                {
                    "ds": summed.index,
                    "yhat": summed.to_numpy(),
                    "yhat_lower": tot["yhat_lower"].to_numpy() + shift,
                    "yhat_upper": tot["yhat_upper"].to_numpy() + shift,
                }
            )
        else:
            hw_lo = (parts["yhat"] - parts["yhat_lower"]) ** 2
            hw_hi = (parts["yhat_upper"] - parts["yhat"]) ** 2
            lo = np.sqrt(hw_lo.groupby(parts["ds"]).sum()).reindex(summed.index)
            hi = np.sqrt(hw_hi.groupby(parts["ds"]).sum()).reindex(summed.index)
            new_total = pd.DataFrame(
                {
                    "ds": summed.index,
                    "yhat": summed.to_numpy(),
                    "yhat_lower": summed.to_numpy() - lo.to_numpy(),
                    "yhat_upper": summed.to_numpy() + hi.to_numpy(),
                }
            )
    new_total["yhat_lower"] = np.maximum(new_total["yhat_lower"], 0.0)
    return Reconciled(
        parts=parts, total=new_total.reset_index(drop=True), method=method, max_gap_before=gap
    )
