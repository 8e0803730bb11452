"""What the territory page publishes and says: solve-or-relax, figures, tables and sentences.

The notebook calls these functions and shows what they return; none of the sentences are
assembled in the notebook. Figures are the registered ``territory.*`` names (see
:mod:`spm_models.headlines.territory`); a figure that cannot be computed is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from spm_models.errors import InfeasibleModelError
from spm_models.overview import workload_cv, workload_cv_current
from spm_models.registry import format_figure, format_value
from spm_models.skipped import Skipped
from spm_models.territory.alignment import AlignmentResult, align_territories
from spm_models.territory.solve import SolveStatus, relative_gap

#: ``territory.gap_scope`` values.
ALL_PAIRS = "all account-rep pairs"
CANDIDATE_PAIRS = "the candidate pairs only"

#: A rep "gains" or "loses" when its workload changes by more than this share.
CHANGE_THRESHOLD = 0.05

#: Options that make an alignment balance-only when the data has no locations: no travel
#: term (every distance is zero), every rep a candidate, and the fewest accounts moved.
BALANCE_ONLY = {"weight": "none", "k_nearest": None, "move_penalty": 1.0}


@dataclass(frozen=True)
class Relaxation:
    """The relaxation applied to an impossible request.

    Attributes
    ----------
    family : str
        The blocking constraint family the diagnosis named.
    reason : str
        Why the request is impossible, in plain words.
    changes : dict
        ``{option: (requested, used)}`` for every option changed.
    """

    family: str
    reason: str
    changes: dict = field(default_factory=dict)

    def describe(self) -> str:
        """What was relaxed, in plain words, e.g. "at most 36.0% of accounts moved (asked 0.0%)"."""
        parts = []
        for option, (asked, used) in self.changes.items():
            if option == "max_disruption":
                parts.append(
                    f"at most {format_value(used, 'pct')} of accounts moved "
                    f"(asked: {format_value(asked, 'pct')})"
                )
            elif option == "tolerance":
                parts.append(
                    f"a balance tolerance of ±{format_value(used, 'pct')} "
                    f"(asked: ±{format_value(asked, 'pct')})"
                )
            elif option == "k_nearest":
                parts.append("every rep considered for every account")
            elif option == "lock_regions":
                parts.append("no region locked")
        return ", ".join(parts)

    def sentence(self) -> str:
        """One sentence for the report."""
        reason = self.reason.strip().rstrip(".")
        return (
            f"The requested alignment is impossible: {reason}. This report uses the smallest "
            f"relaxation that works: {self.describe()}."
        )


@dataclass(frozen=True)
class SolvedAlignment:
    """An alignment with the options it was solved with and the relaxation, if any.

    Attributes
    ----------
    result : AlignmentResult
        The alignment.
    options : dict
        Options of the solve that produced ``result`` (after any relaxation).
    relaxation : Relaxation or None
        What was relaxed to make the request feasible (None: solved as asked).
    travel : bool
        False when the alignment balanced workload only (no locations in the data).
    """

    result: AlignmentResult
    options: dict
    relaxation: Relaxation | None = None
    travel: bool = True


def _plain_reason(exc: InfeasibleModelError) -> str:
    if exc.family.startswith("balance") or exc.family == "disruption_cap":
        return exc.reason
    return (
        "no alignment satisfies the locked regions, the candidate reps per account and the "
        "other rules together"
    )


def choose_relaxation(exc: InfeasibleModelError, options: dict) -> Relaxation:
    """The relaxation to apply for a diagnosed infeasibility (a pure function of both).

    The disruption cap is raised just above the smallest share that works when the cap blocks;
    otherwise the tolerance is widened just above the smallest that works; otherwise every rep
    becomes a candidate and no region stays locked.
    """
    details = exc.details or {}
    cap = options.get("max_disruption")
    if "min_disruption" in details and cap is not None:
        used = min(1.0, float(details["min_disruption"]) + 0.01)
        return Relaxation(exc.family, _plain_reason(exc), {"max_disruption": (cap, used)})
    if "min_tolerance" in details:
        needed = details["min_tolerance"]
        low = max(needed.values()) if isinstance(needed, dict) else float(needed)
        asked = options.get("tolerance", 0.10)
        return Relaxation(exc.family, _plain_reason(exc), {"tolerance": (asked, low + 0.01)})
    changes = {"k_nearest": (options.get("k_nearest"), None)}
    if options.get("lock_regions"):
        changes["lock_regions"] = (options["lock_regions"], [])
    return Relaxation(exc.family, _plain_reason(exc), changes)


def balance_only_tables(
    accounts: pd.DataFrame, reps: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Copies of the tables with every account and rep at one point (no travel term).

    Used only inside :func:`solve_or_relax` when the data has no locations; the published
    assignment drops the coordinates again (see :func:`chain_assignment`).
    """
    acc = accounts.assign(lat=0.0, lon=0.0)
    rep = reps.assign(home_lat=0.0, home_lon=0.0)
    return acc, rep


