"""Account churn risk from booking trends and sales activity.

At a cutoff date, every *active customer* (an account that booked in the twelve months
before it) is described by its recent bookings, their trend, months since the last booking,
how regularly it books, its customer tenure, size, penetration of its potential and its sales
activity (opportunities opened, deals won and lost). It has *churned* when it books nothing
in the ``horizon`` months after the cutoff.

The model is trained on cutoffs whose outcome windows end before the evaluation cutoff, is
judged on the evaluation cutoff (``horizon`` months before the end of the history) against a
recency baseline (the churn rate by months since the last booking), then refitted on every
cutoff and used to score the accounts as of the end of the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.analytics.learn import (
    RateTable,
    ScoreReport,
    TabularClassifier,
    calibration_table,
    check_binary_target,
    driver_text,
    explain_row,
    lift_table,
    permutation_importance,
    score_report,
)
from spm_models.errors import InputDataError, Problem, param_error

CHURN_FEATURES: tuple[str, ...] = (
    "bookings_3m",
    "bookings_12m",
    "trend",
    "months_since_last",
    "active_months_12m",
    "customer_months",
    "segment",
    "potential",
    "penetration",
    "opportunities_6m",
    "won_12m",
    "lost_12m",
)
CATEGORICAL: tuple[str, ...] = ("segment",)
#: Churn labels are noisy (a quiet account is not always lost): larger leaves, fewer trees.
CHURN_SETTINGS = {"min_samples_leaf": 100, "max_iter": 50, "learning_rate": 0.05}

FEATURE_LABELS = {
    "bookings_3m": "bookings, last 3 months",
    "bookings_12m": "bookings, last 12 months",
    "trend": "bookings trend",
    "months_since_last": "months since last booking",
    "active_months_12m": "months with bookings",
    "customer_months": "customer tenure",
    "segment": "segment",
    "potential": "potential",
    "penetration": "share of potential booked",
    "opportunities_6m": "opportunities opened",
    "won_12m": "deals won",
    "lost_12m": "deals lost",
}


def _month(ts: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(ts).to_period("M").to_timestamp()


def account_features(company, cutoff: pd.Timestamp, *, horizon: int | None = None) -> pd.DataFrame:
    """Features of every active customer at ``cutoff`` (the last month known), and the churn
    label when ``horizon`` months after it are in the history.

    Returns
    -------
    DataFrame
        ``account_id``, the :data:`CHURN_FEATURES`, ``cutoff`` and (with ``horizon``)
        ``churned``.
    """
    b = company.bookings
    last = _month(cutoff)
    months_idx = (b["period"].dt.year - last.year) * 12 + (b["period"].dt.month - last.month)
    past = b.loc[months_idx <= 0]
    recent = past.loc[months_idx.loc[past.index] > -12]
    active = recent["account_id"].unique()
    if len(active) == 0:
        return pd.DataFrame(columns=["account_id", *CHURN_FEATURES, "cutoff"])
    age = -months_idx.loc[past.index]
    p = past.assign(age=age.to_numpy())
    g = p.groupby("account_id")
    by_age = p.pivot_table(index="account_id", columns="age", values="amount", aggfunc="sum")
    by_age = by_age.reindex(index=active, columns=range(12)).fillna(0.0)
    b12 = by_age.sum(axis=1)
    b6_recent = by_age[list(range(6))].sum(axis=1)
    b6_before = by_age[list(range(6, 12))].sum(axis=1)
    acc = company.accounts.set_index("account_id").reindex(active)
    feats = pd.DataFrame(index=pd.Index(active, name="account_id"))
    feats["bookings_3m"] = by_age[[0, 1, 2]].sum(axis=1)
    feats["bookings_12m"] = b12
    feats["trend"] = np.log((b6_recent + 1.0) / (b6_before + 1.0))
    feats["months_since_last"] = g["age"].min().reindex(active).to_numpy()
    feats["active_months_12m"] = (by_age > 0).sum(axis=1)
    feats["customer_months"] = g["age"].max().reindex(active).to_numpy()
    feats["segment"] = acc["segment"].to_numpy()
    feats["potential"] = acc["potential"].astype(float).to_numpy()
    feats["penetration"] = b12 / acc["potential"].where(acc["potential"] > 0).to_numpy()
    end_day = last + pd.offsets.MonthEnd(0)
    opened = [company.opportunities[["account_id", "created_date"]]]
    closed = company.closed_opportunities
    if not closed.empty:
        opened.append(closed[["account_id", "created_date"]])
    opened = pd.concat(opened, ignore_index=True)
    window = (opened["created_date"] <= end_day) & (
        opened["created_date"] > end_day - pd.DateOffset(months=6)
    )
    feats["opportunities_6m"] = (
        opened.loc[window].groupby("account_id").size().reindex(active).fillna(0)
    )
    if closed.empty:
        feats["won_12m"] = feats["lost_12m"] = 0.0
    else:
        done = closed.loc[
            (closed["closed_date"] <= end_day)
            & (closed["closed_date"] > end_day - pd.DateOffset(months=12))
        ]
        outcome = done.groupby(["account_id", "won"]).size().unstack(fill_value=0)
        for flag, col in ((True, "won_12m"), (False, "lost_12m")):
            series = outcome[flag] if flag in outcome.columns else pd.Series(dtype=float)
            feats[col] = series.reindex(active).fillna(0).to_numpy()
    feats["cutoff"] = last
    if horizon is not None:
        ahead = b.loc[(months_idx > 0) & (months_idx <= horizon)]
        feats["churned"] = ~feats.index.isin(ahead["account_id"].unique())
    return feats.reset_index()


@dataclass(frozen=True)
class ChurnEvaluation:
    """The churn model judged on a later cutoff against a recency baseline, and today's risk.

    Attributes
    ----------
    train_cutoffs : list of Timestamp
        Cutoffs whose examples trained the evaluated model.
    test_cutoff : Timestamp
        The evaluation cutoff (``horizon`` months before the end of the history).
    horizon : int
        Months without bookings that count as churn.
    model : TabularClassifier
        Fitted on the training cutoffs.
    recency : RateTable
        Baseline: churn rate by months since the last booking.
    model_report, recency_report : ScoreReport
    calibration, lift, importance : DataFrame
    holdout : DataFrame
        The evaluation examples with ``p_model`` and ``p_recency``.
    risk : DataFrame
        Active customers at the end of the history with ``churn_risk`` (from a model refitted
        on every labelled cutoff), ``recency_risk`` (the recency rule refitted the same way),
        ``potential``, ``rep_id``, ``bookings_12m``, ``value_at_risk = churn_risk *
        bookings_12m`` and ``recency_value_at_risk``, sorted by falling value at risk.
    final_model : TabularClassifier
        The refitted model that scored ``risk``.
    """

    train_cutoffs: list[pd.Timestamp]
    test_cutoff: pd.Timestamp
    horizon: int
    model: TabularClassifier
    recency: RateTable
    model_report: ScoreReport
    recency_report: ScoreReport
    calibration: pd.DataFrame
    lift: pd.DataFrame
    importance: pd.DataFrame
    holdout: pd.DataFrame
    risk: pd.DataFrame
    final_model: TabularClassifier

    @property
    def value_at_risk(self) -> float:
        """Trailing-year bookings weighted by churn risk (USD)."""
        return float(self.risk["value_at_risk"].sum())

    @property
    def beats_recency(self) -> bool:
        """True when the model has both a higher AUC and a lower Brier score than recency."""
        return (
            self.model_report.auc > self.recency_report.auc
            and self.model_report.brier < self.recency_report.brier
        )


def churn_history_needed(horizon: int = 6, train_cutoffs: int = 1, step: int = 3) -> int:
    """Months of bookings history the churn evaluation needs: a year of features before the
    earliest training cutoff, and two outcome windows (training, then evaluation)."""
    return horizon * 2 + step * (train_cutoffs - 1) + 12


def evaluate_churn_model(
    company,
    *,
    horizon: int = 6,
    train_cutoffs: int = 3,
    step: int = 3,
    seed: int = 0,
    n_repeats: int = 3,
) -> ChurnEvaluation:
    """Train on earlier cutoffs, evaluate on the latest labelled one, score today.

    Parameters
    ----------
    company : Company
    horizon : int, default 6
        Months without bookings after a cutoff that count as churn.
    train_cutoffs : int, default 3
        Training cutoffs, ``step`` months apart, the latest ``horizon`` months before the
        evaluation cutoff (so no training outcome overlaps the evaluation window).
    step : int, default 3
    seed, n_repeats : int

    Raises
    ------
    InputDataError
        When the history is too short for the cutoffs or the examples hold one class only.
    """
    if horizon < 1 or train_cutoffs < 1 or step < 1:
        raise param_error(
            "horizon", "evaluate_churn_model", "horizon, train_cutoffs and step >= 1", horizon
        )
    end = _month(company.as_of)
    test_cutoff = end - pd.DateOffset(months=horizon)
    cutoffs = [test_cutoff - pd.DateOffset(months=horizon + step * i) for i in range(train_cutoffs)]
    first = company.bookings["period"].min() if len(company.bookings) else end
    if pd.isna(first) or cutoffs[-1] - pd.DateOffset(months=11) < first:
        need = churn_history_needed(horizon, train_cutoffs, step)
        raise InputDataError(
            [
                Problem(
                    source="bookings",
                    column="period",
                    message=(
                        f"covers too little history for churn cutoffs: {need} months are "
                        f"needed for a {horizon}-month churn window and {train_cutoffs} "
                        f"training cutoff{'s' if train_cutoffs != 1 else ''} {step} months apart"
                    ),
                )
            ]
        )
    train = pd.concat(
        [account_features(company, c, horizon=horizon) for c in cutoffs], ignore_index=True
    )
    test = account_features(company, test_cutoff, horizon=horizon)
    y_train = check_binary_target(
        train["churned"], source="bookings", column="churned", what="training customers"
    )
    y_test = check_binary_target(
        test["churned"], source="bookings", column="churned", what="evaluation customers"
    )
    model = TabularClassifier(CHURN_FEATURES, CATEGORICAL, seed=seed, **CHURN_SETTINGS).fit(
        train, y_train
    )
    recency = RateTable("months_since_last").fit(train, y_train)
    p_model = model.predict_proba(test)
    p_recency = recency.predict_proba(test)
    everything = pd.concat([train, test], ignore_index=True)
    y_all = np.concatenate([y_train, y_test])
    final = TabularClassifier(CHURN_FEATURES, CATEGORICAL, seed=seed, **CHURN_SETTINGS).fit(
        everything, y_all
    )
    final_recency = RateTable("months_since_last").fit(everything, y_all)
    now = account_features(company, end)
    acc = company.accounts.set_index("account_id")
    risk = now.assign(
        churn_risk=final.predict_proba(now) if len(now) else np.array([]),
        recency_risk=final_recency.predict_proba(now) if len(now) else np.array([]),
        account_name=acc["account_name"].reindex(now["account_id"]).to_numpy(),
        rep_id=acc["current_rep_id"].reindex(now["account_id"]).to_numpy(),
        region=acc["region"].reindex(now["account_id"]).to_numpy(),
    )
    risk["value_at_risk"] = risk["churn_risk"] * risk["bookings_12m"]
    risk["recency_value_at_risk"] = risk["recency_risk"] * risk["bookings_12m"]
    risk = risk.sort_values("value_at_risk", ascending=False).reset_index(drop=True)
    return ChurnEvaluation(
        train_cutoffs=cutoffs,
        test_cutoff=test_cutoff,
        horizon=horizon,
        model=model,
        recency=recency,
        model_report=score_report("churn model", y_test, p_model),
        recency_report=score_report("months since last booking", y_test, p_recency),
        calibration=calibration_table(y_test, p_model),
        lift=lift_table(y_test, p_model),
        importance=permutation_importance(model, test, y_test, n_repeats=n_repeats, seed=seed),
        holdout=test.assign(p_model=p_model, p_recency=p_recency),
        risk=risk,
        final_model=final,
    )


def account_drivers(model: TabularClassifier, account: pd.Series, *, top: int = 3) -> pd.DataFrame:
    """The ``top`` features moving one account's churn risk most, with plain labels.

    Returns
    -------
    DataFrame
        ``feature, label, value, typical, effect, text`` (effect in probability points; positive
        raises the risk).
    """
    out = explain_row(model, account).head(top)
    out.insert(1, "label", [FEATURE_LABELS.get(f, f) for f in out["feature"]])
    out["text"] = [
        driver_text(r.label, r.value, r.typical, r.effect) for r in out.itertuples(index=False)
    ]
    return out
