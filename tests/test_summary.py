"""Executive-summary findings are written from the numbers, and only from those present."""

from __future__ import annotations

from spm_models.reporting.summary import findings


def test_findings_follow_the_figures() -> None:
    base = {
        "territory.balance_cv_before": 0.6,
        "territory.balance_cv_after": 0.04,
        "territory.accounts_moved_share": 0.12,
        "territory.gap": 0.0,
        "territory.travel_km_before": 1000.0,
        "territory.travel_km_after": 800.0,
    }
    text = " ".join(findings(base))
    assert "4.0% (from 60.0% today)" in text and "moving 12.0% of accounts" in text
    assert "weighted travel falls 20.0%" in text and "proven optimal" in text
    assert "Quotas" not in text  # no quota figures, no quota finding
    soft = " ".join(findings({"quota.total": 1e6, "quota.expected_share_at_or_above": 0.8}))
    assert "above the healthy 55–65% band: quotas look soft" in soft
    healthy = " ".join(findings({"quota.total": 1e6, "quota.expected_share_at_or_above": 0.6}))
    assert "inside the healthy" in healthy
    gap = " ".join(findings({"territory.balance_cv_after": 0.05, "territory.gap": 0.008}))
    assert "proven within 0.8% of the best possible" in gap
    short = " ".join(findings({"capacity.hires_needed": 1, "capacity.target_gap": 250_000.0}))
    assert "needs 1 hire;" in short and "falls $250.0k short" in short
    assert findings({}) == []
