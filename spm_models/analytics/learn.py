"""Calibrated gradient-boosting classifiers on tidy tables, their baselines and evaluation.

Shared by the win-probability and churn-risk models: a scikit-learn-style classifier whose
probabilities are calibrated by cross-validated isotonic regression, a rate-table baseline
(the win rate of each stage, say), and the evaluation a manager can trust: AUC, Brier score,
a reliability table, lift by score decile, permutation importance and the drivers of one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, NotFittedError, Problem, param_error


def check_binary_target(y: pd.Series, *, source: str, column: str, what: str) -> np.ndarray:
    """Return ``y`` as a 0/1 array, or raise when it is empty or holds a single class.

    Parameters
    ----------
    y : Series
        Boolean or 0/1 outcomes.
    source, column : str
        Where the outcomes come from, for the message (e.g. ``"closed_opportunities"``,
        ``"won"``).
    what : str
        What the rows are, e.g. ``"closed deals before 2026-03-01"``.
    """
    if len(y) == 0:
        raise InputDataError(
            [Problem(source=source, message=f"has no rows for {what}; a model needs history")]
        )
    values = np.asarray(y, dtype=float)
    if np.isnan(values).any():
        raise InputDataError(
            [Problem(source=source, column=column, message="has missing outcomes")]
        )
    classes = np.unique(values)
    if len(classes) < 2:
        only = "true" if classes[0] == 1 else "false"
        raise InputDataError(
            [
                Problem(
                    source=source,
                    column=column,
                    message=(
                        f"has a single class (all {only}) in {len(values)} {what}; a model "
                        "needs both outcomes"
                    ),
                )
            ]
        )
    return values.astype(int)


class TabularClassifier:
    """Gradient boosting on named columns with calibrated probabilities.

    Parameters
    ----------
    features : sequence of str
        Columns used, numeric or categorical.
    categorical : sequence of str
        Which of ``features`` are categorical (unseen categories count as missing).
    calibration : {"isotonic", "sigmoid"}, default "isotonic"
    cv : int, default 3
        Folds for the calibration.
    seed : int, default 0
    learning_rate, max_iter, max_leaf_nodes, min_samples_leaf : gradient-boosting settings.
    """

    def __init__(
        self,
        features: Sequence[str],
        categorical: Sequence[str] = (),
        *,
        calibration: str = "isotonic",
        cv: int = 3,
        seed: int = 0,
        learning_rate: float = 0.1,
        max_iter: int = 100,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 20,
    ) -> None:
        self.features = tuple(features)
        self.categorical = tuple(categorical)
        self.calibration = calibration
        self.cv = cv
        self.seed = seed
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf

    def _matrix(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [c for c in self.features if c not in frame.columns]
        if missing:
            raise InputDataError(
                [Problem(source="features", column=c, message="is missing") for c in missing]
            )
        cols = []
        for name in self.features:
            if name in self.categorical:
                # Unseen categories (and missing values) get code -1, then NaN.
                values = frame[name].astype(object).where(frame[name].notna(), None)
                codes = pd.Index(self.categories_[name]).get_indexer(
                    [None if v is None else str(v) for v in values]
                )
                cols.append(np.where(codes < 0, np.nan, codes).astype(float))
            else:
                cols.append(pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float))
        return np.column_stack(cols) if cols else np.empty((len(frame), 0))

    def fit(self, frame: pd.DataFrame, y: Sequence[int] | np.ndarray) -> TabularClassifier:
        """Fit on ``frame[features]`` and 0/1 outcomes ``y``."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.ensemble import HistGradientBoostingClassifier
        from threadpoolctl import threadpool_limits

        if self.calibration not in ("isotonic", "sigmoid"):
            raise param_error(
                "calibration", "TabularClassifier", "'isotonic' or 'sigmoid'", self.calibration
            )
        unknown = [c for c in self.categorical if c not in self.features]
        if unknown:
            raise param_error("categorical", "TabularClassifier", "a subset of features", unknown)
        y = np.asarray(y, dtype=int)
        self.categories_ = {
            c: sorted(frame[c].dropna().astype(str).unique()) if c in frame.columns else []
            for c in self.categorical
        }
        X = self._matrix(frame)
        base = HistGradientBoostingClassifier(
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=1.0,
            categorical_features=[c in self.categorical for c in self.features],
            random_state=self.seed,
        )
        folds = int(min(self.cv, np.bincount(y).min()))
        if folds < 2:
            raise InputDataError(
                [Problem(source="training data", message="needs at least two rows of each outcome")]
            )
        # One thread: OpenMP oversubscription makes small fits far slower on shared machines.
        with threadpool_limits(limits=1):
            self.model_ = CalibratedClassifierCV(base, method=self.calibration, cv=folds).fit(X, y)
        self.reference_ = {
            c: (frame[c].mode().iloc[0] if c in self.categorical else float(frame[c].median()))
            for c in self.features
        }
        self.n_train_ = len(y)
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of the positive outcome for each row."""
        if not hasattr(self, "model_"):
            raise NotFittedError(type(self).__name__)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return self.model_.predict_proba(self._matrix(frame))[:, 1]


class RateTable:
    """Baseline: the smoothed positive rate of each value of one column.

    ``(positives + prior_weight * overall_rate) / (rows + prior_weight)`` per value; unseen
    values get the overall rate.
    """

    def __init__(self, column: str, *, prior_weight: float = 2.0) -> None:
        self.column = column
        self.prior_weight = prior_weight

    def fit(self, frame: pd.DataFrame, y: Sequence[int] | np.ndarray) -> RateTable:
        """Learn the rate of each value of ``frame[column]``."""
        y = np.asarray(y, dtype=float)
        self.overall_ = float(y.mean())
        g = pd.Series(y).groupby(frame[self.column].astype(str).to_numpy())
        self.rates_ = (g.sum() + self.prior_weight * self.overall_) / (g.size() + self.prior_weight)
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """The learned rate of each row's value."""
        if not hasattr(self, "rates_"):
            raise NotFittedError(type(self).__name__)
        key = frame[self.column].astype(str)
        return key.map(self.rates_).fillna(self.overall_).to_numpy(dtype=float)


