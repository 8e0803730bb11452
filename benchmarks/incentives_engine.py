"""Benchmark: the vectorised payout engine against a straightforward per-row loop.

Workload: 1,000,000 credit lines for 5,000 reps over the 12 months of 2027 (5% of deals split
50/50 between two reps, 1% of deals cancelled, 4% of reps hired during the year), on the
``ae_standard`` plan paid monthly (marginal tiers on the base commission rate, a renewals bonus
curve with a gate and a cap, a plan cap, a SPIF, a recoverable draw, prorated clawbacks).

The engine runs with every rule it has switched on: exact rational attainment, rates and
tier starts, commission allocated to every credit line, strict date and measure checks. The
per-row loop reads every credit line in Python and then computes each rep's months one by
one with Python integers and exact fractions, following the same rule (one rounding to the
cent per step). It runs on a subset of the reps
(``--loop-reps``, default 250, i.e. 5%) and its time is scaled linearly to the full workload; its
statements are checked cent for cent against the engine's on the same subset.

``--features`` also times the engine on the same workload with this branch's newer rules on
top: proportional per-tier commission (Oracle's proportional split) on new business, two gates
on renewals, a clawback schedule by deal age and annual measurement.

``--baseline DIR`` measures the speed as a ratio against another checkout's engine in the same
run: the timing runs alternate between two processes, one importing this checkout's
``spm_models`` and one importing ``DIR``'s (through ``PYTHONPATH``), on the same workload and
the same ``ae_standard`` plan; the ratio is of the median (and of the fastest) times.
Measured on a shared 2-core machine, full size, 3 runs a side: with trace 4.12 s against
the baseline's 4.17 s (ratio 0.99 of medians, 0.93 of the fastest runs); with the newer
rules on 4.34 s (1.04). Absolute times move with the machine's load; the ratio does not.

Run::

    .venv/bin/python benchmarks/incentives_engine.py            # full size
    .venv/bin/python benchmarks/incentives_engine.py --lines 100000 --reps 500
    .venv/bin/python benchmarks/incentives_engine.py --baseline ../main --repeats 3 --features
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from spm_models import config
from spm_models.incentives import compute_payouts, load_plan
from spm_models.incentives.money import FACTOR_SCALE, decimal_to_cents, factor_units
from spm_models.incentives.plan import Frequency, Plan

S = FACTOR_SCALE


def make_workload(n_lines: int, n_reps: int, seed: int = 0):
    """Synthetic assignments, credits and cancellations for 2027 (fictional)."""
    rng = np.random.default_rng(seed)
    reps = np.array([f"R{i:05d}" for i in range(n_reps)])
    n_split = n_lines // 20 // 2  # deals credited to two reps (two lines each)
    n_deals = n_lines - n_split
    rep_idx = rng.integers(0, n_reps, n_deals)
    day = rng.integers(0, 365, n_deals)
    dates = np.datetime64("2027-01-01") + day.astype("timedelta64[D]")
    measure = rng.choice(np.array(["new", "expansion", "renewal"]), n_deals, p=[0.5, 0.3, 0.2])
    amount = np.round(rng.lognormal(np.log(1500), 0.9, n_deals), 2)
    segment = rng.choice(np.array(["enterprise", "mid-market", "smb"]), n_deals, p=[0.1, 0.3, 0.6])
    deal_id = np.array([f"D{i:07d}" for i in range(n_deals)])
    split = np.full(n_deals, 100.0)
    split[:n_split] = 50.0
    other = (rep_idx[:n_split] + 1 + rng.integers(0, n_reps - 1, n_split)) % n_reps
    credits = pd.DataFrame(
        {
            "deal_id": np.concatenate([deal_id, deal_id[:n_split]]),
            "rep_id": np.concatenate([reps[rep_idx], reps[other]]),
            "date": np.concatenate([dates, dates[:n_split]]),
            "measure": np.concatenate([measure, measure[:n_split]]),
            "amount": np.concatenate([amount, amount[:n_split]]),
            "split_pct": np.concatenate([split, split[:n_split]]),
            "segment": np.concatenate([segment, segment[:n_split]]),
        }
    )
    per_rep = credits.groupby("rep_id")["amount"].sum().reindex(reps, fill_value=0.0)
    quota = np.maximum(np.round(per_rep.to_numpy() * rng.uniform(0.8, 1.25, n_reps), -3), 1000.0)
    start = np.full(n_reps, np.datetime64("2027-01-01"))
    hires = rng.random(n_reps) < 0.04
    start[hires] = np.datetime64("2027-01-01") + rng.integers(30, 330, hires.sum()).astype(
        "timedelta64[D]"
    )
    assignments = pd.DataFrame(
        {
            "rep_id": reps,
            "plan_id": "ae_standard",
            "start_date": start.astype("datetime64[ns]"),
            "annual_quota": quota,
        }
    )
    cancelled = rng.choice(n_deals, n_deals // 100, replace=False)
    cancel = dates[cancelled] + rng.integers(1, 120, len(cancelled)).astype("timedelta64[D]")
    keep = cancel <= np.datetime64("2027-12-31")
    cancellations = pd.DataFrame(
        {"deal_id": deal_id[cancelled][keep], "cancel_date": cancel[keep].astype("datetime64[ns]")}
    )
    credits["date"] = credits["date"].astype("datetime64[ns]")
    return assignments, credits, cancellations


# ----------------------------------------------------------------------------- per-row loop


def _rdiv(n: int, d: int) -> int:
    q, r = divmod(abs(n), d)
    if 2 * r >= d:
        q += 1
    return -q if n < 0 else q


def _rfrac(x: Fraction) -> int:
    """An exact fraction rounded half away from zero (the engine's single rounding)."""
    return _rdiv(x.numerator, x.denominator)


def _cents(x: float) -> int:
    v = abs(x) * 100.0
    c = int(np.floor(v + 0.5))
    return -c if x < 0 else c


def _split12(total: int) -> list[int]:
    cum = [_rdiv(total * k, 12) for k in range(13)]
    return [cum[k + 1] - cum[k] for k in range(12)]


def _loop_earned(plan, ti, rep, q_cents, fracs, ramps, yfrac, month, excl_claw, monthly, claws):
    """YTD earnings of one rep through ``month`` (the loop's twin of the engine's rules)."""
    measures = plan.measures
    total = 0
    ytd = {}
    for m in measures:
        aq = _rdiv(q_cents * factor_units(m.weight), S)
        tiw = _rdiv(ti * factor_units(m.weight), S)
        qm = _split12(aq)
        tm = _split12(tiw)
        c = sum(monthly[(rep, m.id)][: month + 1])
        if excl_claw:
            c -= claws[(rep, m.id)][month]
        q = sum(_rdiv(qm[k] * _rdiv(ramps[k] * fracs[k], S), S) for k in range(month + 1))
        tgt = sum(_rdiv(tm[k] * fracs[k], S) for k in range(month + 1))
        ytd[m.id] = (c, q, tgt, tiw, aq)
    for m in measures:
        c, q, tgt, tiw, aq = ytd[m.id]
        if m.tiers:
            bcr = Fraction(tiw, aq)
            starts = [q * Fraction(t.start) for t in m.tiers] + [None]
            e = 0
            for k, t in enumerate(m.tiers):
                hi = starts[k + 1]
                width = c - starts[k] if hi is None else min(c, hi) - starts[k]
                e += _rfrac(max(width, 0) * bcr * Fraction(t.multiplier))
        else:
            att = Fraction(c, q) if q > 0 else Fraction(0)
            xs = [Fraction(a) for a, _ in m.curve]
            ys = [Fraction(p) for _, p in m.curve]
            if att < xs[0]:
                v = Fraction(0)
            elif att >= xs[-1]:
                v = ys[-1]
            else:
                j = max(i for i in range(len(xs)) if xs[i] <= att)
                v = ys[j] + (att - xs[j]) * (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j])
            e = _rfrac(tgt * v)
        if m.gate is not None:
            gc, gq = ytd[m.gate.measure][:2]
            if not (gq > 0 and Fraction(gc, gq) >= Fraction(m.gate.min_attainment)):
                e = 0
        if m.cap is not None:
            cap = _rdiv(_rdiv(tiw * factor_units(m.cap.multiple_of_target), S) * yfrac, S)
            e = min(e, cap)
        total += e
    pcap = _rdiv(_rdiv(ti * factor_units(plan.cap.multiple_of_target), S) * yfrac, S)
    return min(total, pcap)


