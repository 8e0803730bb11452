"""Figures of performance analytics (``analytics.*``)."""

from spm_models.registry import register_figure

PAGE = "50_performance_analytics"

register_figure(
    "analytics.share_on_pace",
    "Reps on pace",
    "pct",
    "Share of reps whose bookings to date are at or above their seasonal pace.",
    page=PAGE,
    section="Attainment and pace",
    better="higher",
    headline=True,
)
register_figure(
    "analytics.win_model_auc",
    "Win model AUC",
    "num",
    "Area under the ROC curve of the win model on the time hold-out.",
    page=PAGE,
    section="Win model",
    better="higher",
    headline=True,
)
