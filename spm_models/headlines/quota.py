"""Figures of quota setting (``quota.*``)."""

from spm_models.registry import register_figure

PAGE = "20_quota_capacity"

register_figure(
    "quota.total",
    "Total quota",
    "usd",
    "Sum of the annual quotas issued to reps.",
    page=PAGE,
    section="Quotas",
    headline=True,
)
register_figure(
    "quota.expected_share_at_or_above",
    "Reps expected at or above quota",
    "pct",
    "Share of reps expected to reach their quota, from the attainment simulation.",
    page=PAGE,
    section="Expected attainment",
    better="higher",
    headline=True,
)