def solve_or_relax(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    travel: bool = True,
    time_limit: float | None = 60.0,
    mip_gap: float = 0.005,
    reprice: int = 3,
    **options,
) -> SolvedAlignment:
    """Solve the alignment as asked; if impossible, apply the diagnosed relaxation and re-solve.

    Parameters
    ----------
    accounts, reps : pandas.DataFrame
        Tables in the schema of :mod:`spm_models.data.schema`.
    travel : bool
        False when the data has no usable locations: the alignment then balances only
        (no travel term, every rep a candidate, the fewest accounts moved).
    time_limit, mip_gap : float
        Per solve, as in :func:`align_territories`.
    reprice : int
        Rounds that add pruned pairs pricing out negative and re-solve in the time left
        (0 by default: under a time limit a re-solve can end with a worse incumbent, and the
        pruning check's bound already states the gap over every pair).
    **options
        Alignment options (``balance``, ``tolerance``, ``max_disruption``, ``lock_regions``,
        ``k_nearest``...).

    Returns
    -------
    SolvedAlignment

    Raises
    ------
    InfeasibleModelError
        When even the relaxed request has no alignment.
    """
    opts = dict(options)
    if not travel:
        accounts, reps = balance_only_tables(accounts, reps)
        opts.update(BALANCE_ONLY)

    def solve(o: dict) -> AlignmentResult:
        return align_territories(
            accounts, reps, time_limit=time_limit, mip_gap=mip_gap, reprice=reprice, **o
        )

    try:
        return SolvedAlignment(solve(opts), opts, None, travel)
    except InfeasibleModelError as exc:
        relaxation = choose_relaxation(exc, opts)
    relaxed = {**opts, **{k: used for k, (_, used) in relaxation.changes.items()}}
    return SolvedAlignment(solve(relaxed), relaxed, relaxation, travel)


def all_pairs_gap(result: AlignmentResult, n_reps: int) -> tuple[float, str]:
    """The gap and what it holds for: all account-rep pairs when provable, else the candidates.

    Without pruning the solver's gap holds for every pair. With pruning, the bound over all
    pairs is the Lagrangian bound of the pruning check (or the pruned LP bound when no pruned
    pair prices out negative, which makes it valid for all pairs too).
    """
    k = result.spec.k_nearest
    if k is None or k >= n_reps:
        return float(result.gap), ALL_PAIRS
    check = result.pruning
    if check is None:
        return float(result.gap), CANDIDATE_PAIRS
    bound = float(check.bound_all_pairs)
    if check.ok:
        bound = max(bound, float(check.bound_pruned))
    return float(relative_gap(result.objective, bound)), ALL_PAIRS


def weighted_travel(assignment: pd.DataFrame, column: str) -> float | None:
    """Workload-weighted mean distance (km) from accounts to their rep's home.

    It is the optimiser's travel objective divided by the total workload of the accounts
    counted, so it moves exactly as the objective does. None when no account has a distance.
    """
    w = assignment["workload"].to_numpy(float)
    d = assignment[column].to_numpy(float)
    ok = np.isfinite(d)
    if not ok.any() or w[ok].sum() <= 0:
        return None
    return float((w[ok] * d[ok]).sum() / w[ok].sum())


