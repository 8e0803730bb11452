"""One run at a time on a reports folder, and the cleanup that only the lock holder may do.

The lock is an advisory ``flock`` on ``reports/.lock``: the kernel drops it when its holder
dies, however it dies, so a killed run never leaves a stale lock. The file says who holds it
(pid, host, start time, command) so that a second run can tell its user.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from spm_models.errors import SpmError

LOCK_FILE = ".lock"
#: Prefixes of the runner's temporary folders and files in a reports folder.
TEMP_PREFIXES = (".tmp-", ".old-")
_TEMP_NAME = re.compile(r"^\.tmp-.+-(?P<pid>\d+)-[0-9a-f]{8}(-failed)?$")


class ReportsBusyError(SpmError):
    """Another run holds the reports folder (and did not let go in time)."""


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text())
        return (
            f"spm run (pid {info['pid']} on {info['host']}, since {info['since']} UTC: "
            f"{info['command']})"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "another spm run"


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def reports_lock(
    reports_dir: Path,
    *,
    timeout: float | None = None,
    say: Callable[[str], None] | None = None,
    poll: float = 0.2,
) -> Iterator[Path]:
    """Hold the reports folder for one run; wait for another run to finish first.

    Parameters
    ----------
    reports_dir : Path
        The reports folder (created when missing).
    timeout : float, optional
        Seconds to wait for another run; ``None`` waits as long as it takes.
    say : callable, optional
        Told once, in one sentence, who holds the folder when this run has to wait.
    poll : float
        Seconds between attempts.

    Raises
    ------
    ReportsBusyError
        Naming the holder, when ``timeout`` passes first.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            holder = _holder(path)
            if timeout is not None and timeout <= 0:
                raise ReportsBusyError(f"{reports_dir} is in use by {holder}; try again later")
            if say is not None:
                say(f"waiting for {reports_dir}: it is in use by {holder}")
            deadline = None if timeout is None else time.monotonic() + timeout
            while not _try_lock(fd):
                if deadline is not None and time.monotonic() > deadline:
                    raise ReportsBusyError(
                        f"{reports_dir} is still in use by {_holder(path)} after "
                        f"{timeout:g} s; try again later"
                    )
                time.sleep(poll)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join(
                os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv)
            ),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        yield path
    finally:
        os.close(fd)  # drops the lock


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temp_name(name: str) -> str:
    """A name for a temporary copy of ``name``, unique to this process and call.

    ``.tmp-<name>-<pid>-<8 hex digits>``: the pid lets a later run tell a stale one.
    """
    return f".tmp-{name}-{os.getpid()}-{secrets.token_hex(4)}"


def is_stale(entry: Path) -> bool:
    """True for an ``.old-*`` entry, or a ``.tmp-*`` one whose writer is no longer running."""
    if entry.name.startswith(".old-"):
        return True
    if not entry.name.startswith(".tmp-"):
        return False
    match = _TEMP_NAME.match(entry.name)
    if match is None:
        return True
    pid = int(match.group("pid"))
    return pid == os.getpid() or not _pid_alive(pid)


def clean_temporaries(reports_dir: Path) -> list[str]:
    """Remove the ``.tmp-*`` / ``.old-*`` entries that killed runs left in ``reports_dir``.

    Looks in the folder and in each scenario's folder (where ``_failed`` is swapped). Only the
    holder of :func:`reports_lock` should call this: no other run is writing then.

    Returns
    -------
    list of str
        The paths removed, relative to ``reports_dir``.
    """
    if not reports_dir.is_dir():
        return []
    folders = [reports_dir, *(d for d in reports_dir.iterdir() if d.is_dir() and not is_temp(d))]
    removed = []
    for folder in folders:
        for entry in sorted(folder.iterdir()):
            if not is_temp(entry) or not is_stale(entry):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
            removed.append(entry.relative_to(reports_dir).as_posix())
    return removed


def is_temp(entry: Path) -> bool:
    """True for the runner's temporary entries (``.tmp-*``, ``.old-*``)."""
    return entry.name.startswith(TEMP_PREFIXES)
