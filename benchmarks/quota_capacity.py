"""Benchmark: quota and capacity planning at sizes beyond the sample company.

Times, on synthetic but realistic inputs (fixed seeds):

* the fairness LP (two stages, HiGHS) for 60, 500 and 2,000 territories, with the share of
  territories on a growth bound and the band it finds;
* the hiring IP over 12 and 36 months (including pricing each month's hire with the
  headcount model and, when targets are out of reach, the shortfall diagnosis);
* the attainment Monte Carlo for 1,000 reps x 10,000 simulated years;
* the whole plan (quotas, attainment, capacity, hiring, waterfall, tornado) on the built-in
  sample company (5,000 accounts, 60 seats).

Run::

    .venv/bin/python benchmarks/quota_capacity.py
    .venv/bin/python benchmarks/quota_capacity.py --territories 60 500 --sims 2000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from spm_models.capacity import CapacityAssumptions, plan_hiring, roster_from_reps
from spm_models.capacity.plan import plan_year
from spm_models.data import generate_company
from spm_models.quota import fair_quotas, linear_ramp, simulate_attainment
from spm_models.quota.plan import planning_inputs


def territories(n: int, seed: int = 1) -> pd.DataFrame:
    """Potential lognormal; history a territory-specific 3-12% of potential."""
    rng = np.random.default_rng(seed)
    potential = rng.lognormal(np.log(10e6), 0.6, n)
    history = potential * rng.uniform(0.03, 0.12, n)
    return pd.DataFrame(
        {
            "rep_id": [f"T{i:05d}" for i in range(n)],
            "potential": potential,
            "trailing_bookings": history,
        }
    )


def bench_fairness(sizes: list[int]) -> None:
    print("fairness LP (HiGHS, 2 stages), target = history x 1.12, growth in [0%, 40%]")
    for n in sizes:
        t = territories(n)
        clock = time.perf_counter()
        res = fair_quotas(
            t, float(t["trailing_bookings"].sum()) * 1.12, growth_min=0.0, growth_max=0.4
        )
        wall = time.perf_counter() - clock
        on_bound = (res.quotas["binding"] != "").mean()
        print(
            f"  {n:>6} territories: {wall:6.2f} s wall ({res.runtime_s:.2f} s in solver), "
            f"band ±{res.objective:.4f}, {on_bound:.0%} on a growth bound, {res.status}"
        )


def bench_hiring() -> None:
    print("hiring IP (HiGHS): 60 reps, 6-month ramp, 2% attrition, 2-month time to hire")
    rng = np.random.default_rng(3)
    roster = pd.DataFrame(
        {
            "rep_id": [f"R{i}" for i in range(60)],
            "tenure_months": rng.integers(0, 48, 60),
            "fte": 1.0,
        }
    )
    a = CapacityAssumptions(
        quota_per_rep=1.2e6,
        attainment=0.9,
        ramp=linear_ramp(6),
        monthly_attrition=0.02,
        time_to_hire=2,
    )
    for months, growth in ((12, 0.15), (36, 0.15), (36, 0.60)):
        quarters = months // 3
        base = 60 * a.productivity / 4
        targets = [base * (1 + growth) ** ((q + 1) / 4) for q in range(quarters)]
        clock = time.perf_counter()
        plan = plan_hiring(
            roster,
            a,
            plan_start=pd.Timestamp("2027-01-01"),
            targets=targets,
            months=months,
            max_hires=6,
        )
        wall = time.perf_counter() - clock
        print(
            f"  {months:>2} months, target growth {growth:.0%}/yr: {wall:6.2f} s, "
            f"{plan.total_hires} hires, cost ${plan.objective / 1e6:,.1f}M, {plan.status}"
            + (
                f", short ${plan.shortfall / 1e6:,.1f}M ({plan.blocking})"
                if not plan.status.is_ok
                else ""
            )
        )


def bench_monte_carlo(reps: int, sims: int) -> None:
    rng = np.random.default_rng(5)
    q = pd.DataFrame({"rep_id": [f"R{i}" for i in range(reps)], "quota": 1e6})
    e = q[["rep_id"]].assign(
        expected_bookings=rng.uniform(0.8e6, 1.2e6, reps), cv=rng.uniform(0.1, 0.4, reps)
    )
    clock = time.perf_counter()
    res = simulate_attainment(q, e, n_sims=sims)
    wall = time.perf_counter() - clock
    print(
        f"attainment Monte Carlo: {reps:,} reps x {sims:,} years in {wall:.2f} s, "
        f"expected share at or above quota {res.expected_share:.1%}"
    )


def bench_company() -> None:
    clock = time.perf_counter()
    company = generate_company(42, 5000, 60)
    gen = time.perf_counter() - clock
    clock = time.perf_counter()
    inputs = planning_inputs(company)
    roster, open_seats = roster_from_reps(company.reps, inputs.plan_start)
    year = plan_year(inputs, roster, open_seats, target=inputs.trailing * 1.10)
    wall = time.perf_counter() - clock
    print(
        f"sample company (5,000 accounts, 60 seats; generated in {gen:.1f} s): full plan in "
        f"{wall:.2f} s -> quotas ${year.quota.total / 1e6:,.1f}M, "
        f"{year.quota.attainment.expected_share:.0%} at or above quota, "
        f"{year.capacity.hiring.total_hires} hires, {year.capacity.hiring.status}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=int, nargs="+", default=[60, 500, 2000])
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--sims", type=int, default=10_000)
    args = parser.parse_args()
    bench_fairness(args.territories)
    bench_hiring()
    bench_monte_carlo(args.reps, args.sims)
    bench_company()


if __name__ == "__main__":
    main()