@dataclass(frozen=True)
class ScoreReport:
    """How well probabilities rank and match outcomes on a hold-out.

    Attributes
    ----------
    name : str
    auc : float
        Area under the ROC curve (0.5 = chance).
    brier : float
        Mean squared error of the probabilities (lower is better).
    calibration_error : float
        Count-weighted mean absolute gap between predicted and observed rates over score
        deciles.
    n : int
    positive_rate : float
    """

    name: str
    auc: float
    brier: float
    calibration_error: float
    n: int
    positive_rate: float


def calibration_table(y: np.ndarray, p: np.ndarray, *, bins: int = 10) -> pd.DataFrame:
    """Predicted against observed rates in equal-count bins of the score.

    Returns
    -------
    DataFrame
        ``bin, count, mean_predicted, observed``.
    """
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, min(bins, len(p)))
    rows = [
        {"bin": i + 1, "count": len(g), "mean_predicted": p[g].mean(), "observed": y[g].mean()}
        for i, g in enumerate(groups)
        if len(g)
    ]
    return pd.DataFrame(rows)


def calibration_error(y: np.ndarray, p: np.ndarray, *, bins: int = 10) -> float:
    """Count-weighted mean absolute gap of :func:`calibration_table`."""
    t = calibration_table(y, p, bins=bins)
    return float(np.average((t["mean_predicted"] - t["observed"]).abs(), weights=t["count"]))


