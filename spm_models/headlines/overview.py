"""Figures of the data overview (``overview.*``)."""

from spm_models.registry import register_figure

PAGE = "01_data_overview"

register_figure(
    "overview.accounts",
    "Accounts",
    "int",
    "Number of accounts in the company's data.",
    page=PAGE,
    section="The company",
    headline=True,
)
register_figure(
    "overview.bookings_last_12m",
    "Bookings, last 12 months",
    "usd",
    "Bookings of every type in the 12 months up to the as-of date.",
    page=PAGE,
    section="The company",
    better="higher",
    headline=True,
)
register_figure(
    "overview.workload_cv_current",
    "Workload spread, current alignment",
    "pct",
    "Coefficient of variation of workload across today's staffed territories.",
    page=PAGE,
    section="How unbalanced today's alignment is",
    better="lower",
    headline=True,
)
