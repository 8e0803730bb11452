"""The incentive notebook under papermill: on the quota page's issued quotas and simulation,
and on a 10-month company with no quota page in the run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spm_models.registry import format_figure, read_metrics_file
from tests.messy import short_history, write_messy
from tests.quota.hygiene import page_text, problems


@pytest.mark.notebook
def test_incentive_notebook_costs_the_issued_quotas(run_notebook, tiny_company, tmp_path) -> None:
    out = tmp_path / "run"
    (out / "tables").mkdir(parents=True)
    reps = tiny_company.reps[tiny_company.reps["status"] != "vacant"]
    quota = np.linspace(300_000.0, 700_000.0, len(reps))
    # as the quota page leaves them earlier in a scenario run
    pd.DataFrame(
        {"rep_id": reps["rep_id"], "rep_name": reps["rep_name"], "status": "active", "quota": quota}
    ).to_csv(out / "tables" / "quotas.csv", index=False)
    draws = np.random.default_rng(1).lognormal(-0.05, 0.3, (200, len(reps)))
    pd.DataFrame(draws, columns=reps["rep_id"]).to_csv(
        out / "tables" / "quota_attainment_draws.csv", index=False
    )
    run_notebook("40_incentive_plan", output_dir=out)
    metrics = read_metrics_file(out / "metrics.json")
    assert metrics["incentives.quota_total"] == pytest.approx(quota.sum())
    assert metrics["incentives.seats"] == len(reps)
    for key in (
        "incentives.total_cost",
        "incentives.cost_p10",
        "incentives.cost_p90",
        "incentives.cost_of_sales",
        "incentives.plan_b_cost",
        "incentives.recommended_plan",
        "incentives.replay_total_paid",
    ):
        assert key in metrics
    assert metrics["incentives.plan_a"] == "Account Executive, standard (FY2027)"
    assert metrics["incentives.cost_p10"] <= metrics["incentives.total_cost"]
    statements = pd.read_csv(out / "tables" / "incentive_replay_statements.csv", dtype=str)
    paid = statements["paid"].map(lambda v: round(float(v) * 100)).sum() / 100
    assert metrics["incentives.replay_total_paid"] == pytest.approx(paid)
    text = page_text(out / "40_incentive_plan.ipynb")
    share = float((draws >= 1).mean(axis=1).mean())
    assert format_figure("quota.expected_share_at_or_above", share) in text
    assert "quota page's issued quotas" in text
    assert format_figure("incentives.total_cost", metrics["incentives.total_cost"]) in text
    assert "Payout statement of" in text and "Trace of" in text
    assert problems(text) == []


@pytest.mark.notebook
def test_incentive_notebook_without_a_quota_page_on_ten_months(
    run_notebook, tiny_company, tmp_path
) -> None:
    data = write_messy(short_history(tiny_company, 10), tmp_path / "short")
    out = run_notebook("40_incentive_plan", {"n_sims": 200, "data_source": str(data)})
    metrics = read_metrics_file(out / "metrics.json")
    quotas = pd.read_csv(out / "tables" / "incentive_quotas.csv")
    assert metrics["incentives.quota_total"] == pytest.approx(quotas["quota_new_business"].sum())
    assert not (quotas["quota_new_business"] == 100_000.0).any()
    assert "incentives.replay_total_paid" not in metrics
    text = page_text(out / "40_incentive_plan.ipynb")
    assert "This run has no quota page" in text
    assert "The replayed payout statement is not shown" in text
    assert problems(text) == []
