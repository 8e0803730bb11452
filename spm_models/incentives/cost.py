"""Plan cost modelling: simulate attainment, cost each plan on it, compare plans side by side.

The same component rules as the payout engine (:mod:`.components`) are applied to simulated
full-year attainment, so a plan's cost curve and its statements cannot disagree. Every plan in a
comparison is costed on the *same* simulated attainment (paired draws), which is how a change
such as a steeper accelerator is judged.

Scope: the annual incentive of the measures (rate tables, curves, thresholds, gates, caps, plan
cap), the plan's draw, and, given a :class:`DealProfile` (how bookings break into deals), its
SPIFs and clawbacks. Bookings are spread evenly over the twelve months of the plan year, and
each payout period is settled as the engine settles it (:mod:`.settlement`): a year's cost is
what is paid for it, draws included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
import pandas as pd

from spm_models.errors import param_error
from spm_models.incentives.components import ComponentInputs, evaluate_plan
from spm_models.incentives.money import FACTOR_SCALE, decimal_to_cents, factor_units, mul_div
from spm_models.incentives.plan import DrawType, Measurement, Plan, Spif
from spm_models.incentives.settlement import (
    clawback_share,
    monthly_draw,
    settle_balances,
    year_split,
)


class AttainmentSource(StrEnum):
    """Where simulated attainment comes from."""

    NORMAL = "normal"
    LOGNORMAL = "lognormal"
    HISTORY = "history"
    FORECAST = "forecast"


@dataclass(frozen=True)
class AttainmentSimulation:
    """Simulated full-year attainment (1.0 = quota) per simulation and rep.

    Attributes
    ----------
    attainment : ndarray of float, shape (n_sims, n_reps)
    source : AttainmentSource
    params : dict
        The parameters used (mean, sd, correlation, seed, ...).
    """

    attainment: np.ndarray
    source: AttainmentSource
    params: dict = field(default_factory=dict)

    @property
    def n_sims(self) -> int:
        """Number of simulated years."""
        return self.attainment.shape[0]

    @property
    def n_reps(self) -> int:
        """Number of reps per simulated year."""
        return self.attainment.shape[1]


def simulate_attainment(
    n_reps: int,
    n_sims: int = 2000,
    *,
    source: str = "normal",
    mean: float | np.ndarray = 1.0,
    sd: float | np.ndarray = 0.25,
    correlation: float = 0.2,
    history: Sequence[float] | np.ndarray | None = None,
    seed: int = 0,
) -> AttainmentSimulation:
    """Simulate full-year attainment.

    Parameters
    ----------
    n_reps, n_sims : int
        Reps per simulated year and number of simulated years.
    source : {'normal', 'lognormal', 'history', 'forecast'}
        ``normal`` / ``lognormal``: an assumed distribution with ``mean`` and ``sd``.
        ``history``: resample observed attainments (``history``), keeping their spread.
        ``forecast``: per-rep expected attainment ``mean`` (an array, e.g. forecast bookings /
        quota) with uncertainty ``sd`` (scalar or per rep), normal.
    mean, sd : float or array of shape (n_reps,)
        Expected attainment and its standard deviation.
    correlation : float
        Share of variance common to all reps in a simulated year (market-wide swings), in
        [0, 1); ignored for ``history``.
    history : array, optional
        Observed attainments for ``history``.
    seed : int
        Random seed (results are reproducible).

    Returns
    -------
    AttainmentSimulation
        Attainment floored at zero.
    """
    caller = "simulate_attainment"
    try:
        src = AttainmentSource(source)
    except ValueError:
        allowed = [s.value for s in AttainmentSource]
        raise param_error("source", caller, f"one of {allowed}", source) from None
    if n_reps < 1:
        raise param_error("n_reps", caller, "an int >= 1", n_reps)
    if n_sims < 1:
        raise param_error("n_sims", caller, "an int >= 1", n_sims)
    if not 0 <= correlation < 1:
        raise param_error("correlation", caller, "a float in [0, 1)", correlation)
    rng = np.random.default_rng(seed)
    params = {"mean": mean, "sd": sd, "correlation": correlation, "seed": seed}
    if src is AttainmentSource.HISTORY:
        obs = np.asarray(history if history is not None else [], dtype=float)
        obs = obs[np.isfinite(obs)]
        if obs.size < 2:
            raise param_error("history", caller, "at least 2 observed attainments", history)
        att = rng.choice(obs, size=(n_sims, n_reps), replace=True)
        params = {"observations": int(obs.size), "seed": seed}
        return AttainmentSimulation(np.maximum(att, 0.0), src, params)
    mean_a = np.broadcast_to(np.asarray(mean, dtype=float), (n_reps,))
    sd_a = np.broadcast_to(np.asarray(sd, dtype=float), (n_reps,))
    if np.any(sd_a < 0):
        raise param_error("sd", caller, ">= 0", sd)
    common = rng.standard_normal((n_sims, 1))
    own = rng.standard_normal((n_sims, n_reps))
    z = np.sqrt(correlation) * common + np.sqrt(1 - correlation) * own
    if src is AttainmentSource.LOGNORMAL:
        if np.any(mean_a <= 0):
            raise param_error("mean", caller, "> 0 for a lognormal", mean)
        sigma2 = np.log1p((sd_a / mean_a) ** 2)
        mu = np.log(mean_a) - sigma2 / 2
        att = np.exp(mu + np.sqrt(sigma2) * z)
    else:
        att = mean_a + sd_a * z
    return AttainmentSimulation(np.maximum(att, 0.0), src, params)


@dataclass(frozen=True)
class PlanCost:
    """The cost of one plan on a simulated set of rep-years (USD floats: statistics, not pay).

    Attributes
    ----------
    plan_id : str
    payouts : ndarray, shape (n_sims, n_reps)
        Annual incentive per rep and simulation, USD.
    total_cost : ndarray, shape (n_sims,)
        Incentive cost of the team per simulated year, USD.
    revenue : ndarray, shape (n_sims,)
        Credited bookings per simulated year (attainment x annual quota), USD.
    cost_of_sales : ndarray, shape (n_sims,)
        ``total_cost / revenue``.
    mean_attainment : ndarray, shape (n_sims,)
        Quota-weighted team attainment per simulated year.
    target_cost : float
        Sum of the reps' target incentives (cost at 100% attainment for all), USD.
    target_incentive : ndarray, shape (n_reps,)
    summary : dict
        Headline figures (see :func:`plan_cost`).
    spif_cost, clawback_cost, draw_advance : ndarray, shape (n_sims,)
        Of ``total_cost``: SPIFs paid (net of reversals), commission and SPIFs taken back by
        clawbacks (zero or negative), and paid above earnings to honour the draw, USD.
    left_out : tuple of str
        Parts of the plan the simulation could not cost (e.g. SPIFs without a deal profile).
    """

    plan_id: str
    payouts: np.ndarray
    total_cost: np.ndarray
    revenue: np.ndarray
    cost_of_sales: np.ndarray
    mean_attainment: np.ndarray
    target_cost: float
    target_incentive: np.ndarray
    summary: dict
    spif_cost: np.ndarray
    clawback_cost: np.ndarray
    draw_advance: np.ndarray
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class DealProfile:
    """How a rep's simulated bookings break into deals, for SPIFs and clawbacks.

    Attributes
    ----------
    deal_size : float
        Average credited amount of a credit line, USD (``> 0``); a per-deal SPIF pays its
        amount on ``bookings x share / deal_size`` deals.
    spif_shares : mapping of SPIF id -> float
        Share of a rep's credited bookings that each SPIF pays on (the lines matching its
        measures, attributes and dates), in [0, 1]. Every SPIF of a costed plan needs one.
    cancel_share : float
        Share of credited bookings cancelled later, in [0, 1).
    cancel_age_days : int
        Age of a cancelled deal at its cancellation, days: the plan's clawback rule gives the
        share reversed (:func:`.settlement.clawback_share`).
    """

    deal_size: float
    spif_shares: Mapping[str, float] = field(default_factory=dict)
    cancel_share: float = 0.0
    cancel_age_days: int = 0

    def check(self, plan: Plan, caller: str) -> None:
        """Raise when the profile cannot cost ``plan`` (a SPIF without a share, bad values)."""
        if not np.isfinite(self.deal_size) or self.deal_size <= 0:
            raise param_error("profile.deal_size", caller, "a positive amount", self.deal_size)
        if not 0 <= self.cancel_share < 1:
            raise param_error("profile.cancel_share", caller, "in [0, 1)", self.cancel_share)
        if self.cancel_age_days < 0:
            raise param_error("profile.cancel_age_days", caller, ">= 0", self.cancel_age_days)
        for s in plan.spifs:
            share = self.spif_shares.get(s.id)
            if share is None or not 0 <= share <= 1:
                raise param_error(
                    f"profile.spif_shares[{s.id!r}]", caller, "a share in [0, 1]", share
                )


def deal_profile(
    plan: Plan, credits: pd.DataFrame, cancellations: pd.DataFrame | None = None
) -> DealProfile:
    """Measure a :class:`DealProfile` on one plan year of credit lines.

    Parameters
    ----------
    plan : Plan
        The plan, in the year of ``credits`` (SPIF windows are matched on the line dates).
    credits : DataFrame
        Credit lines as :func:`.compute_payouts` takes them: ``deal_id``, ``date``,
        ``measure``, ``amount``, optional ``split_pct`` and the attribute columns SPIFs
        filter on.
    cancellations : DataFrame, optional
        ``deal_id`` and ``cancel_date``; without it no deal is cancelled.

    Returns
    -------
    DealProfile
        Mean credited amount per line; per SPIF the credited share of matching lines; the
        credited share of cancelled deals and their median age at cancellation, days.
    """
    caller = "deal_profile"
    if credits.empty:
        raise param_error("credits", caller, "at least one credit line", 0)
    split = credits["split_pct"] if "split_pct" in credits.columns else 100.0
    credited = credits["amount"].astype(float) * split / 100.0
    total = float(credited.sum())
    if total <= 0:
        raise param_error("credits", caller, "credit lines with a positive total", total)
    dates = pd.to_datetime(credits["date"])
    shares = {}
    for s in plan.spifs:
        match = credits["measure"].isin(list(s.measures))
        for col, values in s.where:
            if col not in credits.columns:
                raise param_error("credits", caller, f"a column {col!r} (SPIF {s.id!r})", None)
            match &= credits[col].astype(str).isin(list(values))
        match &= (dates >= pd.Timestamp(s.start)) & (dates <= pd.Timestamp(s.end))
        shares[s.id] = float(credited[match].sum()) / total
    cancel_share, age = 0.0, 0
    if cancellations is not None and not cancellations.empty:
        first = credits.assign(credited=credited, d=dates).groupby("deal_id")
        deals = pd.DataFrame({"credited": first["credited"].sum(), "d": first["d"].min()})
        canc = cancellations.drop_duplicates("deal_id").set_index("deal_id")
        hit = deals.join(pd.to_datetime(canc["cancel_date"]), how="inner")
        cancel_share = float(hit["credited"].sum()) / total
        age = int((hit["cancel_date"] - hit["d"]).dt.days.median()) if len(hit) else 0
    return DealProfile(float(credited.mean()), shares, cancel_share, age)


QuotaInput = float | np.ndarray | Sequence[float] | pd.DataFrame | None


def _measure_quotas(
    plan: Plan, n_reps: int, quotas: QuotaInput, caller: str
) -> dict[str, np.ndarray]:
    """Annual quota cents per measure and rep.

    ``quotas`` is a DataFrame with a ``quota_<measure_id>`` column per measure (one row per
    rep), or total annual quotas split over measures by ``quota_share`` (default: weight), or
    ``None`` for the plan's own measure quotas.
    """
    out: dict[str, np.ndarray] = {}
    if isinstance(quotas, pd.DataFrame):
        for m in plan.measures:
            col = f"quota_{m.id}"
            if col not in quotas.columns:
                raise param_error("quotas", caller, f"a table with a column {col!r}", list(quotas))
            out[m.id] = np.rint(quotas[col].to_numpy(dtype=float) * 100).astype(np.int64)
    elif quotas is None:
        for m in plan.measures:
            if m.quota is None:
                raise param_error("quotas", caller, "given when a measure has no plan quota", None)
            out[m.id] = np.full(n_reps, decimal_to_cents(m.quota), dtype=np.int64)
    else:
        q = np.broadcast_to(np.asarray(quotas, dtype=float), (n_reps,))
        if np.any(~np.isfinite(q)) or np.any(q <= 0):
            raise param_error("quotas", caller, "positive annual quotas", quotas)
        q_cents = np.rint(q * 100).astype(np.int64)
        for m in plan.measures:
            share = m.quota_share if m.quota_share is not None else m.weight
            out[m.id] = mul_div(q_cents, factor_units(share))
    for mid, v in out.items():
        if len(v) != n_reps or np.any(v <= 0):
            raise param_error("quotas", caller, f"{n_reps} positive quotas for {mid!r}", v)
    return out


def _target_incentive(plan: Plan, n_reps: int, target_incentive) -> np.ndarray:
    if target_incentive is None:
        return np.full(n_reps, float(plan.target_incentive))
    return np.broadcast_to(np.asarray(target_incentive, dtype=float), (n_reps,)).copy()


@dataclass(frozen=True)
class _YearCost:
    """Cents per simulated rep-year (shape of the attainment array)."""

    paid: np.ndarray
    earned: np.ndarray
    spif: np.ndarray
    clawback: np.ndarray
    advance: np.ndarray
    revenue: np.ndarray
    components: list


def _reversed_share(plan: Plan, profile: DealProfile | None) -> float:
    """Share of credited bookings taken back by clawbacks (cancelled share x share reversed)."""
    if profile is None or plan.clawback is None or profile.cancel_share == 0:
        return 0.0
    num, den = clawback_share(plan.clawback, np.array([profile.cancel_age_days]))
    return profile.cancel_share * float(num[0]) / float(den[0])


def _spread(plan: Plan, spif: Spif) -> np.ndarray:
    """Share of a SPIF's pay falling in each month of the plan year."""
    starts = pd.date_range(plan.first_day, periods=12, freq="MS").to_numpy("datetime64[D]")
    ends = (pd.date_range(plan.first_day, periods=12, freq="ME")).to_numpy("datetime64[D]")
    lo = np.maximum(starts, np.datetime64(spif.start, "D"))
    hi = np.minimum(ends, np.datetime64(spif.end, "D"))
    days = np.maximum((hi - lo).astype(np.int64) + 1, 0).astype(float)
    # Bookings are even by month, so a month counts by the share of its days in the window.
    covered = days / ((ends - starts).astype(np.int64) + 1)
    return covered / covered.sum() if covered.sum() > 0 else covered