def territory_changes(result: AlignmentResult, reps: pd.DataFrame) -> pd.DataFrame:
    """Who gains and who loses: per rep, workload and accounts before and after.

    Returns
    -------
    DataFrame
        ``rep_id``, ``rep_name``, ``status``, ``accounts_before``, ``accounts_after``,
        ``accounts_in``, ``accounts_out``, ``workload_before``, ``workload_after``,
        ``workload_change`` (relative; None when the rep had none), ``change`` ("gains",
        "loses" or "about the same": beyond ±5% of its workload), sorted by change.
    """
    a = result.assignment
    t = result.territories
    names = reps.set_index(reps["rep_id"].astype(str))
    moved = a[a["moved"]]
    out = pd.DataFrame({"rep_id": t["rep_id"].astype(str).to_numpy()})
    out["rep_name"] = out["rep_id"].map(names.get("rep_name", {}))
    out["status"] = out["rep_id"].map(names.get("status", {}))
    out["accounts_before"] = t["accounts_before"].to_numpy()
    out["accounts_after"] = t["accounts"].to_numpy()
    out["accounts_in"] = out["rep_id"].map(moved["new_rep_id"].value_counts()).fillna(0)
    out["accounts_out"] = out["rep_id"].map(moved["old_rep_id"].value_counts()).fillna(0)
    out["workload_before"] = t["workload_before"].to_numpy(float)
    out["workload_after"] = t["workload"].to_numpy(float)
    before, after = out["workload_before"], out["workload_after"]
    out["workload_change"] = [
        (y / x - 1) if x > 0 else None for x, y in zip(before, after, strict=True)
    ]
    gains = after > before * (1 + CHANGE_THRESHOLD) + 1e-9
    loses = after < before * (1 - CHANGE_THRESHOLD) - 1e-9
    out["change"] = np.where(gains, "gains", np.where(loses, "loses", "about the same"))
    out[["accounts_in", "accounts_out"]] = out[["accounts_in", "accounts_out"]].astype(int)
    order = (after - before).sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


#: Columns of :func:`territory_changes` for ``show_table``.
CHANGES_COLUMNS = [
    ("rep_id", "Territory", "text"),
    ("rep_name", "Rep", "text"),
    ("change", "Change", "text"),
    ("workload_before", "Calls per year, today", "int"),
    ("workload_after", "Calls per year, proposed", "int"),
    ("workload_change", "Workload change", "pct"),
    ("accounts_in", "Accounts gained", "int"),
    ("accounts_out", "Accounts lost", "int"),
]


def chain_assignment(solved: SolvedAlignment) -> pd.DataFrame:
    """The ``assignment`` table for later pages: ``account_id``, ``current_rep_id``, ``rep_id``.

    Also carries ``moved``, ``region``, ``workload``, ``potential`` and, for readers written
    before the contract, ``old_rep_id`` and ``new_rep_id``; distances only with locations.
    With map units, ``unit_id`` (the 5-digit county FIPS code or the ZIP) follows
    ``account_id``, as in the ``assignment.csv`` of ``spm align``.
    """
    a = solved.result.assignment
    out = pd.DataFrame(
        {
            "account_id": a["account_id"],
            "current_rep_id": a["old_rep_id"],
            "rep_id": a["new_rep_id"],
            "moved": a["moved"],
            "region": a["region"],
            "workload": a["workload"],
            "potential": a["potential"],
            "old_rep_id": a["old_rep_id"],
            "new_rep_id": a["new_rep_id"],
        }
    )
    if "unit_id" in a:
        out.insert(1, "unit_id", a["unit_id"])
    if solved.travel:
        out["distance_km"] = a["distance_km"]
        out["current_distance_km"] = a["old_distance_km"]
    return out


