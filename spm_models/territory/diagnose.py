"""Why an alignment is infeasible, what would fix it, and whether pruning cost anything.

* :func:`diagnose_infeasibility` first runs exact structural checks (an account with no
  allowed rep, conflicting locks, locked load above a rep's maximum, one account larger than
  every band it may join, totals outside the sum of the bands), then solves *elastic*
  versions of the model: one with a free extra tolerance ``s`` on every balance row
  (minimise ``s``: the smallest tolerance that works), one with an elastic disruption cap
  (minimise the excess: the smallest cap that works).
* :func:`check_pruning` prices every account-rep pair left out by candidate pruning with
  the LP duals of the pruned model. A pair with a negative reduced cost could improve the
  solution; none means the LP bound holds for the unpruned model too. It also returns the
  Lagrangian bound over *all* pairs, valid whatever the prices say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import sparse

from spm_models.errors import InfeasibleModelError
from spm_models.territory.geo import distance_matrix_km
from spm_models.territory.inputs import AlignmentInputs
from spm_models.territory.lagrangian import dual_prices
from spm_models.territory.model import AssignmentModel, LinearModel, build_alignment, row_family
from spm_models.territory.solve import SolveStatus

MODEL_NAME = "territory alignment"


@dataclass(frozen=True)
class Diagnosis:
    """Why a model is infeasible and what relaxation would make it feasible.

    Attributes
    ----------
    family : str
        The blocking constraint family (``balance_workload``, ``disruption_cap``, ``lock``,
        ``max_distance``, ``forbidden``, ``mandatory``, ``pruning``).
    reason : str
        Plain-language explanation with figures.
    relaxation : str or None
        A change that makes the model feasible.
    details : dict
        Figures, e.g. ``{"min_tolerance": 0.042}``.
    """

    family: str
    reason: str
    relaxation: str | None = None
    details: dict = field(default_factory=dict)

    def to_error(self) -> InfeasibleModelError:
        """The :class:`InfeasibleModelError` carrying this diagnosis."""
        return InfeasibleModelError(
            MODEL_NAME, self.family, self.reason, self.relaxation, dict(self.details)
        )


def _pct(v: float) -> str:
    return f"{100 * v:.3g}%"


def _structural(inputs: AlignmentInputs, model: AssignmentModel) -> Diagnosis | None:
    acc_ids = inputs.accounts["account_id"].to_numpy()
    rep_ids = inputs.reps["rep_id"].to_numpy()
    spec = inputs.spec
    item, agent = model.arc_item, model.arc_agent
    dist = inputs.arcs["distance_km"].to_numpy()
    allowed = model.arcs_allowed()
    forced = model.arcs_forced()
    # 1. Forced arcs that a banning family forbids.
    for fam_fix, idx in model.fixed.items():
        bad = idx[~allowed[idx]]
        if bad.size:
            j = bad[0]
            ban = next(f for f, b in model.banned.items() if j in set(b.tolist()))
            return Diagnosis(
                fam_fix,
                f"account {acc_ids[item[j]]} must stay with rep {rep_ids[agent[j]]} ({fam_fix}) "
                f"but that pair is excluded by {ban}"
                + (
                    f" ({dist[j]:.0f} km > {spec.max_distance_km:g} km)"
                    if ban == "max_distance"
                    else ""
                ),
                f"drop the {fam_fix} on account {acc_ids[item[j]]} or the {ban} rule for it",
                {"account_id": acc_ids[item[j]], "rep_id": rep_ids[agent[j]], "conflict": ban},
            )
    # 2. Accounts forced to two different reps.
    n_forced = np.bincount(item[forced], minlength=model.n_items)
    if (n_forced > 1).any():
        a = int(np.flatnonzero(n_forced > 1)[0])
        reps_ = sorted(rep_ids[agent[forced & (item == a)]])
        return Diagnosis(
            "mandatory",
            f"account {acc_ids[a]} is required to go to {len(reps_)} "
            f"reps at once ({', '.join(reps_)})",
            f"keep one mandatory rep for account {acc_ids[a]}",
            {"account_id": acc_ids[a], "reps": reps_},
        )
    # 3. Accounts with no allowed arc.
    n_allowed = np.bincount(item[allowed], minlength=model.n_items)
    if (n_allowed == 0).any():
        a = int(np.flatnonzero(n_allowed == 0)[0])
        count = int((n_allowed == 0).sum())
        mine = item == a
        fams = set()
        for fam, idx in model.banned.items():
            if mine[idx].any():
                fams.add(fam)
        not_forbidden = np.ones(len(item), dtype=bool)
        not_forbidden[model.banned.get("forbidden", np.zeros(0, dtype=np.int64))] = False
        if "max_distance" in fams and spec.max_distance_km is not None:
            stuck = np.flatnonzero(n_allowed == 0)
            pool = mine & not_forbidden
            need = float(dist[pool].min()) if pool.any() else float(dist[mine].min())
            need_all = max(
                float(dist[(item == b) & not_forbidden].min())
                for b in stuck
                if ((item == b) & not_forbidden).any()
            )
            return Diagnosis(
                "max_distance",
                f"{count} account(s) have no rep within {spec.max_distance_km:g} km, e.g. "
                f"account {acc_ids[a]} whose nearest candidate rep is {need:.0f} km away",
                f"raise the maximum distance to at least {math.ceil(need_all):.0f} km",
                {
                    "account_id": acc_ids[a],
                    "min_max_distance_km": math.ceil(need_all),
                    "accounts": count,
                },
            )
        return Diagnosis(
            "forbidden",
            f"{count} account(s) have every candidate rep forbidden, e.g. account {acc_ids[a]}",
            f"allow at least one candidate rep for account {acc_ids[a]} or raise k_nearest",
            {"account_id": acc_ids[a], "accounts": count},
        )
    # 4. Balance: forced load above a rep's maximum; one account above every band it may
    # join; totals outside the sum of the bands.
    for res in model.resources:
        metric = res.name
        tol = spec.tolerance_for(metric)
        target = res.target if res.target is not None else res.upper
        forced_load = np.bincount(
            agent[forced], weights=res.arc_usage[forced], minlength=model.n_agents
        )
        over = forced_load > res.upper + 1e-9
        if over.any():
            r = int(np.argmax(np.where(over, forced_load - res.upper, -np.inf)))
            need = forced_load[r] / target[r] - 1 if target[r] > 0 else math.inf
            return Diagnosis(
                "lock",
                f"locked or mandatory accounts give rep {rep_ids[r]} {metric} "
                f"{forced_load[r]:.4g}, above its maximum {res.upper[r]:.4g} (target "
                f"{target[r]:.4g} +{_pct(tol)})",
                f"unlock some of rep {rep_ids[r]}'s accounts or allow {metric} tolerance of at "
                f"least {_pct(need)}",
                {
                    "rep_id": rep_ids[r],
                    "forced_load": float(forced_load[r]),
                    "min_tolerance": float(need),
                },
            )
        reach = np.bincount(
            agent[allowed], weights=res.arc_usage[allowed], minlength=model.n_agents
        )
        short = np.isfinite(res.lower) & (reach < res.lower - 1e-9)
        if short.any():
            r = int(np.argmax(np.where(short, res.lower - reach, -np.inf)))
            pruned = spec.k_nearest is not None and spec.k_nearest < model.n_agents
            fam = "pruning" if pruned else f"balance_{metric}"
            return Diagnosis(
                fam,
                f"territory {rep_ids[r]} needs at least {res.lower[r]:.4g} {metric} but the "
                f"accounts that may join it carry only {reach[r]:.4g}"
                + (
                    f" (each account keeps only its {spec.k_nearest} nearest reps)"
                    if pruned
                    else ""
                ),
                f"raise k_nearest above {spec.k_nearest} or set rep_reach"
                if pruned
                else f"lower the target of {rep_ids[r]} or widen the tolerance",
                {"rep_id": rep_ids[r], "reachable": float(reach[r]), "needed": float(res.lower[r])},
            )
        best_cap = np.full(model.n_items, -np.inf)
        np.maximum.at(best_cap, item[allowed], res.upper[agent[allowed]])
        value = np.zeros(model.n_items)
        np.maximum.at(value, item, res.arc_usage)
        too_big = value > best_cap + 1e-9
        if too_big.any():
            a = int(np.argmax(np.where(too_big, value - best_cap, -np.inf)))
            j = np.flatnonzero((item == a) & allowed)
            r = int(agent[j[np.argmax(res.upper[agent[j]])]])
            share = value[a] / target[r] if target[r] > 0 else math.inf
            return Diagnosis(
                f"balance_{metric}",
                f"balance on {metric} ±{_pct(tol)} is impossible: account {acc_ids[a]} alone "
                f"({metric} {value[a]:.4g}) is {_pct(share)} of territory {rep_ids[r]}'s target "
                f"{target[r]:.4g}, above its maximum",
                f"allow {metric} tolerance of at least {_pct(share - 1)}",
                {"account_id": acc_ids[a], "min_tolerance": float(share - 1)},
            )
        total = float(value.sum())
        lo = float(np.where(np.isfinite(res.lower), np.maximum(res.lower, 0), 0).sum())
        up = float(res.upper.sum())
        if total > up + 1e-9 or total < lo - 1e-9:
            return Diagnosis(
                f"balance_{metric}",
                f"total {metric} {total:.4g} lies outside the sum of the territory bands "
                f"[{lo:.4g}, {up:.4g}]",
                "set targets that add up to the total, or widen the tolerance",
                {"total": total, "lower": lo, "upper": up},
            )
    return None


def _elastic_balance(linear: LinearModel, model: AssignmentModel) -> LinearModel:
    """Add one column ``s`` >= 0 widening every balance row by ``s * target``; minimise ``s``."""
    targets = {
        res.name: (res.target if res.target is not None else np.abs(res.upper))
        for res in model.resources
    }
    agent_pos = {a: i for i, a in enumerate(model.agent_ids)}
    coef = np.zeros(linear.n_rows)
    for i, name in enumerate(linear.row_names):
        if row_family(name) != "balance":
            continue
        for res_name, target in targets.items():
            for side, sign in (("max", -1.0), ("min", 1.0)):
                prefix = f"{res_name}_{side}_"
                if name.startswith(prefix):
                    coef[i] = sign * target[agent_pos[name[len(prefix) :]]]
    return _with_column(linear, coef, "extra_tolerance", zero_costs=True)


def _with_column(
    linear: LinearModel, coef: np.ndarray, name: str, *, zero_costs: bool
) -> LinearModel:
    matrix = sparse.hstack([linear.matrix, sparse.csr_matrix(coef.reshape(-1, 1))], format="csr")
    cost = np.zeros(linear.n_cols) if zero_costs else linear.col_cost.copy()
    return LinearModel(
        name=linear.name + "_" + name,
        col_cost=np.append(cost, 1.0),
        col_lower=np.append(linear.col_lower, 0.0),
        col_upper=np.append(linear.col_upper, np.inf),
        integer=np.append(linear.integer, False),
        matrix=matrix,
        row_lower=linear.row_lower,
        row_upper=linear.row_upper,
        row_names=linear.row_names,
        col_names=(*linear.col_names, name),
    )


def _elastic_disruption(linear: LinearModel) -> LinearModel:
    """Add one column ``e`` >= 0 to the disruption row; minimise ``e``."""
    coef = np.zeros(linear.n_rows)
    coef[linear.row_names.index("disruption_cap")] = -1.0
    return _with_column(linear, coef, "extra_disruption", zero_costs=True)


def _solve_elastic(
    model: AssignmentModel, linear: LinearModel, time_limit: float
) -> tuple[float, float, SolveStatus]:
    from spm_models.territory.heuristics import solve_assignment

    # The elastic LPs have a one-column objective and are very degenerate: the interior
    # point method (with crossover, for the reduced costs) is several times faster there.
    out = solve_assignment(
        replace(model, linear=linear),
        time_limit=time_limit,
        mip_gap=1e-4,
        lp_options={"solver": "ipm"},
    )
    if out.status == SolveStatus.INFEASIBLE:
        return math.inf, math.inf, out.status
    value = out.objective if out.status.is_ok else math.inf
    return value, out.bound, out.status


def diagnose_infeasibility(
    inputs: AlignmentInputs,
    *,
    model: AssignmentModel | None = None,
    time_limit: float = 30.0,
) -> Diagnosis:
    """Find which constraint family blocks an alignment and a relaxation that works.

    Parameters
    ----------
    inputs : AlignmentInputs
        Prepared inputs of the infeasible alignment.
    model : AssignmentModel, optional
        Its model (built when omitted).
    time_limit : float
        Seconds for each elastic solve.

    Returns
    -------
    Diagnosis
        Use ``.to_error()`` for the :class:`InfeasibleModelError` to raise.
    """
    model = model or build_alignment(inputs)
    found = _structural(inputs, model)
    if found is not None:
        return found
    spec = inputs.spec
    linear = model.linear
    tol_text = ", ".join(f"{m} ±{_pct(spec.tolerance_for(m))}" for m in spec.balance)
    # Balance elastic (every other family hard) and disruption elastic (balance hard).
    s, s_bound, st = _solve_elastic(model, _elastic_balance(linear, model), time_limit)
    need_text = ""
    details: dict = {}
    if st.is_ok:
        need = {m: spec.tolerance_for(m) + s for m in spec.balance}
        need_text = ", ".join(f"{m} ±{_pct(v)}" for m, v in need.items())
        details["min_tolerance"] = {m: float(v) for m, v in need.items()}
        details["min_tolerance_proven"] = st == SolveStatus.OPTIMAL
    if "disruption_cap" in linear.row_names:
        d_val, d_bound, d_st = _solve_elastic(model, _elastic_disruption(linear), time_limit)
        if not d_st.is_ok and math.isfinite(d_bound) and d_bound > 1e-7:
            # No feasible value within the time limit, but the bound proves the cap blocks.
            low = (inputs.disruption_cap + d_bound) / inputs.total_moved_basis
            details["min_disruption"] = float(low)
            details["min_disruption_proven"] = False
            return Diagnosis(
                "disruption_cap",
                f"balancing within {tol_text} needs more than {_pct(low)} of "
                f"{spec.disruption_basis} moved (a proven lower bound); the cap is "
                f"{_pct(spec.max_disruption)}",
                f"raise the disruption cap above {_pct(low)}"
                + (f", or widen the balance tolerance to {need_text}" if need_text else ""),
                details,
            )
        if d_st.is_ok and d_val > 1e-7:
            share = (inputs.disruption_cap + d_val) / inputs.total_moved_basis
            details["min_disruption"] = float(share)
            details["min_disruption_proven"] = d_st == SolveStatus.OPTIMAL
            relax = f"raise the disruption cap to at least {_pct(share)}"
            if need_text:
                relax += f", or widen the balance tolerance to {need_text}"
            return Diagnosis(
                "disruption_cap",
                f"balancing within {tol_text} needs at least {_pct(share)} of "
                f"{spec.disruption_basis} moved; the cap is {_pct(spec.max_disruption)}",
                relax,
                details,
            )
    if not st.is_ok and math.isfinite(s_bound) and s_bound > 1e-7:
        low = {m: spec.tolerance_for(m) + s_bound for m in spec.balance}
        low_text = ", ".join(f"{m} ±{_pct(v)}" for m, v in low.items())
        details["min_tolerance"] = {m: float(v) for m, v in low.items()}
        details["min_tolerance_proven"] = False
        return Diagnosis(
            f"balance_{spec.balance[0]}",
            f"balance on {tol_text} is impossible: no tolerance below {low_text} works "
            "(a proven lower bound)",
            f"widen the balance tolerance beyond {low_text}",
            details,
        )
    if st.is_ok and s > 1e-7:
        reason = f"balance on {tol_text} is impossible"
        worst = _largest_share(inputs)
        if worst:
            reason += f" ({worst})"
        relax = f"widen the balance tolerance to {need_text}"
        if st != SolveStatus.OPTIMAL and math.isfinite(s_bound):
            low = spec.tolerance_for(spec.balance[0]) + s_bound
            relax += f" (no tolerance below ±{_pct(low)} works)"
        return Diagnosis(f"balance_{spec.balance[0]}", reason, relax, details)
    if spec.k_nearest is not None and spec.k_nearest < len(inputs.reps):
        return Diagnosis(
            "pruning",
            f"no alignment exists on the candidate pairs (each account's {spec.k_nearest} "
            "nearest reps plus its current rep); the elastic models did not single out "
            "another family within the time limit",
            f"raise k_nearest above {spec.k_nearest} (or rep_reach), or widen the tolerance",
            {"k_nearest": spec.k_nearest},
        )
    return Diagnosis(
        "combined",
        "the constraint families together admit no alignment "
        f"({tol_text}; locks, forbidden pairs and distance limits as given)",
        "widen the tolerance and the disruption cap together",
        {},
    )


def _largest_share(inputs: AlignmentInputs) -> str:
    spec = inputs.spec
    m = spec.balance[0]
    values = inputs.metrics[m]
    target = inputs.targets[m]
    if not (target > 0).any():
        return ""
    a = int(np.argmax(values))
    cur = inputs.current[a]
    r = (
        cur
        if cur >= 0 and target[cur] > 0
        else int(np.argmin(np.where(target > 0, target, np.inf)))
    )
    share = values[a] / target[r]
    return (
        f"account {inputs.accounts['account_id'].iloc[a]} alone is {_pct(share)} of "
        f"territory {inputs.reps['rep_id'].iloc[r]}'s {m} target"
    )


@dataclass(frozen=True)
class PruningCheck:
    """Whether pruning candidate reps could have cut off better solutions.

    Attributes
    ----------
    ok : bool
        True when no pruned pair has a negative reduced cost: the LP bound of the pruned
        model is then a bound for the unpruned one too.
    negative_pairs : int
        How many pruned pairs price out negative.
    bound_pruned : float
        LP bound of the pruned model (from its duals).
    bound_all_pairs : float
        Lagrangian bound over every allowed pair (valid for the unpruned model).
    suggested_k : int or None
        A ``k_nearest`` that would include every negatively priced pair.
    examples : pandas.DataFrame
        The most negative pairs (``account_id``, ``rep_id``, ``reduced_cost``, ``rank``).
    message : str
        Plain-language verdict.
    negative : tuple of numpy.ndarray
        Account and rep positions of every negatively priced pair.
    min_pruned_excess : float
        Smallest excess of a pruned pair's priced cost over its account's cheapest priced
        pair (``inf`` when nothing is pruned); see :meth:`mip_bound_all_pairs`.
    promising : tuple of numpy.ndarray
        Account and rep positions of pruned pairs whose excess is below the ``cutoff``
        given to :func:`check_pruning` (pairs that could be in a better solution).
    """

    ok: bool
    negative_pairs: int
    bound_pruned: float
    bound_all_pairs: float
    suggested_k: int | None
    examples: pd.DataFrame
    message: str
    negative: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    )
    min_pruned_excess: float = 0.0
    promising: tuple[np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    )

    def mip_bound_all_pairs(self, candidate_bound: float) -> float:
        """A bound over every pair from the bound of a solve over the candidate pairs.

        An integer alignment that uses no pruned pair is bounded by ``candidate_bound``; one
        that uses a pruned pair ``(a, r)`` costs at least the all-pairs Lagrangian bound plus
        that pair's excess over account ``a``'s cheapest priced pair, so at least
        ``bound_all_pairs + min_pruned_excess``.
        """
        return min(candidate_bound, self.bound_all_pairs + self.min_pruned_excess)


def check_pruning(
    inputs: AlignmentInputs,
    model: AssignmentModel,
    row_dual: np.ndarray,
    *,
    chunk: int = 4000,
    tol: float = 1e-7,
    cutoff: float | None = None,
    max_promising: int = 50_000,
) -> PruningCheck:
    """Price every pruned account-rep pair with the LP duals of the pruned model.

    Parameters
    ----------
    inputs : AlignmentInputs
        Prepared inputs (with ``spec.k_nearest`` pruning).
    model : AssignmentModel
        The pruned model.
    row_dual : numpy.ndarray
        Row duals of its LP relaxation (HiGHS sign convention: reduced cost
        ``c - A^T y``).
    chunk : int
        Accounts priced at a time.
    tol : float
        Relative tolerance on a negative reduced cost.
    cutoff : float, optional
        Report (in ``promising``) pruned pairs whose excess over their account's cheapest
        priced pair is below this, e.g. the incumbent's gap to the all-pairs bound.
    max_promising : int
        Most promising pairs reported (the smallest excesses).

    Returns
    -------
    PruningCheck
    """
    spec = inputs.spec
    linear = model.linear
    n, r = model.n_items, model.n_agents
    y = np.asarray(row_dual, dtype=float)
    agent_pos = {a: i for i, a in enumerate(model.agent_ids)}
    prices = dual_prices(model, spec, y)
    u, ybal, y_dis, const = prices.assign, prices.balance, prices.disruption, prices.constant
    acc = inputs.accounts
    reps = inputs.reps
    weight = np.ones(n) if spec.weight == "none" else acc[spec.weight].to_numpy(dtype=float)
    basis = acc["potential"].to_numpy(float) if spec.disruption_basis == "potential" else np.ones(n)
    cur = inputs.current
    forced = model.arcs_forced()
    forced_agent = np.full(n, -1)
    forced_agent[model.arc_item[forced]] = model.arc_agent[forced]
    in_model = np.zeros((0,), dtype=np.int64)
    key_model = model.arc_item * r + model.arc_agent
    in_model = np.sort(key_model)
    forbidden_keys = np.array([], dtype=np.int64)
    if spec.forbidden:
        acc_pos = {a: i for i, a in enumerate(acc["account_id"])}
        forbidden_keys = np.array(sorted(acc_pos[a] * r + agent_pos[b] for a, b in spec.forbidden))
    lagr = 0.0
    min_excess = math.inf
    prom_items: list[np.ndarray] = []
    prom_agents: list[np.ndarray] = []
    prom_excess: list[np.ndarray] = []
    negatives: list[tuple[int, int, float]] = []
    neg_items: list[np.ndarray] = []
    neg_agents: list[np.ndarray] = []
    n_neg = 0
    scale = max(1.0, float(np.abs(linear.col_cost[: model.n_arcs]).mean()))
    bal_mat = np.vstack([ybal[m] for m in spec.balance])
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        rows = np.arange(s, e)
        dist = distance_matrix_km(
            acc["lat"].to_numpy()[s:e],
            acc["lon"].to_numpy()[s:e],
            reps["home_lat"].to_numpy(),
            reps["home_lon"].to_numpy(),
        )
        moved = (cur[s:e, None] >= 0) & (np.arange(r)[None, :] != cur[s:e, None])
        cost = weight[s:e, None] * dist + spec.move_penalty * moved
        w = np.column_stack([inputs.metrics[m][s:e] for m in spec.balance])
        red = cost - w @ bal_mat - y_dis * basis[s:e, None] * moved
        allowed = np.ones_like(red, dtype=bool)
        if spec.max_distance_km is not None:
            allowed &= dist <= spec.max_distance_km
        if forbidden_keys.size:
            keys = rows[:, None] * r + np.arange(r)[None, :]
            allowed &= ~np.isin(keys, forbidden_keys)
        fa = forced_agent[s:e]
        has_f = fa >= 0
        if has_f.any():
            allowed[has_f] = False
            allowed[np.flatnonzero(has_f), fa[has_f]] = True
        red_masked = np.where(allowed, red, np.inf)
        row_min = np.min(red_masked, axis=1)
        lagr += float(row_min.sum())
        keys = rows[:, None] * r + np.arange(r)[None, :]
        pruned = ~np.isin(keys, in_model) & allowed
        excess = red - row_min[:, None]
        if pruned.any():
            min_excess = min(min_excess, float(excess[pruned].min()))
            if cutoff is not None:
                pi, pj = np.nonzero(pruned & (excess < cutoff))
                prom_items.append(s + pi)
                prom_agents.append(pj)
                prom_excess.append(excess[pi, pj])
        d = red - u[s:e, None]
        neg = pruned & (d < -tol * scale)
        if neg.any():
            ii, jj = np.nonzero(neg)
            n_neg += len(ii)
            neg_items.append(s + ii)
            neg_agents.append(jj)
            order = np.argsort(d[ii, jj])[:20]
            negatives += [(int(s + ii[k]), int(jj[k]), float(d[ii[k], jj[k]])) for k in order]
    bound_all = lagr + const
    bound_pruned = float(u.sum() + const + _pruned_lagr_correction(model, y, u))
    suggested = None
    examples = pd.DataFrame(columns=["account_id", "rep_id", "reduced_cost", "rank"])
    if negatives:
        negatives.sort(key=lambda t: t[2])
        negatives = negatives[:20]
        acc_ids = acc["account_id"].to_numpy()
        rep_ids = reps["rep_id"].to_numpy()
        ranks = []
        for a, rr, _ in negatives:
            dist = distance_matrix_km(
                acc["lat"].to_numpy()[[a]],
                acc["lon"].to_numpy()[[a]],
                reps["home_lat"].to_numpy(),
                reps["home_lon"].to_numpy(),
            )[0]
            ranks.append(int((dist < dist[rr]).sum()) + 1)
        examples = pd.DataFrame(
            {
                "account_id": [acc_ids[a] for a, _, _ in negatives],
                "rep_id": [rep_ids[rr] for _, rr, _ in negatives],
                "reduced_cost": [v for _, _, v in negatives],
                "rank": ranks,
            }
        )
        suggested = int(max(ranks))
    if n_neg == 0:
        message = (
            f"pruning to the {spec.k_nearest} nearest reps cut off nothing: every pruned "
            "pair prices out non-negative, so the bound holds for all pairs"
        )
    else:
        message = (
            f"pruning to the {spec.k_nearest} nearest reps may have cut off better "
            f"solutions: {n_neg} pruned pair(s) price out negative (e.g. account "
            f"{examples['account_id'].iloc[0]} to rep {examples['rep_id'].iloc[0]}); "
            f"a bound valid for all pairs is {bound_all:.6g}; try k_nearest >= "
            f"{suggested}"
        )
    negative = (
        (np.concatenate(neg_items), np.concatenate(neg_agents))
        if neg_items
        else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    )
    promising = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if prom_items:
        order = np.argsort(np.concatenate(prom_excess), kind="stable")[:max_promising]
        promising = (np.concatenate(prom_items)[order], np.concatenate(prom_agents)[order])
    return PruningCheck(
        n_neg == 0,
        n_neg,
        bound_pruned,
        bound_all,
        suggested,
        examples,
        message,
        negative,
        max(min_excess, 0.0),
        promising,
    )


def _pruned_lagr_correction(model: AssignmentModel, y: np.ndarray, u: np.ndarray) -> float:
    """Bound-side terms of the LP dual objective from column upper bounds (x <= 1)."""
    linear = model.linear
    red = linear.col_cost - linear.matrix.T @ y
    # Columns with negative reduced cost sit at their upper bound in the dual objective.
    ub = np.where(np.isfinite(linear.col_upper), linear.col_upper, 0.0)
    extra = float(np.minimum(red, 0) @ ub)
    rest = 0.0
    for i in range(model.n_items, linear.n_rows):
        if y[i] == 0:
            continue
        rhs = linear.row_upper[i] if y[i] < 0 else linear.row_lower[i]
        if not np.isfinite(rhs):
            continue
        if row_family(linear.row_names[i]) in ("lock", "mandatory", "forbidden", "max_distance"):
            rest += y[i] * rhs
    return extra + rest