def _evaluate(plan, credit, quota, target, ti_rows):
    """Plan earnings on rows of YTD credit, quota and target per measure (cents)."""
    inputs = {
        m.id: ComponentInputs(
            credit=credit[m.id],
            quota=quota[m.id],
            target=target[m.id],
            annual_target=target[m.id + "@annual"],
            annual_quota=quota[m.id + "@annual"],
        )
        for m in plan.measures
    }
    yf = np.full(len(ti_rows), FACTOR_SCALE, dtype=np.int64)
    return evaluate_plan(plan, inputs, ti_rows, yf)


def _year_cost(
    plan: Plan,
    attainment: np.ndarray,
    mq: dict[str, np.ndarray],
    ti: np.ndarray,
    profile: DealProfile | None = None,
) -> _YearCost:
    """Cost of each simulated rep-year: the engine's rules on evenly spread bookings.

    Booked credit is ``attainment x measure quota``; clawbacks take back the profile's
    reversed share of it (and of SPIFs); each payout period evaluates the year-to-date figures
    and is settled with the draw, as a statement is.
    """
    n_rows, n_reps = attainment.shape
    n = n_rows * n_reps
    k = plan.frequency.months
    n_t = 12 // k
    ends = np.arange(k - 1, 12, k)
    ti_cents = np.rint(ti * 100).astype(np.int64)
    ti_rows = np.tile(ti_cents, n_rows)
    flat_att = attainment.ravel()
    keep = 1.0 - _reversed_share(plan, profile)
    periodic = plan.draw is not None

    def ytd(annual: np.ndarray) -> np.ndarray:
        return np.cumsum(year_split(annual), axis=1)[:, ends] if periodic else annual[:, None]

    booked, net, quota, target = {}, {}, {}, {}
    revenue = np.zeros(n, dtype=np.int64)
    for m in plan.measures:
        q = np.tile(mq[m.id], n_rows)
        booked[m.id] = np.rint(flat_att * q).astype(np.int64)
        net[m.id] = np.rint(booked[m.id] * keep).astype(np.int64)
        revenue += booked[m.id]
        ti_w = np.tile(mul_div(ti_cents, factor_units(m.weight)), n_rows)
        q_ytd, t_ytd = ytd(q), ytd(ti_w)
        if plan.measurement is Measurement.ANNUAL:
            q_ytd = np.repeat(q_ytd[:, -1:], q_ytd.shape[1], axis=1)
            t_ytd = np.repeat(t_ytd[:, -1:], t_ytd.shape[1], axis=1)
        quota[m.id], target[m.id] = q_ytd.ravel(), t_ytd.ravel()
        quota[m.id + "@annual"] = np.repeat(q, q_ytd.shape[1])
        target[m.id + "@annual"] = np.repeat(ti_w, q_ytd.shape[1])
    width = n_t if periodic else 1
    rows_ti = np.repeat(ti_rows, width)
    credit = {mid: ytd(v).ravel() for mid, v in net.items()}
    out = _evaluate(plan, credit, quota, target, rows_ti)
    ytd_earned = out.earned.reshape(n, width)
    commission = np.diff(ytd_earned, axis=1, prepend=0)
    clawback = np.zeros(n, dtype=np.int64)
    if keep < 1.0:
        full = {mid: ytd(v).ravel() for mid, v in booked.items()}
        gross = _evaluate(plan, full, quota, target, rows_ti).earned.reshape(n, width)
        clawback = ytd_earned[:, -1] - gross[:, -1]
    spif = np.zeros((n, width), dtype=np.int64)
    spif_lost = np.zeros(n, dtype=np.int64)
    for s in plan.spifs if profile is not None else ():
        eligible = revenue * profile.spif_shares[s.id]
        if s.amount is not None:
            value = eligible / (profile.deal_size * 100) * float(decimal_to_cents(s.amount))
        else:
            value = eligible * factor_units(s.rate) / FACTOR_SCALE
        months = _spread(plan, s)
        by_period = months.reshape(width, -1).sum(axis=1) if periodic else np.ones(1)
        paid_s = np.rint(np.outer(value * keep, by_period)).astype(np.int64)
        spif += paid_s
        spif_lost += paid_s.sum(axis=1) - np.rint(value).astype(np.int64)
    earned = commission + spif
    draw = np.zeros((n, width), dtype=np.int64)
    recoverable = True
    if plan.draw is not None:
        full_months = np.full((n, 12), FACTOR_SCALE, dtype=np.int64)
        draw = monthly_draw(plan.draw, full_months).reshape(n, n_t, k).sum(axis=2)
        recoverable = plan.draw.type is DrawType.RECOVERABLE
    _, paid, _, advance = settle_balances(earned, draw, recoverable)
    shape = attainment.shape
    return _YearCost(
        paid=paid.sum(axis=1).reshape(shape),
        earned=earned.sum(axis=1).reshape(shape),
        spif=spif.sum(axis=1).reshape(shape),
        clawback=(clawback + spif_lost).reshape(shape),
        advance=advance.sum(axis=1).reshape(shape),
        revenue=revenue.reshape(shape),
        components=list(out.components),
    )


