"""``spm payout`` end to end on files."""

from __future__ import annotations

import pandas as pd

from spm_models import config
from spm_models.cli import main

PLAN = str(config.PROJECT_ROOT / "plans" / "ae_standard.yaml")


def _files(tmp_path):
    asg = tmp_path / "assignments.csv"
    pd.DataFrame(
        {
            "rep_id": ["R1", "R2"],
            "plan_id": ["ae_standard", "ae_standard"],
            "start_date": ["2027-01-01", "2027-05-16"],
            "end_date": ["", ""],
            "annual_quota": ["1000000", "800000"],
        }
    ).to_csv(asg, index=False)
    credits = tmp_path / "credits.csv"
    pd.DataFrame(
        {
            "deal_id": ["D1", "D2", "D3", "D4"],
            "rep_id": ["R1", "R1", "R2", "R1"],
            "date": ["2027-01-15", "2027-02-03", "2027-06-01", "2027-04-01"],
            "measure": ["new", "renewal", "expansion", "new"],
            "amount": ["250000.10", "40000", "120000", "10000"],
            "segment": ["enterprise", "smb", "mid-market", "smb"],
        }
    ).to_csv(credits, index=False)
    canc = tmp_path / "cancellations.csv"
    pd.DataFrame({"deal_id": ["D1"], "cancel_date": ["2027-03-02"]}).to_csv(canc, index=False)
    return asg, credits, canc


def test_spm_payout_writes_statements_and_trace(tmp_path, capsys) -> None:
    asg, credits, canc = _files(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "payout",
            "--plan",
            PLAN,
            "--assignments",
            str(asg),
            "--credits",
            str(credits),
            "--cancellations",
            str(canc),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "statement rows for 2 reps" in capsys.readouterr().out
    st = pd.read_csv(out / "statements.csv", dtype=str)
    q1 = st[(st["rep_id"] == "R1") & (st["period"] == "2027-Q1")].iloc[0]
    # D1 (250,000.10, enterprise) is cancelled 46 days in: 1 - 46/90 of it is reversed in Q1.
    assert q1["spif"] == "1000.00"
    assert float(q1["clawback"]) < 0
    assert q1["commission"] == "27000.01"  # 200K x 9% + 50,000.10 x 13.5% + renewals 2,250
    trace = pd.read_csv(out / "trace.csv", dtype=str, keep_default_na=False)
    assert {"rule", "base", "rate", "result"} <= set(trace.columns)
    r1 = trace[(trace["rep_id"] == "R1") & (trace["period"] == "2027-Q1")]
    tier1 = r1[r1["step"] == "tier_1"].iloc[0]
    assert (tier1["base"], tier1["rate"], tier1["result"]) == ("127777.83", "0.09", "11500.00")
    paid = r1[r1["step"] == "paid"].iloc[0]
    assert paid["result"] == q1["paid"]
    assert (out / "rounding_rule.txt").exists()
    assert (out / "excluded.csv").exists()


def test_spm_payout_bad_plan_exits_2_with_a_message(tmp_path, capsys) -> None:
    asg, credits, _ = _files(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nyear: 2027\ntarget_incentive: 1\nmeasures: []\n")
    code = main(
        [
            "payout",
            "--plan",
            str(bad),
            "--assignments",
            str(asg),
            "--credits",
            str(credits),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.yaml: key 'measures' must be a non-empty list" in err


def test_spm_payout_bad_credits_exit_2_naming_file_and_row(tmp_path, capsys) -> None:
    asg, credits, _ = _files(tmp_path)
    text = credits.read_text().replace("2027-02-03", "2027-02-31")
    credits.write_text(text)
    code = main(
        [
            "payout",
            "--plan",
            PLAN,
            "--assignments",
            str(asg),
            "--credits",
            str(credits),
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    assert "credits.csv: column 'date' must be a date YYYY-MM-DD; got '2027-02-31' at row 2" in (
        capsys.readouterr().err
    )