def loop_payouts(plan: Plan, assignments: pd.DataFrame, credits: pd.DataFrame, canc) -> dict:
    """Statements by a plain per-row loop: {(rep, month): (commission, clawback, spif, paid,
    closing)} in cents. Supports the features the benchmark plan uses."""
    year = plan.year
    asg = {
        r.rep_id: (r.start_date.date(), r.annual_quota) for r in assignments.itertuples(index=False)
    }
    cancel = {r.deal_id: r.cancel_date.date() for r in canc.itertuples(index=False)}
    window = plan.clawback.window_days
    measures = plan.measures
    spif = plan.spifs[0]
    spif_cents = decimal_to_cents(spif.amount)
    monthly = defaultdict(lambda: [0] * 12)  # (rep, measure) -> credited per month
    claws = defaultdict(lambda: [0] * 12)
    spifs = defaultdict(lambda: [0] * 12)
    spif_claw = defaultdict(lambda: [0] * 12)
    for r in credits.itertuples(index=False):
        if r.rep_id not in asg:
            continue
        start = asg[r.rep_id][0]
        d = r.date.date()
        if d < start or d.year != year:
            continue
        split = round(r.split_pct * 1_000_000)
        credited = _rdiv(_cents(r.amount) * split, S)
        frac = None
        if r.deal_id in cancel:
            cd = cancel[r.deal_id]
            days = (cd - d).days
            if days <= window and cd.year == year:
                frac = Fraction(window - days, window)
                if frac <= 0:
                    frac = None
        for m in measures:
            if r.measure in m.credit.measures:
                monthly[(r.rep_id, m.id)][d.month - 1] += credited
                if frac is not None:
                    claw = -_rfrac(credited * frac)
                    monthly[(r.rep_id, m.id)][cd.month - 1] += claw
                    claws[(r.rep_id, m.id)][cd.month - 1] += claw
        seg_ok = r.segment in dict(spif.where)["segment"]
        if r.measure in spif.measures and seg_ok and spif.start <= d <= spif.end:
            v = _rdiv(spif_cents * split, S)
            spifs[r.rep_id][d.month - 1] += v
            if frac is not None:
                spif_claw[r.rep_id][cd.month - 1] += -_rfrac(v * frac)

    out = {}
    ti = decimal_to_cents(plan.target_incentive)
    for rep, (start, annual_quota) in asg.items():
        fracs, ramps = [], []
        for m in range(12):
            first = dt.date(year, m + 1, 1)
            nxt = dt.date(year + (m == 11), (m + 1) % 12 + 1, 1)
            dim = (nxt - first).days
            days = max(0, (nxt - max(first, start)).days)
            fracs.append(_rdiv(days * S, dim))
            rel = m - (start.month - 1) if start > dt.date(year, 1, 1) else -1
            ramps.append(factor_units(plan.ramp[rel]) if 0 <= rel < len(plan.ramp) else S)
        yfrac = _rdiv(sum(fracs), 12)
        q_cents = _cents(annual_quota)

        balance = 0
        prev = 0
        months_on = 0
        draw = decimal_to_cents(plan.draw.amount_per_month)
        for month in range(12):
            args = (plan, ti, rep, q_cents, fracs, ramps, yfrac, month)
            e_all = _loop_earned(*args, False, monthly, claws)
            e_excl = _loop_earned(*args, True, monthly, claws)
            commission = e_excl - prev
            claw = e_all - e_excl + spif_claw[rep][month]
            sp = spifs[rep][month]
            prev = e_all
            if fracs[month] == 0:
                continue
            months_on += 1
            draw_now = _rdiv(draw * fracs[month], S) if months_on <= plan.draw.months else 0
            available = balance + commission + claw + sp
            paid = max(available, draw_now, 0)
            balance = available - paid
            out[(rep, month)] = (commission, claw, sp, paid, balance)
    return out