def _annual(
    plan: Plan,
    attainment: np.ndarray,
    mq: dict[str, np.ndarray],
    ti: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, list]:
    """Annual incentive cents of the measures, credited revenue cents, component outcomes."""
    year = _year_cost(replace(plan, draw=None, spifs=()), attainment, mq, ti)
    return year.earned, year.revenue, year.components


def plan_cost(
    plan: Plan,
    simulation: AttainmentSimulation,
    *,
    quotas: QuotaInput = None,
    target_incentive: float | np.ndarray | None = None,
    profile: DealProfile | None = None,
) -> PlanCost:
    """Cost a plan on simulated attainment.

    Parameters
    ----------
    plan : Plan
    simulation : AttainmentSimulation
        Booked attainment (before cancellations).
    quotas : float, array of shape (n_reps,), DataFrame or None
        Annual quota per rep, USD, split over measures by ``quota_share`` (default: weight);
        or a table with one ``quota_<measure_id>`` column per measure and one row per rep;
        ``None``: the plan's own measure quotas. Credited revenue is the sum over measures of
        attainment x measure quota (measures are assumed not to overlap).
    target_incentive : float or array, optional
        Annual target incentive per rep, USD; default the plan's.
    profile : DealProfile, optional
        How bookings break into deals: needed to cost SPIFs and clawbacks. Without it no deal
        is cancelled and the plan's SPIFs are left out (both named in ``left_out``). The draw
        is always costed.

    Returns
    -------
    PlanCost
        ``summary`` holds ``expected_cost``, ``cost_p10``, ``cost_p50``, ``cost_p90``,
        ``target_cost``, ``expected_cost_of_sales``, ``cost_of_sales_p90``,
        ``p90_payout`` (90th percentile of a rep's annual incentive), ``p90_multiple``
        (that over the median target incentive), ``p99_payout``, ``max_payout``,
        ``share_above_target`` (share of rep-years paid more than their target incentive),
        ``expected_spif``, ``expected_clawback`` and ``expected_draw_advance``.
    """
    mq = _measure_quotas(plan, simulation.n_reps, quotas, "plan_cost")
    ti = _target_incentive(plan, simulation.n_reps, target_incentive)
    if profile is not None:
        profile.check(plan, "plan_cost")
    left_out = ()
    if profile is None:
        left_out = ("SPIFs",) * bool(plan.spifs) + ("clawbacks",) * (plan.clawback is not None)
    year = _year_cost(plan, simulation.attainment, mq, ti, profile)
    payouts = year.paid / 100.0
    total = payouts.sum(axis=1)
    revenue = year.revenue.sum(axis=1) / 100.0
    q = np.sum(list(mq.values()), axis=0) / 100.0
    cos = np.divide(total, revenue, out=np.full_like(total, np.nan), where=revenue > 0)
    mean_att = (simulation.attainment * q).sum(axis=1) / q.sum()
    p90_pay = float(np.percentile(payouts, 90))
    spif = year.spif.sum(axis=1) / 100.0
    claw = year.clawback.sum(axis=1) / 100.0
    advance = year.advance.sum(axis=1) / 100.0
    summary = {
        "expected_cost": float(total.mean()),
        "cost_p10": float(np.percentile(total, 10)),
        "cost_p50": float(np.percentile(total, 50)),
        "cost_p90": float(np.percentile(total, 90)),
        "target_cost": float(ti.sum()),
        "expected_cost_of_sales": float(np.nanmean(cos)),
        "cost_of_sales_p90": float(np.nanpercentile(cos, 90)),
        "p90_payout": p90_pay,
        "p90_multiple": p90_pay / float(np.median(ti)) if np.median(ti) > 0 else float("nan"),
        "p99_payout": float(np.percentile(payouts, 99)),
        "max_payout": float(payouts.max()),
        "share_above_target": float((payouts > ti[None, :]).mean()),
        "expected_spif": float(spif.mean()),
        "expected_clawback": float(claw.mean()),
        "expected_draw_advance": float(advance.mean()),
    }
    return PlanCost(
        plan_id=plan.id,
        payouts=payouts,
        total_cost=total,
        revenue=revenue,
        cost_of_sales=cos,
        mean_attainment=mean_att,
        target_cost=float(ti.sum()),
        target_incentive=ti,
        summary=summary,
        spif_cost=spif,
        clawback_cost=claw,
        draw_advance=advance,
        left_out=left_out,
    )


