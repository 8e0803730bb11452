"""Sales performance analytics: attainment and pace, segmentation and whitespace, and
machine-learned win and churn risk with their evaluation and explanations.

Model code only (no matplotlib, papermill or ipywidgets); charts live in
:mod:`spm_models.analytics.plots`.
"""

from __future__ import annotations

from spm_models.analytics.attainment import (
    BENCHMARK_BAND,
    AttainmentResult,
    Period,
    ProjectionBacktest,
    attainment_and_pace,
    backtest_projection,
    blend_projection,
    concentration,
    current_period,
    pace_shares,
)
from spm_models.analytics.churn import (
    CHURN_FEATURES,
    ChurnEvaluation,
    account_drivers,
    account_features,
    evaluate_churn_model,
)
from spm_models.analytics.learn import (
    LEAKAGE_AUC,
    ModelJudgement,
    RateTable,
    ScoreReport,
    TabularClassifier,
    calibration_table,
    explain_row,
    judge_model,
    lift_table,
    permutation_importance,
    score_report,
    single_feature_auc,
)
from spm_models.analytics.page import PerformancePage, build_page
from spm_models.analytics.segmentation import (
    Clusters,
    MarketView,
    cluster_accounts,
    market_view,
    tier_accounts,
)
from spm_models.analytics.win import (
    PIPELINE_FEATURES,
    WIN_FEATURES,
    PipelineScores,
    WinEvaluation,
    deal_drivers,
    evaluate_win_model,
    pipeline_features,
    score_pipeline,
)

__all__ = [
    "BENCHMARK_BAND",
    "CHURN_FEATURES",
    "LEAKAGE_AUC",
    "PIPELINE_FEATURES",
    "WIN_FEATURES",
    "AttainmentResult",
    "ChurnEvaluation",
    "Clusters",
    "MarketView",
    "ModelJudgement",
    "PerformancePage",
    "Period",
    "PipelineScores",
    "ProjectionBacktest",
    "RateTable",
    "ScoreReport",
    "TabularClassifier",
    "WinEvaluation",
    "account_drivers",
    "account_features",
    "attainment_and_pace",
    "backtest_projection",
    "blend_projection",
    "build_page",
    "calibration_table",
    "cluster_accounts",
    "concentration",
    "current_period",
    "deal_drivers",
    "evaluate_churn_model",
    "evaluate_win_model",
    "explain_row",
    "judge_model",
    "lift_table",
    "market_view",
    "pace_shares",
    "permutation_importance",
    "pipeline_features",
    "score_pipeline",
    "score_report",
    "single_feature_auc",
    "tier_accounts",
]
