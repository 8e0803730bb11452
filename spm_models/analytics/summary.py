"""Headline figures of performance analytics (``analytics.*`` in metrics.json) and the
executive-summary finding written from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spm_models.analytics.attainment import BENCHMARK_BAND, AttainmentResult
from spm_models.analytics.churn import ChurnEvaluation
from spm_models.analytics.segmentation import MarketView
from spm_models.analytics.win import PipelineScores, WinEvaluation


def performance_metrics(
    att: AttainmentResult,
    market: MarketView,
    churn: ChurnEvaluation | None = None,
    *,
    win: WinEvaluation | None = None,
    pipeline: PipelineScores | None = None,
) -> dict[str, Any]:
    """The headline figures under ``analytics.*`` (win and churn figures only when given)."""
    reps = att.by_rep
    out: dict[str, Any] = {
        "analytics.today": str(att.period.today.date()),
        "analytics.reps": len(reps),
        "analytics.attainment_to_date": float(reps["to_date"].sum() / reps["quota"].sum()),
        "analytics.expected_to_date": float(reps["expected_seasonal"].sum() / reps["quota"].sum()),
        "analytics.share_on_pace": att.share_on_pace,
        "analytics.share_at_or_above_quota": att.share_at_or_above_quota,
        "analytics.expected_share_at_or_above": att.expected_share_at_or_above,
        "analytics.top20_share": att.top20_share,
        "analytics.whitespace_total": market.whitespace_total,
        "analytics.uncovered_whitespace": market.uncovered_whitespace,
    }
    if win is not None:
        out |= {
            "analytics.win_model_auc": win.model_report.auc,
            "analytics.stage_rate_auc": win.stage_report.auc,
            "analytics.win_model_brier": win.model_report.brier,
            "analytics.stage_rate_brier": win.stage_report.brier,
            "analytics.win_model_calibration_error": win.model_report.calibration_error,
        }
    if pipeline is not None:
        out |= {
            "analytics.pipeline_expected_value": pipeline.expected_value,
            "analytics.pipeline_stage_value": pipeline.stage_value,
        }
    if churn is not None:
        out |= {
            "analytics.churn_auc": churn.model_report.auc,
            "analytics.churn_recency_auc": churn.recency_report.auc,
            "analytics.churn_brier": churn.model_report.brier,
            "analytics.churn_value_at_risk": churn.value_at_risk,
        }
    return out


def _num(m: Mapping[str, Any], key: str) -> float | None:
    value = m.get(key)
    return float(value) if isinstance(value, int | float) else None


def performance_finding(m: Mapping[str, Any]) -> str | None:
    """The executive-summary sentence on in-period performance, or ``None`` without figures.

    Built only from ``analytics.*`` figures in a scenario's metrics.json, in the shape of
    :mod:`spm_models.reporting.summary`'s findings.
    """
    on_pace = _num(m, "analytics.share_on_pace")
    if on_pace is None:
        return None
    text = f"**Performance**: {on_pace:.0%} of reps are on pace"
    att, due = _num(m, "analytics.attainment_to_date"), _num(m, "analytics.expected_to_date")
    if att is not None and due is not None:
        text += f" ({att:.0%} of quota booked against {due:.0%} due)"
    share = _num(m, "analytics.share_at_or_above_quota")
    if share is not None:
        low, high = BENCHMARK_BAND
        where = "inside" if low <= share <= high else "below" if share < low else "above"
        text += (
            f"; {share:.0%} are projected to finish at or above quota, {where} the healthy "
            f"{low:.0%}–{high:.0%} band"
        )
    white, uncovered = (
        _num(m, "analytics.whitespace_total"),
        _num(m, "analytics.uncovered_whitespace"),
    )
    if white is not None:
        text += f". Whitespace is ${white / 1e6:,.0f}M a year"
        if uncovered:
            text += f", ${uncovered / 1e6:,.1f}M of it uncovered"
    auc, stage = _num(m, "analytics.win_model_auc"), _num(m, "analytics.stage_rate_auc")
    if auc is not None and stage is not None:
        text += f"; the win model ranks deals at AUC {auc:.2f} against {stage:.2f} for stage rates"
    return text + "."