def featured_plan(plan: Plan) -> Plan:
    """``plan`` with the newer rules switched on (proportional tiers, two gates, a clawback
    schedule, annual measurement); needs an engine that has them."""
    from decimal import Decimal

    from spm_models.incentives.plan import Clawback, ClawbackMethod, Gate, Measurement, RateMethod

    new, renewals = plan.measures
    tiers = (*new.tiers[:-1], dataclasses.replace(new.tiers[-1], end=Decimal("3")))
    new = dataclasses.replace(new, method=RateMethod.PROPORTIONAL_PER_TIER, tiers=tiers)
    gates = (Gate("new_business", Decimal("0.5")), Gate("renewals", Decimal("0.25")))
    renewals = dataclasses.replace(renewals, gates=gates)
    schedule = ((30, Decimal("1")), (90, Decimal("0.5")))
    claw = Clawback(window_days=90, method=ClawbackMethod.SCHEDULE, schedule=schedule)
    return dataclasses.replace(
        plan, measures=(new, renewals), clawback=claw, measurement=Measurement.ANNUAL
    )


def _time_engine(plan: Plan, workload) -> dict[str, float]:
    assignments, credits, cancellations = workload
    t = time.perf_counter()
    compute_payouts(plan, assignments, credits, cancellations, trace=True)
    t_trace = time.perf_counter() - t
    t = time.perf_counter()
    compute_payouts(plan, assignments, credits, cancellations, trace=False)
    return {"trace": t_trace, "plain": time.perf_counter() - t}