def chain_territories(solved: SolvedAlignment, reps: pd.DataFrame) -> pd.DataFrame:
    """The ``territories`` table: per rep, loads before and after, targets and deviations."""
    t = solved.result.territories.copy()
    names = reps.set_index(reps["rep_id"].astype(str))
    t.insert(1, "rep_name", t["rep_id"].astype(str).map(names["rep_name"]))
    if not solved.travel:
        t = t.drop(columns=["mean_distance_km", "max_distance_km"], errors="ignore")
    return t


def alignment_figures(company, solved: SolvedAlignment) -> dict[str, object]:
    """The registered ``territory.*`` figures (and today's ``overview.workload_cv_current``).

    Weighted travel is written only when the data has locations; a figure with a zero
    denominator is left out.
    """
    result = solved.result
    a = result.assignment
    s = result.summary
    gap, scope = all_pairs_gap(result, len(result.territories))
    figures: dict[str, object] = {
        "territory.status": str(result.status),
        "territory.gap": gap,
        "territory.gap_scope": scope,
        "territory.tolerance": float(solved.options.get("tolerance", 0.10)),
        "territory.accounts_moved": int(s["accounts_moved"]),
        "territory.accounts_moved_share": float(s["accounts_moved_share"]),
        "territory.potential_moved_share": float(s["potential_moved_share"]),
    }
    if solved.options.get("max_disruption") is not None:
        figures["territory.max_disruption"] = float(solved.options["max_disruption"])
    if solved.relaxation is not None:
        figures["territory.relaxation"] = solved.relaxation.describe()
    before = workload_cv_current(company)
    after = workload_cv(a, a["new_rep_id"], company.reps)
    if before is not None:
        figures["overview.workload_cv_current"] = before
    if after is not None:
        figures["territory.balance_cv_after"] = after
    if solved.travel:
        wb, wa = weighted_travel(a, "old_distance_km"), weighted_travel(a, "distance_km")
        if wb is not None:
            figures["territory.weighted_travel_before"] = wb
        if wa is not None:
            figures["territory.weighted_travel_after"] = wa
        if wb and wa is not None:
            figures["territory.weighted_travel_change"] = wa / wb - 1
    changes = territory_changes(result, company.reps)
    figures["territory.reps_gaining"] = int((changes["change"] == "gains").sum())
    figures["territory.reps_losing"] = int((changes["change"] == "loses").sum())
    return figures


def gap_sentence(figures: dict[str, object]) -> str:
    """How good the alignment is proven to be, and against which pairs."""
    gap = float(figures["territory.gap"])  # type: ignore[arg-type]
    scope = figures["territory.gap_scope"]
    if gap == 0:
        text = f"The alignment is proven optimal against {scope}"
    elif gap < 0.0005:
        text = (
            f"The alignment is within less than 0.1% of the best possible, proven against {scope}"
        )
    else:
        text = (
            f"The alignment is within {format_figure('territory.gap', gap)} of the best "
            f"possible, proven against {scope}"
        )
    if scope == CANDIDATE_PAIRS:
        text += (
            ": each account was offered only its nearest reps, and the pairs left out were not "
            "checked, so a better alignment over all pairs may exist"
        )
    return text + "."


def balance_sentence(figures: dict[str, object], metric: str) -> str:
    """Workload spread today and after, and the band every territory is held to."""
    tol = format_value(figures["territory.tolerance"], "pct")
    what = {"accounts": "number of accounts"}.get(metric, metric)
    held = (
        f"every territory's {what} is held within ±{tol} of its target (targets follow each "
        "seat's FTE, so ramping seats carry less)"
    )
    if "territory.balance_cv_after" not in figures:
        return f"Workload spread is n/a: no staffed territory carries any workload; {held}."
    after = format_figure("territory.balance_cv_after", figures["territory.balance_cv_after"])
    if "overview.workload_cv_current" in figures:
        before = format_figure(
            "overview.workload_cv_current", figures["overview.workload_cv_current"]
        )
        return f"Workload spread falls from {before} today to {after}; {held}."
    return f"Workload spread after realignment is {after}; {held}."


