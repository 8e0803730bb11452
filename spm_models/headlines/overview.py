"""Figures of the data overview (``overview.*``)."""

from spm_models.registry import register_figure

PAGE = "01_data_overview"
COMPANY = "Headlines"
BALANCE = "How balanced are today's territories?"

register_figure(
    "overview.as_of",
    "Data as of",
    "date",
    "The company's as-of date: the last day of the latest month of bookings.",
    page=PAGE,
    section=COMPANY,
)
register_figure(
    "overview.accounts",
    "Accounts",
    "int",
    "Number of accounts in the company's data.",
    page=PAGE,
    section=COMPANY,
    headline=True,
)
register_figure(
    "overview.reps",
    "Rep seats",
    "int",
    "Number of rep seats, including vacant and ramping ones.",
    page=PAGE,
    section=COMPANY,
)
register_figure(
    "overview.vacant_reps",
    "Vacant seats",
    "int",
    "Rep seats with nobody in them today.",
    page=PAGE,
    section=COMPANY,
    better="lower",
)
register_figure(
    "overview.history_months",
    "Months of bookings history",
    "int",
    "Months from the first booked month to the as-of month, inclusive.",
    page=PAGE,
    section=COMPANY,
)
register_figure(
    "overview.bookings_last_12m",
    "Bookings, last 12 months (or whole history if shorter)",
    "usd",
    "Bookings of every type in the 12 months up to the as-of date, or over the whole history "
    "when it covers fewer months (see the months of bookings history).",
    page=PAGE,
    section=COMPANY,
    better="higher",
    headline=True,
)
register_figure(
    "overview.bookings_growth",
    "Bookings growth on the year before",
    "pct",
    "Bookings of the last 12 months against the 12 months before; only with 24 months of history.",
    page=PAGE,
    section=COMPANY,
    better="higher",
)
register_figure(
    "overview.open_pipeline",
    "Open pipeline",
    "usd",
    "Amount of every open opportunity at the as-of date.",
    page=PAGE,
    section=COMPANY,
    better="higher",
)
register_figure(
    "overview.workload_cv_current",
    "Workload spread, current alignment",
    "pct",
    "Coefficient of variation of account workload summed per staffed (non-vacant) territory "
    "of today's alignment.",
    page=PAGE,
    section=BALANCE,
    better="lower",
    headline=True,
)
