"""Territory alignment: balanced, compact, low-disruption territories with proven gaps.

The main entry point is :func:`align_territories`; the steps are also public
(:func:`prepare_alignment` -> :func:`build_alignment` -> :func:`solve_assignment` ->
:func:`extract_alignment`), with :func:`diagnose_infeasibility`, :func:`check_pruning`,
:func:`choose_centres` (p-median territory centres) and :func:`tradeoff_frontier`. At
national scale :func:`align_national` splits the problem into regional parts solved in
parallel (local processes or Dask), repairs across their borders and proves the gap against
a national Lagrangian bound.
"""

from __future__ import annotations

from spm_models.territory.alignment import AlignmentResult, align_territories, extract_alignment
from spm_models.territory.decompose import NationalAlignment, align_national
from spm_models.territory.diagnose import (
    Diagnosis,
    PruningCheck,
    check_pruning,
    diagnose_infeasibility,
)
from spm_models.territory.frontier import tradeoff_frontier
from spm_models.territory.gap_instances import (
    GapInstance,
    PmedcapInstance,
    gap_model,
    read_cpmp_file,
    read_gap_file,
    read_pmedcap_file,
)
from spm_models.territory.gap_solve import GapSolution, solve_gap
from spm_models.territory.heuristics import solve_assignment
from spm_models.territory.inputs import AlignmentInputs, AlignmentSpec, prepare_alignment
from spm_models.territory.metrics import alignment_metric_names, summary_metrics
from spm_models.territory.model import (
    AssignmentModel,
    LinearModel,
    Resource,
    build_alignment,
    build_assignment,
)
from spm_models.territory.pmedian import (
    CentreResult,
    build_pmedian,
    choose_centres,
    pmedcap_model,
    solve_pmedian,
)
from spm_models.territory.pmedian_solve import solve_pmedian_exact
from spm_models.territory.solve import SolveOutcome, SolveStatus, solve_linear

__all__ = [
    "AlignmentInputs",
    "AlignmentResult",
    "AlignmentSpec",
    "AssignmentModel",
    "CentreResult",
    "Diagnosis",
    "GapInstance",
    "GapSolution",
    "LinearModel",
    "NationalAlignment",
    "PmedcapInstance",
    "PruningCheck",
    "Resource",
    "SolveOutcome",
    "SolveStatus",
    "align_national",
    "align_territories",
    "alignment_metric_names",
    "build_alignment",
    "build_assignment",
    "build_pmedian",
    "check_pruning",
    "choose_centres",
    "diagnose_infeasibility",
    "extract_alignment",
    "gap_model",
    "pmedcap_model",
    "prepare_alignment",
    "read_cpmp_file",
    "read_gap_file",
    "read_pmedcap_file",
    "solve_assignment",
    "solve_gap",
    "solve_linear",
    "solve_pmedian",
    "solve_pmedian_exact",
    "summary_metrics",
    "tradeoff_frontier",
]
