"""The incentive notebook under papermill on the tiny company."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from spm_models.registry import read_metrics_file


@pytest.mark.notebook
def test_incentive_notebook_runs_and_writes_results(run_notebook, tiny_company, tmp_path) -> None:
    out = tmp_path / "run"
    (out / "tables").mkdir(parents=True)
    reps = tiny_company.reps[tiny_company.reps["status"] != "vacant"]["rep_id"]
    # as the quota notebook leaves it earlier in a scenario run
    pd.DataFrame({"rep_id": reps, "region": "West", "quota": 400_000.0}).to_csv(
        out / "tables" / "quotas.csv", index=False
    )
    run_notebook("40_incentive_plan", {"n_sims": 200}, output_dir=out)
    metrics = read_metrics_file(out / "metrics.json")
    for key in (
        "incentives.total_cost",
        "incentives.cost_of_sales",
        "incentives.p90_payout",
        "incentives.plan_b.total_cost",
        "incentives.plan_b_vs_a.extra_cost",
        "incentives.replay.total_paid",
    ):
        assert key in metrics
    sims = pd.read_csv(out / "tables" / "incentive_cost_simulation.csv")
    assert len(sims) == 200
    assert metrics["incentives.total_cost"] == pytest.approx(sims["cost_ae_standard"].mean())
    quotas = pd.read_csv(out / "tables" / "incentive_quotas.csv")
    assert (quotas["quota_new_business"] == 400_000.0).all()
    statements = pd.read_csv(out / "tables" / "incentive_replay_statements.csv", dtype=str)
    paid = statements["paid"].map(lambda v: round(float(v) * 100)).sum() / 100
    assert metrics["incentives.replay.total_paid"] == pytest.approx(paid)
    executed = json.loads((out / "40_incentive_plan.ipynb").read_text())
    text = json.dumps(executed)
    assert "costs $" in text and "Payout statement of" in text