def disruption_sentence(figures: dict[str, object], cap_counts: str = "accounts") -> str:
    """How many accounts change rep, the potential they hold, and the cap.

    ``cap_counts`` says what the cap is a share of: with map units it counts the accounts
    of units that change rep, not every account that does.
    """
    moved = format_figure("territory.accounts_moved", figures["territory.accounts_moved"])
    share = format_figure(
        "territory.accounts_moved_share", figures["territory.accounts_moved_share"]
    )
    pot = format_figure(
        "territory.potential_moved_share", figures["territory.potential_moved_share"]
    )
    cap = (
        f"the cap is {format_value(figures['territory.max_disruption'], 'pct')} of {cap_counts}"
        if "territory.max_disruption" in figures
        else "there is no cap"
    )
    return (
        f"{moved} accounts ({share}) change rep, holding {pot} of the potential ({cap}). "
        f"{figures['territory.reps_gaining']} reps gain and {figures['territory.reps_losing']} "
        f"lose more than {format_value(CHANGE_THRESHOLD, 'pct')} of their workload."
    )


def travel_sentence(figures: dict[str, object], travel: bool) -> str:
    """Weighted travel before and after, or why there is none."""
    if not travel:
        return (
            "The data has no locations for accounts and rep homes, so this alignment balances "
            "workload only: there is no travel term, and among the balanced alignments it "
            "moves the fewest accounts."
        )
    if "territory.weighted_travel_after" not in figures:
        return "Weighted travel is n/a: no account carries any workload."
    after = format_figure(
        "territory.weighted_travel_after", figures["territory.weighted_travel_after"]
    )
    text = (
        "Weighted travel (the workload-weighted distance from an account to its rep's home, "
        f"which the optimiser minimises) is {after} under the proposed alignment"
    )
    if "territory.weighted_travel_change" in figures:
        before = format_figure(
            "territory.weighted_travel_before", figures["territory.weighted_travel_before"]
        )
        change = float(figures["territory.weighted_travel_change"])  # type: ignore[arg-type]
        text += f", against {before} today ({change:+.1%})"
    return text + "."


def summary_sentences(figures: dict[str, object], solved: SolvedAlignment) -> list[str]:
    """The page's summary, one sentence per topic, built from the registered figures."""
    metric = solved.options.get("balance", ["workload"])[0]
    out = [] if solved.relaxation is None else [solved.relaxation.sentence()]
    out += [
        gap_sentence(figures),
        balance_sentence(figures, metric),
        disruption_sentence(figures, _cap_counts(solved)),
        travel_sentence(figures, solved.travel),
    ]
    return out


def _cap_counts(solved: SolvedAlignment) -> str:
    """What the disruption cap of this solve counts (see ``align_units``' ``disruption``)."""
    by_unit = solved.options.get("units", "account") != "account"
    if by_unit and solved.options.get("disruption", "unit") == "unit":
        return "accounts, counted in the counties that change rep"
    return "accounts"


def band_sentence(result: AlignmentResult, metric: str) -> str:
    """The territory furthest from its target, and how many territories receive accounts."""
    t = result.territories
    dev = pd.to_numeric(t[f"deviation_{metric}"], errors="coerce")
    receiving = int((t["accounts_moved_in"] > 0).sum())
    tail = f"{receiving} of {len(t)} territories receive at least one account."
    if dev.notna().sum() == 0:
        return tail
    worst = t.loc[dev.abs().idxmax()]
    return (
        f"The territory furthest from its target is {worst['rep_id']} at "
        f"{float(dev.loc[dev.abs().idxmax()]):+.1%}; {tail}"
    )


def green_field_skip(accounts: pd.DataFrame, seats: int, travel: bool) -> Skipped | None:
    """Why the green-field p-median cannot run (no locations, too few of them), or None."""
    section = "The green-field sketch"
    if not travel:
        return Skipped(section, "the data has no locations", "coordinates or a ZIP per account")
    places = accounts[["lat", "lon"]].round(4).drop_duplicates()
    if len(places) < max(2, seats):
        return Skipped(
            section,
            f"the accounts sit at {format_value(len(places), 'int')} distinct locations, fewer "
            f"than the {format_value(seats, 'int')} territories to centre",
            "at least one distinct account location per territory",
        )
    return None


