"""The forecast notebook runs under papermill and writes its tables and headline figures."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from spm_models import config
from spm_models.registry import read_metrics_file


@pytest.mark.notebook
def test_forecast_notebook_runs_under_papermill(run_notebook):
    out = run_notebook(
        "30_forecast", {"include_prophet": False, "group_by": "segment", "n_jobs": 1}
    )
    metrics = read_metrics_file(out / "metrics.json")
    total = metrics["forecast.next_year_total"]
    assert metrics["forecast.next_year_lower"] <= total <= metrics["forecast.next_year_upper"]
    assert metrics["forecast.model"] in {"combo", "snaive", "theta", "ets"}
    assert 0 < metrics["forecast.backtest_smape"] < 200
    assert 0 <= metrics["forecast.backtest_coverage"] <= 1
    assert metrics["forecast.pipeline_quarter"] > 0
    fc = pd.read_csv(out / "tables" / "forecast.csv")
    assert list(fc.columns) == ["ds", "yhat", "yhat_lower", "yhat_upper", "model"]
    assert len(fc) == 12
    parts = pd.read_csv(out / "tables" / "forecast_by_group.csv")
    assert set(parts["id"]) == {"enterprise", "mid-market", "smb"}
    assert metrics["forecast.parts_total"] == pytest.approx(parts["next_12_months"].sum())
    executed = nbformat.read(out / "30_forecast.ipynb", as_version=4)
    text = "".join(
        o.get("data", {}).get("text/markdown", "")
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert "beats" in text or "does not beat" in text  # verdict against seasonal naive
    assert "a coverage of" in text  # the pipeline section ran on the closed-deal history


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(config.NOTEBOOKS_DIR / "30_forecast.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[1].metadata["tags"] == ["parameters"]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "def " not in cell.source and "class " not in cell.source