def payout_curve(
    plan: Plan,
    attainment: Sequence[float] | np.ndarray | None = None,
    *,
    quota: float | pd.DataFrame | None = None,
    target_incentive: float | None = None,
) -> pd.DataFrame:
    """Annual payout of one rep as a function of attainment (all measures at that attainment).

    ``quota`` is the rep's annual quota (split over measures as in :func:`plan_cost`), a
    one-row table of measure quotas, or ``None`` for the plan's own measure quotas.

    Returns
    -------
    DataFrame
        ``attainment``, ``payout`` (USD), ``payout_pct_of_target`` (1.0 = target incentive)
        and one column per measure (USD).
    """
    grid = np.linspace(0, 2, 81) if attainment is None else np.asarray(attainment, dtype=float)
    mq = _measure_quotas(plan, 1, quota, "payout_curve")
    ti = _target_incentive(plan, 1, target_incentive)
    pay_c, _, comps = _annual(plan, grid[:, None], mq, ti)
    out_earned = pay_c[:, 0]
    frame = pd.DataFrame({"attainment": grid, "payout": out_earned / 100.0})
    frame["payout_pct_of_target"] = frame["payout"] / ti[0] if ti[0] > 0 else np.nan
    for o in comps:
        frame[o.measure.id] = o.earned / 100.0
    return frame


