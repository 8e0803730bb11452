"""Headline figures of performance analytics (``analytics.*`` in metrics.json) and the
executive-summary finding written from them.

A figure that cannot be computed (a skipped section, a ``nan``) is not written; the finding
formats every figure through the registry, so it reads exactly as the page does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from spm_models.analytics.attainment import BENCHMARK_BAND, AttainmentResult
from spm_models.analytics.churn import ChurnEvaluation
from spm_models.analytics.segmentation import MarketView
from spm_models.analytics.win import PipelineScores, WinEvaluation
from spm_models.registry import format_figure, format_value
from spm_models.skipped import Skipped

if TYPE_CHECKING:
    from spm_models.analytics.page import PerformancePage


def _finite(values: dict[str, Any]) -> dict[str, Any]:
    from spm_models.analytics.page import finite

    return {k: v for k, v in values.items() if finite(v)}


def attainment_metrics(att: AttainmentResult) -> dict[str, Any]:
    """Figures of the attainment and pace section."""
    reps = att.by_rep
    quota = float(reps["quota"].sum())
    return _finite(
        {
            "analytics.today": str(att.period.today.date()),
            "analytics.period_start": str(att.period.start.date()),
            "analytics.period_end": str(att.period.end.date()),
            "analytics.pace_basis": att.pace_basis,
            "analytics.reps": len(reps),
            "analytics.quota_total": quota,
            "analytics.booked_to_date": float(reps["to_date"].sum()),
            "analytics.attainment_to_date": float(reps["to_date"].sum()) / quota,
            "analytics.expected_to_date": float(reps["expected_seasonal"].sum()) / quota,
            "analytics.share_on_pace": att.share_on_pace,
            "analytics.share_at_or_above_quota": att.share_at_or_above_quota,
            "analytics.expected_share_at_or_above": att.expected_share_at_or_above,
            "analytics.top20_share": att.top20_share,
        }
    )


def market_metrics(market: MarketView) -> dict[str, Any]:
    """Figures of the whitespace section."""
    return _finite(
        {
            "analytics.whitespace_total": market.whitespace_total,
            "analytics.uncovered_whitespace": market.uncovered_whitespace,
        }
    )


def win_metrics(win: WinEvaluation, verdict: str | None = None) -> dict[str, Any]:
    """Figures of the win model against stage win rates."""
    out = {
        "analytics.win_model_auc": win.model_report.auc,
        "analytics.stage_rate_auc": win.stage_report.auc,
        "analytics.win_model_brier": win.model_report.brier,
        "analytics.stage_rate_brier": win.stage_report.brier,
        "analytics.win_model_calibration_error": win.model_report.calibration_error,
    }
    if verdict is not None:
        out["analytics.win_model_verdict"] = verdict
    return _finite(out)


def pipeline_metrics(pipeline: PipelineScores, *, use_model: bool = True) -> dict[str, Any]:
    """Pipeline value by stage rates, and by the model when it may be used."""
    out = {"analytics.pipeline_stage_value": pipeline.stage_value}
    if use_model:
        out["analytics.pipeline_expected_value"] = pipeline.expected_value
    return _finite(out)


def churn_metrics(churn: ChurnEvaluation, verdict: str | None = None) -> dict[str, Any]:
    """Figures of the churn model against the recency rule."""
    out = {
        "analytics.churn_auc": churn.model_report.auc,
        "analytics.churn_recency_auc": churn.recency_report.auc,
        "analytics.churn_brier": churn.model_report.brier,
    }
    if verdict is not None:
        out["analytics.churn_model_verdict"] = verdict
    return _finite(out)


def performance_metrics(
    att: AttainmentResult,
    market: MarketView,
    churn: ChurnEvaluation | None = None,
    *,
    win: WinEvaluation | None = None,
    pipeline: PipelineScores | None = None,
) -> dict[str, Any]:
    """The headline figures under ``analytics.*`` (win and churn figures only when given)."""
    out = attainment_metrics(att) | market_metrics(market)
    if win is not None:
        out |= win_metrics(win)
    if pipeline is not None:
        out |= pipeline_metrics(pipeline)
    if churn is not None:
        out |= churn_metrics(churn)
        out |= _finite({"analytics.churn_value_at_risk": churn.value_at_risk})
    return out


def page_metrics(page: PerformancePage) -> dict[str, Any]:
    """Every figure a :class:`~spm_models.analytics.page.PerformancePage` computed."""
    out: dict[str, Any] = {
        "analytics.as_of": str(page.as_of.date()),
    }
    if not isinstance(page.attainment, Skipped):
        out |= attainment_metrics(page.attainment)
    out |= market_metrics(page.market)
    judgement = page.win_judgement
    if not isinstance(page.win, Skipped) and judgement is not None:
        out |= win_metrics(page.win, judgement.verdict)
        if page.pipeline is not None:
            out |= pipeline_metrics(page.pipeline, use_model=judgement.use)
    churn_judgement = page.churn_judgement
    if not isinstance(page.churn, Skipped) and churn_judgement is not None:
        out |= churn_metrics(page.churn, churn_judgement.verdict)
        if page.churn_risk is not None:
            value = float(page.churn_risk["value_at_risk"].sum())
            out |= _finite({"analytics.churn_value_at_risk": value})
    return out


def _num(m: Mapping[str, Any], key: str) -> float | None:
    value = m.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value == value and abs(value) != float("inf") else None


def performance_finding(m: Mapping[str, Any]) -> str | None:
    """The executive-summary sentence on in-period performance, or ``None`` without figures.

    Built only from ``analytics.*`` figures in a scenario's metrics.json, each formatted
    through the registry, in the shape of :mod:`spm_models.reporting.summary`'s findings.
    """
    on_pace = _num(m, "analytics.share_on_pace")
    if on_pace is None:
        return None

    def fig(name: str) -> str:
        return format_figure(name, m[name])

    text = f"**Performance**: {fig('analytics.share_on_pace')} of reps are on pace"
    att, due = _num(m, "analytics.attainment_to_date"), _num(m, "analytics.expected_to_date")
    if att is not None and due is not None:
        text += (
            f" ({fig('analytics.attainment_to_date')} of quota booked against "
            f"{fig('analytics.expected_to_date')} due)"
        )
    share = _num(m, "analytics.share_at_or_above_quota")
    if share is not None:
        low, high = BENCHMARK_BAND
        where = "inside" if low <= share <= high else "below" if share < low else "above"
        text += (
            f"; {fig('analytics.share_at_or_above_quota')} are projected to finish at or above "
            f"quota, {where} the healthy {format_value(low, 'pct')}–{format_value(high, 'pct')} "
            "band"
        )
    if _num(m, "analytics.whitespace_total") is not None:
        text += f". Whitespace is {fig('analytics.whitespace_total')} a year"
        if _num(m, "analytics.uncovered_whitespace"):
            text += f", {fig('analytics.uncovered_whitespace')} of it uncovered"
    auc, stage = _num(m, "analytics.win_model_auc"), _num(m, "analytics.stage_rate_auc")
    verdict = m.get("analytics.win_model_verdict", "used")
    if auc is not None and stage is not None:
        if verdict == "used":
            text += (
                f"; the win model ranks deals at AUC {fig('analytics.win_model_auc')} against "
                f"{fig('analytics.stage_rate_auc')} for stage rates"
            )
        elif verdict == "likely leakage":
            text += "; the win model looks too good to be true (likely leakage) and is not used"
        else:
            text += "; the win model does not beat stage win rates and is not used"
    return text + "."
