"""Figures of territory alignment (``territory.*``)."""

from spm_models.registry import register_figure

PAGE = "10_territory_alignment"

register_figure(
    "territory.balance_cv_after",
    "Workload spread, optimised alignment",
    "pct",
    "Coefficient of variation of workload across territories after realignment.",
    page=PAGE,
    section="The optimised alignment",
    better="lower",
    headline=True,
)
register_figure(
    "territory.travel_km_after",
    "Weighted travel, optimised",
    "km",
    "Workload-weighted great-circle distance from accounts to their rep's home, after.",
    page=PAGE,
    section="The optimised alignment",
    better="lower",
    headline=True,
)
register_figure(
    "territory.gap",
    "Alignment optimality gap",
    "pct",
    "How far the alignment's objective can at most be from the best possible.",
    page=PAGE,
    section="The optimised alignment",
    better="lower",
    headline=True,
)
register_figure(
    "territory.accounts_moved_share",
    "Accounts moved",
    "pct",
    "Share of accounts whose rep changes in the new alignment.",
    page=PAGE,
    section="The optimised alignment",
    better="lower",
    headline=True,
)
