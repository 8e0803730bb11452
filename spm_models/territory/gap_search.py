"""Moves for generalized assignment problems: Lagrangian choice, repair, shift and swap.

Everything here works on dense ``agents x jobs`` arrays in the minimised sense: ``cost``,
``usage`` and the agent ``capacity``. A solution is ``agent_of``, the agent of each job.

* :func:`lagrangian_choice`: with the capacity rows priced at ``lam`` (e.g. the LP duals),
  each job takes its cheapest agent at ``cost + lam * usage``;
* :func:`repair`: greedy moves that remove capacity overflow at the least cost per unit of
  overflow removed, until every agent fits;
* :func:`descend`: best-improvement local search over shift moves (one job to another agent)
  and swap moves (two jobs of two agents trade places), keeping every agent within capacity;
* :func:`eject_chain`: a two-step ejection chain (a job moves to a full agent, which sheds one
  of its jobs to a third agent) for local optima of shift and swap.
"""

from __future__ import annotations

import numpy as np

#: Tolerance on capacity checks (data are integers; keeps float sums honest).
EPS = 1e-9
#: Per-move factors on the overflow penalty of an agent that overflows / fits.
UP, DOWN = 1.03, 0.99


def loads(usage: np.ndarray, agent_of: np.ndarray) -> np.ndarray:
    """Resource used on each agent by a solution."""
    jobs = np.arange(usage.shape[1])
    return np.bincount(agent_of, weights=usage[agent_of, jobs], minlength=usage.shape[0])


def total_cost(cost: np.ndarray, agent_of: np.ndarray) -> float:
    """Objective of a solution."""
    return float(cost[agent_of, np.arange(cost.shape[1])].sum())


def is_feasible(usage: np.ndarray, capacity: np.ndarray, agent_of: np.ndarray) -> bool:
    """Whether every agent stays within its capacity."""
    return bool(np.all(loads(usage, agent_of) <= capacity + EPS))