@dataclass(frozen=True)
class PlanComparison:
    """Plans costed on the same simulated attainment.

    Attributes
    ----------
    costs : dict of plan id -> PlanCost
    table : DataFrame
        One row per plan: headline figures and the change against the first (reference) plan.
    curves : DataFrame
        Long payout curves: ``plan_id``, ``attainment``, ``payout``, ``payout_pct_of_target``.
    """

    costs: dict[str, PlanCost]
    table: pd.DataFrame
    curves: pd.DataFrame

    @property
    def reference(self) -> str:
        """The plan the others are compared with (the first one)."""
        return next(iter(self.costs))


def compare_plans(
    plans: Sequence[Plan] | Mapping[str, Plan],
    simulation: AttainmentSimulation,
    *,
    quotas: QuotaInput = None,
    target_incentive: float | np.ndarray | None = None,
    profiles: Mapping[str, DealProfile] | None = None,
) -> PlanComparison:
    """Cost several plans on the same simulated attainment and tabulate them side by side.

    ``profiles`` gives each plan's :class:`DealProfile` by plan id (see :func:`plan_cost`).
    The first plan is the reference; ``extra_cost_mean`` and ``prob_costs_more`` compare each
    plan with it draw by draw (paired), so the difference reflects the plan change alone.
    The payout curves are drawn for a typical rep (median quotas and target incentive).
    """
    plan_list = list(plans.values()) if isinstance(plans, Mapping) else list(plans)
    if not plan_list:
        raise param_error("plans", "compare_plans", "a non-empty list of plans", plans)
    costs = {
        p.id: plan_cost(
            p,
            simulation,
            quotas=quotas,
            target_incentive=target_incentive,
            profile=(profiles or {}).get(p.id),
        )
        for p in plan_list
    }
    ref = costs[plan_list[0].id]
    rows = []
    for pid, c in costs.items():
        diff = c.total_cost - ref.total_cost
        rows.append(
            {
                "plan_id": pid,
                **c.summary,
                "extra_cost_mean": float(diff.mean()),
                "extra_cost_pct": float(diff.mean() / ref.total_cost.mean())
                if ref.total_cost.mean() > 0
                else float("nan"),
                "prob_costs_more": float((diff > 0).mean()),
            }
        )
    if isinstance(quotas, pd.DataFrame):
        typical = quotas.filter(like="quota_").median().to_frame().T
    else:
        typical = None if quotas is None else float(np.median(np.asarray(quotas, dtype=float)))
    mean_ti = None if target_incentive is None else float(np.median(target_incentive))
    curves = pd.concat(
        [
            payout_curve(p, quota=typical, target_incentive=mean_ti)
            .loc[:, ["attainment", "payout", "payout_pct_of_target"]]
            .assign(plan_id=p.id)
            for p in plan_list
        ],
        ignore_index=True,
    )
    return PlanComparison(costs=costs, table=pd.DataFrame(rows), curves=curves)


