"""The payout engine: statements and a calculation trace from plans, assignments and credits.

How a payout is computed
------------------------
1. Each assignment row (a rep on a plan for a date range) is a *participant*. A credit line
   belongs to the participant whose rep and date range cover its date; its credited amount is
   ``amount x split_pct / 100`` in cents (see :mod:`.money` for the rounding rule).
2. A cancelled deal within the plan's clawback window adds a *clawback line* dated on the
   cancellation, reversing the credit (fully, or ``1 - days_live / window_days`` of it).
3. Per payout period, each measure's year-to-date credit and quota (monthly quota x ramp x
   share of the month on plan) give the YTD attainment; the plan's rules (see
   :mod:`.components`) give YTD earnings; the period pays YTD earnings minus what earlier periods
   earned (the true-up). Commission lost to this period's clawback lines is shown apart.
4. SPIFs are paid per matching credit line in the period of its date (outside the plan cap),
   and reversed with the deal.
5. Draws and balances: ``available = opening balance + earned``; ``paid = max(available, draw,
   0)``. A recoverable draw is carried as a negative balance and recovered from later earnings;
   a non-recoverable one is not (only negative earnings are carried).

Every statement figure is the result of one line of the trace.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from spm_models.errors import InputDataError
from spm_models.incentives.components import (
    ComponentInputs,
    PlanOutcome,
    evaluate_plan,
    per_line_commission,
)
from spm_models.incentives.inputs import (
    check_measures,
    deal_index,
    known_measures,
    validate_assignments,
    validate_cancellations,
    validate_credits,
)
from spm_models.incentives.money import (
    FACTOR_SCALE,
    ROUNDING_RULE,
    allocate_cents,
    decimal_to_cents,
    div_round,
    factor_units,
    format_cents,
    format_factor,
    imul,
    mul_div,
    round_ratio,
    to_cents,
)
from spm_models.incentives.plan import (
    Basis,
    DrawType,
    Measurement,
    Plan,
)
from spm_models.incentives.settlement import (
    clawback_share,
    monthly_draw,
    settle_balances,
    year_split,
)

STATEMENT_MONEY = (
    "opening_balance",
    "commission",
    "clawback",
    "spif",
    "earned",
    "draw_advance",
    "paid",
    "closing_balance",
)


class PayoutStatus(StrEnum):
    """Outcome of a payout run; ``ok_with_exclusions`` means some credit lines were not paid
    (they are listed in ``PayoutResult.excluded`` with the reason)."""

    OK = "ok"
    OK_WITH_EXCLUSIONS = "ok_with_exclusions"

    @property
    def is_ok(self) -> bool:
        """Whether statements were produced."""
        return self in (PayoutStatus.OK, PayoutStatus.OK_WITH_EXCLUSIONS)


@dataclass(frozen=True)
class PayoutResult:
    """Statements, component detail, trace and exclusions of a payout run.

    Money columns end in ``_cents`` (``int64``); factors (rates, attainment) end in ``_units``
    (``int64`` in units of 1e-8). :meth:`write` renders them as exact decimal text.

    Attributes
    ----------
    status : PayoutStatus
    statements : DataFrame
        One row per rep, plan and payout period: ``opening_balance``, ``commission`` (true-up of
        YTD component earnings before this period's clawbacks), ``clawback``, ``spif``,
        ``earned``, ``draw_advance``, ``paid``, ``closing_balance`` (all ``_cents``).
    components : DataFrame
        One row per rep, plan, period and measure: YTD credit, quota, attainment, YTD earned and
        the period's change.
    trace : DataFrame
        One row per calculation step: ``seq``, ``component``, ``step``, ``rule``,
        ``base_cents``, ``rate_units``, ``result_cents`` (nullable where not applicable).
    credit_lines : DataFrame
        Every paid credit and clawback line with its participant, period, credited cents and
        ``commission_cents``: its share of each component's payout in the period, allocated in
        proportion to the line's credit by largest remainder, so a period's lines add up to
        its component payouts exactly. A component payout that no line of the period carries
        (a period with no credit for the component, e.g. when a gate opens later) is one row
        of kind ``true-up`` with the component's id in ``measure``.
    excluded : DataFrame
        Credit lines and cancellations that pay nothing, with the reason.
    rounding_rule : str
    runtime_s : float
    """

    status: PayoutStatus
    statements: pd.DataFrame
    components: pd.DataFrame
    trace: pd.DataFrame
    credit_lines: pd.DataFrame
    excluded: pd.DataFrame
    rounding_rule: str
    runtime_s: float

    def statement(self, rep_id: str, period: str | None = None) -> pd.DataFrame:
        """Statement rows of one rep (optionally one period), money as exact ``Decimal``."""
        rows = self.statements[self.statements["rep_id"] == rep_id]
        if period is not None:
            rows = rows[rows["period"] == period]
        return dollars(rows)

    def deals(self, rep_id: str, period: str) -> pd.DataFrame:
        """The statement's drill-down: credit lines of one rep and period with what each paid.

        ``commission`` is the line's share of its components' payouts in the period (see
        :func:`~spm_models.incentives.money.allocate_cents`); the lines of a period, true-up
        rows included, add up to the period's component payouts to the cent.
        """
        cl = self.credit_lines
        rows = cl[(cl["rep_id"] == rep_id) & (cl["period"] == period)]
        return dollars(rows)

    def trace_for(self, rep_id: str, period: str) -> pd.DataFrame:
        """Trace lines of one rep and period, money as ``Decimal`` and rates as ``Decimal``."""
        rows = self.trace[(self.trace["rep_id"] == rep_id) & (self.trace["period"] == period)]
        return dollars(rows)

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write statements, components, trace, credit lines and exclusions as CSV.

        Money is written as exact dollar text (``1234.56``), rates as exact decimals.
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name in ("statements", "components", "trace", "credit_lines", "excluded"):
            path = out / f"{name}.csv"
            as_text(getattr(self, name)).to_csv(path, index=False)
            paths[name] = path
        (out / "rounding_rule.txt").write_text(self.rounding_rule.strip() + "\n", encoding="utf-8")
        return paths


def _rename(col: str) -> str:
    if col.endswith("_cents"):
        return col[: -len("_cents")]
    if col.endswith("_units"):
        return col[: -len("_units")]
    return col


def dollars(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with ``_cents`` columns as exact dollar ``Decimal`` and ``_units`` columns
    as exact ``Decimal`` factors (suffix dropped)."""
    out = df.copy()
    for col in df.columns:
        if col.endswith("_cents") or col.endswith("_units"):
            scale = -2 if col.endswith("_cents") else -8
            out[col] = [
                None
                if pd.isna(v)
                else Decimal(int(v)).scaleb(scale).normalize()
                if scale == -8
                else Decimal(int(v)).scaleb(scale)
                for v in df[col]
            ]
    return out.rename(columns=_rename)


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with money and factor columns as exact decimal text (for CSV)."""
    out = df.copy()
    for col in df.columns:
        if col.endswith("_cents") or col.endswith("_units"):
            values = df[col]
            mask = values.isna().to_numpy()
            ints = values.fillna(0).to_numpy(dtype=np.int64)
            text = format_cents(ints) if col.endswith("_cents") else format_factor(ints)
            out[col] = np.where(mask, "", text)
        elif pd.api.types.is_datetime64_any_dtype(df[col]):
            out[col] = df[col].dt.strftime("%Y-%m-%d")
    return out.rename(columns=_rename)


# ----------------------------------------------------------------------------- helpers


def _as_plan_dict(plans: Mapping[str, Plan] | Sequence[Plan] | Plan) -> dict[str, Plan]:
    if isinstance(plans, Plan):
        return {plans.id: plans}
    if isinstance(plans, Mapping):
        return dict(plans)
    return {p.id: p for p in plans}


def _month_fractions(starts: pd.Series, ends: pd.Series, first_day: pd.Timestamp) -> np.ndarray:
    """Share of each month of the plan year on the plan, units of 1e-8, shape (n, 12)."""
    month_starts = pd.date_range(first_day, periods=12, freq="MS").to_numpy()
    month_ends = pd.date_range(first_day, periods=12, freq="ME").to_numpy()
    day = np.timedelta64(1, "D")
    s = starts.to_numpy(dtype="datetime64[ns]")[:, None]
    e = ends.to_numpy(dtype="datetime64[ns]")[:, None]
    lo = np.maximum(s, month_starts[None, :])
    hi = np.minimum(e, month_ends[None, :])
    days = np.clip((hi - lo) // day + 1, 0, None).astype(np.int64)
    in_month = ((month_ends - month_starts) // day + 1).astype(np.int64)[None, :]
    return div_round(days * FACTOR_SCALE, in_month)


def _ramp_factors(plan: Plan, ramp_start: pd.Series) -> np.ndarray:
    """Quota factor per month from the plan's ramp, units of 1e-8, shape (n, 12)."""
    n = len(ramp_start)
    out = np.full((n, 12), FACTOR_SCALE, dtype=np.int64)
    if not plan.ramp:
        return out
    ramp = np.array([factor_units(r) for r in plan.ramp], dtype=np.int64)
    rs = ramp_start.to_numpy(dtype="datetime64[ns]")
    has = ~np.isnat(rs)
    ym = rs.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    first = plan.first_month_abs
    rel = np.arange(12)[None, :] + first - ym[:, None]
    inside = has[:, None] & (rel >= 0) & (rel < len(ramp))
    out[inside] = ramp[rel[inside]]
    return out


def _filter_mask(
    attrs: dict[str, tuple[np.ndarray, pd.Index]],
    src: np.ndarray,
    measures: tuple[str, ...],
    where: tuple[tuple[str, tuple[str, ...]], ...],
    measure_codes: np.ndarray,
    measure_cats: pd.Index,
) -> np.ndarray:
    """Which lines (credit rows ``src``) a credit rule or SPIF filter matches."""
    wanted = np.flatnonzero(measure_cats.isin(list(measures)))
    mask = np.isin(measure_codes[src], wanted)
    for col, values in where:
        codes, uniques = attrs[col]
        mask &= np.isin(codes[src], np.flatnonzero(uniques.isin(list(values))))
    return mask


def _attribute_codes(plans: dict[str, Plan], cr: pd.DataFrame) -> dict:
    """Integer codes of every attribute column a plan filters on (factorised once)."""
    cols = {c for p in plans.values() for m in p.measures for c, _ in m.credit.where}
    cols |= {c for p in plans.values() for sp in p.spifs for c, _ in sp.where}
    out = {}
    for col in cols:
        codes, uniques = pd.factorize(cr[col])
        out[col] = (codes.astype(np.int64), pd.Index(uniques).astype(str))
    return out


def _nullable(values: np.ndarray, valid: np.ndarray | None = None) -> pd.arrays.IntegerArray:
    values = np.asarray(values, dtype=np.int64)
    mask = np.zeros(values.shape, dtype=bool) if valid is None else ~np.asarray(valid)
    return pd.arrays.IntegerArray(values, mask)


def _pct(units: int) -> str:
    return f"{Decimal(int(units)).scaleb(-6).normalize():f}%"


# ----------------------------------------------------------------------------- engine


def compute_payouts(
    plans: Mapping[str, Plan] | Sequence[Plan] | Plan,
    assignments: pd.DataFrame,
    credits: pd.DataFrame,
    cancellations: pd.DataFrame | None = None,
    *,
    trace: bool = True,
    sources: Mapping[str, str] | None = None,
    date_format: str | Mapping[str, str] | None = None,
    allow_unknown_measures: bool = False,
) -> PayoutResult:
    """Compute payout statements and their trace.

    Parameters
    ----------
    plans : Plan, sequence of Plan or dict of plan id -> Plan
    assignments : DataFrame
        Rep-plan assignments (see :mod:`.inputs` for columns).
    credits : DataFrame
        Credited transactions, one row per deal, rep and measure (with ``split_pct``).
    cancellations : DataFrame, optional
        ``deal_id``, ``cancel_date``.
    trace : bool
        Build the calculation trace (one row per step). Turning it off saves time and memory
        for cost studies; statements are identical.
    sources : dict, optional
        File names used in error messages, keys ``assignments``, ``credits``,
        ``cancellations``.
    date_format : str or dict, optional
        How dates are written in the three tables (``DD/MM/YYYY`` or ``%d/%m/%Y``), or a
        mapping of table (``assignments``, ``credits``, ``cancellations``) to format, the
        others ISO; default the plans' ``inputs.date_format``, else ISO ``YYYY-MM-DD`` only.
        Any other date is an error naming file, column, row and value.
    allow_unknown_measures : bool
        Let credit lines whose ``measure`` no plan credits through (into ``excluded``)
        instead of raising.

    Returns
    -------
    PayoutResult

    Raises
    ------
    InputDataError
        When any input is invalid (every problem listed, with file, column, row and key).
    """
    t0 = time.perf_counter()
    plan_map = _as_plan_dict(plans)
    src_names = {
        "assignments": "assignments.csv",
        "credits": "credits.csv",
        "cancellations": "cancellations.csv",
        **(sources or {}),
    }
    fmt = input_date_format(plan_map, date_format)
    asg = validate_assignments(
        assignments, plan_map, src_names["assignments"], date_format=fmt["assignments"]
    )
    cr = validate_credits(credits, src_names["credits"], date_format=fmt["credits"])
    if not allow_unknown_measures:
        check_measures(cr, known_measures(plan_map), src_names["credits"])
    canc = None
    if cancellations is not None and len(cancellations):
        canc = validate_cancellations(
            cancellations, cr, src_names["cancellations"], date_format=fmt["cancellations"]
        )
    _check_filter_columns(plan_map, cr, src_names["credits"])

    # Participants: one per assignment row, dates clipped to the plan year.
    y0 = pd.DatetimeIndex(asg["plan_id"].map(lambda p: plan_map[p].first_day))
    y1 = pd.DatetimeIndex(asg["plan_id"].map(lambda p: plan_map[p].last_day))
    part = pd.DataFrame(
        {
            "p": np.arange(len(asg)),
            "rep_id": asg["rep_id"].to_numpy(),
            "plan_id": asg["plan_id"].to_numpy(),
            "start": np.maximum(asg["start_date"].to_numpy(), y0.to_numpy()),
            "end": np.minimum(asg["end_date"].fillna(pd.Timestamp("2100-12-31")).to_numpy(), y1),
        }
    )

    # Credit lines -> participant.
    n_lines = len(cr)
    dates = cr["date"].to_numpy(dtype="datetime64[ns]")
    rep_index = pd.Index(part["rep_id"])
    if rep_index.is_unique:
        # One assignment per rep (the usual case): a hash lookup instead of a merge.
        line_p = rep_index.get_indexer(cr["rep_id"]).astype(np.int64)
        has = line_p >= 0
        safe = np.maximum(line_p, 0)
        inside = (dates >= part["start"].to_numpy()[safe]) & (dates <= part["end"].to_numpy()[safe])
        line_p = np.where(has & inside, line_p, -1)
    else:
        matched = cr[["rep_id", "date"]].assign(line=np.arange(n_lines))
        matched = matched.merge(part[["p", "rep_id", "start", "end"]], on="rep_id", how="inner")
        keep = (matched["date"] >= matched["start"]) & (matched["date"] <= matched["end"])
        matched = matched[keep.to_numpy()]
        line_p = np.full(n_lines, -1, dtype=np.int64)
        line_p[matched["line"].to_numpy()] = matched["p"].to_numpy()

    amount_cents = cr["amount_cents"].to_numpy(dtype=np.int64)
    split_units = np.rint(cr["split_pct"].to_numpy(dtype=np.float64) * 1_000_000).astype(np.int64)
    credited = mul_div(amount_cents, split_units)
    measure_cat = pd.Categorical(cr["measure"])
    measure_codes = measure_cat.codes.astype(np.int64)
    attrs = _attribute_codes(plan_map, cr)
    excluded_parts = []
    unassigned = line_p < 0
    if unassigned.any():
        excluded_parts.append(
            _excluded_lines(cr, unassigned, "no plan assignment covers this rep on this date")
        )

    # Clawback lines.
    claw = _clawback_lines(plan_map, part, cr, canc, line_p, dates)
    if len(claw["excluded"]):
        excluded_parts.append(claw["excluded"])

    valid = np.flatnonzero(~unassigned)
    lines = {
        "src": np.concatenate([valid, claw["src"]]),
        "p": np.concatenate([line_p[valid], claw["p"]]),
        "date": np.concatenate([dates[valid], claw["date"]]),
        "gross": np.concatenate([credited[valid], credited[claw["src"]]]),
        "num": np.concatenate([np.ones(len(valid), dtype=np.int64), -claw["num"]]),
        "den": np.concatenate([np.ones(len(valid), dtype=np.int64), claw["den"]]),
        "is_claw": np.concatenate(
            [np.zeros(len(valid), dtype=bool), np.ones(len(claw["src"]), dtype=bool)]
        ),
    }
    lines["cents"] = np.where(
        lines["is_claw"],
        round_ratio(imul(lines["gross"], lines["num"]), lines["den"]),
        lines["gross"],
    )
    lines["month_abs"] = lines["date"].astype("datetime64[M]").astype(np.int64)
    lines["used"] = np.zeros(len(lines["src"]), dtype=bool)
    lines["spif"] = np.zeros(len(lines["src"]), dtype=np.int64)
    lines["commission"] = np.zeros(len(lines["src"]), dtype=np.int64)
    lines["plan_id"] = part["plan_id"].to_numpy()[lines["p"]] if len(lines["p"]) else np.array([])

    statements, components, traces, trueups = [], [], [], []
    for plan in plan_map.values():
        sel_p = part.index[part["plan_id"] == plan.id].to_numpy()
        if len(sel_p) == 0:
            continue
        out = _run_plan(
            plan, sel_p, part, asg, cr, attrs, lines, measure_codes, measure_cat.categories, trace
        )
        statements.append(out["statements"])
        components.append(out["components"])
        trueups.append(out["trueups"])
        if trace:
            traces.append(out["trace"])

    unused = (~lines["used"]) & (~lines["is_claw"])
    if unused.any():
        excluded_parts.append(
            _excluded_lines(
                cr,
                np.bincount(lines["src"][unused], minlength=n_lines) > 0,
                "no measure or SPIF of the rep's plan credits this line",
            )
        )
    period_lookup = _period_labels(plan_map, lines)
    src_all = lines["src"]

    def take(col: str) -> pd.Series:
        return cr[col].take(src_all).reset_index(drop=True)

    plan_cat = pd.Categorical(part["plan_id"])
    credit_lines = pd.DataFrame(
        {
            "deal_id": take("deal_id"),
            "rep_id": take("rep_id"),
            "plan_id": pd.Categorical.from_codes(
                plan_cat.codes[lines["p"]], categories=plan_cat.categories
            ),
            "kind": pd.Categorical.from_codes(
                lines["is_claw"].astype(np.int8), categories=["credit", "clawback"]
            ),
            "date": lines["date"],
            "period": period_lookup,
            "measure": take("measure"),
            "split_pct": take("split_pct"),
            "credited_cents": lines["cents"],
            "spif_cents": lines["spif"],
            "commission_cents": lines["commission"],
        }
    )
    credit_lines = _with_trueups(credit_lines, trueups)
    excluded = (
        pd.concat(excluded_parts, ignore_index=True)
        if excluded_parts
        else pd.DataFrame(columns=["deal_id", "rep_id", "date", "measure", "amount", "reason"])
    )
    status = PayoutStatus.OK_WITH_EXCLUSIONS if len(excluded) else PayoutStatus.OK
    trace_df = (
        pd.concat(traces, ignore_index=True)
        if traces
        else pd.DataFrame(
            columns=[
                "rep_id",
                "plan_id",
                "period",
                "seq",
                "component",
                "step",
                "rule",
                "base_cents",
                "rate_units",
                "result_cents",
            ]
        )
    )
    return PayoutResult(
        status=status,
        statements=pd.concat(statements, ignore_index=True) if statements else pd.DataFrame(),
        components=pd.concat(components, ignore_index=True) if components else pd.DataFrame(),
        trace=trace_df,
        credit_lines=credit_lines,
        excluded=excluded,
        rounding_rule=ROUNDING_RULE or "",
        runtime_s=time.perf_counter() - t0,
    )


def _with_trueups(credit_lines: pd.DataFrame, trueups: list[pd.DataFrame]) -> pd.DataFrame:
    """Append the true-up rows, keeping the categorical columns categorical."""
    extra = [t for t in trueups if len(t)]
    kinds = ["credit", "clawback", "true-up"]
    credit_lines["kind"] = credit_lines["kind"].cat.set_categories(kinds)
    if not extra:
        return credit_lines
    add = pd.concat(extra, ignore_index=True)
    for col in ("plan_id", "period", "kind"):
        # Same categories on both sides keep the columns categorical without a copy as text.
        cats = credit_lines[col].cat.categories
        cats = cats.append(pd.Index(sorted(set(add[col]) - set(cats))))
        credit_lines[col] = credit_lines[col].cat.set_categories(cats)
        add[col] = pd.Categorical(add[col], categories=cats)
    same = ("deal_id", "rep_id", "measure", "credited_cents", "spif_cents", "commission_cents")
    add = add.astype({c: credit_lines[c].dtype for c in same})
    return pd.concat([credit_lines, add], ignore_index=True)


def input_date_format(
    plans: Mapping[str, Plan], date_format: str | Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """The date format of each input table: given, declared by the plans, or ISO (``None``).

    ``date_format`` is one format for every table or a mapping of table to format.

    Raises
    ------
    InputDataError
        When plans declare different formats, or a given one differs from theirs.
    """
    declared = {}
    for p in plans.values():
        formats = p.input_date_formats()
        if formats is not None:
            declared.setdefault(tuple(formats.items()), p.source)
    if len(declared) > 1:
        listed = " and ".join(f"{src} says {dict(fmt)}" for fmt, src in declared.items())
        raise InputDataError(f"plans declare different date formats: {listed}", source="plans")
    tables = ("assignments", "credits", "cancellations")
    ours = dict(next(iter(declared))) if declared else dict.fromkeys(tables)
    if date_format is None:
        return ours
    given = (
        dict.fromkeys(tables, date_format)
        if isinstance(date_format, str)
        else {**dict.fromkeys(tables), **date_format}
    )
    unknown = sorted(set(given) - set(tables))
    if unknown:
        raise InputDataError(
            f"names unknown tables {unknown}; the tables are {list(tables)}", source="date format"
        )
    if declared:
        src = next(iter(declared.values()))
        for table in tables:
            if given[table] != ours[table]:
                raise InputDataError(
                    f"{table}: the date format {given[table]!r} differs from "
                    f"{ours[table]!r} declared in {src}",
                    source="date format",
                )
    return given


def _check_filter_columns(plans: dict[str, Plan], cr: pd.DataFrame, source: str) -> None:
    from spm_models.errors import InputDataError, Problem

    problems = []
    for plan in plans.values():
        rules = [(f"measure {m.id!r}", m.credit.where) for m in plan.measures]
        rules += [(f"SPIF {s.id!r}", s.where) for s in plan.spifs]
        for what, where in rules:
            for col, _ in where:
                if col not in cr.columns:
                    problems.append(
                        Problem(
                            source,
                            f"is missing; plan {plan.id!r} {what} filters on it",
                            column=col,
                        )
                    )
    if problems:
        raise InputDataError(problems)


def _excluded_lines(cr: pd.DataFrame, mask: np.ndarray, reason: str) -> pd.DataFrame:
    rows = cr.loc[mask, ["deal_id", "rep_id", "date", "measure", "amount"]].copy()
    rows["reason"] = reason
    return rows.reset_index(drop=True)


def _clawback_lines(
    plans: dict[str, Plan],
    part: pd.DataFrame,
    cr: pd.DataFrame,
    canc: pd.DataFrame | None,
    line_p: np.ndarray,
    dates: np.ndarray,
) -> dict[str, np.ndarray | pd.DataFrame]:
    empty = {
        "src": np.zeros(0, dtype=np.int64),
        "p": np.zeros(0, dtype=np.int64),
        "date": np.zeros(0, dtype="datetime64[ns]"),
        "num": np.zeros(0, dtype=np.int64),
        "den": np.ones(0, dtype=np.int64),
        "excluded": pd.DataFrame(),
    }
    if canc is None:
        return empty
    codes, ids = _deal_codes(cr)
    cancel_of_deal = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[ns]")
    cancel_of_deal[canc["deal_code"].to_numpy()] = canc["cancel_date"].to_numpy(
        dtype="datetime64[ns]"
    )
    line_cancel = cancel_of_deal[codes]
    src = np.flatnonzero((line_p >= 0) & ~np.isnat(line_cancel))
    if len(src) == 0:
        return empty
    cancel = line_cancel[src]
    p = line_p[src]
    days = ((cancel - dates[src]) // np.timedelta64(1, "D")).astype(np.int64)
    plan_ids = part["plan_id"].to_numpy()[p]
    window = np.full(len(src), -1, dtype=np.int64)
    num = np.zeros(len(src), dtype=np.int64)
    den = np.ones(len(src), dtype=np.int64)
    for pid in np.unique(plan_ids):
        rule = plans[pid].clawback
        if rule is None:
            continue
        sel = plan_ids == pid
        window[sel] = rule.window_days
        num[sel], den[sel] = clawback_share(rule, days[sel])
    in_window = (window >= 0) & (days <= window)
    on_plan = (cancel >= part["start"].to_numpy()[p]) & (cancel <= part["end"].to_numpy()[p])
    ok = in_window & on_plan & (num > 0)
    reasons = np.where(
        window < 0,
        "plan has no clawback rule",
        np.where(
            ~in_window,
            "cancelled after the clawback window",
            np.where(
                ~on_plan, "cancelled outside the rep's time on the plan", "reversed share is zero"
            ),
        ),
    )
    ex = cr.iloc[src[~ok]][["deal_id", "rep_id", "date", "measure", "amount"]].copy()
    ex["reason"] = reasons[~ok]
    ex["cancel_date"] = cancel[~ok]
    return {
        "src": src[ok],
        "p": p[ok],
        "date": cancel[ok],
        "num": num[ok],
        "den": den[ok],
        "excluded": ex.reset_index(drop=True),
    }


def _per_transaction(m, lines, in_plan, mask, is_claw, mult) -> np.ndarray:
    """Each line's own rate-table result; a clawback line reverses its share of the deal's."""
    sel = in_plan[mask]
    credited = lines["gross"][sel]
    if mult != FACTOR_SCALE:
        credited = mul_div(credited, mult)
    own = per_line_commission(m, credited)
    reversed_own = round_ratio(imul(own, lines["num"][sel]), lines["den"][sel])
    return np.where(is_claw[mask], reversed_own, own)


def _deal_codes(cr: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Deal code of each credit line and the deal ids, without sorting a million lines.

    Validated credits number deals in order of first appearance, so a line is a deal's first
    exactly where its code exceeds every code before it.
    """
    if "deal_code" not in cr.columns or not len(cr):
        return deal_index(cr)
    codes = cr["deal_code"].to_numpy(dtype=np.int64)
    seen = np.maximum.accumulate(codes)
    first = np.flatnonzero(np.concatenate([[True], codes[1:] > seen[:-1]]))
    return codes, pd.Index(cr["deal_id"].iloc[first])


def _period_of(plan: Plan, month: np.ndarray) -> np.ndarray:
    return month // plan.frequency.months


def _labels(plan: Plan) -> list[str]:
    """Period labels: calendar months (``2027-02``); quarters and years of the plan year,
    ``2027-Q1`` / ``2027`` for a calendar year and ``FY2027-Q1`` / ``FY2027`` for a fiscal
    year starting in another month."""
    if plan.frequency.months == 1:
        months = pd.date_range(plan.first_day, periods=12, freq="MS")
        return [f"{m.year}-{m.month:02d}" for m in months]
    name = str(plan.year) if plan.start_month == 1 else f"FY{plan.year}"
    if plan.frequency.months == 12:
        return [name]
    return [f"{name}-Q{q}" for q in range(1, 5)]


def _period_labels(plans: dict[str, Plan], lines: dict[str, np.ndarray]) -> pd.Categorical:
    labels = sorted({lab for plan in plans.values() for lab in _labels(plan)})
    lookup = {lab: i for i, lab in enumerate(labels)}
    codes = np.full(len(lines["src"]), -1, dtype=np.int64)
    for plan in plans.values():
        sel = lines["plan_id"] == plan.id
        if not sel.any():
            continue
        month = lines["month_abs"][sel] - plan.first_month_abs
        plan_codes = np.array([lookup[lab] for lab in _labels(plan)], dtype=np.int64)
        codes[sel] = plan_codes[_period_of(plan, month)]
    return pd.Categorical.from_codes(codes, categories=labels)


def _run_plan(
    plan: Plan,
    sel_p: np.ndarray,
    part: pd.DataFrame,
    asg: pd.DataFrame,
    cr: pd.DataFrame,
    attrs: dict,
    lines: dict[str, np.ndarray],
    measure_codes: np.ndarray,
    measure_cats: pd.Index,
    want_trace: bool,
) -> dict[str, pd.DataFrame]:
    n_p = len(sel_p)
    k = plan.frequency.months
    n_t = 12 // k
    ends = np.arange(n_t) * k + (k - 1)  # last month of each period
    local = np.full(len(part), -1, dtype=np.int64)
    local[sel_p] = np.arange(n_p)
    in_plan = np.flatnonzero(local[lines["p"]] >= 0) if len(lines["p"]) else np.zeros(0, int)
    lp = local[lines["p"][in_plan]]
    month = lines["month_abs"][in_plan] - plan.first_month_abs
    key = lp * 12 + month
    src = lines["src"][in_plan]
    cents = lines["cents"][in_plan]
    is_claw = lines["is_claw"][in_plan]
    rows_asg = asg.iloc[sel_p]

    frac = _month_fractions(part["start"].iloc[sel_p], part["end"].iloc[sel_p], plan.first_day)
    year_start = plan.first_day
    if "hire_date" in rows_asg.columns:
        ramp_start = rows_asg["hire_date"]
    else:
        ramp_start = rows_asg["start_date"].where(rows_asg["start_date"] > year_start)
    ramp = _ramp_factors(plan, ramp_start.reset_index(drop=True))
    quota_factor = mul_div(ramp, frac)
    year_fraction = div_round(frac.sum(axis=1), 12)

    ti = np.full(n_p, decimal_to_cents(plan.target_incentive), dtype=np.int64)
    if "target_incentive" in rows_asg.columns:
        override = rows_asg["target_incentive"].to_numpy(dtype=np.float64)
        has = ~np.isnan(override)
        ti[has] = to_cents(override[has])

    def period_sum(monthly: np.ndarray) -> np.ndarray:
        return monthly.reshape(n_p, n_t, k).sum(axis=2)

    def ytd(monthly: np.ndarray) -> np.ndarray:
        return np.cumsum(monthly, axis=1)[:, ends]

    inputs_all: dict[str, ComponentInputs] = {}
    inputs_excl: dict[str, ComponentInputs] = {}
    claw_credit: dict[str, np.ndarray] = {}
    credit_rule_text: dict[str, str] = {}
    measure_lines: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for m in plan.measures:
        mask = _filter_mask(
            attrs, src, m.credit.measures, m.credit.where, measure_codes, measure_cats
        )
        lines["used"][in_plan[mask & ~is_claw]] = True
        vals = cents[mask]
        mult = factor_units(m.credit.multiplier)
        if mult != FACTOR_SCALE:
            vals = mul_div(vals, mult)
        measure_lines[m.id] = (mask, vals)
        per_line = None
        if m.per_transaction:
            per_line = _per_transaction(m, lines, in_plan, mask, is_claw, mult)
            measure_lines[m.id] = (mask, per_line)
        monthly = np.bincount(key[mask], weights=vals, minlength=n_p * 12)
        monthly = np.rint(monthly).astype(np.int64).reshape(n_p, 12)
        cmask = mask & is_claw
        cvals = cents[cmask] if mult == FACTOR_SCALE else mul_div(cents[cmask], mult)
        cmonthly = np.bincount(key[cmask], weights=cvals, minlength=n_p * 12)
        cmonthly = np.rint(cmonthly).astype(np.int64).reshape(n_p, 12)
        c_all = ytd(monthly)
        c_claw = period_sum(cmonthly)
        claw_credit[m.id] = c_claw
        annual_quota = _annual_quota(plan, m, rows_asg)
        q_month = mul_div(year_split(annual_quota), quota_factor)
        q = ytd(q_month)
        ti_w = mul_div(ti, factor_units(m.weight))
        target = ytd(mul_div(year_split(ti_w), frac))
        if plan.measurement is Measurement.ANNUAL:
            # Measured against the full year (still prorated for time on plan and ramp).
            q = np.repeat(q[:, -1:], n_t, axis=1)
            target = np.repeat(target[:, -1:], n_t, axis=1)
        rep = np.repeat
        common = {
            "quota": q.ravel(),
            "target": target.ravel(),
            "annual_target": rep(ti_w, n_t),
            "annual_quota": rep(annual_quota, n_t),
        }
        g_all = g_excl = None
        if per_line is not None:
            g_month = np.bincount(key[mask], weights=per_line, minlength=n_p * 12)
            g_month = np.rint(g_month).astype(np.int64).reshape(n_p, 12)
            claw_part = np.where(is_claw[mask], per_line, 0)
            g_claw = np.bincount(key[mask], weights=claw_part, minlength=n_p * 12)
            g_claw = period_sum(np.rint(g_claw).astype(np.int64).reshape(n_p, 12))
            g_all = ytd(g_month)
            g_excl = (g_all - g_claw).ravel()
            g_all = g_all.ravel()
        inputs_all[m.id] = ComponentInputs(credit=c_all.ravel(), gross=g_all, **common)
        inputs_excl[m.id] = ComponentInputs(credit=(c_all - c_claw).ravel(), gross=g_excl, **common)
        where = "".join(f"; {c} in {list(v)}" for c, v in m.credit.where)
        times = f" x {m.credit.multiplier}" if mult != FACTOR_SCALE else ""
        credit_rule_text[m.id] = (
            f"sum of credit lines, measure in {list(m.credit.measures)}{where}{times}"
        )

    yf_rows = np.repeat(year_fraction, n_t)
    ti_rows = np.repeat(ti, n_t)
    out_all = evaluate_plan(plan, inputs_all, ti_rows, yf_rows)
    out_excl = evaluate_plan(plan, inputs_excl, ti_rows, yf_rows)
    e_all = out_all.earned.reshape(n_p, n_t)
    e_excl = out_excl.earned.reshape(n_p, n_t)
    prev = np.concatenate([np.zeros((n_p, 1), dtype=np.int64), e_all[:, :-1]], axis=1)
    commission = e_excl - prev
    claw_comm = e_all - e_excl
    period_of_line = lp * n_t + month // k
    trueups = []
    for o in out_all.components:
        ye = o.earned.reshape(n_p, n_t)
        change = ye - np.concatenate([np.zeros((n_p, 1), dtype=np.int64), ye[:, :-1]], axis=1)
        mask, vals = measure_lines[o.measure.id]
        share, rest = allocate_cents(period_of_line[mask], vals, change.ravel())
        lines["commission"][in_plan[mask]] += share
        g = np.flatnonzero(rest)
        if len(g):
            trueups.append((sel_p[g // n_t], g % n_t, o.measure.id, rest[g]))

    # SPIFs per line, paid in the period of the line.
    spif_credit = np.zeros((n_p, n_t), dtype=np.int64)
    spif_claw = np.zeros((n_p, n_t), dtype=np.int64)
    spif_detail = []
    orig_dates = cr["date"].to_numpy(dtype="datetime64[ns]")[src]
    split_units = np.rint(cr["split_pct"].to_numpy(dtype=np.float64)[src] * 1_000_000).astype(
        np.int64
    )
    gross = lines["gross"][in_plan]
    claw_num = lines["num"][in_plan]
    claw_den = lines["den"][in_plan]
    for s in plan.spifs:
        mask = _filter_mask(attrs, src, s.measures, s.where, measure_codes, measure_cats)
        mask &= (orig_dates >= np.datetime64(s.start)) & (orig_dates <= np.datetime64(s.end))
        lines["used"][in_plan[mask & ~is_claw]] = True
        if s.amount is not None:
            value = mul_div(np.full(mask.sum(), decimal_to_cents(s.amount)), split_units[mask])
        else:
            value = mul_div(gross[mask], factor_units(s.rate))
        reversed_value = round_ratio(imul(value, claw_num[mask]), claw_den[mask])
        value = np.where(is_claw[mask], reversed_value, value)
        np.add.at(lines["spif"], in_plan[mask], value)
        per = np.bincount(key[mask], weights=value, minlength=n_p * 12)
        pos = ~is_claw[mask]
        base = np.bincount(key[mask][pos], weights=gross[mask][pos], minlength=n_p * 12)
        per_credit = np.bincount(key[mask][pos], weights=value[pos], minlength=n_p * 12)
        pc = period_sum(np.rint(per_credit).astype(np.int64).reshape(n_p, 12))
        pt = period_sum(np.rint(per).astype(np.int64).reshape(n_p, 12))
        spif_credit += pc
        spif_claw += pt - pc
        spif_detail.append(
            (
                s,
                pc,
                pt - pc,
                period_sum(np.rint(base).astype(np.int64).reshape(n_p, 12)),
            )
        )

    earned = commission + claw_comm + spif_credit + spif_claw
    clawback = claw_comm + spif_claw

    # Draws and balances, period by period (vectorised over participants).
    draw_period = np.zeros((n_p, n_t), dtype=np.int64)
    if plan.draw is not None:
        draw_period = period_sum(monthly_draw(plan.draw, frac))
    recoverable = plan.draw is None or plan.draw.type is DrawType.RECOVERABLE
    opening, paid, closing, advance = settle_balances(earned, draw_period, recoverable)

    labels = np.array(_labels(plan), dtype=object)
    p_start = pd.date_range(plan.first_day, periods=n_t, freq=f"{k}MS")
    p_end = p_start + pd.offsets.MonthEnd(k)
    active = period_sum(frac) > 0
    rep_ids = part["rep_id"].to_numpy()[sel_p]
    pi, ti_idx = np.nonzero(active)
    statements = pd.DataFrame(
        {
            "rep_id": rep_ids[pi],
            "plan_id": plan.id,
            "period": labels[ti_idx],
            "period_start": p_start[ti_idx],
            "period_end": p_end[ti_idx],
            "opening_balance_cents": opening[pi, ti_idx],
            "commission_cents": commission[pi, ti_idx],
            "clawback_cents": clawback[pi, ti_idx],
            "spif_cents": (spif_credit)[pi, ti_idx],
            "earned_cents": earned[pi, ti_idx],
            "draw_advance_cents": advance[pi, ti_idx],
            "paid_cents": paid[pi, ti_idx],
            "closing_balance_cents": closing[pi, ti_idx],
        }
    )
    comp_rows = []
    for o in out_all.components:
        ye = o.earned.reshape(n_p, n_t)
        yprev = np.concatenate([np.zeros((n_p, 1), dtype=np.int64), ye[:, :-1]], axis=1)
        comp_rows.append(
            pd.DataFrame(
                {
                    "rep_id": rep_ids[pi],
                    "plan_id": plan.id,
                    "period": labels[ti_idx],
                    "measure": o.measure.id,
                    "ytd_credit_cents": o.credit.reshape(n_p, n_t)[pi, ti_idx],
                    "ytd_quota_cents": _nullable(
                        o.quota.reshape(n_p, n_t)[pi, ti_idx],
                        o.quota.reshape(n_p, n_t)[pi, ti_idx] > 0,
                    ),
                    "attainment_units": _nullable(
                        o.attainment.reshape(n_p, n_t)[pi, ti_idx],
                        o.quota.reshape(n_p, n_t)[pi, ti_idx] > 0,
                    ),
                    "ytd_earned_cents": ye[pi, ti_idx],
                    "period_earned_cents": (ye - yprev)[pi, ti_idx],
                }
            )
        )
    components = pd.concat(comp_rows, ignore_index=True)
    trace = None
    if want_trace:
        trace = _build_trace(
            plan,
            out_all,
            credit_rule_text,
            claw_credit,
            active,
            rep_ids,
            labels,
            {
                "prev": prev,
                "commission": commission,
                "claw_comm": claw_comm,
                "spif_detail": spif_detail,
                "earned": earned,
                "opening": opening,
                "draw": draw_period,
                "advance": advance,
                "paid": paid,
                "closing": closing,
                "e_all": e_all,
            },
        )
    return {
        "statements": statements,
        "components": components,
        "trace": trace,
        "trueups": _trueup_rows(plan, part, trueups),
    }


def _trueup_rows(plan: Plan, part: pd.DataFrame, trueups: list) -> pd.DataFrame:
    """Credit-line rows for component payouts that no credit line of the period carries."""
    labels = np.array(_labels(plan), dtype=object)
    k = plan.frequency.months
    rows = []
    for p, t, measure_id, cents in trueups:
        ends = pd.DatetimeIndex(
            [plan.first_day + pd.DateOffset(months=(tt + 1) * k - 1) for tt in t]
        )
        rows.append(
            pd.DataFrame(
                {
                    "deal_id": "",
                    "rep_id": part["rep_id"].to_numpy()[p],
                    "plan_id": plan.id,
                    "kind": "true-up",
                    "date": (ends + pd.offsets.MonthEnd(0)).to_numpy(),
                    "period": labels[t],
                    "measure": measure_id,
                    "split_pct": np.nan,
                    "credited_cents": 0,
                    "spif_cents": 0,
                    "commission_cents": cents,
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _annual_quota(plan: Plan, m, rows_asg: pd.DataFrame) -> np.ndarray:
    """Full-year quota of measure ``m`` per participant, cents."""
    n = len(rows_asg)
    out = np.full(n, -1, dtype=np.int64)
    col = f"quota_{m.id}"
    if col in rows_asg.columns:
        v = rows_asg[col].to_numpy(dtype=np.float64)
        has = ~np.isnan(v)
        out[has] = to_cents(v[has])
    if "annual_quota" in rows_asg.columns:
        v = rows_asg["annual_quota"].to_numpy(dtype=np.float64)
        has = (out < 0) & ~np.isnan(v)
        share = factor_units(m.quota_share if m.quota_share is not None else m.weight)
        out[has] = mul_div(to_cents(v[has]), share)
    if m.quota is not None:
        out[out < 0] = decimal_to_cents(m.quota)
    # A measure that needs no quota (amount-basis rates) may have none: 0 = no quota.
    return np.maximum(out, 0)


def _build_trace(
    plan: Plan,
    out: PlanOutcome,
    credit_rule_text: dict[str, str],
    claw_credit: dict[str, np.ndarray],
    active: np.ndarray,
    rep_ids: np.ndarray,
    labels: np.ndarray,
    f: dict,
) -> pd.DataFrame:
    n_t = active.shape[1]
    act = active.ravel()
    blocks: list[dict] = []

    def add(seq, component, step, rule, base=None, rate=None, result=None, when=None):
        mask = act.copy()
        if when is not None:
            mask &= np.asarray(when).ravel()
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        cnt = len(idx)

        def col(v):
            if v is None:
                return np.zeros(cnt, dtype=np.int64), np.zeros(cnt, dtype=bool)
            return np.asarray(v).ravel()[idx].astype(np.int64), np.ones(cnt, dtype=bool)

        blocks.append(
            {
                "idx": idx,
                "seq": seq,
                "component": component,
                "step": step,
                "rule": rule,
                "base_cents": col(base),
                "rate_units": col(rate),
                "result_cents": col(result),
            }
        )

    seq = 0
    for o in out.components:
        m = o.measure
        add(seq, m.id, "ytd_credit", credit_rule_text[m.id], result=o.credit)
        has_quota = o.quota > 0
        add(
            seq + 1,
            m.id,
            "ytd_quota",
            "annual quota by month x ramp x share of month on plan"
            + (", whole year (annual measurement)" if plan.measurement == "annual" else ""),
            result=o.quota,
            when=has_quota,
        )
        add(
            seq + 2,
            m.id,
            "attainment",
            "ytd credit / ytd quota",
            base=o.credit,
            rate=o.attainment,
            when=has_quota,
        )
        s = seq + 3
        if m.per_transaction:
            add(
                s,
                m.id,
                "per_transaction",
                f"{m.method} rate table applied to each credit line on its own, summed",
                base=o.credit,
                result=o.gross,
            )
            s += len(m.tiers)
        elif o.tiers is not None:
            for j, tier in enumerate(m.tiers):
                start = (
                    f"{_pct(factor_units(tier.start))} of quota"
                    if m.basis is Basis.ATTAINMENT
                    else f"${tier.start:,}"
                )
                how = (
                    f"rate {tier.rate}"
                    if tier.rate is not None
                    else f"{tier.multiplier} x base commission rate"
                    if tier.multiplier is not None
                    else f"${tier.amount:,} for the whole tier (x share filled)"
                )
                if tier.end is not None:
                    start += " to " + (
                        f"{_pct(factor_units(tier.end))} of quota"
                        if m.basis is Basis.ATTAINMENT
                        else f"${tier.end:,}"
                    )
                add(
                    s + j,
                    m.id,
                    f"tier_{j + 1}",
                    f"{m.method} tier {j + 1} from {start}: {how}",
                    base=o.tiers.base[:, j],
                    rate=o.tiers.rate[:, j],
                    result=o.tiers.result[:, j],
                    when=o.tiers.used[:, j],
                )
            s += len(m.tiers)
        elif m.matrix is not None:
            add(
                s,
                m.id,
                "payout_matrix",
                f"payout matrix on {m.id} attainment (rows from {list(map(str, m.matrix.rows))}) "
                f"and {m.matrix.measure} attainment (columns from "
                f"{list(map(str, m.matrix.columns))}) x ytd target incentive",
                base=o.target,
                rate=o.curve,
                result=o.gross,
            )
            s += 1
        else:
            pts = ", ".join(f"{a}->{p}" for a, p in m.curve)
            add(
                s,
                m.id,
                "payout_curve",
                f"payout curve ({pts}) x ytd target incentive",
                base=o.target,
                rate=o.curve,
                result=o.gross,
            )
            s += 1
        if m.threshold is not None:
            add(
                s,
                m.id,
                "threshold",
                f"nothing paid below {m.threshold} attainment",
                base=o.gross,
                result=o.threshold_adj,
                when=o.threshold_adj != 0,
            )
        if m.gates:
            held = " and ".join(
                f"{g.measure} attainment reaches {g.min_attainment}" for g in m.gates
            )
            add(
                s + 1,
                m.id,
                "gate",
                f"pays only if {held}",
                result=o.gate_adj,
                when=o.gate_adj != 0,
            )
        if m.cap is not None:
            what = (
                f"${m.cap.amount:,}"
                if m.cap.amount is not None
                else f"{m.cap.multiple_of_target} x target incentive"
            )
            add(
                s + 2,
                m.id,
                "cap",
                f"component cap {what} (prorated for time on plan)",
                base=o.cap,
                result=o.cap_adj,
                when=o.cap_adj != 0,
            )
        add(s + 3, m.id, "ytd_earned", "year-to-date earnings of the component", result=o.earned)
        seq = s + 10

    if plan.cap is not None:
        what = (
            f"${plan.cap.amount:,}"
            if plan.cap.amount is not None
            else f"{plan.cap.multiple_of_target} x target incentive"
        )
        add(
            seq,
            "plan",
            "plan_cap",
            f"plan cap {what} (prorated for time on plan)",
            base=out.plan_cap,
            result=out.plan_cap_adj,
            when=out.plan_cap_adj != 0,
        )
    add(seq + 1, "plan", "ytd_earned", "year-to-date earnings, all components", result=f["e_all"])
    add(seq + 2, "plan", "earned_before", "less earnings of earlier periods", result=-f["prev"])
    claw_base = np.sum([claw_credit[m.id] for m in plan.measures], axis=0)
    add(
        seq + 3,
        "plan",
        "clawback",
        "commission reversed by this period's cancellations (included in ytd earnings)",
        base=claw_base,
        result=f["claw_comm"],
        when=f["claw_comm"] != 0,
    )
    add(
        seq + 4,
        "plan",
        "commission",
        "ytd earnings before this period's clawbacks, less earlier periods",
        result=f["commission"],
    )
    s = seq + 5
    for spif, pc, pcl, base in f["spif_detail"]:
        how = (
            f"${spif.amount:,} per deal x split" if spif.amount is not None else f"rate {spif.rate}"
        )
        rate = None if spif.rate is None else np.full(pc.shape, factor_units(spif.rate))
        add(
            s,
            f"spif:{spif.id}",
            "spif",
            f"{spif.name}: {how}, deals dated {spif.start}..{spif.end}",
            base=None if spif.rate is None else base,
            rate=rate,
            result=pc,
            when=pc != 0,
        )
        add(
            s + 1,
            f"spif:{spif.id}",
            "clawback",
            f"{spif.name} reversed for cancelled deals",
            result=pcl,
            when=pcl != 0,
        )
        s += 2
    add(
        s,
        "payment",
        "opening_balance",
        "balance carried from the previous period",
        result=f["opening"],
        when=f["opening"] != 0,
    )
    add(s + 1, "payment", "earned", "commission + clawback + SPIFs", result=f["earned"])
    if plan.draw is not None:
        add(
            s + 2,
            "payment",
            "draw",
            f"{plan.draw.type} draw available this period",
            result=f["draw"],
            when=f["draw"] != 0,
        )
        add(
            s + 3,
            "payment",
            "draw_advance",
            "paid above earnings to honour the draw",
            result=f["advance"],
            when=f["advance"] != 0,
        )
    add(s + 4, "payment", "paid", "max(opening balance + earned, draw, 0)", result=f["paid"])
    add(
        s + 5,
        "payment",
        "closing_balance",
        "carried forward (negative = owed back)",
        result=f["closing"],
        when=f["closing"] != 0,
    )

    idx = np.concatenate([b["idx"] for b in blocks])
    block_no = np.concatenate([np.full(len(b["idx"]), i) for i, b in enumerate(blocks)])
    seq = np.array([b["seq"] for b in blocks])[block_no]
    order = np.lexsort((seq, idx))  # by participant-period row, then step order
    idx, block_no = idx[order], block_no[order]

    def cat(key: str) -> pd.Categorical:
        values = [b[key] for b in blocks]
        cats = list(dict.fromkeys(values))
        codes = np.array([cats.index(v) for v in values], dtype=np.int64)
        return pd.Categorical.from_codes(codes[block_no], categories=cats)

    rep_cat = pd.Categorical(rep_ids)
    trace = pd.DataFrame(
        {
            "rep_id": pd.Categorical.from_codes(
                rep_cat.codes[idx // n_t], categories=rep_cat.categories
            ),
            "plan_id": pd.Categorical.from_codes(np.zeros(len(idx), dtype=np.int8), [plan.id]),
            "period": pd.Categorical.from_codes(idx % n_t, categories=list(labels)),
            "seq": seq[order],
            "component": cat("component"),
            "step": cat("step"),
            "rule": cat("rule"),
            **{
                name: _nullable(
                    np.concatenate([b[name][0] for b in blocks])[order],
                    np.concatenate([b[name][1] for b in blocks])[order],
                )
                for name in ("base_cents", "rate_units", "result_cents")
            },
        }
    )
    return trace


__all__ = ["PayoutResult", "PayoutStatus", "as_text", "compute_payouts", "dollars"]
