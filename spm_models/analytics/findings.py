"""The sentences of the performance analytics page, written from its results.

Every figure goes through the registry (:func:`~spm_models.registry.format_figure` for
``analytics.*`` figures, :func:`~spm_models.registry.format_value` for the rest), so a number
reads the same here, in the key-figures table and in the executive summary. The column
specifications of the page's tables live here too.
"""

from __future__ import annotations

import pandas as pd

from spm_models.analytics.attainment import BENCHMARK_BAND, AttainmentResult
from spm_models.analytics.churn import ChurnEvaluation, account_drivers
from spm_models.analytics.learn import ModelJudgement
from spm_models.analytics.segmentation import MarketView
from spm_models.analytics.summary import (
    attainment_metrics,
    churn_metrics,
    market_metrics,
    win_metrics,
)
from spm_models.analytics.win import FEATURE_LABELS as WIN_LABELS
from spm_models.analytics.win import PipelineScores, WinEvaluation, deal_drivers
from spm_models.registry import format_figure, format_value

#: Key figures shown at the top of the page, in order.
KEY_FIGURES = [
    "analytics.as_of",
    "analytics.pace_basis",
    "analytics.share_on_pace",
    "analytics.attainment_to_date",
    "analytics.expected_to_date",
    "analytics.share_at_or_above_quota",
    "analytics.whitespace_total",
    "analytics.uncovered_whitespace",
    "analytics.win_model_auc",
    "analytics.stage_rate_auc",
    "analytics.win_model_verdict",
    "analytics.pipeline_expected_value",
    "analytics.pipeline_stage_value",
    "analytics.churn_auc",
    "analytics.churn_recency_auc",
    "analytics.churn_model_verdict",
    "analytics.churn_value_at_risk",
]

PACE_COLUMNS = [
    ("rep_name", "Rep"),
    ("region", "Region"),
    ("manager_id", "Team"),
    ("quota", "Quota", "usd"),
    ("to_date", "Booked to date", "usd"),
    ("attainment", "Attainment", "pct"),
    ("seasonal_share", "Due by now", "pct"),
    ("pace_seasonal", "Booked over due", "ratio"),
    ("projected_attainment", "Projected attainment", "pct"),
]
COVERAGE_COLUMNS = [
    ("rep_name", "Rep"),
    ("region", "Region"),
    ("role", "Role"),
    ("accounts", "Accounts", "int"),
    ("A", "Tier A", "int"),
    ("B", "Tier B", "int"),
    ("C", "Tier C", "int"),
    ("potential", "Potential", "usd"),
    ("whitespace", "Whitespace", "usd"),
]
PIPELINE_COLUMNS = [
    ("opportunity_id", "Opportunity"),
    ("account_id", "Account"),
    ("stage", "Stage"),
    ("amount", "Amount", "usd"),
    ("p_stage", "Stage win rate", "pct"),
    ("p_win", "Model win chance", "pct"),
    ("expected_value", "Expected value (model)", "usd"),
]
CHURN_COLUMNS = [
    ("account_name", "Account"),
    ("rep_name", "Rep"),
    ("region", "Region"),
    ("bookings_12m", "Bookings, last 12 months", "usd"),
    ("months_since_last", "Months since last booking", "int"),
    ("risk", "Churn risk", "pct"),
    ("value_at_risk", "Bookings at risk", "usd"),
]


def _name(value: object, missing: str) -> str:
    """A label from the data, or ``missing`` for an empty value (never "nan")."""
    return value if isinstance(value, str) and value.strip() else missing


def _usd(value: float) -> str:
    return format_value(value, "usd")


def _pct(value: float) -> str:
    return format_value(value, "pct")