def lagrangian_choice(cost: np.ndarray, usage: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Each job's cheapest agent once capacity is priced at ``lam >= 0`` per unit."""
    return np.argmin(cost + lam[:, None] * usage, axis=0)


def repair(
    cost: np.ndarray,
    usage: np.ndarray,
    capacity: np.ndarray,
    agent_of: np.ndarray,
    *,
    max_moves: int | None = None,
) -> np.ndarray | None:
    """Move jobs until every agent fits, cheapest cost per unit of overflow removed first.

    Parameters
    ----------
    cost, usage : numpy.ndarray
        ``agents x jobs`` cost (minimised) and resource use.
    capacity : numpy.ndarray
        Per-agent capacity.
    agent_of : numpy.ndarray
        Starting agent of each job (may overflow).
    max_moves : int, optional
        Give up after this many moves (default ``4 x jobs``).

    Returns
    -------
    numpy.ndarray or None
        A feasible solution, or ``None`` when no move reduces the overflow.
    """
    n = cost.shape[1]
    sol = np.array(agent_of, dtype=np.int64)
    load = loads(usage, sol)
    jobs = np.arange(n)
    for _ in range(max_moves or 4 * n):
        excess = np.maximum(load - capacity, 0.0)
        if excess.max() <= EPS:
            return sol
        src = sol
        # Overflow after moving job j from its agent to agent i (rows: targets).
        ex_src_after = np.maximum(load[src] - usage[src, jobs] - capacity[src], 0.0)
        ex_dst_after = np.maximum(load[:, None] + usage - capacity[:, None], 0.0)
        d_excess = (ex_src_after - excess[src])[None, :] + (ex_dst_after - excess[:, None])
        d_excess[src, jobs] = 0.0
        good = d_excess < -EPS
        if not good.any():
            return None
        d_cost = cost - cost[src, jobs][None, :]
        score = np.where(good, d_cost / np.where(good, -d_excess, 1.0), np.inf)
        i, j = np.unravel_index(int(np.argmin(score)), score.shape)
        load[sol[j]] -= usage[sol[j], j]
        load[i] += usage[i, j]
        sol[j] = i
    return None


def best_shift(
    cost: np.ndarray, usage: np.ndarray, capacity: np.ndarray, sol: np.ndarray, load: np.ndarray
) -> tuple[float, int, int]:
    """Best feasible single-job move ``(saving, agent, job)``; saving <= 0 when none helps."""
    n = cost.shape[1]
    jobs = np.arange(n)
    delta = cost - cost[sol, jobs][None, :]
    fits = load[:, None] + usage <= capacity[:, None] + EPS
    fits[sol, jobs] = False
    delta = np.where(fits, delta, np.inf)
    k = int(np.argmin(delta))
    i, j = divmod(k, n)
    return -float(delta[i, j]), i, j


def best_swap(
    cost: np.ndarray, usage: np.ndarray, capacity: np.ndarray, sol: np.ndarray, load: np.ndarray
) -> tuple[float, int, int]:
    """Best feasible exchange of two jobs on different agents ``(saving, job1, job2)``."""
    n = cost.shape[1]
    jobs = np.arange(n)
    c_own = cost[sol, jobs]
    u_own = usage[sol, jobs]
    c_at = cost[sol, :]  # [j1, j2]: cost of job j2 on the agent of job j1
    u_at = usage[sol, :]
    delta = c_at + c_at.T - c_own[:, None] - c_own[None, :]
    free = (load[sol] - u_own)[:, None]
    fits = (free + u_at <= capacity[sol][:, None] + EPS) & (capacity[sol] + EPS >= free.T + u_at.T)
    fits &= sol[:, None] != sol[None, :]
    delta = np.where(fits, delta, np.inf)
    k = int(np.argmin(delta))
    j1, j2 = divmod(k, n)
    return -float(delta[j1, j2]), j1, j2


def eject_chain(
    cost: np.ndarray, usage: np.ndarray, capacity: np.ndarray, sol: np.ndarray, load: np.ndarray
) -> tuple[float, tuple[int, int, int, int]]:
    """Best improving chain: job ``j`` moves to agent ``i``, which sends job ``k`` to ``h``.

    Returns
    -------
    (float, tuple)
        Saving and ``(j, i, k, h)``; saving <= 0 when no chain helps.
    """
    n = cost.shape[1]
    jobs = np.arange(n)
    c_own = cost[sol, jobs]
    best = (0.0, (-1, -1, -1, -1))
    # Second step first: for every job k, its best feasible move elsewhere given today's loads
    # (agent h != its own); the chain then frees room on sol[k] for a job j coming in.
    delta_k = cost - c_own[None, :]
    fits_k = load[:, None] + usage <= capacity[:, None] + EPS
    fits_k[sol, jobs] = False
    delta_k = np.where(fits_k, delta_k, np.inf)
    h_of = np.argmin(delta_k, axis=0)
    dk = delta_k[h_of, jobs]
    for k in np.flatnonzero(np.isfinite(dk)):
        i = sol[k]
        room = capacity[i] - load[i] + usage[i, k]
        dj = cost[i] - c_own
        ok = (sol != i) & (usage[i] <= room + EPS)
        if not ok.any():
            continue
        dj = np.where(ok, dj, np.inf)
        j = int(np.argmin(dj))
        saving = -(dj[j] + dk[k])
        if saving > best[0] + EPS:
            best = (float(saving), (j, int(i), int(k), int(h_of[k])))
    return best


def descend(
    cost: np.ndarray,
    usage: np.ndarray,
    capacity: np.ndarray,
    agent_of: np.ndarray,
    *,
    max_steps: int = 100_000,
    chains: bool = True,
) -> np.ndarray:
    """Best-improvement local search over shifts, swaps and (optionally) ejection chains.

    Parameters
    ----------
    cost, usage, capacity : numpy.ndarray
        The problem (minimised).
    agent_of : numpy.ndarray
        A feasible starting solution.
    max_steps : int
        Stop after this many improving moves.
    chains : bool
        Try ejection chains when no shift or swap improves.

    Returns
    -------
    numpy.ndarray
        A feasible solution no worse than the start, locally optimal for the moves.
    """
    sol = np.array(agent_of, dtype=np.int64)
    load = loads(usage, sol)
    for _ in range(max_steps):
        s_gain, i, j = best_shift(cost, usage, capacity, sol, load)
        w_gain, j1, j2 = best_swap(cost, usage, capacity, sol, load)
        if max(s_gain, w_gain) > EPS:
            if s_gain >= w_gain:
                _move(usage, sol, load, j, i)
            else:
                a1, a2 = sol[j1], sol[j2]
                _move(usage, sol, load, j1, a2)
                _move(usage, sol, load, j2, a1)
            continue
        if not chains:
            break
        c_gain, (j, i, k, h) = eject_chain(cost, usage, capacity, sol, load)
        if c_gain <= EPS:
            break
        _move(usage, sol, load, k, h)
        _move(usage, sol, load, j, i)
    return sol


def _move(usage: np.ndarray, sol: np.ndarray, load: np.ndarray, job: int, agent: int) -> None:
    load[sol[job]] -= usage[sol[job], job]
    load[agent] += usage[agent, job]
    sol[job] = agent


def tabu_search(
    cost: np.ndarray,
    usage: np.ndarray,
    capacity: np.ndarray,
    agent_of: np.ndarray,
    *,
    until: float,
    rng: np.random.Generator,
    max_iter: int | None = None,
    swap_rows: int = 32,
) -> tuple[np.ndarray | None, int]:
    """Tabu search over shifts and swaps with adaptive penalties on capacity overflow.

    The search may leave the feasible region (strategic oscillation): overflow on agent
    ``i`` costs ``alpha[i]`` per unit, raised while that agent overflows and lowered while
    it fits, so the walk crosses the capacity boundary where the good solutions lie. A job
    that leaves an agent may not return to it for a random tenure, unless that move gives a
    feasible solution better than the best (aspiration).

    Parameters
    ----------
    cost, usage, capacity : numpy.ndarray
        The problem (minimised).
    agent_of : numpy.ndarray
        Starting solution (feasible or not).
    until : float
        ``time.perf_counter()`` value at which to stop.
    rng : numpy.random.Generator
        Source of the tenures.
    max_iter : int, optional
        Stop after this many moves.
    swap_rows : int
        Jobs (drawn afresh each move) whose swaps with every other job are priced; the
        full ``jobs x jobs`` swap table is too slow to price at every move.

    Returns
    -------
    (numpy.ndarray or None, int)
        Best feasible solution met (``None`` when none) and the number of moves made.
    """
    import time

    m, n = cost.shape
    jobs = np.arange(n)
    sol = np.array(agent_of, dtype=np.int64)
    load = loads(usage, sol)
    spread = float(np.ptp(cost)) or 1.0
    alpha = np.full(m, spread / max(float(usage.mean()), 1e-9))
    tabu = np.zeros((m, n), dtype=np.int64)
    best, best_obj = None, np.inf
    if bool(np.all(load <= capacity + EPS)):
        best, best_obj = sol.copy(), total_cost(cost, sol)
    cur_obj = total_cost(cost, sol)
    it = 0
    while time.perf_counter() < until and (max_iter is None or it < max_iter):
        it += 1
        over = np.maximum(load - capacity, 0.0)
        n_over = int((over > EPS).sum())
        rows = jobs if n <= swap_rows else rng.choice(n, size=swap_rows, replace=False)
        move = _best_penalised_move(
            cost, usage, capacity, sol, load, alpha, over, n_over, tabu, it, cur_obj, best_obj, rows
        )
        if move is None:
            break
        kind, a, b, d_cost = move
        if kind == "shift":
            j, i = a, b
            tabu[sol[j], j] = it + int(rng.integers(5, 5 + max(5, n // 20)))
            _move(usage, sol, load, j, i)
        else:
            j1, j2 = a, b
            a1, a2 = sol[j1], sol[j2]
            ten = int(rng.integers(5, 5 + max(5, n // 20)))
            tabu[a1, j1] = it + ten
            tabu[a2, j2] = it + ten
            _move(usage, sol, load, j1, a2)
            _move(usage, sol, load, j2, a1)
        cur_obj += d_cost
        feasible = bool(np.all(load <= capacity + EPS))
        if feasible and cur_obj < best_obj - EPS:
            best, best_obj = sol.copy(), cur_obj
        # Penalties follow the overflow: up on agents that overflow, down on the rest.
        overflow = load > capacity + EPS
        alpha = np.where(overflow, alpha * UP, alpha * DOWN)
        alpha = np.maximum(alpha, 1e-3 * spread / max(float(usage.mean()), 1e-9))
    return best, it


def _best_penalised_move(
    cost, usage, capacity, sol, load, alpha, over, n_over, tabu, it, cur_obj, best_obj, rows
):
    """Best non-tabu shift or swap by cost plus weighted overflow (aspiration allowed)."""
    n = cost.shape[1]
    jobs = np.arange(n)
    c_own = cost[sol, jobs]
    u_own = usage[sol, jobs]
    pen_now = alpha * over
    is_over = over > EPS
    # Shifts: job j from a = sol[j] to agent i (rows).
    la = load[sol] - u_own  # load left on a
    pa = alpha[sol] * np.maximum(la - capacity[sol], 0.0) - pen_now[sol]
    li = load[:, None] + usage
    pi = alpha[:, None] * np.maximum(li - capacity[:, None], 0.0) - pen_now[:, None]
    d_cost_s = cost - c_own[None, :]
    d_s = d_cost_s + pi + pa[None, :]
    d_s[sol, jobs] = np.inf
    feas_s = (
        (n_over - is_over[sol][None, :] - is_over[:, None] == 0)
        & (li <= capacity[:, None] + EPS)
        & (la <= capacity[sol] + EPS)[None, :]
    )
    aspire_s = feas_s & (cur_obj + d_cost_s < best_obj - EPS)
    allowed_s = (tabu <= it) | aspire_s
    d_s = np.where(allowed_s, d_s, np.inf)
    ks = int(np.argmin(d_s))
    best_s = float(d_s.flat[ks])
    # Swaps: j1 (on a1, one of ``rows``) and j2 (on a2) trade agents.
    r = rows
    c_at = cost[sol[r], :]  # [j1, j2]: cost of j2 on the agent of j1
    u_at = usage[sol[r], :]
    c_back = cost[:, r][sol, :].T  # [j1, j2]: cost of j1 on the agent of j2
    u_back = usage[:, r][sol, :].T
    d_cost_w = c_at + c_back - c_own[r][:, None] - c_own[None, :]
    l1 = la[r][:, None] + u_at
    l2 = la[None, :] + u_back
    cap1, cap2 = capacity[sol[r]][:, None], capacity[sol][None, :]
    p1 = alpha[sol[r]][:, None] * np.maximum(l1 - cap1, 0.0) - pen_now[sol[r]][:, None]
    p2 = alpha[sol][None, :] * np.maximum(l2 - cap2, 0.0) - pen_now[sol][None, :]
    d_w = np.where(sol[r][:, None] != sol[None, :], d_cost_w + p1 + p2, np.inf)
    feas_w = (
        (n_over - is_over[sol[r]][:, None] - is_over[sol][None, :] == 0)
        & (l1 <= cap1 + EPS)
        & (l2 <= cap2 + EPS)
    )
    aspire_w = feas_w & (cur_obj + d_cost_w < best_obj - EPS)
    # j2 may not go to the agent of j1, nor j1 to the agent of j2, while tabu.
    allowed_w = ((tabu[sol[r], :] <= it) & (it >= tabu[:, r][sol, :].T)) | aspire_w
    d_w = np.where(allowed_w, d_w, np.inf)
    kw = int(np.argmin(d_w))
    best_w = float(d_w.flat[kw])
    if not (np.isfinite(best_s) or np.isfinite(best_w)):
        return None
    if best_s <= best_w:
        i, j = divmod(ks, n)
        return "shift", j, i, float(d_cost_s[i, j])
    k1, j2 = divmod(kw, n)
    return "swap", int(r[k1]), j2, float(d_cost_w[k1, j2])
