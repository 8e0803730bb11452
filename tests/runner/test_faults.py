"""Runner faults (#18.4), injected into the real runner on real kernels.

- SIGKILL of ``spm run --jobs 2`` mid-run: no worker or kernel outlives it by 10 s, the last
  good reports stay in place, and the next run cleans up and succeeds.
- A full disk (ENOSPC on write) for one scenario: that scenario fails with an I/O error that
  says so, the others finish, nothing temporary is left.
- Two ``spm run`` on one reports folder: the second waits (saying who holds the folder) or,
  asked not to wait, refuses with that message; the index is never torn.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from spm_models import config
from spm_models.cli import main
from spm_models.runner import RunStatus, load_scenarios, run_batch
from spm_models.runner import execute as execute_module
from spm_models.runner.lock import reports_lock

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("runner-faults")]
TESTS_SCENARIOS = config.PROJECT_ROOT / "tests" / "scenarios"


def _scenario(folder: Path, name: str) -> Path:
    """A copy of ``quick.yaml`` (one notebook on the tiny company) named ``name``."""
    text = (TESTS_SCENARIOS / "quick.yaml").read_text().replace("name: quick", f"name: {name}")
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


def _spm(*args: str) -> list[str]:
    return [sys.executable, "-m", "spm_models", *args]


def _alive(procs: list[psutil.Process]) -> list[str]:
    out = []
    for proc in procs:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                out.append(f"{proc.pid} {' '.join(proc.cmdline())[:80]}")
        except psutil.NoSuchProcess:
            continue
    return out


def _temporaries(reports: Path) -> list[str]:
    return sorted(
        p.relative_to(reports).as_posix()
        for p in [*reports.glob(".tmp-*"), *reports.glob(".old-*"), *reports.glob("*/.old-*")]
    )


def test_sigkill_of_a_parallel_run_leaves_no_orphan_and_the_next_run_is_clean(
    tmp_path: Path,
) -> None:
    reports = tmp_path / "reports"
    first, second = _scenario(tmp_path, "alpha"), _scenario(tmp_path, "beta")
    good = subprocess.run(
        _spm("run", str(first), "--reports-dir", str(reports)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert good.returncode == 0, good.stderr
    good_stamp = (reports / "alpha" / "stamp.json").read_text()
    cmd = _spm(
        "run", str(first), str(second), "--jobs", "2", "--force", "--reports-dir", str(reports)
    )
    parent = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    tree = psutil.Process(parent.pid)
    deadline = time.monotonic() + 120
    family: list[psutil.Process] = []
    while time.monotonic() < deadline:  # two workers, each with its kernel
        family = tree.children(recursive=True)
        kernels = [p for p in family if "ipykernel" in " ".join(p.cmdline())]
        if len(kernels) >= 2:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the kernels did not start: {_alive(family)}")
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(family) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(family) == [], "orphans outlived the killed run"
    assert (reports / "alpha" / "stamp.json").read_text() == good_stamp  # last good report
    assert not (reports / "beta" / "stamp.json").exists()
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert _temporaries(reports) == []
    assert json.loads((reports / "beta" / "stamp.json").read_text())["status"] == "ok"
    assert "beta" in (reports / "index.html").read_text()


def test_a_full_disk_for_one_scenario_is_an_io_error_and_the_others_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    files = [_scenario(tmp_path, "full"), _scenario(tmp_path, "roomy")]
    assert run_batch(load_scenarios(files[:1]), reports_dir=reports)[0].status is RunStatus.OK
    good_stamp = (reports / "full" / "stamp.json").read_text()
    real_render = execute_module.render_notebook_html

    def render(notebook, out, **kwargs):  # the disk is full for this scenario's pages only
        if Path(out).parent.name.startswith(".tmp-full-"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out))
        return real_render(notebook, out, **kwargs)

    monkeypatch.setattr(execute_module, "render_notebook_html", render)
    capsys.readouterr()
    code = main(["run", *map(str, files), "--jobs", "2", "--force", "--reports-dir", str(reports)])
    err = capsys.readouterr().err
    assert code == 1
    assert "1 of 2 scenario(s) failed" in err
    line = next(x for x in err.splitlines() if x.startswith("- full: "))
    assert "I/O error writing" in line and "No space left on device (ENOSPC)" in line
    assert "Dask" not in err
    assert json.loads((reports / "roomy" / "stamp.json").read_text())["status"] == "ok"
    assert (reports / "full" / "stamp.json").read_text() == good_stamp  # last good report kept
    record = json.loads((reports / "full" / "_failed" / "failure.json").read_text())
    assert record["io_error"] is True
    assert _temporaries(reports) == []
    index = (reports / "index.html").read_text()
    assert "status-failed" in index and "roomy" in index


def test_two_runs_on_one_reports_folder_wait_or_refuse_and_the_index_is_whole(
    tmp_path: Path,
) -> None:
    reports = tmp_path / "reports"
    files = [str(_scenario(tmp_path, "one")), str(_scenario(tmp_path, "two"))]
    # The messages are checked against a holder this test controls, so that no timing of
    # the machine decides whether the second run had to wait.
    with reports_lock(reports):
        refused = subprocess.run(
            _spm("run", files[0], "--lock-timeout", "0", "--reports-dir", str(reports)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        waiting = subprocess.Popen(
            _spm("run", files[0], "--reports-dir", str(reports)),
            stderr=subprocess.PIPE,
            text=True,
        )
        waiting_first_line = waiting.stderr.readline()
    assert refused.returncode == 2
    assert f"is in use by spm run (pid {os.getpid()} on " in refused.stderr
    assert "try again later" in refused.stderr
    assert f"is in use by spm run (pid {os.getpid()} on " in waiting_first_line
    assert waiting.wait(timeout=120) == 0, waiting_first_line + waiting.stderr.read()
    # Two real runs started together: whichever gets the folder second waits, and the
    # index is never seen half-written.
    first = subprocess.Popen(
        _spm("run", *files, "--jobs", "2", "--force", "--reports-dir", str(reports)),
        stderr=subprocess.PIPE,
        text=True,
    )
    second = subprocess.Popen(
        _spm("run", *files, "--force", "--reports-dir", str(reports)),
        stderr=subprocess.PIPE,
        text=True,
    )
    torn = 0
    while first.poll() is None or second.poll() is None:
        index = reports / "index.html"
        if index.exists() and not index.read_text().endswith("</html>\n"):
            torn += 1
        time.sleep(0.05)
    assert first.returncode == 0, first.stderr.read()
    assert second.returncode == 0, second.stderr.read()
    assert torn == 0
    assert _temporaries(reports) == []
    index = (reports / "index.html").read_text()
    assert index.count("status-ok") >= 2
