"""``spm bench``: run OR-Library benchmark instances through the territory model code."""

from __future__ import annotations

import argparse
import json
import math
import time


def register(subparsers) -> None:
    """Add the ``bench`` command with its ``gap`` and ``cpmp`` sub-commands."""
    p = subparsers.add_parser(
        "bench",
        help="solve OR-Library GAP / capacitated p-median instances (one JSON line each)",
        description=(
            "Solve benchmark instances with the same model code as territory alignment and "
            "print one JSON line per problem: instance, objective, bound, gap, status, seconds."
        ),
    )
    sub = p.add_subparsers(title="benchmarks", metavar="KIND")
    g = sub.add_parser("gap", help="generalized assignment problems (gap1..gap12, gapa..gapd)")
    g.add_argument("files", nargs="+", metavar="FILE")
    g.add_argument(
        "--sense",
        choices=("max", "min"),
        required=True,
        help="max for gap1-gap12 (profits), min for gapa-gapd (costs)",
    )
    g.add_argument("--time-limit", type=float, default=60.0, help="seconds per problem")
    g.add_argument(
        "--method",
        choices=("search", "auto", "mip", "lp-fix"),
        default="search",
        help=(
            "search (default: Lagrangian heuristic, local and tabu search, MIP "
            "neighbourhoods, then HiGHS), lp-fix (LP, repair, reduced-cost rounds) or mip "
            "(plain HiGHS)"
        ),
    )
    g.add_argument("--mip-gap", type=float, default=1e-6)
    g.set_defaults(handler=run_gap)
    c = sub.add_parser(
        "cpmp",
        help="capacitated p-median problems (pmedcap1 or 'n p' + 'x y capacity demand' layout)",
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--time-limit", type=float, default=60.0, help="seconds per problem")
    c.add_argument("--mip-gap", type=float, default=1e-6)
    c.add_argument(
        "--method",
        choices=("exact", "mip"),
        default="exact",
        help="exact (default: heuristic start, reduced-cost fixing, HiGHS) or mip (plain HiGHS)",
    )
    c.set_defaults(handler=run_cpmp)
    p.set_defaults(handler=lambda args: (p.print_help(), 2)[1])


def _line(name: str, model, out, seconds: float, **extra) -> str:
    def num(v: float) -> float | None:
        v = model.reported(v)
        return None if not math.isfinite(v) else round(v, 6)

    row = {
        "instance": name,
        "objective": num(out.objective),
        "bound": num(out.bound),
        "gap": None if not math.isfinite(out.gap) else round(out.gap, 8),
        "status": str(out.status),
        "seconds": round(seconds, 3),
        **extra,
    }
    return json.dumps(row)


def _gap_line(problem, res) -> str:
    def num(v: float) -> float | None:
        return round(v, 6) if math.isfinite(v) else None

    return json.dumps(
        {
            "instance": problem.name,
            "objective": num(res.objective),
            "bound": num(res.bound),
            "gap": num(res.gap),
            "status": str(res.status),
            "seconds": round(res.runtime_s, 3),
            "m": problem.m,
            "n": problem.n,
            "lp_bound": num(res.lp_bound),
            "heuristic": num(res.heuristic_objective),
        }
    )


def run_gap(args: argparse.Namespace) -> int:
    """Solve every problem of every GAP file."""
    from spm_models.territory import solve_assignment
    from spm_models.territory.gap_instances import gap_model, read_gap_file
    from spm_models.territory.gap_solve import solve_gap

    ok = True
    for path in args.files:
        for problem in read_gap_file(path):
            t0 = time.perf_counter()
            if args.method == "search":
                res = solve_gap(problem, args.sense, time_limit=args.time_limit)
                print(_gap_line(problem, res), flush=True)
                ok &= res.status.is_ok
                continue
            model = gap_model(problem, args.sense)
            out = solve_assignment(
                model, method=args.method, time_limit=args.time_limit, mip_gap=args.mip_gap
            )
            print(
                _line(problem.name, model, out, time.perf_counter() - t0, m=problem.m, n=problem.n),
                flush=True,
            )
            ok &= out.status.is_ok
    return 0 if ok else 1


def run_cpmp(args: argparse.Namespace) -> int:
    """Solve every capacitated p-median problem of every file."""
    from spm_models.territory.gap_instances import read_cpmp_file
    from spm_models.territory.pmedian import pmedcap_model, solve_pmedian
    from spm_models.territory.pmedian_solve import solve_pmedian_exact

    solve = solve_pmedian_exact if args.method == "exact" else solve_pmedian
    ok = True
    for path in args.files:
        for problem in read_cpmp_file(path):
            t0 = time.perf_counter()
            model = pmedcap_model(problem)
            out = solve(model, time_limit=args.time_limit, mip_gap=args.mip_gap)
            print(
                _line(
                    problem.name,
                    model,
                    out,
                    time.perf_counter() - t0,
                    n=problem.n,
                    p=problem.p,
                    best_known=problem.best_known,
                ),
                flush=True,
            )
            ok &= out.status.is_ok
    return 0 if ok else 1
