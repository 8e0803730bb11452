"""The spm command line over the API: sample and validate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from spm_models import config
from spm_models.cli import main


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("sample", "run", "validate"):
        assert command in out
    assert main([]) == 2


def test_sample_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["sample", "--out", str(tmp_path), "--seed", "3", "--accounts", "300", "--reps", "6"])
        == 0
    )
    assert "wrote 300 accounts, 6 reps" in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "accounts.csv")) == 300
    assert main(["validate", str(tmp_path)]) == 0
    frame = pd.read_csv(tmp_path / "reps.csv")
    frame.loc[0, "fte"] = -1
    frame.loc[1, "status"] = "retired"
    frame.to_csv(tmp_path / "reps.csv", index=False)
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "2 problem(s) found" in err
    assert "reps.csv: column 'fte' must be >= 0; got -1.0 at row 1 (rep_id='R001')" in err
    assert "reps.csv: column 'status' must be one of active, ramping, vacant; got 'retired'" in err


def test_sample_rejects_bad_sizes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--out", str(tmp_path), "--accounts", "3"]) == 2
    assert "n_accounts" in capsys.readouterr().out


def test_validate_scenarios(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["validate", str(config.SCENARIOS_DIR)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\n")
    assert main(["validate", str(bad)]) == 2
    assert "title: required key is missing" in capsys.readouterr().err
    assert main(["validate", "--schema"]) == 0
    assert "`potential`" in capsys.readouterr().out


def test_console_script_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "spm_models", "sample", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--accounts" in done.stdout


HEAVY_MODULES = (
    "pandas",
    "numpy",
    "nbformat",
    "papermill",
    "pulp",
    "highspy",
    "prophet",
    "matplotlib",
    "spm_models.runner",
    "spm_models.reporting",
)
_IMPORTED = (
    "import runpy, sys\n"
    "sys.argv = ['spm', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('spm_models', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


@pytest.mark.parametrize(
    "command",
    [
        [],
        *[
            [name]
            for name in (
                *("sample", "validate", "run", "compare", "quota", "capacity", "relief"),
                *("payout", "forecast", "align", "analytics", "bench"),
            )
        ],
    ],
)
def test_help_imports_no_heavy_library(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _IMPORTED, *command, "--help"],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        check=True,
    )
    assert "usage: spm" in done.stdout
    loaded = set(done.stdout.split("\n")[-2].split())
    heavy = sorted(
        m
        for m in loaded
        if m in HEAVY_MODULES or m.startswith(tuple(f"{h}." for h in HEAVY_MODULES))
    )
    assert heavy == [], f"spm {' '.join(command)} --help imports {heavy}"
    timeline = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert not [m for m in timeline if m in HEAVY_MODULES]


def test_help_choices_repeat_the_models_own() -> None:
    from spm_models.cli import align, forecast, quota
    from spm_models.forecast.models import FORECASTERS
    from spm_models.quota.plan import METHOD_NAMES
    from spm_models.territory import inputs

    assert align.BALANCE_METRICS == inputs.BALANCE_METRICS
    assert align.DISRUPTION_BASES == inputs.DISRUPTION_BASES
    assert align.WEIGHTS == inputs.WEIGHTS
    assert tuple(sorted(FORECASTERS)) == forecast.FORECASTER_NAMES
    assert quota.METHOD_NAMES == METHOD_NAMES
