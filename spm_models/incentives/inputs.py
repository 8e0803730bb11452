"""Validation of the payout engine's input tables: assignments, credits, cancellations.

Each function returns a clean copy (typed columns) or raises one :class:`InputDataError` listing
every problem, each naming the table, column, 1-based row and key. At most
:data:`MAX_PER_RULE` rows are listed per rule, followed by a count of the rest.

Tables
------
assignments
    ``rep_id``, ``plan_id``, ``start_date`` (required); ``end_date`` (empty = still on plan),
    ``annual_quota`` (USD, split over measures by ``quota_share`` or weight),
    ``quota_<measure_id>`` (USD, overrides), ``target_incentive`` (USD, overrides the plan's),
    ``hire_date`` (starts the quota ramp; default: ``start_date`` when it falls after the plan
    year begins) are optional.
credits
    ``deal_id``, ``rep_id``, ``date``, ``measure``, ``amount`` (USD >= 0) required;
    ``split_pct`` (0 < x <= 100, default 100; a deal's splits per measure add up to at most 100);
    every other column is an attribute that credit rules and SPIFs may filter on. A credit
    line is keyed by :data:`CREDIT_KEY` (deal, rep, measure, split): a line repeating an
    earlier line's key is refused, so that no deal is paid twice.
cancellations
    ``deal_id`` (a deal in credits, cancelled once), ``cancel_date`` (on or after the deal's
    date).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError, Problem
from spm_models.incentives.dates import date_format_directive, format_label, parse_dates
from spm_models.incentives.money import to_cents
from spm_models.incentives.plan import Plan

MAX_PER_RULE = 5

ASSIGNMENT_COLUMNS = ("rep_id", "plan_id", "start_date")
CREDIT_COLUMNS = ("deal_id", "rep_id", "date", "measure", "amount")
#: The largest money amount a table may hold (USD): one trillion.
MAX_AMOUNT = 1e12
CANCELLATION_COLUMNS = ("deal_id", "cancel_date")
#: What makes a credit line unique: the same deal, rep, measure and split twice is paid twice.
CREDIT_KEY = ("deal_id", "rep_id", "measure", "split_pct")


def _flag(
    problems: list[Problem],
    df: pd.DataFrame,
    mask: np.ndarray | pd.Series,
    source: str,
    column: str | None,
    message: str,
    key: str | None,
    values: bool = True,
) -> None:
    """Record one problem per flagged row (at most MAX_PER_RULE, then a count)."""
    mask = np.asarray(mask, dtype=bool)
    rows = np.flatnonzero(mask)
    for pos in rows[:MAX_PER_RULE]:
        msg = message
        if values and column is not None and column in df.columns:
            value = df[column].iloc[pos]
            value = value.item() if isinstance(value, np.generic) else value
            msg = f"{message}; got {value!r}"
        k = f"{key}={df[key].iloc[pos]!r}" if key and key in df.columns else None
        problems.append(Problem(source, msg, column=column, row=int(pos) + 1, key=k))
    if len(rows) > MAX_PER_RULE:
        problems.append(
            Problem(source, f"{message}: {len(rows) - MAX_PER_RULE} more rows", column=column)
        )


def _key_text(df: pd.DataFrame, pos: int, columns: tuple[str, ...]) -> str:
    parts = []
    for col in columns:
        value = df[col].iloc[pos]
        value = value.item() if isinstance(value, np.generic) else value
        parts.append(f"{col}={value:g}" if isinstance(value, float) else f"{col}={value!r}")
    return ", ".join(parts)


def _flag_duplicates(
    problems: list[Problem],
    df: pd.DataFrame,
    columns: tuple[str, ...],
    source: str,
    message: str,
) -> np.ndarray:
    """Flag every row whose ``columns`` repeat an earlier row's; return the mask of repeats.

    Each problem names the row, the earlier row it repeats and the whole key.
    """
    if df.empty:
        return np.zeros(0, dtype=bool)
    group = df.groupby(list(columns), sort=False, dropna=False).ngroup().to_numpy()
    positions = np.arange(len(df))
    first = pd.Series(positions).groupby(group).transform("min").to_numpy()
    repeat = first != positions
    rows = np.flatnonzero(repeat)
    for pos in rows[:MAX_PER_RULE]:
        problems.append(
            Problem(
                source,
                message.format(first=f"row {int(first[pos]) + 1}"),
                column=columns[0],
                row=int(pos) + 1,
                key=_key_text(df, int(pos), columns),
            )
        )
    if len(rows) > MAX_PER_RULE:
        problems.append(
            Problem(
                source,
                f"{message.format(first='an earlier row')}: {len(rows) - MAX_PER_RULE} more rows",
                column=columns[0],
            )
        )
    return repeat


def _require(df: pd.DataFrame, columns: tuple[str, ...], source: str) -> list[Problem]:
    return [
        Problem(source, f"is missing; required columns are {list(columns)}", column=c)
        for c in columns
        if c not in df.columns
    ]


def _is_text(raw: pd.Series) -> bool:
    return raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype)


def _stripped(raw: pd.Series) -> pd.Series:
    """Text values with surrounding blanks removed (non-text values as text)."""
    if pd.api.types.is_string_dtype(raw.dtype):
        return raw.str.strip()
    return raw.astype(str).str.strip().where(raw.notna())


def _blank(raw: pd.Series) -> pd.Series:
    if not _is_text(raw):
        return raw.isna()
    return raw.isna() | (_stripped(raw) == "").fillna(False)


def _dates(
    df: pd.DataFrame,
    col: str,
    source: str,
    key: str,
    problems: list[Problem],
    nullable: bool,
    date_format: str | None = None,
) -> pd.Series:
    parsed, bad = parse_dates(df[col], date_format)
    label = format_label(date_format_directive(date_format))
    how = "" if date_format is None else " (the declared format)"
    _flag(problems, df, bad, source, col, f"must be a date {label}{how}", key)
    if not nullable:
        _flag(problems, df, _blank(df[col]), source, col, "must not be empty", key, values=False)
    return parsed


def _money(
    df: pd.DataFrame, col: str, source: str, key: str, problems: list[Problem], nullable: bool
) -> pd.Series:
    raw = df[col]
    blank = _blank(raw)
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        num = raw.astype("float64")
    else:
        num = pd.to_numeric(raw.where(~blank), errors="coerce")
    bad = num.isna() & ~blank
    _flag(problems, df, bad, source, col, "must be a number", key)
    if not nullable:
        _flag(problems, df, blank, source, col, "must not be empty", key, values=False)
    _flag(problems, df, (num < 0).to_numpy(), source, col, "must be >= 0", key)
    # Beyond this no single amount is real, and its cents times the plan's factors would
    # no longer fit the engine's 64-bit integer arithmetic.
    huge = (num.abs() > MAX_AMOUNT).to_numpy()
    _flag(problems, df, huge, source, col, f"must be at most {MAX_AMOUNT:,.0f}", key)
    return num.astype("float64")


def _ids(df: pd.DataFrame, col: str, source: str, key: str | None, problems: list[Problem]):
    raw = df[col]
    clean = _stripped(raw)
    empty = raw.isna() | (clean == "").fillna(False)
    _flag(problems, df, empty, source, col, "must not be empty", key, values=False)
    return clean


def validate_assignments(
    assignments: pd.DataFrame,
    plans: Mapping[str, Plan],
    source: str = "assignments.csv",
    *,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Validate the rep-plan assignments; returns a typed copy.

    Dates are ISO ``YYYY-MM-DD`` unless ``date_format`` declares another format.
    """
    df = assignments.reset_index(drop=True).copy()
    problems = _require(df, ASSIGNMENT_COLUMNS, source)
    if problems:
        raise InputDataError(problems)
    df["rep_id"] = _ids(df, "rep_id", source, None, problems)
    df["plan_id"] = _ids(df, "plan_id", source, "rep_id", problems)
    df["start_date"] = _dates(
        df, "start_date", source, "rep_id", problems, nullable=False, date_format=date_format
    )
    if "end_date" in df.columns:
        df["end_date"] = _dates(
            df, "end_date", source, "rep_id", problems, nullable=True, date_format=date_format
        )
    else:
        df["end_date"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    if "hire_date" in df.columns:
        df["hire_date"] = _dates(
            df, "hire_date", source, "rep_id", problems, nullable=True, date_format=date_format
        )
    for col in df.columns:
        if col == "annual_quota" or col == "target_incentive" or col.startswith("quota_"):
            df[col] = _money(df, col, source, "rep_id", problems, nullable=True)
    unknown = ~df["plan_id"].isin(list(plans))
    _flag(
        problems,
        df,
        unknown,
        source,
        "plan_id",
        f"must name a loaded plan ({', '.join(sorted(plans))})",
        "rep_id",
    )
    ends_before = df["end_date"].notna() & (df["end_date"] < df["start_date"])
    _flag(problems, df, ends_before, source, "end_date", "must be on or after start_date", "rep_id")
    n = len(df)
    has_annual = (
        df["annual_quota"].notna().to_numpy()
        if "annual_quota" in df.columns
        else np.zeros(n, dtype=bool)
    )
    for pid, plan in plans.items():
        on_plan = (df["plan_id"] == pid).to_numpy()
        if not on_plan.any():
            continue
        y0, y1 = plan.first_day, plan.last_day
        end = df["end_date"].fillna(y1)
        outside = on_plan & (df["start_date"].notna() & ((df["start_date"] > y1) | (end < y0)))
        _flag(
            problems,
            df,
            outside.to_numpy(),
            source,
            "start_date",
            f"assignment does not overlap plan year {plan.year} of plan {plan.id!r}",
            "rep_id",
            values=False,
        )
        for m in plan.measures:
            col = f"quota_{m.id}"
            has = has_annual | (df[col].notna().to_numpy() if col in df.columns else False)
            if m.quota is None and plan.needs_quota(m.id):
                _flag(
                    problems,
                    df,
                    on_plan & ~has,
                    source,
                    None,
                    f"has no quota for measure {m.id!r} of plan {plan.id!r}: give column "
                    f"{col!r} or 'annual_quota', or 'quota' in the plan",
                    "rep_id",
                )
            if col in df.columns:
                _flag(
                    problems,
                    df,
                    on_plan & (df[col] <= 0).to_numpy(),
                    source,
                    col,
                    "must be > 0",
                    "rep_id",
                )
    if "annual_quota" in df.columns:
        _flag(
            problems, df, df["annual_quota"] == 0, source, "annual_quota", "must be > 0", "rep_id"
        )
    # Overlapping assignments would credit one deal twice.
    ordered = df.assign(_end=df["end_date"].fillna(pd.Timestamp("2100-12-31"))).sort_values(
        ["rep_id", "start_date"]
    )
    prev_end = ordered.groupby("rep_id")["_end"].shift()
    overlap = (ordered["start_date"] <= prev_end).reindex(df.index).fillna(False)
    _flag(
        problems,
        df,
        overlap.to_numpy(),
        source,
        "start_date",
        "overlaps the rep's previous assignment",
        "rep_id",
    )
    if problems:
        raise InputDataError(problems)
    return df


def validate_credits(
    credits: pd.DataFrame, source: str = "credits.csv", *, date_format: str | None = None
) -> pd.DataFrame:
    """Validate the credited transactions; returns a typed copy with ``split_pct`` filled.

    Dates are ISO ``YYYY-MM-DD`` unless ``date_format`` declares another format.
    """
    df = credits.reset_index(drop=True).copy()
    problems = _require(df, CREDIT_COLUMNS, source)
    if problems:
        raise InputDataError(problems)
    for col in ("deal_id", "rep_id", "measure"):
        df[col] = _ids(df, col, source, "deal_id" if col != "deal_id" else None, problems)
    df["date"] = _dates(
        df, "date", source, "deal_id", problems, nullable=False, date_format=date_format
    )
    deal_codes = pd.factorize(df["deal_id"])[0]
    deal_codes = deal_codes.astype(np.int64)
    raw_amount = df["amount"]
    df["amount"] = _money(df, "amount", source, "deal_id", problems, nullable=False)
    if "split_pct" in df.columns:
        raw = df["split_pct"]
        blank = _blank(raw)
        split = pd.to_numeric(raw.where(~blank), errors="coerce")
        bad = (split.isna() & ~blank) | (split <= 0) | (split > 100)
        _flag(problems, df, bad.to_numpy(), source, "split_pct", "must be in (0, 100]", "deal_id")
        df["split_pct"] = split.fillna(100.0).astype("float64")
        m_codes = pd.factorize(df["measure"])[0].astype(np.int64)
        key = deal_codes * (int(m_codes.max()) + 1 if len(df) else 1) + m_codes
        sums = np.bincount(key, weights=df["split_pct"].to_numpy(), minlength=1)
        total = pd.Series(sums[key], index=df.index)
        over = (total > 100 + 1e-9).to_numpy() & ~bad.to_numpy()
        _flag(
            problems,
            df,
            over,
            source,
            "split_pct",
            "splits of one deal and measure must add up to at most 100",
            "deal_id",
        )
    else:
        df["split_pct"] = 100.0
    _flag_duplicates(
        problems,
        df,
        CREDIT_KEY,
        source,
        "repeats the credit line of {first} (a deal is credited once per rep, measure and split)",
    )
    if problems:
        raise InputDataError(problems)
    # Text amounts (CSV cells) convert to cents exactly; numbers via the float rule.
    text = raw_amount.dtype == object or pd.api.types.is_string_dtype(raw_amount.dtype)
    exact = _stripped(raw_amount) if text else df["amount"]
    df["amount_cents"] = to_cents(exact)
    df["deal_code"] = deal_codes
    return df


def deal_index(credits: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Integer code of each credit line's deal and the deal ids (from validated credits)."""
    if "deal_code" in credits.columns:
        codes = credits["deal_code"].to_numpy(dtype=np.int64)
        # factorize numbers deals in order of first appearance, so firsts are sorted by code
        _, first = np.unique(codes, return_index=True)
        return codes, pd.Index(credits["deal_id"].take(first).to_numpy())
    codes, ids = pd.factorize(credits["deal_id"])
    return codes.astype(np.int64), pd.Index(ids)


def validate_cancellations(
    cancellations: pd.DataFrame,
    credits: pd.DataFrame,
    source: str = "cancellations.csv",
    *,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Validate cancellations against the (validated) credits (dates as for the credits)."""
    df = cancellations.reset_index(drop=True).copy()
    problems = _require(df, CANCELLATION_COLUMNS, source)
    if problems:
        raise InputDataError(problems)
    df["deal_id"] = _ids(df, "deal_id", source, None, problems)
    df["cancel_date"] = _dates(
        df, "cancel_date", source, "deal_id", problems, nullable=False, date_format=date_format
    )
    codes, ids = deal_index(credits)
    first = np.full(len(ids), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, credits["date"].to_numpy(dtype="datetime64[ns]").view(np.int64))
    where = ids.get_indexer(df["deal_id"])
    deal_date = pd.Series(
        np.where(where >= 0, first[np.maximum(where, 0)], np.iinfo(np.int64).min).view(
            "datetime64[ns]"
        ),
        index=df.index,
    )
    df["deal_code"] = where
    _flag(
        problems,
        df,
        deal_date.isna().to_numpy(),
        source,
        "deal_id",
        "must name a deal in the credits",
        None,
    )
    early = (df["cancel_date"] < deal_date).to_numpy()
    _flag(
        problems, df, early, source, "cancel_date", "must be on or after the deal's date", "deal_id"
    )
    _flag_duplicates(
        problems,
        df,
        ("deal_id",),
        source,
        "is cancelled more than once (first at {first})",
    )
    if problems:
        raise InputDataError(problems)
    return df


def known_measures(plans: Mapping[str, Plan]) -> tuple[str, ...]:
    """Every credit measure name that a measure's credit rule or a SPIF of the plans counts."""
    names: set[str] = set()
    for plan in plans.values():
        for m in plan.measures:
            names.update(m.credit.measures)
        for spif in plan.spifs:
            names.update(spif.measures)
    return tuple(sorted(names))


def check_measures(
    credits: pd.DataFrame, known: Iterable[str], source: str = "credits.csv"
) -> None:
    """Reject credit lines whose ``measure`` no plan credits (``Revenue`` for ``revenue``).

    Parameters
    ----------
    credits : DataFrame
        Validated credits (``measure`` stripped).
    known : iterable of str
        The measure names the plans credit (:func:`known_measures`).
    source : str
        File name for the messages.

    Raises
    ------
    InputDataError
        Naming file, row, deal and value of each unknown measure, and the known measures.
    """
    known = tuple(sorted(set(known)))
    unknown = ~credits["measure"].isin(known).to_numpy()
    if not unknown.any():
        return
    problems: list[Problem] = []
    names = ", ".join(repr(k) for k in known) or "none"
    _flag(
        problems,
        credits,
        unknown,
        source,
        "measure",
        f"must name a measure the plans credit ({names}); names are case-sensitive",
        "deal_id",
    )
    raise InputDataError(problems)