def time_only(args: argparse.Namespace, plan: Plan) -> None:
    """One timing run, printed as JSON (the ``--baseline`` driver reads it)."""
    workload = make_workload(args.lines, args.reps)
    out = {"standard": _time_engine(plan, workload)}
    if args.features:
        out["features"] = _time_engine(featured_plan(plan), workload)
    print(json.dumps(out))


def compare_with(args: argparse.Namespace) -> None:
    """Alternate timing runs of this checkout's engine and ``args.baseline``'s; print both."""
    here = Path(__file__).resolve().parents[1]
    sides = {"this checkout": here, "baseline": Path(args.baseline).resolve()}
    base_cmd = [sys.executable, str(Path(__file__).resolve()), "--time-only"]
    base_cmd += ["--lines", str(args.lines), "--reps", str(args.reps)]
    runs: dict[str, list[dict]] = {name: [] for name in sides}
    for r in range(args.repeats):
        for name, root in sides.items():
            cmd = base_cmd + (["--features"] if args.features and name == "this checkout" else [])
            env = {**os.environ, "PYTHONPATH": str(root)}
            done = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{name} ({root}) failed:\n{done.stderr}")
            runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"run {r + 1}, {name}: {runs[name][-1]}")
    for stat, pick in (("median", statistics.median), ("fastest", min)):
        print(f"{stat} of {args.repeats} runs, {args.lines:,} credit lines, {args.reps:,} reps:")
        _print_ratios(runs, pick)