def pace_text(att: AttainmentResult, *, ramp_months: int, note: str | None = None) -> str:
    """The attainment and pace bullets (Markdown); ``note`` (e.g. why a quota plan was not
    used) follows the first bullet."""
    m = attainment_metrics(att)
    reps, period = att.by_rep, att.period
    quota, booked = m["analytics.quota_total"], m["analytics.booked_to_date"]
    due = float(reps["expected_seasonal"].sum())
    source = "the quota plan" if att.quota_source == "quota plan" else att.quota_source
    lines = [
        f"- On **{period.today:%d %B %Y}**, {_pct(period.elapsed)} of the way through the "
        f"period {period.start:%b %Y}–{period.end:%b %Y}, {len(reps)} reps have booked "
        f"**{format_figure('analytics.booked_to_date', booked)}**, "
        f"**{format_figure('analytics.attainment_to_date', m['analytics.attainment_to_date'])} "
        f"of their {format_figure('analytics.quota_total', quota)} quota** (quotas from "
        f"{source}; ramps over {ramp_months} months and mid-period starts prorated)."
    ]
    if note:
        lines.append(f"- {note}")
    ahead = "ahead of" if booked >= due else "behind"
    expected = format_figure("analytics.expected_to_date", m["analytics.expected_to_date"])
    if att.pace_basis == "seasonal":
        linear = _pct(float(reps["expected_linear"].sum()) / quota)
        lines.append(
            f"- The historical pattern says **{expected}** should be in by now (a straight line "
            f"would say {linear}), so the team is **{ahead} pace** by {_usd(abs(booked - due))}."
        )
    else:
        lines.append(
            f"- Pace is linear: with {att.history_before} months of history before the period "
            f"there is no full year to learn the seasonal pattern from. A straight line says "
            f"**{expected}** should be in by now, so the team is **{ahead} pace** by "
            f"{_usd(abs(booked - due))}."
        )
    on_pace = format_figure("analytics.share_on_pace", m["analytics.share_on_pace"])
    lines.append(f"- **{on_pace} of reps are on pace**.")
    behind = (
        reps.loc[reps["on_pace"].eq(False)]
        .assign(gap=lambda d: d["expected_seasonal"] - d["to_date"])
        .nlargest(3, "gap")
    )
    if len(behind):
        names = ", ".join(
            f"**{_name(r.rep_name, r.rep_id)}** ({_usd(r.gap)} short, "
            f"{_name(r.region, 'no region')})"
            for r in behind.itertuples()
        )
        lines.append(f"- Furthest behind: {names}.")
    lines.append(_projection_line(att, m))
    if "analytics.top20_share" in m:
        top = format_figure("analytics.top20_share", m["analytics.top20_share"])
        lines.append(f"- The top 20% of reps bring **{top}** of bookings to date.")
    lines.append(_new_reps_line(reps, period.start))
    return "\n".join(line for line in lines if line)


def _projection_line(att: AttainmentResult, m: dict) -> str:
    if "analytics.share_at_or_above_quota" not in m:
        return ""
    low, high = BENCHMARK_BAND
    share = format_figure(
        "analytics.share_at_or_above_quota", m["analytics.share_at_or_above_quota"]
    )
    text = (
        f"- Projected to the period end ({att.projection_source}), **{share} of reps finish at "
        f"or above quota**: {att.verdict} against the {_pct(low)}–{_pct(high)} benchmark."
    )
    if "analytics.expected_share_at_or_above" in m:
        expected = format_figure(
            "analytics.expected_share_at_or_above", m["analytics.expected_share_at_or_above"]
        )
        text += f" Counting each rep by their chance of getting there, the share is {expected}."
    return text


def _new_reps_line(reps: pd.DataFrame, start: pd.Timestamp) -> str:
    new = reps.loc[pd.to_datetime(reps["hire_date"]) > start]
    if new.empty:
        return "- No rep started during the period."
    who = ", ".join(
        f"{r.rep_name} ({pd.Timestamp(r.hire_date):%d %b %Y}, quota {_usd(r.quota)})"
        for r in new.itertuples()
    )
    many = "reps" if len(new) != 1 else "rep"
    return (
        f"- {len(new)} {many} started during the period and carry prorated, ramped quotas: {who}."
    )


