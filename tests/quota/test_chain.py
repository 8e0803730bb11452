"""One plan, one set of numbers: territory, then quota and capacity, then incentive cost."""

from __future__ import annotations

import pytest

from spm_models.registry import format_figure, read_metrics_file
from tests.quota.hygiene import page_text


@pytest.mark.notebook
def test_quota_capacity_and_cost_follow_one_plan(run_notebook, tmp_path) -> None:
    out = tmp_path / "scenario"
    run_notebook(
        "10_territory_alignment",
        {"tolerance": 0.15, "max_disruption": 0.40, "time_limit": 15.0, "frontier_time_limit": 5.0},
        output_dir=out,
    )
    run_notebook("20_quota_capacity", {"n_sims": 300}, output_dir=out)
    run_notebook("40_incentive_plan", {"n_sims": 300}, output_dir=out)
    m = read_metrics_file(out / "metrics.json")
    assert m["quota.alignment"] == "optimised"
    assert m["capacity.target"] == m["quota.target"]
    assert m["incentives.quota_total"] == pytest.approx(m["quota.total"], rel=1e-9)
    share = format_figure("quota.expected_share_at_or_above", m["quota.expected_share_at_or_above"])
    assert share in page_text(out / "20_quota_capacity.ipynb")
    assert share in page_text(out / "40_incentive_plan.ipynb")
