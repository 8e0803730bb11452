"""``spm align`` and ``spm bench`` end to end on files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from spm_models import config
from spm_models.cli import main
from tests.territory.test_gap_instances import PMEDCAP

pytestmark = pytest.mark.solver


def test_align_writes_tables_and_summary(tiny_company_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "align"
    code = main(
        [
            "align",
            "--accounts",
            str(tiny_company_dir / "accounts.csv"),
            "--reps",
            str(tiny_company_dir / "reps.csv"),
            "--balance",
            "workload",
            "--tolerance",
            "0.15",
            "--max-disruption",
            "0.4",
            "--time-limit",
            "20",
            "--k-nearest",
            "5",
            "--mip-gap",
            "0.01",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert {"status", "objective", "bound", "gap", "seconds"} <= set(summary)
    assert summary["status"] in ("optimal", "feasible")
    assert summary["bound"] <= summary["objective"] + 1e-6
    assignment = pd.read_csv(out / "assignment.csv")
    assert {"account_id", "old_rep_id", "new_rep_id", "moved", "distance_km"} <= set(assignment)
    assert assignment["moved"].mean() <= 0.4 + 1e-9
    territories = pd.read_csv(out / "territories.csv")
    assert (territories["workload"] <= territories["max_workload"] + 1e-6).all()
    assert (territories["workload"] >= territories["min_workload"] - 1e-6).all()
    # k = 5 of 8 reps: the pruning check states the gap against every pair, and says so.
    assert summary["gap_scope"] == "all account-rep pairs"
    assert summary["gap_all_pairs"] >= 0
    assert "against all account-rep pairs" in capsys.readouterr().out


def test_align_national_writes_parts(tiny_company_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "national"
    code = main(
        [
            "align",
            "--accounts",
            str(tiny_company_dir / "accounts.csv"),
            "--reps",
            str(tiny_company_dir / "reps.csv"),
            "--tolerance",
            "0.15",
            "--max-disruption",
            "0.4",
            "--time-limit",
            "20",
            "--mip-gap",
            "0.01",
            "--parts-by",
            "clusters",
            "--reps-per-part",
            "4",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["parts"] == 2 and summary["workers"] == "in turn"
    assert summary["bound"] <= summary["objective"] + 1e-6
    parts = pd.read_csv(out / "parts.csv")
    assert parts.loc[parts["phase"] == "split", "part"].tolist() == ["part-01", "part-02"]
    territories = pd.read_csv(out / "territories.csv")
    assert (territories["workload"] <= territories["max_workload"] + 1e-6).all()
    assert "gap" in capsys.readouterr().out


def test_align_infeasible_exit_code_and_summary(
    tiny_company_dir: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "infeasible"
    code = main(
        [
            "align",
            "--accounts",
            str(tiny_company_dir / "accounts.csv"),
            "--reps",
            str(tiny_company_dir / "reps.csv"),
            "--tolerance",
            "0.05",
            "--max-disruption",
            "0.0",
            "--time-limit",
            "10",
            "--out",
            str(out),
        ]
    )
    assert code == 1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "infeasible"
    assert summary["family"] == "disruption_cap"
    assert "raise the disruption cap" in summary["relaxation"]
    assert "infeasible" in capsys.readouterr().err


def test_align_bad_file_is_usage_error(tiny_company_dir: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "accounts.csv"
    frame = pd.read_csv(tiny_company_dir / "accounts.csv", dtype=str)
    frame.loc[3, "workload"] = "-4"
    frame.to_csv(bad, index=False)
    code = main(
        [
            "align",
            "--accounts",
            str(bad),
            "--reps",
            str(tiny_company_dir / "reps.csv"),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    assert "column 'workload'" in capsys.readouterr().err


def test_bench_gap_json_lines(capsys) -> None:
    path = config.SHARED_DATA_DIR / "orlib-gap" / "gap1.txt"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    assert main(["bench", "gap", str(path), "--sense", "max", "--time-limit", "10"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert [x["instance"] for x in lines] == [f"gap1-{k}" for k in range(1, 6)]
    assert [x["objective"] for x in lines] == [336, 327, 339, 341, 326]
    for x in lines:
        assert x["status"] == "optimal" and x["gap"] == 0
        assert {"bound", "seconds"} <= set(x)


def test_bench_cpmp_json_lines(tmp_path: Path, capsys) -> None:
    path = tmp_path / "pmedcap_hand.txt"
    path.write_text(PMEDCAP)
    assert main(["bench", "cpmp", str(path), "--time-limit", "10"]) == 0
    (line,) = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert line["instance"] == "pmedcap_hand-1"
    assert line["objective"] == 12 and line["bound"] == 12 and line["status"] == "optimal"
