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


def test_spm_analytics_on_a_ten_month_history_skips_with_sentences(
    tiny_company, tmp_path, capsys
) -> None:
    from tests.messy import short_history, write_messy

    folder = write_messy(short_history(tiny_company, 10), tmp_path / "short")
    out = tmp_path / "a"
    assert main(["analytics", str(folder), "--out", str(out), "--clusters", "3"]) == 0
    metrics = json.loads((out / "analytics_metrics.json").read_text())
    assert metrics["analytics.as_of"] == "2026-12-31"
    assert "analytics.share_on_pace" not in metrics and "analytics.churn_auc" not in metrics
    assert not (out / "attainment_by_rep.csv").exists() and (out / "account_segments.csv").exists()
    printed = capsys.readouterr()
    assert "Attainment and pace is not shown: the bookings history starts in March 2026" in (
        printed.out
    )
    assert "Churn risk is not shown: the bookings history covers 10 months" in printed.out
    for word in ("nan", "inf", "None", "Traceback"):
        assert word not in printed.out + printed.err


def test_spm_analytics_warns_on_stderr_about_implausible_attainment(
    tiny_company, tmp_path, capsys
) -> None:
    from tests.messy import short_history, write_messy

    # Twenty months: eight before the period set annualised quotas, one rep books over 300%.
    folder = write_messy(short_history(tiny_company, 20), tmp_path / "short")
    code = main(["analytics", str(folder), "--out", str(tmp_path / "a"), "--no-models"])
    assert code == 0
    err = capsys.readouterr().err
    assert "warning: Attainment: 1 rep has booked more than 300.0% of quota to date" in err
    assert "warning: Quotas: quotas are derived from only 8 months of bookings" in err