def frontier_skip(travel: bool, points: int) -> Skipped | None:
    """Why the trade-off frontier is not shown, or None."""
    section = "The trade-off frontier"
    if points <= 0:
        return Skipped(section, "this scenario does not ask for it")
    if not travel:
        return Skipped(
            section,
            "the data has no locations, so there is no travel to trade against balance",
            "coordinates or a ZIP per account",
        )
    return None


def is_proven(status: str, gap: float, stated_gap: float) -> bool:
    """True when a point is solved to the stated gap (or proven optimal)."""
    return status == SolveStatus.OPTIMAL or (np.isfinite(gap) and gap <= stated_gap + 1e-9)


def frontier_sentence(sweep: pd.DataFrame, stated_gap: float, scope: str = ALL_PAIRS) -> str:
    """How many sweep points are proven and efficient, and the lowest-travel efficient one.

    ``scope`` says what the points' gaps hold for (see :func:`frontier_scope`).
    """
    solved = sweep[sweep["status"].isin(["optimal", "feasible"])]
    proven = solved[solved["proven"].astype(bool)]
    gap = format_value(stated_gap, "pct")
    text = (
        f"{len(proven)} of {len(sweep)} grid points were solved to within {gap} of the best "
        f"possible over {scope}"
    )
    unproven = len(solved) - len(proven)
    if unproven:
        verb = "was" if unproven == 1 else "were"
        text += f"; {unproven} stopped short of it and {verb} drawn hollow as not proven"
    if len(proven) == 0:
        return text + ", so no point is called efficient."
    eff = proven[proven["efficient"].astype(bool)].sort_values("weighted_travel_km")
    if eff.empty:
        return text + "."
    best = eff.iloc[0]
    cap = (
        "no cap on moves"
        if pd.isna(best["max_disruption"])
        else f"at most {format_value(best['max_disruption'], 'pct')} of accounts moved"
    )
    return (
        f"{text}. {len(eff)} of the proven points are efficient (no other proven point is better "
        "on weighted travel, workload spread and accounts moved at once); the lowest-travel one "
        f"is ±{format_value(best['tolerance'], 'pct')} with {cap}: weighted travel "
        f"{format_value(best['weighted_travel_km'], 'km')}."
    )


def frontier_table(sweep: pd.DataFrame) -> pd.DataFrame:
    """The sweep as a reader sees it: plain words for status, proven and efficient."""
    out = sweep.copy()
    out["result"] = np.where(
        ~out["status"].isin(["optimal", "feasible"]),
        "impossible",
        np.where(out["proven"].astype(bool), "proven", "not proven"),
    )
    out["efficient_text"] = np.where(out["efficient"].astype(bool), "yes", "no")
    return out


#: Columns of :func:`frontier_table` for ``show_table``.
FRONTIER_TABLE_COLUMNS = [
    ("tolerance", "Balance tolerance", "pct"),
    ("max_disruption", "Disruption cap", "pct"),
    ("result", "Result", "text"),
    ("gap", "Gap", "pct"),
    ("weighted_travel_km", "Weighted travel", "km"),
    ("workload_spread", "Workload spread", "pct"),
    ("accounts_moved_share", "Accounts moved", "pct"),
    ("efficient_text", "Efficient", "text"),
]


#: The figures the territory page shows in its summary table (the executive summary prints
#: them identically).
KEY_FIGURES = [
    "territory.status",
    "territory.gap",
    "territory.gap_scope",
    "territory.relaxation",
    "overview.workload_cv_current",
    "territory.balance_cv_after",
    "territory.accounts_moved",
    "territory.accounts_moved_share",
    "territory.potential_moved_share",
    "territory.weighted_travel_before",
    "territory.weighted_travel_after",
    "territory.weighted_travel_change",
    "territory.reps_gaining",
    "territory.reps_losing",
]


