"""``spm forecast`` on good and bad input files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spm_models.cli import main


def write(tmp_path: Path, rows: list[tuple], name: str = "bookings.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows, columns=["region", "month", "amount"]).to_csv(path, index=False)
    return path


def good_rows(n: int = 36) -> list[tuple]:
    rng = np.random.default_rng(0)
    rows = []
    for region, level in (("East", 100.0), ("West", 250.0)):
        for i, d in enumerate(pd.date_range("2023-01-01", periods=n, freq="MS")):
            rows.append((region, d.strftime("%Y-%m-%d"), level + i + rng.normal(0, 3)))
    return rows


def run(path: Path, out: Path, *extra: str) -> int:
    base = ["forecast", "--input", str(path), "--date-col", "month", "--value-col", "amount"]
    return main(
        [*base, "--horizon", "6", "--out", str(out), "--jobs", "1", "--no-progress", *extra]
    )


def test_forecast_many_series_with_backtest(tmp_path, capsys):
    out = tmp_path / "fc.csv"
    rc = run(write(tmp_path, good_rows()), out, "--id-col", "region", "--backtest")
    assert rc == 0
    fc = pd.read_csv(out)
    assert list(fc.columns) == ["id", "ds", "yhat", "yhat_lower", "yhat_upper", "model"]
    assert len(fc) == 12
    assert list(fc["id"].unique()) == ["East", "West"]
    assert fc["ds"].iloc[0] == "2026-01-01"
    assert (fc["yhat_lower"] <= fc["yhat"]).all()
    metrics = pd.read_csv(tmp_path / "fc_metrics.csv")
    assert list(metrics["id"]) == ["East", "West", "ALL"]
    assert {"smape", "wape", "mase", "coverage", "winkler"} <= set(metrics.columns)
    assert "wrote 12 rows" in capsys.readouterr().out


def test_single_series_has_no_id_column(tmp_path):
    rows = [r for r in good_rows() if r[0] == "East"]
    out = tmp_path / "fc.csv"
    assert run(write(tmp_path, rows), out, "--model", "snaive") == 0
    fc = pd.read_csv(out)
    assert list(fc.columns) == ["ds", "yhat", "yhat_lower", "yhat_upper", "model"]
    assert set(fc["model"]) == {"snaive"}


def test_gaps_and_missing_values_are_filled_and_reported(tmp_path, capsys):
    rows = good_rows()
    del rows[5]  # East, 2023-06 missing
    rows[20] = (rows[20][0], rows[20][1], None)
    assert run(write(tmp_path, rows), tmp_path / "fc.csv", "--id-col", "region") == 0
    err = capsys.readouterr().err
    assert "series 'East': 1 missing period(s) inserted (interpolate): 2023-06-01" in err
    assert "empty value(s) filled" in err


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.__setitem__(3, ("East", "not a date", 5.0)), "column 'month' must be a date"),
        (lambda r: r.__setitem__(3, ("East", "2023-03-01", 5.0)), "duplicate period 2023-03-01"),
        (lambda r: r.__setitem__(3, ("East", "2023-04-01", -8.0)), "must be >= 0"),
        (lambda r: r.__setitem__(3, ("East", "2023-04-01", "n/a")), "must be a number; got 'n/a'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(tmp_path, capsys, mutate, message):
    rows = good_rows()
    mutate(rows)
    rc = run(write(tmp_path, rows), tmp_path / "fc.csv", "--id-col", "region")
    assert rc == 2
    err = capsys.readouterr().err
    assert "bookings.csv" in err and message in err and "row 4" in err
    assert not (tmp_path / "fc.csv").exists()


def test_too_few_points(tmp_path, capsys):
    rows = [r for r in good_rows() if r[0] == "East"][:3]
    assert run(write(tmp_path, rows), tmp_path / "fc.csv") == 2
    assert "too few points to forecast" in capsys.readouterr().err


def test_missing_column_and_missing_file(tmp_path, capsys):
    path = write(tmp_path, good_rows())
    rc = main(
        [
            "forecast",
            "--input",
            str(path),
            "--date-col",
            "period",
            "--value-col",
            "amount",
            "--horizon",
            "3",
            "--out",
            str(tmp_path / "x.csv"),
            "--jobs",
            "1",
        ]
    )
    assert rc == 2
    assert "column 'period' is missing" in capsys.readouterr().err
    assert run(tmp_path / "nope.csv", tmp_path / "x.csv") == 2
    assert "file not found" in capsys.readouterr().err


def test_bad_horizon_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "forecast",
                "--input",
                "a.csv",
                "--date-col",
                "d",
                "--value-col",
                "v",
                "--horizon",
                "0",
                "--out",
                "o.csv",
            ]
        )
    assert exc.value.code == 2


def test_weekly_series(tmp_path):
    rng = np.random.default_rng(4)
    weeks = pd.date_range("2024-01-01", periods=70, freq="W-MON")
    rows = [("All", d.strftime("%Y-%m-%d"), 50 + rng.normal(0, 2)) for d in weeks]
    out = tmp_path / "fc.csv"
    assert run(write(tmp_path, rows), out, "--freq", "W", "--model", "snaive") == 0
    fc = pd.read_csv(out)
    assert fc["ds"].iloc[0] == "2025-05-05"  # the Monday after the last week
    assert len(fc) == 6


@pytest.mark.parametrize("n", [6, 10])
def test_short_series_backtest_exits_0_and_says_what_was_skipped(tmp_path, capsys, n):
    rows = good_rows(n)
    out = tmp_path / "fc.csv"
    assert run(write(tmp_path, rows), out, "--id-col", "region", "--backtest") == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert "all 2 series: yearly seasonality not used" in captured.err
    assert "backtest shortened: the history has" in captured.err
    assert list(pd.read_csv(tmp_path / "fc_metrics.csv")["id"]) == ["East", "West", "ALL"]
    if n == 6:
        assert "ETS not used: 6 points are too few to estimate a trend" in captured.err


def test_short_single_series_backtest_without_id_column(tmp_path, capsys):
    rows = [r for r in good_rows(10) if r[0] == "East"]
    assert run(write(tmp_path, rows), tmp_path / "fc.csv", "--backtest") == 0
    captured = capsys.readouterr()
    assert "nan" not in captured.out and "Traceback" not in captured.err
    metrics = pd.read_csv(tmp_path / "fc_metrics.csv")
    assert list(metrics["series"]) == ["series", "ALL"]


def test_series_too_short_for_any_backtest_still_forecasts(tmp_path, capsys):
    rows = [r for r in good_rows(4) if r[0] == "East"]
    assert run(write(tmp_path, rows), tmp_path / "fc.csv", "--backtest") == 0
    err = capsys.readouterr().err
    assert "no series is long enough for a backtest" in err
    assert len(pd.read_csv(tmp_path / "fc.csv")) == 6