def market_text(market: MarketView, *, a_share: float) -> str:
    """The whitespace bullets (Markdown)."""
    m = market_metrics(market)
    total = format_figure("analytics.whitespace_total", m["analytics.whitespace_total"])
    window = (
        "the last 12 months"
        if market.months >= 12
        else f"the {market.months} months of history, annualised"
    )
    lines = [f"- Accounts could buy **{total} a year more** than they booked in {window}."]
    seg = market.by_segment.iloc[0]
    tier = market.by_tier.set_index("tier")
    if pd.notna(seg["whitespace_share"]):
        segment = _name(seg["segment"], "Unsegmented")
        text = f"- **{segment}** accounts hold {_pct(seg['whitespace_share'])} of it"
        if "A" in tier.index:
            a = tier.loc["A"]
            text += (
                f"; tier A (the richest {_pct(a_share)} of accounts) holds "
                f"{_pct(a['whitespace_share'])}, at {_pct(a['penetration'])} penetration"
            )
        lines.append(text + ".")
    uncovered = m["analytics.uncovered_whitespace"]
    if uncovered > 0:
        lines.append(
            f"- **{format_figure('analytics.uncovered_whitespace', uncovered)}** of whitespace "
            "sits on accounts no staffed rep covers (unassigned or on a vacant seat): growth "
            "nobody is working."
        )
    else:
        lines.append("- Every account is aligned to a staffed rep: no whitespace is uncovered.")
    top = market.by_territory.iloc[0]
    names = market.coverage_by_rep.set_index("rep_id")["rep_name"]
    owner = names.get(top["territory"])
    territory = f"{top['territory']} ({owner})" if isinstance(owner, str) else top["territory"]
    lines.append(
        f"- The largest territory whitespace is **{territory}**: "
        f"{_usd(top['whitespace'])} over {format_value(top['accounts'], 'int')} accounts."
    )
    rich = market.clusters.profiles.iloc[0]
    lines.append(
        f"- Firmographic clustering finds {market.clusters.k} groups; the richest, "
        f"*{rich['name']}*, has {format_value(rich['accounts'], 'int')} accounts and "
        f"{_usd(rich['potential'])} of potential."
    )
    return "\n".join(lines)


def win_text(win: WinEvaluation, pipeline: PipelineScores, judgement: ModelJudgement) -> str:
    """The win model bullets (Markdown): its test against stage rates, and what it is used for."""
    m = win_metrics(win)
    mr = win.model_report
    auc, stage_auc = m["analytics.win_model_auc"], m["analytics.stage_rate_auc"]
    lines = [
        f"- Trained on {format_value(win.n_train, 'int')} deals closed before "
        f"{win.cutoff:%d %b %Y} and tested on the {format_value(mr.n, 'int')} closed since: the "
        f"win model ranks deals with **AUC {format_figure('analytics.win_model_auc', auc)}** "
        f"against {format_figure('analytics.stage_rate_auc', stage_auc)} for stage win rates, "
        "and its probabilities score a Brier of "
        f"**{format_figure('analytics.win_model_brier', m['analytics.win_model_brier'])}** "
        f"against {format_figure('analytics.stage_rate_brier', m['analytics.stage_rate_brier'])} "
        "(lower is better)."
    ]
    stage_value = _usd(pipeline.stage_value)
    if not judgement.use:
        lines.append(f"- **Not used for decisions**: {judgement.reason}.")
        lines.append(
            f"- Weighted by stage win rates, the open pipeline is worth **{stage_value}**."
        )
        return "\n".join(lines)
    err = format_figure(
        "analytics.win_model_calibration_error", m["analytics.win_model_calibration_error"]
    )
    drivers = ", ".join(win.importance.head(3)["feature"].map(WIN_LABELS).fillna("other"))
    lines += [
        f"- It beats the stage-based rates on both. Its probabilities are off by {err} on "
        f"average across score deciles (stage rates: "
        f"{_pct(win.stage_report.calibration_error)}). The top-scored tenth of deals wins "
        f"{format_value(win.lift.iloc[0]['lift'], 'ratio')} as often as the average deal.",
        f"- What moves the odds most: **{drivers}**.",
        f"- Weighted by the model, the open pipeline is worth "
        f"**{_usd(pipeline.expected_value)}** against {stage_value} by stage rates "
        f"(pipeline-feature model, hold-out AUC "
        f"{format_value(pipeline.holdout_report.auc, 'num')}).",
    ]
    if len(pipeline.opportunities):
        top = pipeline.opportunities.iloc[0]
        why = "; ".join(deal_drivers(pipeline.model, top)["text"])
        lines.append(
            f"- The largest expected deal, {top['opportunity_id']} at {top['account_id']} "
            f"({_usd(top['amount'])}, {top['stage']}), has a {_pct(top['p_win'])} chance; "
            f"against a typical deal its drivers are (in probability points) {why}."
        )
    return "\n".join(lines)


