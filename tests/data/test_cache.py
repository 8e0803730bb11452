"""Folders built once: reused when present, nothing left behind when building fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from spm_models.data.cache import build_once


def test_build_once_builds_then_reuses(tmp_path: Path) -> None:
    calls = []

    def write(folder: Path) -> None:
        calls.append(folder)
        folder.mkdir()
        (folder / "done.csv").write_text("x\n")

    target = tmp_path / "cache" / "company"
    assert build_once(target, "done.csv", write) == target
    assert build_once(target, "done.csv", write) == target
    assert len(calls) == 1 and (target / "done.csv").read_text() == "x\n"


def test_a_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    def write(folder: Path) -> None:
        folder.mkdir()
        (folder / "half.csv").write_text("x\n")
        raise ValueError("bad export")

    with pytest.raises(ValueError, match="bad export"):
        build_once(tmp_path / "company", "done.csv", write)
    assert list(tmp_path.iterdir()) == []
