"""The performance analytics notebook runs under papermill on the tiny company."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from spm_models.registry import read_metrics_file


@pytest.mark.notebook
def test_performance_analytics_runs_under_papermill(run_notebook) -> None:
    out = run_notebook("50_performance_analytics", {"today": "2026-10-15", "top_n": 8})
    metrics = read_metrics_file(out / "metrics.json")
    for key in (
        "analytics.share_on_pace",
        "analytics.share_at_or_above_quota",
        "analytics.top20_share",
        "analytics.win_model_auc",
        "analytics.stage_rate_auc",
        "analytics.win_model_brier",
        "analytics.churn_auc",
        "analytics.whitespace_total",
    ):
        assert metrics[key] is not None, key
    assert metrics["analytics.today"] == "2026-10-15"
    assert 0 <= metrics["analytics.share_on_pace"] <= 1
    assert 0.5 < metrics["analytics.win_model_auc"] <= 1
    reps = pd.read_csv(out / "tables" / "attainment_by_rep.csv")
    assert len(reps) == metrics["analytics.reps"] > 0
    accounts = pd.read_csv(out / "tables" / "account_segments.csv")
    assert len(accounts) == 400
    assert accounts["whitespace"].sum() == pytest.approx(metrics["analytics.whitespace_total"])
    scored = pd.read_csv(out / "tables" / "pipeline_win_scores.csv")
    assert scored["p_win"].between(0, 1).all()
    executed = nbformat.read(out / "50_performance_analytics.ipynb", as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 12
    assert all(o["metadata"]["image/png"]["alt"] for o in images)
    text = "".join(o.get("data", {}).get("text/markdown", "") for o in outputs)
    assert "of reps are on pace" in text and "15 October 2026" in text
    assert "stage win rates" in text and "whitespace" in text
    assert not [o for o in outputs if o.get("output_type") == "error"]


@pytest.mark.notebook
def test_notebook_runs_interactively_without_closed_history(tiny_company_dir, tmp_path) -> None:
    import shutil

    import papermill

    from spm_models import config

    folder = tmp_path / "no_history"
    shutil.copytree(tiny_company_dir, folder)
    (folder / "closed_opportunities.csv").unlink()
    out = tmp_path / "out"
    out.mkdir()
    # A cell timeout turns a stuck widget message exchange into a failure, not a hang.
    papermill.execute_notebook(
        str(config.NOTEBOOKS_DIR / "50_performance_analytics.ipynb"),
        str(out / "50_performance_analytics.ipynb"),
        parameters={
            "scenario": "test",
            "data_source": str(folder),
            "output_dir": str(out),
            "interactive": True,
        },
        kernel_name=config.KERNEL_NAME,
        cwd=str(config.NOTEBOOKS_DIR),
        progress_bar=False,
        execution_timeout=180,
    )
    metrics = read_metrics_file(out / "metrics.json")
    assert "analytics.win_model_auc" not in metrics
    assert metrics["analytics.churn_auc"] is not None
    assert not (out / "tables" / "pipeline_win_scores.csv").exists()
    executed = nbformat.read(out / "50_performance_analytics.ipynb", as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    text = "".join(o.get("data", {}).get("text/markdown", "") for o in outputs)
    assert "no closed-deal history" in text
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not [o for o in outputs if o.get("output_type") == "error"]
