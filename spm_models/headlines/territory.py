"""Figures of territory alignment (``territory.*``)."""

from spm_models.registry import register_figure

PAGE = "10_territory_alignment"
SUMMARY = "Summary for leadership"
FRONTIER = "Trade-off frontier"

register_figure(
    "territory.status",
    "Alignment solve status",
    "text",
    "Whether the optimiser proved its alignment optimal or stopped with a gap.",
    page=PAGE,
    section=SUMMARY,
)
register_figure(
    "territory.gap",
    "Alignment optimality gap",
    "pct",
    "How far the alignment's travel objective can at most be from the best possible; "
    "the gap scope says whether that holds for all account-rep pairs or the candidates only.",
    page=PAGE,
    section=SUMMARY,
    better="lower",
    headline=True,
)
register_figure(
    "territory.gap_scope",
    "Gap proven against",
    "text",
    "The pairs the gap holds for: all account-rep pairs, or only the candidate pairs offered.",
    page=PAGE,
    section=SUMMARY,
)
register_figure(
    "territory.tolerance",
    "Balance tolerance used",
    "pct",
    "Allowed deviation of each territory's balanced metric from its target in the solve.",
    page=PAGE,
    section=SUMMARY,
)
register_figure(
    "territory.max_disruption",
    "Disruption cap used",
    "pct",
    "Largest share of accounts the solve was allowed to move off their current rep.",
    page=PAGE,
    section=SUMMARY,
)
register_figure(
    "territory.relaxation",
    "Relaxation applied",
    "text",
    "What was relaxed because the requested alignment was impossible.",
    page=PAGE,
    section=SUMMARY,
)
register_figure(
    "territory.balance_cv_after",
    "Workload spread, optimised alignment",
    "pct",
    "Coefficient of variation of account workload summed per staffed (non-vacant) territory "
    "of the new alignment (same definition as today's workload spread).",
    page=PAGE,
    section=SUMMARY,
    better="lower",
    headline=True,
)
register_figure(
    "territory.accounts_moved",
    "Accounts moved",
    "int",
    "Number of accounts whose rep changes in the new alignment.",
    page=PAGE,
    section=SUMMARY,
    better="lower",
)
register_figure(
    "territory.accounts_moved_share",
    "Share of accounts moved",
    "pct",
    "Share of accounts with a current rep whose rep changes in the new alignment.",
    page=PAGE,
    section=SUMMARY,
    better="lower",
    headline=True,
)
register_figure(
    "territory.potential_moved_share",
    "Share of potential moved",
    "pct",
    "Share of the potential of currently assigned accounts held by accounts that move.",
    page=PAGE,
    section=SUMMARY,
    better="lower",
)
register_figure(
    "territory.weighted_travel_before",
    "Weighted travel, current alignment",
    "km",
    "Workload-weighted mean distance from accounts to their rep's home today (the "
    "optimiser's travel objective divided by total workload).",
    page=PAGE,
    section=SUMMARY,
    better="lower",
)
register_figure(
    "territory.weighted_travel_after",
    "Weighted travel, optimised alignment",
    "km",
    "Workload-weighted mean distance from accounts to their rep's home after realignment "
    "(the optimiser's travel objective divided by total workload).",
    page=PAGE,
    section=SUMMARY,
    better="lower",
)
register_figure(
    "territory.weighted_travel_change",
    "Weighted travel change",
    "pct",
    "Relative change of weighted travel from today to the optimised alignment (signed).",
    page=PAGE,
    section=SUMMARY,
    better="lower",
)
register_figure(
    "territory.reps_gaining",
    "Reps gaining workload",
    "int",
    "Reps whose workload rises by more than 5% in the new alignment.",
    page=PAGE,
    section=SUMMARY,
)
register_figure(
    "territory.reps_losing",
    "Reps losing workload",
    "int",
    "Reps whose workload falls by more than 5% in the new alignment.",
    page=PAGE,
    section=SUMMARY,
)
register_figure(
    "territory.frontier_proven",
    "Frontier points proven",
    "int",
    "Points of the trade-off sweep solved to the stated gap.",
    page=PAGE,
    section=FRONTIER,
)