def lift_table(y: np.ndarray, p: np.ndarray, *, groups: int = 10) -> pd.DataFrame:
    """Outcome rate by score decile, highest scores first.

    Returns
    -------
    DataFrame
        ``group, count, mean_score, rate, lift, cumulative_capture`` where ``lift`` is the
        group's rate over the overall rate and ``cumulative_capture`` the share of all
        positives found in this and higher groups.
    """
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="stable")
    parts = [g for g in np.array_split(order, min(groups, len(p))) if len(g)]
    base = y.mean()
    total = y.sum()
    rows, found = [], 0.0
    for i, g in enumerate(parts):
        found += y[g].sum()
        rows.append(
            {
                "group": i + 1,
                "count": len(g),
                "mean_score": p[g].mean(),
                "rate": y[g].mean(),
                "lift": y[g].mean() / base if base > 0 else np.nan,
                "cumulative_capture": found / total if total > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def score_report(name: str, y: np.ndarray, p: np.ndarray) -> ScoreReport:
    """AUC, Brier score and calibration error of probabilities ``p`` for outcomes ``y``."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = np.asarray(y, dtype=int)
    auc = float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else float("nan")
    return ScoreReport(
        name=name,
        auc=auc,
        brier=float(brier_score_loss(y, p)),
        calibration_error=calibration_error(y, p),
        n=len(y),
        positive_rate=float(np.mean(y)),
    )


def permutation_importance(
    model: TabularClassifier,
    frame: pd.DataFrame,
    y: np.ndarray,
    *,
    n_repeats: int = 3,
    seed: int = 0,
    max_rows: int = 1000,
) -> pd.DataFrame:
    """Drop in hold-out AUC when each feature's values are shuffled.

    At most ``max_rows`` rows (a seeded sample) are used, to bound the cost.

    Returns
    -------
    DataFrame
        ``feature, importance, importance_sd`` sorted by falling importance (AUC points).
    """
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    if len(frame) > max_rows:
        keep = np.sort(rng.choice(len(frame), size=max_rows, replace=False))
        frame, y = frame.iloc[keep], y[keep]
    base = roc_auc_score(y, model.predict_proba(frame))
    rows = []
    for feature in model.features:
        drops = []
        for _ in range(n_repeats):
            shuffled = frame.copy()
            shuffled[feature] = rng.permutation(shuffled[feature].to_numpy())
            drops.append(base - roc_auc_score(y, model.predict_proba(shuffled)))
        rows.append(
            {"feature": feature, "importance": np.mean(drops), "importance_sd": np.std(drops)}
        )
    return pd.DataFrame(rows).sort_values("importance", ascending=False).reset_index(drop=True)


def explain_row(model: TabularClassifier, row: pd.Series | pd.DataFrame) -> pd.DataFrame:
    """What moves one row's probability: each feature set back to its typical value.

    The effect of a feature is the row's probability minus the probability with that feature
    at the training data's median (numeric) or most common value (categorical); a positive
    effect raises the probability above what a typical value would give.

    Returns
    -------
    DataFrame
        ``feature, value, typical, effect`` sorted by falling absolute effect.
    """
    if not hasattr(model, "reference_"):
        raise NotFittedError(type(model).__name__)
    one = row.to_frame().T if isinstance(row, pd.Series) else row.iloc[[0]]
    one = one.reset_index(drop=True)
    variants = pd.concat([one] * (len(model.features) + 1), ignore_index=True)
    for i, feature in enumerate(model.features, start=1):
        variants.loc[i, feature] = model.reference_[feature]
    p = model.predict_proba(variants)
    out = pd.DataFrame(
        {
            "feature": list(model.features),
            "value": [one.loc[0, f] for f in model.features],
            "typical": [model.reference_[f] for f in model.features],
            "effect": p[0] - p[1:],
        }
    )
    return out.reindex(out["effect"].abs().sort_values(ascending=False).index).reset_index(
        drop=True
    )


def _fmt(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if np.isnan(number):
        return "missing"
    return f"{number:,.0f}" if abs(number) >= 100 else f"{number:.3g}"


def driver_text(label: str, value: object, typical: object, effect: float) -> str:
    """One driver in words, e.g. ``"discount 0.4 (typical 0.12): -9 pts"``."""
    return f"{label} {_fmt(value)} (typical {_fmt(typical)}): {effect * 100:+.0f} pts"


#: A hold-out AUC above this is too good for sales outcomes: most likely a column carries the
#: outcome itself (recorded after the fact), not a signal available before it.
LEAKAGE_AUC = 0.98


def single_feature_auc(
    frame: pd.DataFrame, y: np.ndarray, features: Sequence[str], categorical: Sequence[str] = ()
) -> pd.DataFrame:
    """How well each feature alone separates the outcomes (AUC, direction-free).

    A numeric feature is ranked by its value (missing values at the median); a categorical
    one by its own positive rate per value. ``max(auc, 1 - auc)``, so 0.5 means no signal and
    1.0 a feature that alone tells the outcome.

    Returns
    -------
    DataFrame
        ``feature, auc`` sorted by falling AUC.
    """
    from sklearn.metrics import roc_auc_score

    y = np.asarray(y, dtype=int)
    if len(np.unique(y)) < 2:
        raise InputDataError(
            [Problem(source="outcomes", message="needs both outcomes to measure a feature's AUC")]
        )
    rows = []
    for name in features:
        if name in categorical:
            key = frame[name].astype(str).to_numpy()
            score = pd.Series(y).groupby(key).transform("mean").to_numpy(dtype=float)
        else:
            values = pd.to_numeric(frame[name], errors="coerce")
            score = values.fillna(values.median()).fillna(0.0).to_numpy(dtype=float)
        auc = float(roc_auc_score(y, score))
        rows.append({"feature": name, "auc": max(auc, 1 - auc)})
    return pd.DataFrame(rows).sort_values("auc", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class ModelJudgement:
    """Whether a model's scores may drive decisions, and why.

    Attributes
    ----------
    use : bool
        True when the model beats its baseline on the hold-out and shows no sign of leakage.
    verdict : str
        ``"used"``, ``"likely leakage"`` or ``"does not beat the baseline"``.
    reason : str
        One plain sentence for the report.
    leak_feature : str or None
        The feature that alone separates the outcomes when leakage is suspected.
    """

    use: bool
    verdict: str
    reason: str
    leak_feature: str | None = None


def judge_model(
    model: ScoreReport,
    baseline: ScoreReport,
    *,
    frame: pd.DataFrame,
    y: np.ndarray,
    features: Sequence[str],
    categorical: Sequence[str] = (),
    labels: dict[str, str] | None = None,
    what: str = "model",
) -> ModelJudgement:
    """Judge a model on its hold-out: leakage first, then against its simple baseline.

    Parameters
    ----------
    model, baseline : ScoreReport
        Hold-out reports of the model and of its baseline (stage rates, recency rule).
    frame, y : DataFrame, ndarray
        The hold-out rows and outcomes (to find the feature that carries a leak).
    features, categorical : sequence of str
        The model's features.
    labels : dict, optional
        Plain names of features for the sentence.
    what : str
        The model's name in the sentence, e.g. ``"win model"``.

    Returns
    -------
    ModelJudgement
        ``use`` is False when the AUC is above :data:`LEAKAGE_AUC` (naming the feature with the
        highest single-feature AUC) or when the model does not have both a higher AUC and a
        lower Brier score than the baseline.
    """
    from spm_models.registry import format_value

    labels = labels or {}

    def num(value: float) -> str:
        return format_value(value, "num")

    if model.auc > LEAKAGE_AUC:
        top = single_feature_auc(frame, y, features, categorical).iloc[0]
        name = labels.get(top["feature"], top["feature"])
        return ModelJudgement(
            use=False,
            verdict="likely leakage",
            reason=(
                f"the {what} scores an AUC of {num(model.auc)} on its hold-out, too good to be "
                f'true: "{name}" alone separates the outcomes (AUC {num(top["auc"])}), so it '
                "most likely records the outcome itself; the model is not used for decisions"
            ),
            leak_feature=str(top["feature"]),
        )
    if model.auc > baseline.auc and model.brier < baseline.brier:
        return ModelJudgement(
            use=True,
            verdict="used",
            reason=f"the {what} beats {baseline.name} on both ranking and accuracy",
        )
    return ModelJudgement(
        use=False,
        verdict="does not beat the baseline",
        reason=(
            f"the {what} does not beat {baseline.name} on both ranking (AUC {num(model.auc)} "
            f"against {num(baseline.auc)}) and accuracy (Brier {num(model.brier)} against "
            f"{num(baseline.brier)}), so decisions rest on {baseline.name} instead"
        ),
    )
