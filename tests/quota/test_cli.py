"""``spm quota`` and ``spm capacity`` end to end on the tiny company folder."""

from __future__ import annotations

import pandas as pd
import pytest

from spm_models.cli import main


def test_spm_quota_writes_quotas(tiny_company, tiny_company_dir, tmp_path, capsys) -> None:
    from spm_models.quota import trailing_bookings_by_account

    trailing = float(trailing_bookings_by_account(tiny_company.bookings, tiny_company.as_of).sum())
    out = tmp_path / "q"
    code = main(
        [
            "quota",
            str(tiny_company_dir),
            "--out",
            str(out),
            "--method",
            "blended",
            "--weights",
            "historical=1,even=1",
            "--rep-cushion",
            "0.1",
            "--manager-cushion",
            "0",
            "--growth",
            "0.05",
            "--sims",
            "200",
        ]
    )
    assert code == 0
    quotas = pd.read_csv(out / "quotas.csv")
    assert quotas["quota"].sum() == pytest.approx(trailing * 1.05 * 1.1)
    methods = pd.read_csv(out / "quota_methods.csv")
    assert set(methods["method"]) == {
        "even",
        "historical",
        "potential",
        "bottom_up",
        "blended",
        "fair",
    }
    assert "of reps are expected to reach quota" in capsys.readouterr().out


def test_spm_quota_other_method_survives_infeasible_fair_bounds(
    tiny_company_dir, tmp_path, capsys
) -> None:
    # A target below history breaks the fair method's growth floor, not the historical split.
    code = main(
        [
            "quota",
            str(tiny_company_dir),
            "--out",
            str(tmp_path),
            "--method",
            "historical",
            "--growth",
            "-0.2",
            "--sims",
            "100",
        ]
    )
    assert code == 0
    assert "no fair comparison" in capsys.readouterr().out
    methods = pd.read_csv(tmp_path / "quota_methods.csv")
    assert "fair" not in set(methods["method"])


def test_spm_quota_reports_infeasible_growth_bounds(tiny_company_dir, tmp_path, capsys) -> None:
    code = main(["quota", str(tiny_company_dir), "--out", str(tmp_path), "--growth", "2.0"])
    assert code == 1
    err = capsys.readouterr().err
    assert "growth_max" in err and "Suggested relaxation" in err


def test_spm_quota_bad_weights_is_usage_error(tiny_company_dir, tmp_path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["quota", str(tiny_company_dir), "--out", str(tmp_path), "--weights", "even"])
    assert exc.value.code == 2


@pytest.mark.solver
def test_spm_capacity_freeze_is_strict_failure(tiny_company_dir, tmp_path, capsys) -> None:
    out = tmp_path / "c"
    code = main(
        [
            "capacity",
            str(tiny_company_dir),
            "--out",
            str(out),
            "--growth",
            "0.3",
            "--max-hires",
            "0",
            "--sims",
            "200",
            "--strict",
        ]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "What holds the plan back is the monthly limit on requisitions" in printed
    assert "target_unmet" not in printed and "max_hires" not in printed
    hires = pd.read_csv(out / "hiring_plan.csv")
    assert hires["reqs_opened"].sum() == 0
    monthly = pd.read_csv(out / "capacity_monthly.csv")
    assert len(monthly) == 12
    assert {"heads", "effective_reps", "bookings_capacity", "target"} <= set(monthly.columns)


def test_spm_relief_moves_quota_with_accounts(tiny_company, tiny_company_dir, tmp_path) -> None:
    from spm_models.quota import trailing_bookings_by_account

    trailing = trailing_bookings_by_account(tiny_company.bookings, tiny_company.as_of)
    acc = tiny_company.accounts.set_index("account_id")
    movable = acc.loc[trailing.index].dropna(subset=["current_rep_id"])
    account = movable.index[0]
    old = movable.loc[account, "current_rep_id"]
    new = next(r for r in tiny_company.reps["rep_id"] if r != old)
    quotas = pd.DataFrame({"rep_id": tiny_company.reps["rep_id"], "quota": 1e7})
    quotas.to_csv(tmp_path / "issued.csv", index=False)
    pd.DataFrame({"account_id": [account], "old_rep_id": [old], "new_rep_id": [new]}).to_csv(
        tmp_path / "moves.csv", index=False
    )
    code = main(
        [
            "relief",
            str(tiny_company_dir),
            "--quotas",
            str(tmp_path / "issued.csv"),
            "--moves",
            str(tmp_path / "moves.csv"),
            "--effective",
            "2027-07-01",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    after = pd.read_csv(tmp_path / "quotas_after_relief.csv").set_index("rep_id")
    # Half the plan year is left after 1 July.
    assert after.loc[old, "relief"] == pytest.approx(trailing[account] * 0.5)
    assert after.loc[new, "quota"] == pytest.approx(1e7 + trailing[account] * 0.5)
    assert after["quota"].sum() == pytest.approx(quotas["quota"].sum())