def churn_text(churn: ChurnEvaluation, judgement: ModelJudgement, ranking: pd.DataFrame) -> str:
    """The churn bullets (Markdown); the ranking is the model's only when it may be used."""
    m = churn_metrics(churn)
    cr = churn.model_report
    lines = [
        f"- Churn here means no bookings for {churn.horizon} months. Trained on "
        f"{len(churn.train_cutoffs)} earlier cutoff{'s' if len(churn.train_cutoffs) != 1 else ''}"
        f" and tested on the customers active at {churn.test_cutoff:%b %Y} "
        f"({format_value(cr.n, 'int')} accounts, {_pct(cr.positive_rate)} churned), the model "
        f"scores **AUC {format_figure('analytics.churn_auc', m['analytics.churn_auc'])}**, "
        f"Brier {format_figure('analytics.churn_brier', m['analytics.churn_brier'])}, against "
        f"AUC {format_figure('analytics.churn_recency_auc', m['analytics.churn_recency_auc'])} "
        f"for months since the last booking alone."
    ]
    scored_by = "the churn model" if judgement.use else "the recency rule"
    if judgement.use:
        lines.append("- It adds to the recency rule, so the risks below are the model's.")
    else:
        lines.append(f"- **Not used for decisions**: {judgement.reason}.")
    if ranking.empty:
        lines.append("- No customer booked in the last 12 months, so none is at risk.")
        return "\n".join(lines)
    at_risk = float(ranking["value_at_risk"].sum())
    top = ranking.iloc[0]
    high = int((ranking["risk"] >= 0.5).sum())
    lines.append(
        f"- Weighted by the risk from {scored_by}, "
        f"**{format_figure('analytics.churn_value_at_risk', at_risk)}** of last year's bookings "
        f"is at risk; {format_value(high, 'int')} of {format_value(len(ranking), 'int')} active "
        f"customers have a risk of 50% or more. The largest bookings at risk are at "
        f"**{top['account_name']}** ({top['rep_name']}, {_pct(top['risk'])} risk on "
        f"{_usd(top['bookings_12m'])} booked in the last 12 months)."
    )
    if judgement.use:
        row = churn.risk.loc[churn.risk["account_id"] == top["account_id"]].iloc[0]
        why = "; ".join(account_drivers(churn.final_model, row)["text"])
        lines.append(f"- Against a typical customer (in probability points): {why}.")
    return "\n".join(lines)


def coverage_by_role_table(market: MarketView) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """Accounts by the covering rep's role (rows) and segment (columns), with its columns."""
    frame = market.coverage_by_role.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    columns = [("role", "Role of the covering rep", "text")] + [
        (c, c, "int") for c in frame.columns if c != "role"
    ]
    return frame, columns
