"""Figures of quota setting (``quota.*``)."""

from spm_models.registry import register_figure

PAGE = "20_quota_capacity"
TARGET = "From the company target to a quota per rep"

register_figure(
    "quota.booking_types",
    "Bookings that count toward quota",
    "text",
    "The booking types whose bookings count toward quota, the target and capacity.",
    page=PAGE,
    section=TARGET,
)
register_figure(
    "quota.history_months",
    "Months of bookings history",
    "int",
    "Months of bookings history the trailing-year figures and the target are built from.",
    page=PAGE,
    section=TARGET,
    better="higher",
)
register_figure(
    "quota.alignment",
    "Territories quotas are set on",
    "text",
    "'optimised' when quotas follow the territory page's new alignment, else 'current'.",
    page=PAGE,
    section=TARGET,
)
register_figure(
    "quota.trailing_bookings",
    "Quota bookings, last 12 months",
    "usd",
    "Bookings of the quota booking types over the last 12 months (annualised when shorter).",
    page=PAGE,
    section=TARGET,
    better="higher",
)
register_figure(
    "quota.target",
    "Quota bookings target",
    "usd",
    "The plan year's bookings target on the quota booking types, before cushions.",
    page=PAGE,
    section=TARGET,
)
register_figure(
    "quota.total",
    "Total quota",
    "usd",
    "Sum of the annual quotas issued to reps, cushions included.",
    page=PAGE,
    section=TARGET,
    headline=True,
)
register_figure(
    "quota.over_assignment",
    "Over-assignment",
    "pct",
    "Total issued quota over the target, minus one (the cushions).",
    page=PAGE,
    section=TARGET,
)
register_figure(
    "quota.method",
    "Quota method",
    "text",
    "The allocation method whose quotas were issued.",
    page=PAGE,
    section="Five ways to split the target",
)
register_figure(
    "quota.fairness_band",
    "Fairness band",
    "pct",
    "Largest distance, in points, of a territory's quota-to-potential ratio from the company's.",
    page=PAGE,
    section="Fair quotas: quota against potential",
    better="lower",
)
register_figure(
    "quota.bottom_up_gap",
    "Target against bottom-up estimate",
    "pct",
    "Target over the bottom-up estimate from account potential, minus one.",
    page=PAGE,
    section=TARGET,
)
register_figure(
    "quota.expected_share_at_or_above",
    "Reps expected at or above quota",
    "pct",
    "Share of reps expected to reach their quota, from the attainment simulation.",
    page=PAGE,
    section="Will the reps make it? Expected attainment",
    better="higher",
    headline=True,
)
register_figure(
    "quota.verdict",
    "Quota difficulty",
    "text",
    "'too hard', 'healthy' or 'too easy' against 55% to 65% of reps at or above quota.",
    page=PAGE,
    section="Will the reps make it? Expected attainment",
)
register_figure(
    "quota.simulated_years",
    "Simulated plan years",
    "int",
    "Simulated years in the attainment simulation behind the expected share at quota.",
    page=PAGE,
    section="Will the reps make it? Expected attainment",
)
