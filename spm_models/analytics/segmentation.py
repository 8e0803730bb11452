"""Market segmentation and whitespace: where the potential sits and who covers it.

- Tiers: accounts ranked by potential into deciles (1 = the top tenth) and ABC tiers (A the
  top ``a_share`` of accounts, B the next ``b_share``, C the rest).
- Clusters: k-means on firmographics (log employees, log potential, log workload, size
  segment and industry), numbered by falling median potential so cluster 1 is the richest.
- Coverage: each rep's *role* is the segment holding most of the potential in their book;
  accounts per rep by tier and accounts per role by segment show which segments each role
  covers and where accounts are unassigned.
- Whitespace: an account's potential minus its bookings over the trailing twelve months
  (never below zero), summed and ranked by account, territory, segment, region and cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem, param_error
from spm_models.quota.inputs import require_columns
from spm_models.registry import format_value

TIERS = ("A", "B", "C")
UNASSIGNED = "unassigned"


def tier_accounts(
    accounts: pd.DataFrame, *, a_share: float = 0.2, b_share: float = 0.3
) -> pd.DataFrame:
    """Potential deciles and ABC tiers of every account.

    Parameters
    ----------
    accounts : DataFrame
        ``account_id, potential``.
    a_share, b_share : float
        Shares of accounts (by count, richest first) in tiers A and B; the rest are C.

    Returns
    -------
    DataFrame
        ``account_id, potential, potential_rank, potential_decile, tier`` (rank 1 is the
        largest potential; ties broken by ``account_id``).
    """
    require_columns(accounts, ["account_id", "potential"], "accounts")
    if not (a_share > 0 and b_share >= 0 and a_share + b_share <= 1):
        raise param_error(
            "a_share", "tier_accounts", "> 0 with a_share + b_share <= 1", (a_share, b_share)
        )
    if accounts.empty:
        raise InputDataError([Problem(source="accounts", message="has no data rows")])
    order = accounts.sort_values(["potential", "account_id"], ascending=[False, True])
    n = len(order)
    rank = np.arange(1, n + 1)
    share = rank / n
    tier = np.where(
        share <= a_share + 1e-12, "A", np.where(share <= a_share + b_share + 1e-12, "B", "C")
    )
    return pd.DataFrame(
        {
            "account_id": order["account_id"].to_numpy(),
            "potential": order["potential"].to_numpy(dtype=float),
            "potential_rank": rank,
            "potential_decile": np.ceil(share * 10).astype(int),
            "tier": tier,
        }
    )


@dataclass(frozen=True)
class Clusters:
    """Firmographic clusters of accounts.

    Attributes
    ----------
    labels : DataFrame
        ``account_id, cluster`` (1..k).
    profiles : DataFrame
        ``cluster, accounts, potential, median_potential, median_employees,
        main_segment, main_industry, name`` (``potential`` the cluster's sum).
    k : int
    seed : int
    inertia : float
        k-means within-cluster sum of squares on the standardised features.
    """

    labels: pd.DataFrame
    profiles: pd.DataFrame
    k: int
    seed: int
    inertia: float


def firmographic_features(accounts: pd.DataFrame) -> pd.DataFrame:
    """Standardised features for clustering: logs of size columns, one-hot segment and
    industry (industry at half weight so size dominates)."""
    require_columns(
        accounts, ["account_id", "potential", "workload", "segment", "industry"], "accounts"
    )
    acc = accounts.set_index("account_id")
    if "employees" in acc.columns:
        employees = acc["employees"].astype(float)
        employees = employees.fillna(employees.groupby(acc["segment"]).transform("median"))
        employees = employees.fillna(employees.median()).fillna(0.0)
    else:
        employees = pd.Series(0.0, index=acc.index)
    num = pd.DataFrame(
        {
            "log_employees": np.log1p(employees),
            "log_potential": np.log1p(acc["potential"].astype(float)),
            "log_workload": np.log1p(acc["workload"].astype(float)),
        }
    )
    sd = num.std(ddof=0).replace(0, 1.0)
    num = (num - num.mean()) / sd
    seg = pd.get_dummies(acc["segment"], prefix="segment", dtype=float)
    ind = pd.get_dummies(acc["industry"], prefix="industry", dtype=float) * 0.5
    return pd.concat([num, seg, ind], axis=1)


def cluster_accounts(accounts: pd.DataFrame, *, k: int = 5, seed: int = 0) -> Clusters:
    """k-means clusters of accounts on firmographics, deterministic for ``seed``.

    Raises
    ------
    ValueError
        When ``k`` is below 2 or above the number of accounts.
    """
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    if not 2 <= k <= len(accounts):
        raise param_error("k", "cluster_accounts", f"an int in [2, {len(accounts)}]", k)
    features = firmographic_features(accounts)
    # One thread: BLAS/OpenMP oversubscription makes k-means far slower on shared machines.
    with threadpool_limits(limits=1):
        model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(features.to_numpy())
    raw = pd.Series(model.labels_, index=features.index)
    acc = accounts.set_index("account_id")
    med = acc["potential"].groupby(raw).median().sort_values(ascending=False, kind="stable")
    renumber = {old: new for new, old in enumerate(med.index, start=1)}
    cluster = raw.map(renumber)
    grouped = acc.assign(cluster=cluster).groupby("cluster")
    profiles = grouped.agg(
        accounts=("potential", "size"),
        potential=("potential", "sum"),
        median_potential=("potential", "median"),
        main_segment=("segment", lambda s: s.value_counts().index[0]),
        main_industry=("industry", lambda s: s.value_counts().index[0]),
    )
    if "employees" in acc.columns:
        profiles["median_employees"] = grouped["employees"].median()
    else:
        profiles["median_employees"] = np.nan
    profiles = profiles.reset_index()
    profiles["name"] = [
        f"{r.cluster}: {r.main_segment}, {r.main_industry}, "
        f"{format_value(r.median_potential, 'usd')} median potential"
        for r in profiles.itertuples()
    ]
    labels = pd.DataFrame({"account_id": cluster.index, "cluster": cluster.to_numpy()})
    return Clusters(labels=labels, profiles=profiles, k=k, seed=seed, inertia=float(model.inertia_))


def rep_roles(
    accounts: pd.DataFrame, reps: pd.DataFrame, rep_of: pd.Series | None = None
) -> pd.Series:
    """Each rep's role: the segment holding most of the potential in their book.

    Reps without accounts are ``"no accounts"``; ``rep_of`` (rep by ``account_id``) defaults
    to ``current_rep_id``.
    """
    rep_of = rep_of if rep_of is not None else accounts.set_index("account_id")["current_rep_id"]
    acc = accounts.assign(rep_id=rep_of.reindex(accounts["account_id"]).to_numpy())
    pot = acc.dropna(subset=["rep_id"]).groupby(["rep_id", "segment"])["potential"].sum().unstack()
    role = pot.idxmax(axis=1) if not pot.empty else pd.Series(dtype=object)
    return role.reindex(reps["rep_id"]).fillna("no accounts").rename("role")


@dataclass(frozen=True)
class MarketView:
    """Tiers, clusters, coverage and whitespace of a company's market.

    Attributes
    ----------
    accounts : DataFrame
        One row per account: ``account_id, account_name, rep_id, region, segment, industry,
        lat, lon, potential, bookings_12m, whitespace, penetration, potential_decile, tier, covered,
        cluster`` sorted by falling whitespace (``covered``: aligned to a staffed rep).
    clusters : Clusters
    coverage_by_rep : DataFrame
        ``rep_id, rep_name, region, status, role, accounts, A, B, C, potential, whitespace``.
    coverage_by_role : DataFrame
        Accounts per role (rows, plus ``uncovered`` for unassigned accounts and vacant
        seats) and segment (columns).
    by_territory, by_segment, by_region, by_cluster, by_tier : DataFrame
        Whitespace ranked: ``<key>, accounts, potential, bookings_12m, whitespace,
        penetration, whitespace_share``.
    months : int
        Months of bookings behind ``bookings_12m`` (annualised when fewer than twelve).
    """

    accounts: pd.DataFrame
    clusters: Clusters
    coverage_by_rep: pd.DataFrame
    coverage_by_role: pd.DataFrame
    by_territory: pd.DataFrame
    by_segment: pd.DataFrame
    by_region: pd.DataFrame
    by_cluster: pd.DataFrame
    by_tier: pd.DataFrame
    months: int = 12

    @property
    def whitespace_total(self) -> float:
        """Sum of the accounts' whitespace (USD per year)."""
        return float(self.accounts["whitespace"].sum())

    @property
    def uncovered_whitespace(self) -> float:
        """Whitespace on accounts no staffed rep covers: unassigned or on a vacant seat."""
        a = self.accounts
        return float(a.loc[~a["covered"], "whitespace"].sum())


def _rank(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    g = frame.groupby(key, dropna=False).agg(
        accounts=("account_id", "size"),
        potential=("potential", "sum"),
        bookings_12m=("bookings_12m", "sum"),
        whitespace=("whitespace", "sum"),
    )
    g["penetration"] = g["bookings_12m"] / g["potential"].where(g["potential"] > 0)
    total = g["whitespace"].sum()
    g["whitespace_share"] = g["whitespace"] / total if total > 0 else np.nan
    return g.sort_values("whitespace", ascending=False).reset_index()


def market_view(
    company,
    *,
    months: int = 12,
    k: int = 5,
    seed: int = 0,
    a_share: float = 0.2,
    b_share: float = 0.3,
    rep_of: pd.Series | None = None,
) -> MarketView:
    """Tiers, clusters, coverage and whitespace for a company.

    Parameters
    ----------
    company : Company
    months : int, default 12
        Trailing months of bookings (all booking types) compared with annual potential;
        potential and bookings are annualised to the same twelve months.
    k, seed : int
        Number of clusters and the k-means seed.
    a_share, b_share : float
        ABC tier shares (see :func:`tier_accounts`).
    rep_of : Series, optional
        Rep of each account by ``account_id`` (e.g. a new alignment); ``current_rep_id``
        when omitted.

    Returns
    -------
    MarketView
    """
    if months < 1:
        raise param_error("months", "market_view", ">= 1", months)
    acc = company.accounts
    end = pd.Timestamp(company.as_of).to_period("M").to_timestamp()
    start = end - pd.DateOffset(months=months - 1)
    b = company.bookings
    recent = b.loc[(b["period"] >= start) & (b["period"] <= end)]
    # A history shorter than the window is annualised over the months it has.
    first = b["period"].min() if len(b) else end
    seen = max(1, min(months, (end.to_period("M") - pd.Timestamp(first).to_period("M")).n + 1))
    booked = recent.groupby("account_id")["amount"].sum() * (12 / seen)
    rep_of = rep_of if rep_of is not None else acc.set_index("account_id")["current_rep_id"]
    tiers = tier_accounts(acc, a_share=a_share, b_share=b_share).set_index("account_id")
    clusters = cluster_accounts(acc, k=k, seed=seed)
    cols = [
        "account_id",
        "account_name",
        "region",
        "segment",
        "industry",
        "lat",
        "lon",
        "potential",
    ]
    out = acc[cols].copy()
    out.insert(2, "rep_id", rep_of.reindex(acc["account_id"]).fillna(UNASSIGNED).to_numpy())
    out["bookings_12m"] = booked.reindex(acc["account_id"]).fillna(0.0).to_numpy()
    out["whitespace"] = np.maximum(out["potential"] - out["bookings_12m"], 0.0)
    out["penetration"] = out["bookings_12m"] / out["potential"].where(out["potential"] > 0)
    out["potential_decile"] = tiers["potential_decile"].reindex(acc["account_id"]).to_numpy()
    out["tier"] = tiers["tier"].reindex(acc["account_id"]).to_numpy()
    staffed = set(company.reps.loc[company.reps["status"] != "vacant", "rep_id"])
    out["covered"] = out["rep_id"].isin(staffed)
    out["cluster"] = (
        clusters.labels.set_index("account_id")["cluster"].reindex(acc["account_id"]).to_numpy()
    )
    out = out.sort_values(["whitespace", "account_id"], ascending=[False, True]).reset_index(
        drop=True
    )

    reps = company.reps
    roles = rep_roles(acc, reps, rep_of)
    per_tier = (
        out.groupby(["rep_id", "tier"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(TIERS), fill_value=0)
    )
    sums = out.groupby("rep_id")[["potential", "whitespace"]].sum()
    cov = reps[["rep_id", "rep_name", "region", "status"]].copy()
    cov["role"] = roles.reindex(cov["rep_id"]).to_numpy()
    cov["accounts"] = per_tier.sum(axis=1).reindex(cov["rep_id"]).fillna(0).astype(int).to_numpy()
    for t in TIERS:
        cov[t] = per_tier[t].reindex(cov["rep_id"]).fillna(0).astype(int).to_numpy()
    for col in ("potential", "whitespace"):
        cov[col] = sums[col].reindex(cov["rep_id"]).fillna(0.0).to_numpy()
    role_of_account = out["rep_id"].map(roles).where(out["covered"], "uncovered")
    by_role = pd.crosstab(role_of_account.rename("role"), out["segment"])
    territory = _rank(out, "rep_id").rename(columns={"rep_id": "territory"})
    return MarketView(
        accounts=out,
        clusters=clusters,
        coverage_by_rep=cov,
        coverage_by_role=by_role,
        by_territory=territory,
        by_segment=_rank(out, "segment"),
        by_region=_rank(out, "region"),
        by_cluster=_rank(out, "cluster"),
        by_tier=_rank(out, "tier"),
        months=seen,
    )
