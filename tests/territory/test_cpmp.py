"""Capacitated p-median: the exact solve path and the 'n p' + 'x y capacity demand' reader."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from spm_models.cli import main
from spm_models.errors import InputDataError
from spm_models.territory import SolveStatus, pmedcap_model
from spm_models.territory.gap_instances import read_cpmp_file, read_lorena_senne_file
from spm_models.territory.pmedian import build_pmedian, open_sites
from spm_models.territory.pmedian_solve import solve_pmedian_exact

pytestmark = pytest.mark.solver

# Five points, p = 2. Left: P1 (0,0), P2 (3,4), P5 (0,1), capacity 2 each; right: P3 (20,0),
# P4 (20,2), capacity 3 each; every demand 1. Two left centres hold only 4 of 5, so one
# centre is on the right and one left point must cross. Best: centre P1 (or P5) takes P1 and
# P5 (distance 1), centre P4 takes P3 (2) and P2 (sqrt(17^2 + 2^2) = sqrt(293)). Any other
# split costs more (P2 kept left and P1 crossing: 4.24 + 20 + 2). Optimum 3 + sqrt(293).
LORENA = """5 2
0 0 2 1
3 4 2 1
20 0 3 1
20 2 3 1
0 1 2 1
"""
OPTIMUM = 3 + math.sqrt(293)


def _write(tmp_path: Path, text: str, name: str = "ls_hand.txt") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_lorena_senne_hand_instance(tmp_path: Path) -> None:
    (inst,) = read_cpmp_file(_write(tmp_path, LORENA))
    assert (inst.n, inst.p, inst.floor_distances) == (5, 2, False)
    assert inst.capacity.tolist() == [2, 2, 3, 3, 2]
    model = pmedcap_model(inst)
    out = solve_pmedian_exact(model, time_limit=20)
    assert out.status == SolveStatus.OPTIMAL
    assert out.objective == pytest.approx(OPTIMUM, abs=1e-6)
    assert out.bound == pytest.approx(OPTIMUM, abs=1e-5)
    sites = set(open_sites(model, out.x).tolist())
    assert sites in ({0, 3}, {3, 4})  # centre P4, and P1 or P5
    # The capacity binds: with room for three on the left, P2 stays left (4.24 + 1 + 2).
    roomy = inst.capacity.copy()
    roomy[[0, 1, 4]] = 3
    loose = build_pmedian(inst.distances(), inst.demand, 2, roomy)
    assert solve_pmedian_exact(loose, time_limit=20).objective == pytest.approx(
        3 + math.sqrt(18), abs=1e-6
    )


def test_bench_cpmp_reads_the_second_layout(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, LORENA)
    assert main(["bench", "cpmp", str(path), "--time-limit", "10"]) == 0
    (line,) = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert line["instance"] == "ls_hand" and line["status"] == "optimal"
    assert line["objective"] == pytest.approx(OPTIMUM, abs=1e-5)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "5 2\n0 0 2 1\n3 x 2 1\n20 0 3 1\n20 2 3 1\n0 1 2 1\n",
            r"line 3: y must be a number; got 'x'",
        ),
        (
            "5 2\n0 0 2 1\n3 4 2 1\n20 0 3 1\n20 2 3 1\n",
            "expected 5 point lines after line 1; found 4",
        ),
        ("5 7\n0 0 2 1\n3 4 2 1\n20 0 3 1\n20 2 3 1\n0 1 2 1\n", "line 1: p must be in 1..n"),
        (
            "5 2\n0 0 2 1\n3 4 2 1\n20 0 -3 1\n20 2 3 1\n0 1 2 1\n",
            "line 4: capacity must be >= 0; got '-3'",
        ),
        ("5 2.5\n0 0 2 1\n", "line 1: p must be a whole number; got '2.5'"),
        ("5 2\n0 0 2 1\n3 4 2\n20 0 3 1\n20 2 3 1\n0 1 2 1\n", "line 3: expected 4 numbers"),
    ],
)
def test_lorena_senne_format_errors(tmp_path: Path, text: str, match: str) -> None:
    path = _write(tmp_path, text, "broken.txt")
    with pytest.raises(InputDataError, match=r"broken\.txt") as info:
        read_lorena_senne_file(path)
    assert info.match(match)
