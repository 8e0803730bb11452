"""Folders built once and shared: generated samples and imported exports."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from pathlib import Path


def build_once(target: Path, marker: str, write: Callable[[Path], object]) -> Path:
    """Build ``target`` with ``write(folder)`` unless ``target/marker`` already exists.

    ``write`` fills a private folder beside ``target``, which is then renamed into place, so
    readers never see half a folder and several processes may ask at once: a process that
    loses the race drops its own copy and uses the winner's identical one. Nothing is left
    behind when ``write`` fails.
    """
    if (target / marker).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
    try:
        write(tmp)
        tmp.rename(target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if (target / marker).exists():  # another process got there first
            return target
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
