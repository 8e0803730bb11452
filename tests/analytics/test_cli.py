"""``spm analytics`` end to end on the tiny company folder."""

from __future__ import annotations

import json

import pandas as pd

from spm_models.cli import main


def test_spm_analytics_writes_tables_and_metrics(tiny_company_dir, tmp_path, capsys) -> None:
    out = tmp_path / "a"
    code = main(
        [
            "analytics",
            str(tiny_company_dir),
            "--out",
            str(out),
            "--today",
            "2026-11-15",
            "--clusters",
            "3",
        ]
    )
    assert code == 0
    metrics = json.loads((out / "analytics_metrics.json").read_text())
    assert metrics["analytics.today"] == "2026-11-15"
    assert metrics["analytics.win_model_auc"] > 0.5
    reps = pd.read_csv(out / "attainment_by_rep.csv")
    assert len(reps) == metrics["analytics.reps"]
    assert (out / "pipeline_win_scores.csv").exists() and (out / "churn_risk.csv").exists()
    printed = capsys.readouterr().out
    assert "Performance: " in printed and "of reps are on pace" in printed


def test_spm_analytics_bad_date_and_missing_folder_are_usage_errors(
    tiny_company_dir, tmp_path, capsys
) -> None:
    code = main(
        ["analytics", str(tiny_company_dir), "--out", str(tmp_path), "--today", "2030-01-01"]
    )
    assert code == 2
    assert "'today' parameter of current_period" in capsys.readouterr().err
    code = main(["analytics", str(tmp_path / "nope"), "--out", str(tmp_path), "--no-models"])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