def frontier_grid(
    tolerance: float, cap: float | None, points: int
) -> tuple[list[float], list[float | None]]:
    """Tolerances and caps of the sweep; the first of each is exactly the main solve's.

    Further points widen the tolerance (1.5x, 2x) and raise the cap (1.5x, 2x; 50% when
    there is no cap), so the main solve is always one grid point and is reused as such.
    """
    factors = (1.5, 2.0)[: max(points - 1, 0)]
    tols = [float(tolerance)] + [round(tolerance * f, 4) for f in factors]
    base = 0.5 if cap is None else cap
    caps: list[float | None] = [cap] + [min(1.0, round(base * f, 4)) for f in factors]
    unique_tols = list(dict.fromkeys(tols))
    unique_caps = list(dict.fromkeys(caps))
    return unique_tols, unique_caps


def frontier_scope(k_nearest: int | None, n_reps: int) -> str:
    """What the sweep's gaps hold for (its points are solved on the candidate pairs)."""
    return ALL_PAIRS if not k_nearest or k_nearest >= n_reps else CANDIDATE_PAIRS


def green_field_sentence(centres, figures: dict[str, object], accounts: pd.DataFrame) -> str:
    """Green-field weighted distance against today's and the proposed alignment's."""
    total = float(accounts["workload"].sum())
    if not centres.status.is_ok or total <= 0:
        return (
            "The green-field model found no solution within its time limit, so no centres "
            "are drawn."
        )
    km = format_value(centres.objective / total, "km")
    gap = "proven optimal" if centres.gap == 0 else f"within {format_value(centres.gap, 'pct')}"
    text = (
        f"Built from scratch with {format_value(len(centres.centres), 'int')} territories, "
        f"weighted travel to the territory centres would be {km} ({gap} of the best "
        "possible over clusters of accounts)"
    )
    if "territory.weighted_travel_before" in figures and "territory.weighted_travel_after" in (
        figures
    ):
        before = format_figure(
            "territory.weighted_travel_before", figures["territory.weighted_travel_before"]
        )
        after = format_figure(
            "territory.weighted_travel_after", figures["territory.weighted_travel_after"]
        )
        text += (
            f", against {before} to today's rep homes and {after} under the proposed "
            "alignment, which keeps today's homes and limits moves"
        )
    return text + "."


def green_field_infeasible(exc: InfeasibleModelError) -> Skipped:
    """The green-field section's sentence when its clustered model has no solution."""
    return Skipped(
        "The green-field sketch",
        f"{exc.reason.strip().rstrip('.')}; it works on clusters of accounts, and a cluster "
        "cannot be split between territories while the alignment above splits accounts freely",
    )


def unit_map_skip(result) -> Skipped | None:
    """Why a unit alignment has no county maps (no unit solution in time), or None."""
    units = getattr(result, "units", None)
    if units is None or not len(units):
        return Skipped(
            "The county maps",
            "the optimiser found no alignment of whole counties within its time limit",
            "a longer time limit or a wider tolerance",
        )
    return None


def unit_map_sentence(result) -> str:
    """What the county maps show, with the contiguity outcome in plain words."""
    parts = result.territories["parts"]
    pieces = (
        "every territory is one connected piece (Alaska and Hawaii exempt)"
        if (parts <= 1).all()
        else f"{int((parts > 1).sum())} territories are in more than one piece"
    )
    text = (
        "Each county is filled with its territory's colour; neighbouring territories never share "
        "a colour, so a colour repeats only far apart. Dots are rep homes; hatched counties change "
        f"rep. Proposed: {len(result.units):,} counties or ZIP cells, {pieces}."
    )
    if result.spec.max_disruption is not None:
        text += (
            " The disruption cap counts the accounts of counties that change rep; accounts of a "
            "county that several reps share today move with the county, so more accounts can "
            "change rep than the cap."
        )
    if result.off_home:
        text += (
            f" {len(result.off_home)} territories hold no county at or next to their rep's home "
            f"({', '.join(result.off_home[:5])})."
        )
    return text
