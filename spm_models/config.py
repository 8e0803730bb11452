"""All project paths and run-wide defaults in one place."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SCENARIOS_DIR = PROJECT_ROOT / "scenarios"
REPORTS_DIR = Path(os.environ.get("SPM_REPORTS_DIR", PROJECT_ROOT / "reports"))
DATA_DIR = Path(os.environ.get("SPM_DATA_DIR", PROJECT_ROOT / "data"))
SAMPLE_DATA_DIR = DATA_DIR / "sample"
PLANS_DIR = PROJECT_ROOT / "plans"
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"

#: The kernel every notebook runs on; the venv's ipykernel registers it as ``python3``.
KERNEL_NAME = "python3"

#: Default solver for every optimisation model.
DEFAULT_SOLVER = "highs"

#: Per-user cache of data derived once from packaged sources (county adjacency, ...).
CACHE_DIR = Path(
    os.environ.get(
        "SPM_CACHE_DIR",
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "spm-workbench",
    )
)
