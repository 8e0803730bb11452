"""Figures of performance analytics (``analytics.*``)."""

from spm_models.registry import register_figure

PAGE = "50_performance_analytics"
PACE = "Who is on pace"
MARKET = "Where the market potential sits"
WIN = "Which open deals will close"
CHURN = "Which customers may churn"

register_figure(
    "analytics.as_of",
    "As-of date",
    "date",
    "The company's as-of date: the last day of its bookings history.",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.today",
    "Bookings known to",
    "date",
    "The day up to which bookings are counted (the as-of date unless set); later bookings "
    "are treated as unknown.",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.period_start",
    "Period tracked from",
    "date",
    "First day of the twelve-month period whose attainment is tracked.",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.period_end",
    "Period tracked to",
    "date",
    "Last day of the twelve-month period whose attainment is tracked.",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.pace_basis",
    "Pace measured",
    "text",
    "'seasonal' when a year of history before the period gives the monthly pattern, "
    "'linear' (even months) otherwise.",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.reps",
    "Reps with a quota this period",
    "int",
    "Reps with a quota in the period tracked.",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.quota_total",
    "Quota of the period tracked",
    "usd",
    "Sum of the ramped, prorated quotas of the period tracked (not next year's plan).",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.booked_to_date",
    "Booked to date",
    "usd",
    "Quota-credited bookings of the period known by the day bookings are counted to.",
    page=PAGE,
    section=PACE,
    better="higher",
)
register_figure(
    "analytics.attainment_to_date",
    "Quota booked to date",
    "pct",
    "Bookings to date over the period's quota, all reps together.",
    page=PAGE,
    section=PACE,
    better="higher",
)
register_figure(
    "analytics.expected_to_date",
    "Quota due by now",
    "pct",
    "Share of the period's quota that pace (seasonal or linear) says should be booked by now.",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.share_on_pace",
    "Reps on pace",
    "pct",
    "Share of reps whose bookings to date are at or above their pace (seasonal, or linear "
    "without a year of history before the period).",
    page=PAGE,
    section=PACE,
    better="higher",
    headline=True,
)
register_figure(
    "analytics.share_at_or_above_quota",
    "Reps projected at or above quota",
    "pct",
    "Share of reps whose projected end-of-period bookings reach their quota.",
    page=PAGE,
    section=PACE,
    better="higher",
)
register_figure(
    "analytics.expected_share_at_or_above",
    "Expected share of reps finishing this period at or above quota",
    "pct",
    "Mean of each rep's chance of finishing the period at or above quota, from how earlier "
    "projections missed.",
    page=PAGE,
    section=PACE,
    better="higher",
)
register_figure(
    "analytics.top20_share",
    "Bookings from the top 20% of reps",
    "pct",
    "Share of bookings to date that the top fifth of reps brought in.",
    page=PAGE,
    section=PACE,
)
register_figure(
    "analytics.whitespace_total",
    "Whitespace",
    "usd",
    "Annual potential minus the last twelve months' bookings (annualised on a shorter "
    "history), summed over accounts, never below zero per account.",
    page=PAGE,
    section=MARKET,
)
register_figure(
    "analytics.uncovered_whitespace",
    "Uncovered whitespace",
    "usd",
    "Whitespace on accounts no staffed rep covers (unassigned or on a vacant seat).",
    page=PAGE,
    section=MARKET,
    better="lower",
)
register_figure(
    "analytics.win_model_auc",
    "Win model AUC",
    "num",
    "Area under the ROC curve of the win model on the time hold-out.",
    page=PAGE,
    section=WIN,
    better="higher",
    headline=True,
)
register_figure(
    "analytics.stage_rate_auc",
    "Stage win rates AUC",
    "num",
    "Area under the ROC curve of stage win rates (the baseline) on the same hold-out.",
    page=PAGE,
    section=WIN,
    better="higher",
)
register_figure(
    "analytics.win_model_brier",
    "Win model Brier score",
    "num",
    "Mean squared error of the win model's probabilities on the hold-out.",
    page=PAGE,
    section=WIN,
    better="lower",
)
register_figure(
    "analytics.stage_rate_brier",
    "Stage win rates Brier score",
    "num",
    "Mean squared error of stage win rates on the hold-out.",
    page=PAGE,
    section=WIN,
    better="lower",
)
register_figure(
    "analytics.win_model_calibration_error",
    "Win model calibration error",
    "pct",
    "Mean gap between predicted and observed win rates across score deciles of the hold-out.",
    page=PAGE,
    section=WIN,
    better="lower",
)
register_figure(
    "analytics.win_model_verdict",
    "Win model",
    "text",
    "'used' when it beats stage win rates and shows no sign of leakage; otherwise why not.",
    page=PAGE,
    section=WIN,
)
register_figure(
    "analytics.pipeline_expected_value",
    "Open pipeline weighted by the win model",
    "usd",
    "Open opportunities' amounts times the win model's probabilities (only when the model "
    "is used).",
    page=PAGE,
    section=WIN,
)
register_figure(
    "analytics.pipeline_stage_value",
    "Open pipeline weighted by stage win rates",
    "usd",
    "Open opportunities' amounts times the win rate of their stage.",
    page=PAGE,
    section=WIN,
)
register_figure(
    "analytics.churn_auc",
    "Churn model AUC",
    "num",
    "Area under the ROC curve of the churn model on the latest labelled cutoff.",
    page=PAGE,
    section=CHURN,
    better="higher",
)
register_figure(
    "analytics.churn_recency_auc",
    "Recency rule AUC",
    "num",
    "Area under the ROC curve of the churn rate by months since the last booking (the "
    "baseline) on the same cutoff.",
    page=PAGE,
    section=CHURN,
    better="higher",
)
register_figure(
    "analytics.churn_brier",
    "Churn model Brier score",
    "num",
    "Mean squared error of the churn model's probabilities on the evaluation cutoff.",
    page=PAGE,
    section=CHURN,
    better="lower",
)
register_figure(
    "analytics.churn_model_verdict",
    "Churn model",
    "text",
    "'used' when it beats the recency rule and shows no sign of leakage; otherwise why not.",
    page=PAGE,
    section=CHURN,
)
register_figure(
    "analytics.churn_value_at_risk",
    "Bookings at risk of churn",
    "usd",
    "Last twelve months' bookings of active customers weighted by their churn risk (from the "
    "churn model, or the recency rule when the model does not beat it).",
    page=PAGE,
    section=CHURN,
    better="lower",
)
