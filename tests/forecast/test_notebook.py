"""The forecast notebook runs under papermill, on the tiny company and on a 10-month history."""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import pytest

from spm_models import config
from spm_models.registry import read_metrics_file
from tests.messy import short_history, write_messy


def page_text(out, name: str = "30_forecast") -> str:
    executed = nbformat.read(out / f"{name}.ipynb", as_version=4)
    parts = []
    for cell in executed.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            parts.append(data.get("text/markdown", "") + data.get("text/html", ""))
            parts.append(o.get("text", ""))
    return "\n".join(parts)


def assert_clean(text: str) -> None:
    assert 'class="dataframe"' not in text
    assert not re.search(r"\bnan\b|\binf\b|\bNone\b", text)
    assert not re.search(r"\de[+-]\d", text)
    assert "Traceback" not in text and "Warning:" not in text
    assert "/tmp" not in text and ".tmp-" not in text


@pytest.mark.notebook
def test_forecast_notebook_runs_under_papermill(run_notebook):
    out = run_notebook(
        "30_forecast", {"include_prophet": False, "group_by": "segment", "n_jobs": 1}
    )
    metrics = read_metrics_file(out / "metrics.json")
    total = metrics["forecast.next_year_total"]
    assert metrics["forecast.next_year_lower"] <= total <= metrics["forecast.next_year_upper"]
    assert metrics["forecast.model"].startswith("Combination (median of")
    assert metrics["forecast.booking_types"] == "new and expansion"
    assert 0 < metrics["forecast.backtest_smape"] < 2
    assert 0 <= metrics["forecast.backtest_coverage"] <= 1
    assert metrics["forecast.pipeline_quarter"] > 0
    assert "forecast.vs_quota" not in metrics  # the quota page did not run
    fc = pd.read_csv(out / "tables" / "forecast.csv")
    assert list(fc.columns) == ["ds", "yhat", "yhat_lower", "yhat_upper", "model"]
    assert len(fc) == 12
    parts = pd.read_csv(out / "tables" / "forecast_by_group.csv")
    assert set(parts["id"]) == {"enterprise", "mid-market", "smb"}
    # The reconciliation identity: the groups add up to the headline total.
    assert parts["next_12_months"].sum() == pytest.approx(total, rel=1e-9)
    assert metrics["forecast.parts_total"] == pytest.approx(total, rel=1e-9)
    backtest = pd.read_csv(out / "tables" / "forecast_backtest.csv")
    assert {"Combination", "ETS", "Theta", "ARIMA", "CES", "Seasonal naive"} <= set(
        backtest["model"]
    )
    text = page_text(out)
    assert "the booking types that count toward quota" in text
    assert "beats the seasonal naive baseline" in text or "does not beat" in text
    assert "add up to the company forecast" in text
    assert_clean(text)


@pytest.mark.notebook
def test_forecast_notebook_uses_the_quota_pages_booking_types(run_notebook, tmp_path):
    out = tmp_path / "chain"
    (out / "tables").mkdir(parents=True)
    quota = {
        "quota.booking_types": {"value": "new, expansion and renewal"},
        "quota.total": {"value": 5.0e6},
    }
    (out / "metrics.json").write_text(json.dumps(quota))
    run_notebook(
        "30_forecast",
        {"include_prophet": False, "n_jobs": 1, "backtest_windows": 2},
        output_dir=out,
    )
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["forecast.booking_types"] == "expansion, new and renewal"
    assert metrics["forecast.vs_quota"] == pytest.approx(
        metrics["forecast.next_year_total"] / 5.0e6
    )
    assert "of the total quota of $5.00M" in page_text(out)


@pytest.mark.notebook
def test_forecast_notebook_on_a_ten_month_history(run_notebook, tiny_company, tmp_path):
    folder = write_messy(short_history(tiny_company, 10), tmp_path / "short")
    out = run_notebook(
        "30_forecast",
        {"data_source": str(folder), "include_prophet": True, "n_jobs": 1},
    )
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["forecast.history_months"] == 10
    assert "forecast.growth" not in metrics  # no full year to compare with
    parts = pd.read_csv(out / "tables" / "forecast_by_group.csv")
    assert parts["next_12_months"].sum() == pytest.approx(metrics["forecast.next_year_total"])
    text = page_text(out)
    assert "Yearly seasonality not used" in text
    assert "the backtest scores" in text  # shortened to the cutoffs 10 months allow
    assert "Prophet is not backtested" in text
    assert "Seasonal naive is not a baseline here" in text
    assert_clean(text)


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(config.NOTEBOOKS_DIR / "30_forecast.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[1].metadata["tags"] == ["parameters"]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "def " not in cell.source and "class " not in cell.source
        else:
            assert "Explore" not in cell.source  # interactive headings live under `if interactive:`