__all__ = [
    "AttainmentSimulation",
    "AttainmentSource",
    "DealProfile",
    "PlanComparison",
    "PlanCost",
    "compare_plans",
    "deal_profile",
    "payout_curve",
    "plan_cost",
    "simulate_attainment",
]


#: Upside (90th-percentile payout over target incentive) that plans commonly aim for.
UPSIDE_BAND: tuple[float, float] = (2.0, 3.0)


def recommend_plan(table: pd.DataFrame) -> str:
    """The plan to recommend from a comparison table (one row per plan).

    Rule: among the plans whose 90th-percentile payout is within :data:`UPSIDE_BAND` times
    target incentive, the one with the lowest expected cost of sales; when none (or all) are
    within the band, the lowest expected cost of sales overall.

    Parameters
    ----------
    table : DataFrame
        ``plan_id``, ``expected_cost_of_sales``, ``p90_multiple`` (:attr:`PlanComparison.table`).
    """
    if table.empty:
        raise param_error("table", "recommend_plan", "a table with at least one plan", 0)
    lo, hi = UPSIDE_BAND
    within = table.loc[table["p90_multiple"].between(lo, hi)]
    pool = within if not within.empty else table
    return str(pool.sort_values(["expected_cost_of_sales", "plan_id"])["plan_id"].iloc[0])


