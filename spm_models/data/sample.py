"""The built-in sample company: a fictional, realistic B2B sales organisation.

Deterministic for a seed and vectorised, so 100,000 accounts take seconds. What it models:

- accounts at real US ZIP centroids, more of them where ZIPs are dense (cities), with
  industry, size segment, heavy-tailed potential and a workload in calls per year;
- reps based near their region's accounts, some ramping (hired in the last six months) and
  some seats vacant;
- a *legacy* alignment that is unbalanced and partly illogical, as real ones are: territories
  grew around reps of unequal reach, and some accounts stayed with a rep they once met, even
  in another region;
- four years of monthly bookings with trend, a Q4 peak, noise, churned and new customers;
- an open pipeline with stages, amounts and expected close dates;
- three years of closed (won and lost) deals drawn from a documented ground-truth win model
  (:func:`generate_closed_opportunities`), on a random stream of its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spm_models.data.company import Company
from spm_models.data.geography import REGION_STATES, haversine_km, zip_centroids

AS_OF = pd.Timestamp("2026-12-31")
HISTORY_MONTHS = 48

INDUSTRIES = {
    "Manufacturing": 0.18,
    "Healthcare": 0.13,
    "Financial Services": 0.11,
    "Retail": 0.12,
    "Technology": 0.14,
    "Logistics": 0.08,
    "Construction": 0.08,
    "Professional Services": 0.10,
    "Education": 0.06,
}
SEGMENT_SHARE = {"enterprise": 0.07, "mid-market": 0.25, "smb": 0.68}
#: Median annual potential (USD) and log-normal spread per segment.
POTENTIAL = {"enterprise": (900_000, 0.9), "mid-market": (180_000, 0.75), "smb": (30_000, 0.8)}
#: Sales calls per year an account needs, per segment.
CALLS_PER_YEAR = {"enterprise": 36.0, "mid-market": 16.0, "smb": 6.0}
EMPLOYEES = {"enterprise": (6_000, 0.8), "mid-market": (600, 0.6), "smb": (45, 0.8)}
CUSTOMER_SHARE = {"enterprise": 0.75, "mid-market": 0.6, "smb": 0.45}
BOOKING_PROBABILITY = {"enterprise": 0.55, "mid-market": 0.45, "smb": 0.3}
#: Monthly seasonality, Q4 peak and quarter-end pushes (mean 1).
SEASONALITY = np.array([0.78, 0.86, 1.06, 0.86, 0.92, 1.08, 0.80, 0.84, 1.10, 0.98, 1.12, 1.60])
SEASONALITY = SEASONALITY / SEASONALITY.mean()
STAGES = {
    "prospecting": 0.3,
    "qualification": 0.25,
    "proposal": 0.2,
    "negotiation": 0.15,
    "commit": 0.1,
}
PRODUCTS = {"Core Platform": 0.5, "Analytics": 0.25, "Integrations": 0.15, "Services": 0.1}

_NAME_HEADS = (
    "Cedar",
    "Summit",
    "Harbor",
    "Granite",
    "Prairie",
    "Blue Ridge",
    "Ironwood",
    "Silver Lake",
    "Redwood",
    "Keystone",
    "Lakeshore",
    "Northgate",
    "Pioneer",
    "Riverside",
    "Sterling",
    "Meridian",
    "Copper Creek",
    "Evergreen",
    "Highland",
    "Bayview",
    "Oakmont",
    "Westfield",
    "Crescent",
    "Falcon",
    "Maple Grove",
    "Stonebridge",
    "Clearwater",
    "Aspen",
    "Liberty",
    "Horizon",
    "Foxhall",
    "Brightwater",
    "Canyon",
    "Beacon",
    "Willow Bend",
    "Sandstone",
)
_NAME_TAILS = {
    "Manufacturing": ("Manufacturing", "Fabrication", "Industries", "Tooling"),
    "Healthcare": ("Health", "Medical Group", "Clinics", "Care Partners"),
    "Financial Services": ("Financial", "Capital", "Credit Union", "Advisors"),
    "Retail": ("Outfitters", "Market", "Supply Co.", "Stores"),
    "Technology": ("Systems", "Software", "Networks", "Labs"),
    "Logistics": ("Logistics", "Freight", "Distribution", "Transport"),
    "Construction": ("Builders", "Construction", "Contractors", "Materials"),
    "Professional Services": ("Consulting", "Partners", "Associates", "Group"),
    "Education": ("Academy", "Learning", "College", "Schools"),
}
_FIRST = (
    "Avery",
    "Jordan",
    "Morgan",
    "Riley",
    "Casey",
    "Taylor",
    "Quinn",
    "Reese",
    "Dakota",
    "Emerson",
    "Harper",
    "Rowan",
    "Sawyer",
    "Parker",
    "Hayden",
    "Elliot",
    "Marisol",
    "Tomas",
    "Priya",
    "Kenji",
    "Lena",
    "Omar",
    "Ines",
    "Darius",
    "Noor",
    "Mateo",
    "Ingrid",
    "Felix",
)
_LAST = (
    "Calloway",
    "Brennan",
    "Okafor",
    "Lindqvist",
    "Marchetti",
    "Halvorsen",
    "Delacroix",
    "Nakamura",
    "Petrov",
    "Ashworth",
    "Castellano",
    "Whitlock",
    "Abernathy",
    "Rosales",
    "Kowalczyk",
    "Fairbanks",
    "Tremblay",
    "Osei",
    "Vasquez",
    "Thornbury",
    "Mbeki",
    "Lachance",
)


def _choice(rng: np.random.Generator, table: dict[str, float], size: int) -> np.ndarray:
    keys = np.array(list(table))
    probs = np.array(list(table.values()), dtype=float)
    return keys[rng.choice(len(keys), size=size, p=probs / probs.sum())]


def _place_accounts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    zips = zip_centroids()
    # Cities with many ZIPs are where businesses cluster: weight each ZIP by its city's size.
    city_size = zips.groupby(["city", "state"])["zip"].transform("size").to_numpy(dtype=float)
    weight = city_size**0.8
    picks = rng.choice(len(zips), size=n, p=weight / weight.sum())
    placed = zips.iloc[picks].reset_index(drop=True)
    placed["city_size"] = city_size[picks]
    return placed


def _accounts(rng: np.random.Generator, n: int) -> pd.DataFrame:
    placed = _place_accounts(rng, n)
    # Big companies sit in big cities: shift the segment mix with the city's size.
    urban = np.clip(np.log1p(placed["city_size"].to_numpy()) / np.log(100), 0, 1)
    u = rng.random(n)
    ent_cut = SEGMENT_SHARE["enterprise"] * (0.4 + 1.2 * urban)
    mm_cut = ent_cut + SEGMENT_SHARE["mid-market"]
    segment = np.where(u < ent_cut, "enterprise", np.where(u < mm_cut, "mid-market", "smb"))
    industry = _choice(rng, INDUSTRIES, n)
    potential = np.empty(n)
    employees = np.empty(n)
    workload = np.empty(n)
    for seg in SEGMENT_SHARE:
        mask = segment == seg
        k = int(mask.sum())
        median, sigma = POTENTIAL[seg]
        # Log-normal body with a Pareto tail: a few accounts are worth many others.
        tail = np.where(rng.random(k) < 0.03, rng.pareto(2.5, k) + 1, 1.0)
        potential[mask] = np.round(median * rng.lognormal(0, sigma, k) * tail, -2)
        e_median, e_sigma = EMPLOYEES[seg]
        employees[mask] = np.maximum(1, np.round(e_median * rng.lognormal(0, e_sigma, k)))
        workload[mask] = np.round(CALLS_PER_YEAR[seg] * rng.uniform(0.75, 1.3, k))
    heads = np.array(_NAME_HEADS)[rng.integers(0, len(_NAME_HEADS), n)]
    tails = [_NAME_TAILS[ind][j] for ind, j in zip(industry, rng.integers(0, 4, n), strict=True)]
    ids = np.char.add("A", np.char.zfill(np.arange(1, n + 1).astype(str), max(5, len(str(n)))))
    return pd.DataFrame(
        {
            "account_id": ids,
            "account_name": [f"{h} {t}" for h, t in zip(heads, tails, strict=True)],
            "industry": industry,
            "segment": segment,
            "zip": placed["zip"].to_numpy(),
            "city": placed["city"].to_numpy(),
            "state": placed["state"].to_numpy(),
            "lat": placed["lat"].to_numpy(),
            "lon": placed["lon"].to_numpy(),
            "region": placed["region"].to_numpy(),
            "employees": employees.astype("int64"),
            "potential": potential,
            "workload": workload,
        }
    )


def _kmeans_homes(rng: np.random.Generator, pts: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` distinct accounts nearest the weighted k-means centres of ``pts``.

    Runs on a planar projection (longitude scaled by the cosine of the mean latitude) and on
    a weighted sample of at most 4,000 accounts: homes only need to sit where accounts are.
    """
    k = min(k, len(pts))
    xy = np.column_stack([pts[:, 1] * np.cos(np.radians(pts[:, 0].mean())), pts[:, 0]])
    fit = rng.choice(len(xy), size=min(len(xy), 4000), replace=False, p=w / w.sum())
    sample, weight = xy[fit], w[fit]
    centres = sample[rng.choice(len(sample), size=k, replace=False)]
    for _ in range(10):
        label = ((sample[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        mass = np.bincount(label, weights=weight, minlength=k)
        for axis in (0, 1):
            total = np.bincount(label, weights=weight * sample[:, axis], minlength=k)
            centres[:, axis] = np.where(mass > 0, total / np.maximum(mass, 1e-12), centres[:, axis])
    # The account nearest each centre (the next nearest when two centres share one).
    order = np.argsort(((centres[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2), axis=1)[:, :k]
    chosen: list[int] = []
    for candidates in order:
        chosen.append(int(next(i for i in candidates if i not in chosen)))
    return np.array(chosen)


def _reps(rng: np.random.Generator, accounts: pd.DataFrame, n_reps: int) -> pd.DataFrame:
    regions = [r for r in REGION_STATES if (accounts["region"] == r).any()]
    load = accounts.groupby("region")["workload"].sum().reindex(regions)
    seats = np.maximum(1, np.floor(load / load.sum() * n_reps).astype(int))
    while seats.sum() < n_reps:  # hand out the remainder to the most loaded regions per seat
        seats[(load / seats).idxmax()] += 1
    while seats.sum() > n_reps:
        seats[(load / seats).idxmin()] -= 1
    rows = []
    for m, region in enumerate(regions, start=1):
        sub = accounts[accounts["region"] == region]
        pts = sub[["lat", "lon"]].to_numpy()
        homes = _kmeans_homes(rng, pts, sub["workload"].to_numpy(dtype=float), int(seats[region]))
        for idx in homes:
            rows.append(
                {
                    "region": region,
                    "manager_id": f"M{m:02d}",
                    "home_zip": sub["zip"].iloc[idx],
                    "home_lat": float(sub["lat"].iloc[idx]),
                    "home_lon": float(sub["lon"].iloc[idx]),
                }
            )
    reps = pd.DataFrame(rows)
    n = len(reps)
    reps.insert(0, "rep_id", [f"R{i:03d}" for i in range(1, n + 1)])
    names = _unique_names(rng.integers(0, len(_FIRST), n), rng.integers(0, len(_LAST), n))
    status = np.where(rng.random(n) < 0.06, "vacant", "active").astype(object)
    tenure_days = rng.integers(200, 9 * 365, n)
    ramping = (status == "active") & (rng.random(n) < 0.12)
    tenure_days[ramping] = rng.integers(20, 180, int(ramping.sum()))
    status[ramping] = "ramping"
    hire = AS_OF - pd.to_timedelta(tenure_days, unit="D")
    reps.insert(1, "rep_name", np.where(status == "vacant", "Vacant", names))
    reps["hire_date"] = pd.Series(hire).where(status != "vacant").astype("datetime64[ns]")
    reps["status"] = status.astype(str)
    reps["fte"] = np.where(status == "ramping", 0.5, 1.0)
    return reps


def _unique_names(first: np.ndarray, last: np.ndarray) -> list[str]:
    """Rep names from drawn first- and last-name indices, made unique without further draws.

    A repeated pair moves to the next unused surname (then first name), so the random stream
    and every other generated column stay as they were.
    """
    if len(first) > len(_FIRST) * len(_LAST):
        raise ValueError(f"at most {len(_FIRST) * len(_LAST)} unique rep names; got {len(first)}")
    seen: set[tuple[int, int]] = set()
    names = []
    for f, s in zip(first.tolist(), last.tolist(), strict=True):
        step = 0
        while (f, s) in seen:
            step += 1
            s = (s + 1) % len(_LAST)
            if step % len(_LAST) == 0:
                f = (f + 1) % len(_FIRST)
        seen.add((f, s))
        names.append(f"{_FIRST[f]} {_LAST[s]}")
    return names


def _legacy_alignment(
    rng: np.random.Generator, accounts: pd.DataFrame, reps: pd.DataFrame
) -> np.ndarray:
    """Today's alignment: grown around reps of unequal reach, with stale relationships."""
    rep_ids = reps["rep_id"].to_numpy()
    # Some reps were given far more ground than others over the years.
    reach = rng.lognormal(0, 0.45, len(reps))
    out = np.empty(len(accounts), dtype=object)
    for region, idx in accounts.groupby("region").indices.items():
        in_region = np.flatnonzero(reps["region"].to_numpy() == region)
        d = haversine_km(
            accounts["lat"].to_numpy()[idx, None],
            accounts["lon"].to_numpy()[idx, None],
            reps["home_lat"].to_numpy()[None, in_region],
            reps["home_lon"].to_numpy()[None, in_region],
        )
        out[idx] = rep_ids[in_region[np.argmin(d / reach[None, in_region], axis=1)]]
        # Relationships that stayed with a rep after territories changed.
        stale = rng.random(len(idx)) < 0.07
        out[idx[stale]] = rep_ids[in_region[rng.integers(0, len(in_region), int(stale.sum()))]]
    # A few accounts followed a rep across a region boundary.
    strays = rng.random(len(accounts)) < 0.015
    out[strays] = rep_ids[rng.integers(0, len(rep_ids), int(strays.sum()))]
    return out


def _bookings(rng: np.random.Generator, accounts: pd.DataFrame, reps: pd.DataFrame) -> pd.DataFrame:
    n = len(accounts)
    months = pd.date_range(end=AS_OF, periods=HISTORY_MONTHS, freq="MS")
    seg = accounts["segment"].to_numpy()
    is_customer = rng.random(n) < np.vectorize(CUSTOMER_SHARE.get)(seg)
    cust = np.flatnonzero(is_customer)
    k, t = len(cust), np.arange(HISTORY_MONTHS)
    # New logos start during the history; some customers churn and stop booking.
    start = np.where(rng.random(k) < 0.25, rng.integers(1, HISTORY_MONTHS - 3, k), -1)
    churn = np.where(rng.random(k) < 0.12, rng.integers(6, HISTORY_MONTHS, k), HISTORY_MONTHS)
    churn = np.maximum(churn, start + 3)
    active = (t[None, :] >= np.maximum(start, 0)[:, None]) & (t[None, :] < churn[:, None])
    penetration = rng.beta(2, 12, k)
    growth = rng.normal(0.07, 0.08, k)
    annual = accounts["potential"].to_numpy()[cust] * penetration
    trend = (1 + growth[:, None]) ** ((t[None, :] - HISTORY_MONTHS) / 12)
    expected = annual[:, None] / 12 * trend * SEASONALITY[months.month.to_numpy() - 1][None, :]
    p_book = np.vectorize(BOOKING_PROBABILITY.get)(seg[cust])
    booked = active & (rng.random((k, HISTORY_MONTHS)) < p_book[:, None])
    amount = expected / p_book[:, None] * rng.lognormal(-0.125, 0.5, (k, HISTORY_MONTHS))
    rows, cols = np.nonzero(booked)
    first_month = np.full(k, HISTORY_MONTHS)
    np.minimum.at(first_month, rows, cols)
    kind = np.where(
        (start[rows] >= 0) & (cols == first_month[rows]),
        "new",
        np.where((cols - np.maximum(start[rows], 0)) % 12 == 0, "renewal", "expansion"),
    )
    acct_idx = cust[rows]
    rep = accounts["current_rep_id"].to_numpy()[acct_idx]
    hire = reps.set_index("rep_id")["hire_date"].reindex(rep).to_numpy()
    period = months.to_numpy()[cols]
    # Before a rep was hired (or for a vacant seat) the booking was a house account.
    rep = np.where(pd.isna(hire) | (hire > period), None, rep)
    frame = pd.DataFrame(
        {
            "account_id": accounts["account_id"].to_numpy()[acct_idx],
            "rep_id": rep,
            "period": period,
            "booking_type": kind,
            "amount": np.round(amount[rows, cols], 2),
        }
    )
    return frame.sort_values(["period", "account_id"]).reset_index(drop=True)


def _opportunities(rng: np.random.Generator, accounts: pd.DataFrame, reps: pd.DataFrame):
    n = max(1, int(0.3 * len(accounts)))
    w = np.sqrt(accounts["potential"].to_numpy())
    pick = rng.choice(len(accounts), size=n, p=w / w.sum())
    stage = _choice(rng, STAGES, n)
    created = AS_OF - pd.to_timedelta(rng.integers(5, 200, n), unit="D")
    close = AS_OF + pd.to_timedelta(rng.integers(1, 200, n), unit="D")
    vacant = set(reps.loc[reps["status"] == "vacant", "rep_id"])
    owner = accounts["current_rep_id"].to_numpy()[pick]
    owner = np.where(np.isin(owner, list(vacant)), None, owner)
    amount = accounts["potential"].to_numpy()[pick] * rng.beta(2, 10, n) * rng.lognormal(0, 0.3, n)
    return pd.DataFrame(
        {
            "opportunity_id": [f"O{i:06d}" for i in range(1, n + 1)],
            "account_id": accounts["account_id"].to_numpy()[pick],
            "rep_id": owner,
            "stage": stage,
            "amount": np.round(np.maximum(amount, 500.0), 2),
            "created_date": created.to_numpy(),
            "expected_close_date": close.to_numpy(),
            "product": _choice(rng, PRODUCTS, n),
        }
    )


#: Ground truth of the closed-deal history: the log-odds of winning is the sum of these terms
#: (see :func:`generate_closed_opportunities`).
WIN_INTERCEPT = -0.2
WIN_STAGE = {
    "prospecting": -1.6,
    "qualification": -0.9,
    "proposal": 0.0,
    "negotiation": 0.8,
    "commit": 1.8,
}
WIN_SEGMENT = {"enterprise": -0.3, "mid-market": 0.0, "smb": 0.3}
WIN_INDUSTRY = {
    "Technology": 0.3,
    "Financial Services": 0.2,
    "Healthcare": -0.2,
    "Education": -0.3,
}
WIN_PRODUCT = {"Core Platform": 0.0, "Analytics": 0.2, "Integrations": -0.2, "Services": 0.4}
WIN_DISCOUNT = -3.0
WIN_TENURE_PER_MONTH = 0.04
WIN_TENURE_CAP_MONTHS = 36
WIN_STALL_PER_DAY = -0.015
WIN_STALL_AFTER_DAYS = 30
WIN_AGE_PER_DAY = -0.004
WIN_LOG_AMOUNT = -0.35
WIN_AMOUNT_REFERENCE = 25_000.0
#: Closed-deal history spans this many months before the end of the bookings history.
CLOSED_HISTORY_MONTHS = 36


def true_win_logit(closed: pd.DataFrame) -> np.ndarray:
    """The ground-truth log-odds of winning for rows of a closed-opportunity table.

    The sum of the documented terms of :func:`generate_closed_opportunities`; a house deal
    (no rep, missing tenure) counts as tenure zero.
    """
    tenure = closed["rep_tenure_months"].astype(float).fillna(0.0).to_numpy()
    stall = np.maximum(closed["days_in_stage"].to_numpy(dtype=float) - WIN_STALL_AFTER_DAYS, 0)
    return (
        WIN_INTERCEPT
        + closed["stage"].map(WIN_STAGE).to_numpy(dtype=float)
        + closed["segment"].map(WIN_SEGMENT).to_numpy(dtype=float)
        + closed["industry"].map(WIN_INDUSTRY).fillna(0.0).to_numpy(dtype=float)
        + closed["product"].map(WIN_PRODUCT).fillna(0.0).to_numpy(dtype=float)
        + WIN_DISCOUNT * closed["discount"].to_numpy(dtype=float)
        + WIN_TENURE_PER_MONTH * np.minimum(tenure, WIN_TENURE_CAP_MONTHS)
        + WIN_STALL_PER_DAY * stall
        + WIN_AGE_PER_DAY * closed["age_days"].to_numpy(dtype=float)
        + WIN_LOG_AMOUNT * np.log(closed["amount"].to_numpy(dtype=float) / WIN_AMOUNT_REFERENCE)
    )


def generate_closed_opportunities(
    accounts: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    seed: int = 42,
    n: int | None = None,
    as_of: pd.Timestamp = AS_OF,
) -> pd.DataFrame:
    """Closed (won and lost) opportunities drawn from a documented ground-truth model.

    Deals are opened over the ``CLOSED_HISTORY_MONTHS`` months before ``as_of`` at accounts
    picked in proportion to the square root of their potential. Each is described as it stood
    at its last pipeline review before closing: stage, age, days in stage, discount and the
    owning rep's tenure. The outcome is Bernoulli with

    ``logit P(won) = -0.2 + stage + segment + industry + product - 3.0 * discount
    + 0.04 * min(tenure_months, 36) - 0.015 * max(days_in_stage - 30, 0)
    - 0.004 * age_days - 0.35 * ln(amount / 25,000)``

    with stage terms prospecting -1.6, qualification -0.9, proposal 0, negotiation +0.8,
    commit +1.8; segment enterprise -0.3, mid-market 0, smb +0.3; industry Technology +0.3,
    Financial Services +0.2, Healthcare -0.2, Education -0.3, others 0; product Core Platform
    0, Analytics +0.2, Integrations -0.2, Services +0.4. A house deal (no rep hired when the
    deal was opened) has tenure zero. The terms are the module constants ``WIN_*`` and
    :func:`true_win_logit` evaluates them, so a learned model can be checked against the
    truth.

    Parameters
    ----------
    accounts, reps : DataFrame
        The company's accounts (with ``current_rep_id``) and reps.
    seed : int, default 42
        Seed of this table's own random stream (``default_rng([seed, 1])``), so adding the
        history leaves every other sample table unchanged.
    n : int, optional
        Number of closed deals; default ``max(300, 1.2 * len(accounts))``.
    as_of : Timestamp
        Last day of the history; no deal closes after it.

    Returns
    -------
    DataFrame
        Following the ``closed_opportunities`` schema, sorted by ``closed_date``.
    """
    rng = np.random.default_rng([seed, 1])
    n = int(n) if n is not None else max(300, int(1.2 * len(accounts)))
    if n < 1:
        raise ValueError(
            f"The 'n' parameter of generate_closed_opportunities must be >= 1. Got {n!r} instead."
        )
    as_of = pd.Timestamp(as_of)
    w = np.sqrt(accounts["potential"].to_numpy(dtype=float) + 1.0)
    pick = rng.choice(len(accounts), size=n, p=w / w.sum())
    span = (as_of - (as_of - pd.DateOffset(months=CLOSED_HISTORY_MONTHS))).days
    created = as_of - pd.to_timedelta(rng.integers(30, span, n), unit="D")
    age = rng.integers(5, 240, n)
    days_in_stage = np.minimum(age, np.round(rng.gamma(2.0, 18.0, n)).astype(int))
    to_close = np.round(rng.gamma(2.0, 10.0, n)).astype(int) + 1
    # Deals still open at the end of the history are not in a closed history: shorten them.
    overrun = np.asarray(created + pd.to_timedelta(age + to_close, unit="D") > as_of)
    room = np.maximum(np.asarray((as_of - created).days), 2)
    age = np.where(overrun, (room * rng.uniform(0.3, 0.9, n)).astype(int), age)
    days_in_stage = np.minimum(days_in_stage, age)
    to_close = np.where(overrun, np.maximum(1, (room - age) // 2), to_close)
    review = created + pd.to_timedelta(age, unit="D")
    closed = review + pd.to_timedelta(to_close, unit="D")
    owner = accounts["current_rep_id"].to_numpy()[pick]
    hire = reps.set_index("rep_id")["hire_date"].reindex(owner).to_numpy()
    housed = pd.isna(hire) | (hire > created.to_numpy())
    owner = np.where(housed, None, owner)
    tenure = (review.to_numpy() - hire).astype("timedelta64[D]").astype(float) / 30.4375
    tenure = np.where(housed, np.nan, np.round(np.maximum(tenure, 0), 1))
    amount = accounts["potential"].to_numpy()[pick] * rng.beta(2, 10, n) * rng.lognormal(0, 0.3, n)
    frame = pd.DataFrame(
        {
            "opportunity_id": [f"C{i:06d}" for i in range(1, n + 1)],
            "account_id": accounts["account_id"].to_numpy()[pick],
            "rep_id": owner,
            "segment": accounts["segment"].to_numpy()[pick],
            "industry": accounts["industry"].to_numpy()[pick],
            "product": _choice(rng, PRODUCTS, n),
            "stage": _choice(rng, STAGES, n),
            "amount": np.round(np.maximum(amount, 500.0), 2),
            "discount": np.round(np.clip(rng.beta(2, 12, n), 0, 0.6), 3),
            "created_date": created.to_numpy(),
            "review_date": review.to_numpy(),
            "age_days": age.astype("int64"),
            "days_in_stage": days_in_stage.astype("int64"),
            "rep_tenure_months": tenure,
            "closed_date": closed.to_numpy(),
        }
    )
    p_win = 1 / (1 + np.exp(-true_win_logit(frame)))
    frame["won"] = rng.random(n) < p_win
    return frame.sort_values(["closed_date", "opportunity_id"]).reset_index(drop=True)


def generator_version() -> str:
    """A short hash of the generator's source: cached sample companies are keyed by it, so a
    change to the generator never serves a stale cache."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("sample.py", "geography.py", "schema.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:10]


def generate_company(seed: int = 42, n_accounts: int = 5000, n_reps: int = 60) -> Company:
    """Generate the fictional sample company.

    Parameters
    ----------
    seed : int, default 42
        Random seed; the same seed and sizes give the same company.
    n_accounts : int, default 5000
        Number of accounts (at least 20).
    n_reps : int, default 60
        Number of rep seats (at least 4, one per region, and at most ``n_accounts // 5``).

    Returns
    -------
    Company
        Accounts, reps, four years of monthly bookings up to 2026-12, the open pipeline and
        three years of closed deals.
    """
    if not isinstance(n_accounts, int | np.integer) or n_accounts < 20:
        raise ValueError(
            "The 'n_accounts' parameter of generate_company must be an int >= 20. "
            f"Got {n_accounts!r} instead."
        )
    if not isinstance(n_reps, int | np.integer) or not 4 <= n_reps <= n_accounts // 5:
        raise ValueError(
            "The 'n_reps' parameter of generate_company must be an int in "
            f"[4, n_accounts // 5 = {n_accounts // 5}]. Got {n_reps!r} instead."
        )
    rng = np.random.default_rng(seed)
    accounts = _accounts(rng, int(n_accounts))
    reps = _reps(rng, accounts, int(n_reps))
    accounts["current_rep_id"] = _legacy_alignment(rng, accounts, reps)
    bookings = _bookings(rng, accounts, reps)
    opportunities = _opportunities(rng, accounts, reps)
    closed = generate_closed_opportunities(accounts, reps, seed=seed)
    return Company(
        accounts=accounts,
        reps=reps,
        bookings=bookings,
        opportunities=opportunities,
        as_of=AS_OF,
        source=f"sample(seed={seed}, accounts={n_accounts}, reps={n_reps})",
        closed_opportunities=closed,
    )
