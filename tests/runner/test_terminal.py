"""A quiet, informative terminal (#17.6): what ``spm run --jobs 2`` prints, and nothing else.

Two scenarios that solve with HiGHS (directly and through PuLP) run on fresh kernels after
generating their sample company. Every line on stderr is one of the runner's own (progress
per notebook naming its scenario, the sample line, outcomes, warnings); no kernel transport
warning, no solver banner, no packaging warning; stdout stays empty.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from spm_models import config

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("runner-faults")]
TESTS_SCENARIOS = config.PROJECT_ROOT / "tests" / "scenarios"

RUNNER_LINES = (
    r"running \d+ scenario\(s\) with \d+ job\(s\)",
    r"[a-z0-9_-]+: generating the sample company \(.+\) \.\.\.",
    r"[a-z0-9_-]+: sample company generated in .+ into .+",
    r"[a-z0-9_-]+: \w+ done in .+ \(\d+/\d+; .+ elapsed, (about .+ left|done|time left unknown)\)",
    r"\[\d+/\d+\] [a-z0-9_-]+: (ok|skipped|failed) in [\d.]+ s.*",
    r"[a-z0-9_-]+: warning: .+",
    r"removed \d+ temporary folder\(s\) left by an interrupted run",
    r"done in [\d.]+ s; index: .+",
)

SCENARIO = """name: {name}
title: Terminal check {name}
description: Solves with HiGHS so that a solver banner would show.
data: {{source: sample, seed: 11, accounts: 300, reps: 6}}
notebooks:
  01_data_overview: {{}}
  {second}
"""


def test_spm_run_prints_one_line_per_notebook_and_no_noise(tmp_path: Path) -> None:
    files = []
    for name, second in (
        ("quotas", "20_quota_capacity: {n_sims: 200}"),
        (
            "alignment",
            "10_territory_alignment: {tolerance: 0.2, max_disruption: 0.5, time_limit: 10.0, "
            "frontier_time_limit: 3.0}",
        ),
    ):
        path = tmp_path / f"{name}.yaml"
        path.write_text(SCENARIO.format(name=name, second=second))
        files.append(str(path))
    env = {
        **os.environ,
        "SPM_DATA_DIR": str(tmp_path / "data"),
        "SPM_REPORTS_DIR": str(tmp_path / "reports"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "spm_models", "run", *files, "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    noise = [line for line in lines if not any(re.fullmatch(p, line) for p in RUNNER_LINES)]
    assert noise == [], "\n".join(noise)
    text = done.stderr
    for word in ("TCP", "HiGHS", "Copyright", "license", "Warning", "Traceback"):
        assert word not in text
    assert any(re.fullmatch(r"\w+: sample company generated in .+", line) for line in lines)
    for name, notebooks in (
        ("quotas", ("01_data_overview", "20_quota_capacity")),
        ("alignment", ("01_data_overview", "10_territory_alignment")),
    ):
        mine = [line for line in lines if line.startswith(f"{name}: ") and " done in " in line]
        assert [line.split()[1] for line in mine] == list(notebooks)
        assert "(1/2; " in mine[0] and "left)" in mine[0]
        assert mine[1].endswith("elapsed, done)")