def comparison_figures(
    comparison: PlanComparison,
    plan_a: str,
    plan_b: str,
    names: Mapping[str, str] | None = None,
) -> dict:
    """The ``incentives.*`` cost figures of a comparison of ``plan_a`` (current) and ``plan_b``.

    Plans are named by ``names`` (plan id to the name a reader sees; default the ids).
    Figures that cannot be computed (e.g. a cost of sales with no credited bookings) are left
    out rather than written as NaN.
    """
    names = dict(names or {})
    t = comparison.table.set_index("plan_id")
    a, b = t.loc[plan_a], t.loc[plan_b]
    recommended = recommend_plan(comparison.table)
    values = {
        "incentives.plan_a": names.get(plan_a, plan_a),
        "incentives.plan_b": names.get(plan_b, plan_b),
        "incentives.total_cost": a["expected_cost"],
        "incentives.target_cost": a["target_cost"],
        "incentives.cost_p10": a["cost_p10"],
        "incentives.cost_p90": a["cost_p90"],
        "incentives.cost_of_sales": a["expected_cost_of_sales"],
        "incentives.p90_payout": a["p90_payout"],
        "incentives.p90_multiple": a["p90_multiple"],
        "incentives.plan_b_cost": b["expected_cost"],
        "incentives.plan_b_extra_cost": b["extra_cost_mean"],
        "incentives.plan_b_costs_more_share": b["prob_costs_more"],
        "incentives.recommended_plan": names.get(recommended, recommended),
    }
    return {k: v for k, v in values.items() if isinstance(v, str) or np.isfinite(float(v))}


