"""The performance analytics notebook runs under papermill on the tiny company, on a
10-month history and without closed deals, each section degrading with one sentence."""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import pytest

from spm_models.registry import read_metrics_file
from tests.messy import short_history, without_closed_history, write_messy

#: What no page a leader reads may contain.
FORBIDDEN = re.compile(r"\bnan\b|\binf\b|\bNone\b|\d[eE][+-]\d|class=\"dataframe\"|\.tmp-")


def _outputs(out) -> list[dict]:
    executed = nbformat.read(out / "50_performance_analytics.ipynb", as_version=4)
    return [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]


def _text(outputs: list[dict]) -> str:
    return "".join(
        o.get("data", {}).get("text/markdown", "") + o.get("data", {}).get("text/html", "")
        for o in outputs
    ) + "".join(o.get("text", "") for o in outputs)


def _clean(outputs: list[dict]) -> str:
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = _text(outputs)
    assert not FORBIDDEN.search(text), FORBIDDEN.search(text)
    assert "text/plain" not in "".join(
        k for o in outputs if o.get("output_type") == "execute_result" for k in o.get("data", {})
    )
    return text


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
    assert metrics["analytics.as_of"] == "2026-12-31"
    assert metrics["analytics.pace_basis"] == "seasonal"
    assert 0 <= metrics["analytics.share_on_pace"] <= 1
    assert 0.5 < metrics["analytics.win_model_auc"] <= 1
    document = json.loads((out / "metrics.json").read_text())
    assert all(document[k]["registered"] for k in document if k.startswith("analytics."))
    reps = pd.read_csv(out / "tables" / "attainment_by_rep.csv")
    assert len(reps) == metrics["analytics.reps"] > 0
    accounts = pd.read_csv(out / "tables" / "account_segments.csv")
    assert len(accounts) == 400
    assert accounts["whitespace"].sum() == pytest.approx(metrics["analytics.whitespace_total"])
    scored = pd.read_csv(out / "tables" / "pipeline_win_scores.csv")
    assert scored["p_win"].between(0, 1).all()
    outputs = _outputs(out)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 10
    assert all(o["metadata"]["image/png"]["alt"] for o in images)
    text = _clean(outputs)
    assert "of reps are on pace" in text and "15 October 2026" in text
    assert "stage win rates" in text and "whitespace" in text
    assert "Reps on pace" in text  # the key figures table


@pytest.mark.notebook
def test_notebook_defaults_to_the_as_of_date_on_a_ten_month_history(
    run_notebook, tiny_company, tmp_path
) -> None:
    folder = write_messy(short_history(tiny_company, 10), tmp_path / "short")
    out = run_notebook("50_performance_analytics", {"data_source": str(folder), "top_n": 5})
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["analytics.as_of"] == "2026-12-31"
    assert "analytics.share_on_pace" not in metrics and "analytics.churn_auc" not in metrics
    assert metrics["analytics.whitespace_total"] > 0
    text = _clean(_outputs(out))
    assert "Attainment and pace is not shown: the bookings history starts in March 2026" in text
    assert "Churn risk is not shown: the bookings history covers 10 months" in text
    skipped = json.loads((out / "skipped.json").read_text())
    assert {s["section"] for s in skipped} >= {"Attainment and pace", "Churn risk"}
    assert len(skipped) == len({s["section"] for s in skipped})


@pytest.mark.notebook
def test_notebook_runs_interactively_without_closed_deals(tiny_company, tmp_path) -> None:
    import papermill

    from spm_models import config

    folder = write_messy(without_closed_history(tiny_company), tmp_path / "no_deals")
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
            "top_n": 5,
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
    outputs = _outputs(out)
    text = _clean(outputs)
    assert "The win model is not shown: this data has no closed-deal history" in text
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


@pytest.mark.notebook
def test_notebook_warns_on_attainment_above_three_times_quota(
    run_notebook, tiny_company, tmp_path
) -> None:
    folder = write_messy(short_history(tiny_company, 20), tmp_path / "twenty")
    out = run_notebook("50_performance_analytics", {"data_source": str(folder), "top_n": 5})
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["analytics.pace_basis"] == "linear"
    warnings = json.loads((out / "warnings.json").read_text())
    assert [w["topic"] for w in warnings] == ["Attainment", "Quotas"]
    text = _clean(_outputs(out))
    assert "**Warning.** Attainment: 1 rep has booked more than 300.0% of quota" in text
    assert "Pace is linear" in text