def _print_ratios(runs: dict[str, list[dict]], pick) -> None:
    """This checkout's times against the baseline's, by one statistic of the runs."""
    got = {
        name: {
            (plan, kind): pick(run[plan][kind] for run in rs)
            for plan in rs[0]
            for kind in ("trace", "plain")
        }
        for name, rs in runs.items()
    }
    for kind in ("trace", "plain"):
        a, b = got["this checkout"][("standard", kind)], got["baseline"][("standard", kind)]
        print(
            f"  ae_standard, {kind:5}: this checkout {a:5.2f} s, baseline {b:5.2f} s, "
            f"ratio {a / b:4.2f}"
        )
        if ("features", kind) in got["this checkout"]:
            f = got["this checkout"][("features", kind)]
            print(
                f"  newer rules, {kind:5}: this checkout {f:5.2f} s, ratio to baseline {f / b:4.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=5_000)
    parser.add_argument("--loop-reps", type=int, default=250)
    parser.add_argument("--features", action="store_true", help="also time the newer rules")
    parser.add_argument("--baseline", help="another checkout to compare the engine's speed with")
    parser.add_argument("--repeats", type=int, default=3, help="timing runs per side")
    parser.add_argument("--time-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    plan = load_plan(config.PROJECT_ROOT / "plans" / "ae_standard.yaml")
    plan = dataclasses.replace(plan, frequency=Frequency.MONTHLY)
    if args.time_only:
        return time_only(args, plan)
    if args.baseline:
        return compare_with(args)
    t = time.perf_counter()
    assignments, credits, cancellations = make_workload(args.lines, args.reps)
    print(
        f"workload: {len(credits):,} credit lines, {args.reps:,} reps, 12 months, "
        f"{len(cancellations):,} cancellations (generated in {time.perf_counter() - t:.1f} s)"
    )

    t = time.perf_counter()
    res = compute_payouts(plan, assignments, credits, cancellations, trace=True)
    t_trace = time.perf_counter() - t
    t = time.perf_counter()
    compute_payouts(plan, assignments, credits, cancellations, trace=False)
    t_plain = time.perf_counter() - t
    print(
        f"vectorised engine, with trace:    {t_trace:6.2f} s  "
        f"({len(res.statements):,} statement rows, {len(res.trace):,} trace lines)"
    )
    print(f"vectorised engine, without trace: {t_plain:6.2f} s")
    if args.features:
        times = _time_engine(featured_plan(plan), (assignments, credits, cancellations))
        print(
            f"with the newer rules on: {times['trace']:6.2f} s with trace, "
            f"{times['plain']:6.2f} s without"
        )

    subset = [f"R{i:05d}" for i in range(args.loop_reps)]
    sub_a = assignments[assignments["rep_id"].isin(subset)]
    sub_c = credits[credits["rep_id"].isin(subset)]
    sub_deals = set(sub_c["deal_id"])
    sub_x = cancellations[cancellations["deal_id"].isin(sub_deals)]
    t = time.perf_counter()
    loop = loop_payouts(plan, sub_a, sub_c, sub_x)
    t_loop = time.perf_counter() - t
    scale = len(credits) / max(len(sub_c), 1)
    print(
        f"per-row loop on {args.loop_reps} reps ({len(sub_c):,} lines): {t_loop:6.2f} s; "
        f"scaled x{scale:.1f} to the full workload: {t_loop * scale:7.1f} s"
    )
    print(f"speed-up of the engine (with trace) over the loop: {t_loop * scale / t_trace:5.1f}x")

    sub_res = compute_payouts(plan, sub_a, sub_c, sub_x, trace=False)
    st = sub_res.statements
    month = st["period"].str[-2:].astype(int) - 1
    engine = {
        (r, m): (c, cl, sp, p, b)
        for r, m, c, cl, sp, p, b in zip(
            st["rep_id"],
            month,
            st["commission_cents"],
            st["clawback_cents"],
            st["spif_cents"],
            st["paid_cents"],
            st["closing_balance_cents"],
            strict=True,
        )
    }
    mismatches = [k for k in loop if loop[k] != engine.get(k)]
    missing = set(engine) ^ set(loop)
    print(
        f"check on the subset: {len(loop):,} statement rows, {len(mismatches)} differ by a cent "
        f"or more, {len(missing)} present in only one"
    )
    if mismatches or missing:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