def cost_sentences(figures: Mapping[str, object]) -> list[str]:
    """The cost section's sentences from :func:`comparison_figures` (formatted via the registry)."""
    from spm_models.registry import format_figure, format_value

    f = figures
    a_name, b_name = f["incentives.plan_a"], f["incentives.plan_b"]

    def fig(name: str) -> str:
        return format_figure(name, f.get(name))

    lines = [
        f"{a_name} costs {fig('incentives.total_cost')} a year on average against a target "
        f"cost of {fig('incentives.target_cost')}; in a weak year (P10) "
        f"{fig('incentives.cost_p10')}, in a strong one (P90) {fig('incentives.cost_p90')}. "
        f"Its cost of sales is {fig('incentives.cost_of_sales')} of credited bookings."
    ]
    multiple = f.get("incentives.p90_multiple")
    if multiple is not None:
        lo, hi = UPSIDE_BAND
        where = "within" if lo <= multiple <= hi else ("below" if multiple < lo else "above")
        lines.append(
            f"A rep at the 90th percentile earns {fig('incentives.p90_payout')}, "
            f"{fig('incentives.p90_multiple')} target incentive, {where} the "
            f"{format_value(lo, 'ratio')} to {format_value(hi, 'ratio')} upside plans "
            "commonly aim for."
        )
    extra = float(f["incentives.plan_b_extra_cost"])
    lines.append(
        f"{b_name} would cost {format_value(abs(extra), 'usd')} a year "
        f"{'more' if extra >= 0 else 'less'} on average ({fig('incentives.plan_b_cost')} in "
        f"all) and costs more in {fig('incentives.plan_b_costs_more_share')} of the simulated "
        "years."
    )
    lines.append(
        f"Recommended: {f['incentives.recommended_plan']}, the lower cost of sales of the "
        "plans whose upside is within that band (of all plans, when none is)."
    )
    return lines


__all__ += ["UPSIDE_BAND", "comparison_figures", "cost_sentences", "recommend_plan"]
