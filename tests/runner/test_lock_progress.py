"""The runner's small parts on hand-checkable cases: time left, lines, lock, temporaries."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from papermill.exceptions import PapermillExecutionError

from spm_models.reporting.index import write_index
from spm_models.runner import progress
from spm_models.runner.batch import _print_progress
from spm_models.runner.execute import _swap_in, failure_reason, is_io_error
from spm_models.runner.lock import (
    ReportsBusyError,
    clean_temporaries,
    is_stale,
    reports_lock,
    temp_name,
)
from spm_models.runner.outcome import RunStatus, ScenarioOutcome
from spm_models.runner.progress import (
    duration,
    estimate_left,
    notebook_line,
    previous_timings,
    read_warnings,
)

# --- time left -------------------------------------------------------------------------


def test_estimate_left_uses_the_mean_so_far_without_history() -> None:
    assert estimate_left({"a": 10.0, "b": 20.0}, ["c", "d"]) == pytest.approx(30.0)
    assert estimate_left({}, ["a"]) is None
    assert estimate_left({"a": 1.0}, []) == 0.0


def test_estimate_left_scales_the_last_good_run_by_this_runs_pace() -> None:
    previous = {"a": 10.0, "b": 40.0, "c": 100.0}
    # a took twice as long as last time, so c should too; d was never timed: mean so far
    assert estimate_left({"a": 20.0}, ["c"], previous) == pytest.approx(200.0)
    assert estimate_left({"a": 20.0}, ["c", "d"], previous) == pytest.approx(220.0)
    assert estimate_left({"x": 5.0}, ["b"], previous) == pytest.approx(40.0)  # no overlap


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "unknown"), (3.14, "3.1 s"), (42.4, "42 s"), (125, "2 min 05 s"), (3720, "1 h 02 min")],
)
def test_duration(seconds: float | None, text: str) -> None:
    assert duration(seconds) == text


def test_notebook_line_names_its_scenario_and_the_time_left() -> None:
    line = notebook_line("tiny", "20_quota_capacity", 3, 7, 29.4, 80.0, 106.0)
    assert (
        line
        == "tiny: 20_quota_capacity done in 29 s (3/7; 1 min 20 s elapsed, about 1 min 46 s left)"
    )
    assert notebook_line("tiny", "90_x", 7, 7, 8.1, 175.0, 0.0).endswith("elapsed, done)")
    assert "time left unknown" in notebook_line("a", "b", 1, 2, 1.0, 1.0, None)


def test_previous_timings_and_warnings_read_what_a_run_wrote(tmp_path: Path) -> None:
    assert previous_timings(tmp_path) == {} and read_warnings(tmp_path) == ()
    (tmp_path / "stamp.json").write_text(json.dumps({"notebook_seconds": {"a": 1.5, "b": "x"}}))
    assert previous_timings(tmp_path) == {"a": 1.5}
    records = [
        {"notebook": "20_quota_capacity", "topic": "quota", "text": "Quota is 3x history."},
        {"notebook": "30_forecast", "topic": "f", "text": ""},
    ]
    (tmp_path / "warnings.json").write_text(json.dumps(records))
    assert read_warnings(tmp_path) == ("20_quota_capacity: Quota is 3x history.",)
    (tmp_path / "warnings.json").write_text("{not json")
    assert read_warnings(tmp_path) == ()


def test_warnings_are_printed_after_the_scenario_one_line_each(capsys) -> None:
    outcome = ScenarioOutcome(
        "lean", RunStatus.OK, 12.0, Path("r/lean"), warnings=("20_q: Quota is high.", "30_f: Odd.")
    )
    _print_progress(1, 2, outcome)
    assert capsys.readouterr().err.splitlines() == [
        "[1/2] lean: ok in 12.0 s",
        "lean: warning: 20_q: Quota is high.",
        "lean: warning: 30_f: Odd.",
    ]


# --- I/O errors ------------------------------------------------------------------------


def test_io_errors_are_named_as_io_errors() -> None:
    full = OSError(28, "No space left on device", "/r/.tmp-x/01.html")
    assert is_io_error(full)
    assert failure_reason(full, "01_data_overview") == (
        "01_data_overview: I/O error writing /r/.tmp-x/01.html: No space left on device (ENOSPC)"
    )
    try:
        try:
            raise full
        except OSError as exc:
            raise RuntimeError("render failed") from exc
    except RuntimeError as wrapped:
        assert is_io_error(wrapped)
        assert "I/O error" in failure_reason(wrapped, None)
    assert not is_io_error(FileNotFoundError(2, "No such file"))
    in_kernel = PapermillExecutionError(
        cell_index=7,
        exec_count=4,
        source="nb.table(...)",
        ename="OSError",
        evalue="[Errno 28] No space left on device: '/r/.tmp-x/tables/quotas.csv'",
        traceback=[],
    )
    assert failure_reason(in_kernel, "20_quota_capacity") == (
        "20_quota_capacity: cell 7: I/O error: [Errno 28] No space left on device: "
        "'/r/.tmp-x/tables/quotas.csv'"
    )
    in_kernel.evalue = "unknown region 'Atlantis'"
    in_kernel.ename = "ValueError"
    assert (
        failure_reason(in_kernel, "01") == "01: cell 7 raised ValueError: unknown region 'Atlantis'"
    )
    assert failure_reason(ValueError("bad"), None) == "setup: ValueError: bad"


# --- the lock ----------------------------------------------------------------------------

_HOLD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from spm_models.runner.lock import reports_lock\n"
    "with reports_lock(Path(sys.argv[1])):\n"
    "    print('held', flush=True)\n"
    "    time.sleep(float(sys.argv[2]))\n"
)


def _holder(reports: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(reports), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_holder_is_told_who_holds_the_folder(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 30)
    try:
        busy = rf"in use by spm run \(pid {proc.pid} on "
        with pytest.raises(ReportsBusyError, match=busy), reports_lock(tmp_path, timeout=0):
            pass
        said: list[str] = []
        with (
            pytest.raises(ReportsBusyError, match=r"still in use .* after 0\.3 s"),
            reports_lock(tmp_path, timeout=0.3, say=said.append),
        ):
            pass
        assert len(said) == 1 and said[0].startswith(f"waiting for {tmp_path}: it is in use by")
    finally:
        proc.kill()
        proc.wait()
    with reports_lock(tmp_path, timeout=0) as path:  # a killed holder leaves no stale lock
        assert json.loads(path.read_text())["pid"] == os.getpid()


def test_a_waiting_holder_gets_the_folder_when_the_first_lets_go(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 1.0)
    clock = time.monotonic()
    with reports_lock(tmp_path, timeout=60):
        assert time.monotonic() - clock > 0.2
    proc.wait()


# --- temporaries -------------------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporaries_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = _dead_pid()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / f".tmp-tiny-{dead}-0a1b2c3d").mkdir()
        (tmp_path / f".tmp-tiny-{dead}-0a1b2c3d-failed").mkdir()
        (tmp_path / f".tmp-index.html-{dead}-12345678").write_text("<half")
        (tmp_path / ".old-tiny-1234abcd").mkdir()
        (tmp_path / f".tmp-lean-{live.pid}-0a1b2c3d").mkdir()
        (tmp_path / "tiny").mkdir()
        (tmp_path / "tiny" / f".old-_failed-{dead}-0a1b2c3d").mkdir()
        (tmp_path / "tiny" / "index.html").write_text("ok")
        removed = clean_temporaries(tmp_path)
        assert sorted(removed) == sorted(
            [
                f".tmp-tiny-{dead}-0a1b2c3d",
                f".tmp-tiny-{dead}-0a1b2c3d-failed",
                f".tmp-index.html-{dead}-12345678",
                ".old-tiny-1234abcd",
                f"tiny/.old-_failed-{dead}-0a1b2c3d",
            ]
        )
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            f".tmp-lean-{live.pid}-0a1b2c3d",
            "tiny",
        ]
        assert (tmp_path / "tiny" / "index.html").exists()
    finally:
        live.kill()
        live.wait()


def test_temp_names_are_unique_and_say_their_writer() -> None:
    names = {temp_name("index.html") for _ in range(100)}
    assert len(names) == 100
    assert all(n.startswith(f".tmp-index.html-{os.getpid()}-") for n in names)
    assert is_stale(Path(next(iter(names))))  # this process starts no writer twice


def test_swap_in_replaces_and_keeps_the_last_good_copy_on_failure(tmp_path: Path) -> None:
    final = tmp_path / "tiny"
    final.mkdir()
    (final / "v").write_text("1")
    new = tmp_path / "new"
    new.mkdir()
    (new / "v").write_text("2")
    _swap_in(new, final)
    assert (final / "v").read_text() == "2" and sorted(p.name for p in tmp_path.iterdir()) == [
        "tiny"
    ]
    with pytest.raises(FileNotFoundError):
        _swap_in(tmp_path / "missing", final)
    assert (final / "v").read_text() == "2"  # put back, not lost
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]


def _write_index_often(reports: str, times: int, errors) -> None:
    for _ in range(times):
        try:
            write_index(Path(reports))
        except Exception as exc:  # collected: the test asserts there are none
            errors.put(repr(exc))


def test_four_writers_of_the_index_never_tear_it_or_raise(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    writers = [
        context.Process(target=_write_index_often, args=(str(tmp_path), 50, errors))
        for _ in range(4)
    ]
    for w in writers:
        w.start()
    torn = 0
    while any(w.is_alive() for w in writers):
        index = tmp_path / "index.html"
        if index.exists() and not index.read_text().endswith("</html>\n"):
            torn += 1
    for w in writers:
        w.join()
    assert [w.exitcode for w in writers] == [0, 0, 0, 0]
    assert errors.empty(), errors.get()
    assert torn == 0
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_kernels_are_reached_over_private_unix_sockets(tmp_path: Path) -> None:
    from spm_models.runner.execute import kernel_config

    settings = kernel_config(tmp_path)["KernelManager"]
    assert settings["transport"] == "ipc"  # no unencrypted TCP port, so no kernel warning
    assert settings["ip"] == f"{tmp_path}/kernel"


def test_log_writes_the_line_and_its_newline_in_one_write(monkeypatch) -> None:
    """Parallel workers share stderr unbuffered: a split write would join two lines."""

    class CountingStream(io.StringIO):
        writes: list[str]

        def write(self, text: str) -> int:
            self.writes.append(text)
            return super().write(text)

    stream = CountingStream()
    stream.writes = []
    monkeypatch.setattr(sys, "stderr", stream)
    progress.log("quotas: 01_data_overview done in 3 s")
    assert stream.writes == ["quotas: 01_data_overview done in 3 s\n"]
