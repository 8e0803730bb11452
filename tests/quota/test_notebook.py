"""The quota and capacity notebook under papermill, on the tiny company."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.quota import trailing_bookings_by_account
from spm_models.registry import read_metrics_file


@pytest.mark.notebook
def test_notebook_runs_on_the_aligned_territories(run_notebook, tiny_company, tmp_path) -> None:
    out = tmp_path / "run"
    (out / "tables").mkdir(parents=True)
    acc = tiny_company.accounts.dropna(subset=["current_rep_id"])
    reps = sorted(acc["current_rep_id"].unique())
    moved = acc.loc[acc["current_rep_id"] == reps[0]].head(4)
    pd.DataFrame(
        {
            "account_id": moved["account_id"],
            "old_rep_id": moved["current_rep_id"],
            "new_rep_id": reps[1],
            "moved": True,
        }
    ).to_csv(out / "tables" / "assignment.csv", index=False)
    run_notebook(
        "20_quota_capacity",
        {"n_sims": 200, "freeze_months": 3, "hiring_budget": 400000.0, "target_growth": 0.2},
        output_dir=out,
    )
    metrics = read_metrics_file(out / "metrics.json")
    quotas = pd.read_csv(out / "tables" / "quotas.csv")
    assert metrics["quota.total"] == pytest.approx(quotas["quota"].sum())
    assert metrics["quota.target"] == pytest.approx(metrics["capacity.target"])
    assert 0 <= metrics["quota.expected_share_at_or_above"] <= 1
    shift = trailing_bookings_by_account(tiny_company.bookings, tiny_company.as_of)
    expected_shift = float(shift.reindex(moved["account_id"]).fillna(0.0).sum())
    assert quotas.set_index("rep_id").loc[reps[1], "moved_in_bookings"] == pytest.approx(
        expected_shift
    )
    hires = pd.read_csv(out / "tables" / "hiring_plan.csv")
    assert hires["reqs_opened"].iloc[:3].sum() == 0
    assert metrics["capacity.hiring_cost"] <= 400000.0 + 1e-6
    assert metrics["capacity.hires_needed"] == hires["reqs_opened"].sum()
    executed = (out / "20_quota_capacity.ipynb").read_text()
    assert "aligned territories from the territory notebook" in executed
