"""Compensation plan definitions: the YAML schema, its loader and its validation.

A plan file reads like the plan document a comp analyst writes. Example::

    id: ae_standard
    name: Account Executive, standard
    year: 2027                      # plan year (January to December)
    payout_frequency: quarterly     # monthly | quarterly | annual, on year-to-date figures
    measurement: year_to_date       # or annual: advances against the full-year quota
    inputs: {date_format: DD/MM/YYYY}   # how input dates are written (default ISO only)
    target_incentive: 60000         # annual variable pay at 100% attainment (USD)
    base_salary: 90000              # or: ote: 150000 with pay_mix: "60/40"
    ramp: [0.25, 0.5, 0.75]         # quota factor in a new hire's 1st, 2nd, 3rd month
    cap: {multiple_of_target: 3}    # plan cap on component earnings (or {amount: 180000})
    draw: {type: recoverable, amount_per_month: 1500, months: 3}
    clawback: {window_days: 90, method: prorated}   # or full, or percent with percent: 50%,
    #   or {schedule: [{up_to_days: 90, percent: 100%}, {up_to_days: 180, percent: 50%}]}
    measures:
      - id: new_arr
        name: New ARR
        weight: 0.7                  # share of the target incentive; weights sum to 1
        credits: {measures: [new, expansion], where: {product: [Core]}, multiplier: 1}
        quota_share: 0.7             # share of the assignment's annual_quota (default: weight)
        payout:
          type: commission           # commission: rate table on credited amount
          method: marginal           # marginal | retroactive | interpolated_rate_on_total
                                     # | proportional_per_tier (last tier needs 'to')
          basis: attainment          # tier starts as attainment (1.0 = quota) or amount (USD)
          on_boundary: higher_tier   # an amount exactly on a tier start belongs to the
                                     # higher tier (higher_tier) or the lower one (lower_tier);
                                     # or {tiers: higher_tier, thresholds: met | not_met}
          evaluate: year_to_date     # or per_transaction (amount basis, rates or amounts)
          tiers:
            - {from: 0.0, multiplier: 0.5}   # multiplier x base commission rate (BCR =
            - {from: 0.5, multiplier: 1.0}   # target incentive x weight / annual quota) ...
            - {from: 1.0, multiplier: 1.5}   # ... or an absolute rate: {from: 0, rate: 0.08}
          threshold: 0.25            # nothing paid below 25% attainment
          gate: {measure: renewals, min_attainment: 0.8}   # pays only if this holds
                                     # (or gates: [...], all of which must hold)
          cap: {multiple_of_target: 2.5}                    # or {amount: 10000}
      - id: renewals
        weight: 0.3
        payout:
          type: bonus                # bonus: payout curve on attainment, linear between points
          curve: [[0.5, 0.25], [1.0, 1.0], [1.5, 1.5]]   # (attainment, x component target);
          # two points at one attainment make a step. Or type: matrix with
          # matrix: {measure: eps, rows: [...], columns: [...], values: [[...], ...]}
          # Rates and levels may be percentages ("4%").
    spifs:
      - {id: q1_analytics, measures: [new], where: {product: [Analytics]},
         start: 2027-01-01, end: 2027-03-31, amount: 500}   # per deal; or rate: 0.02

Semantics are documented on each dataclass below; every problem in a file is reported at once,
each naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from spm_models.errors import InputDataError, Problem
from spm_models.incentives.dates import date_format_directive
from spm_models.incentives.money import factor_units, parse_decimal


class PayoutType(StrEnum):
    """How a measure pays: a rate table on credit, or a bonus curve on attainment."""

    COMMISSION = "commission"
    BONUS = "bonus"
    MATRIX = "matrix"


class RateMethod(StrEnum):
    """The four rate-table conventions.

    ``marginal`` (step): each slice of the amount is paid at its own tier's rate.
    ``retroactive`` (highest tier): the rate of the tier reached applies to the whole amount.
    ``interpolated_rate_on_total``: the rate rises linearly from one tier's rate at its start
    to the next tier's rate at the next start (flat after the last start) and applies to the
    whole amount.
    ``proportional_per_tier`` (Oracle Incentive Compensation's "proportional split", which it
    also calls an interpolated rate): each tier's value counts in proportion to how much of
    the tier is filled, ``(amount in tier / tier width) x tier value``, and the counted values
    add up over the tiers. A tier value is a dollar amount (the amount earned for the whole
    tier), or a rate (the blended rate then applies to the whole amount). The last tier needs
    an end (``to``); at and above it every tier counts in full.

    The bare names ``interpolated`` and ``interpolated_rate`` are refused: vendors use them
    for both of the last two conventions, so a plan must say which.
    """

    MARGINAL = "marginal"
    RETROACTIVE = "retroactive"
    INTERPOLATED_RATE_ON_TOTAL = "interpolated_rate_on_total"
    PROPORTIONAL_PER_TIER = "proportional_per_tier"


#: Names refused because vendors mean either interpolation convention by them.
AMBIGUOUS_METHODS = ("interpolated", "interpolated_rate")


class Basis(StrEnum):
    """Tier starts as attainment (1.0 = 100% of quota) or as a dollar amount."""

    ATTAINMENT = "attainment"
    AMOUNT = "amount"


class Boundary(StrEnum):
    """Which tier an amount exactly on a tier start (or threshold) belongs to."""

    HIGHER_TIER = "higher_tier"
    LOWER_TIER = "lower_tier"


class ThresholdRule(StrEnum):
    """Whether attainment exactly on a threshold or gate level meets it (``met``) or not."""

    MET = "met"
    NOT_MET = "not_met"


class Frequency(StrEnum):
    """Payout frequency; every payout is computed on year-to-date figures with a true-up."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"

    @property
    def months(self) -> int:
        """Months per payout period."""
        return {"monthly": 1, "quarterly": 3, "annual": 12}[self.value]


class Measurement(StrEnum):
    """What attainment is measured against during the year.

    ``year_to_date``: year-to-date credit against the year-to-date (prorated) quota, and a
    bonus on the year-to-date target. ``annual``: year-to-date credit against the full-year
    quota, and a bonus on the full-year target: each payout is an advance on the annual
    determination, paid only once annual thresholds and gates are reached, so early-year
    bookings never pay out ahead of an annual threshold and leave a negative balance.
    """

    YEAR_TO_DATE = "year_to_date"
    ANNUAL = "annual"


class DrawType(StrEnum):
    """A recoverable draw is an advance repaid from later earnings; a non-recoverable one is not."""

    RECOVERABLE = "recoverable"
    NON_RECOVERABLE = "non_recoverable"


class ClawbackMethod(StrEnum):
    """``full``: a cancelled deal's credit is reversed entirely; ``prorated``: the reversed share
    is ``1 - days_live / window_days``; ``percent``: a fixed share (``percent``) within the
    window; ``schedule``: a share by deal age (``schedule``)."""

    FULL = "full"
    PRORATED = "prorated"
    PERCENT = "percent"
    SCHEDULE = "schedule"


@dataclass(frozen=True)
class Tier:
    """One row of a rate table: its start and one value.

    The value is an absolute rate, a BCR multiplier or (``proportional_per_tier`` only) a
    dollar ``amount`` earned for the whole tier. ``end`` (the plan's ``to``) is given on the
    last tier of a ``proportional_per_tier`` table only; every other tier ends where the next
    one starts.
    """

    start: Decimal
    rate: Decimal | None = None
    multiplier: Decimal | None = None
    amount: Decimal | None = None
    end: Decimal | None = None


@dataclass(frozen=True)
class Cap:
    """A cap on annual earnings: a dollar amount or a multiple of the target incentive.

    Both are prorated by the share of the year the rep is on the plan.
    """

    amount: Decimal | None = None
    multiple_of_target: Decimal | None = None


@dataclass(frozen=True)
class Gate:
    """A condition: the component pays only while ``measure``'s YTD attainment is reached."""

    measure: str
    min_attainment: Decimal


@dataclass(frozen=True)
class Matrix:
    """A payout looked up on two attainments: this measure's (rows) and ``measure``'s (columns).

    ``rows`` and ``columns`` are the attainment levels where each row and column starts;
    ``values[i][j]`` is the payout as a multiple of the component's target incentive when this
    measure reached ``rows[i]`` (and not ``rows[i + 1]``) and the other reached
    ``columns[j]``. Below the first row or column nothing is paid; there is no interpolation.
    """

    measure: str
    rows: tuple[Decimal, ...]
    columns: tuple[Decimal, ...]
    values: tuple[tuple[Decimal, ...], ...]


@dataclass(frozen=True)
class CreditRule:
    """Which credit lines count toward a measure, and at what multiplier.

    A line counts when its ``measure`` column is in ``measures`` and, for each ``where`` key,
    its attribute column holds one of the listed values.
    """

    measures: tuple[str, ...]
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    multiplier: Decimal = Decimal(1)


@dataclass(frozen=True)
class Measure:
    """A plan component: a measure with its weight, credit rules, quota and payout mechanics."""

    id: str
    name: str
    weight: Decimal
    credit: CreditRule
    payout_type: PayoutType
    method: RateMethod = RateMethod.MARGINAL
    basis: Basis = Basis.ATTAINMENT
    boundary: Boundary = Boundary.HIGHER_TIER
    at_threshold: ThresholdRule = ThresholdRule.MET
    per_transaction: bool = False
    matrix: Matrix | None = None
    tiers: tuple[Tier, ...] = ()
    curve: tuple[tuple[Decimal, Decimal], ...] = ()
    threshold: Decimal | None = None
    gates: tuple[Gate, ...] = ()
    cap: Cap | None = None
    quota: Decimal | None = None
    quota_share: Decimal | None = None

    @property
    def gate(self) -> Gate | None:
        """The first gate (``None`` without gates); :attr:`gates` holds them all."""
        return self.gates[0] if self.gates else None


@dataclass(frozen=True)
class Draw:
    """A monthly draw paid when earnings fall short, for the first ``months`` on the plan."""

    type: DrawType
    amount_per_month: Decimal
    months: int | None = None


@dataclass(frozen=True)
class Clawback:
    """Reverse credit for deals cancelled within ``window_days`` of their credit date.

    ``schedule`` holds ``(up_to_days, share)`` steps in increasing days: a deal cancelled at
    most ``up_to_days`` days after its credit date has that share reversed (the first step
    that holds); ``window_days`` is then the last step's days.
    """

    window_days: int
    method: ClawbackMethod = ClawbackMethod.FULL
    percent: Decimal | None = None
    schedule: tuple[tuple[int, Decimal], ...] = ()


@dataclass(frozen=True)
class Spif:
    """A sales incentive: a fixed amount per matching deal (times its split) or a rate."""

    id: str
    name: str
    measures: tuple[str, ...]
    where: tuple[tuple[str, tuple[str, ...]], ...]
    start: dt.date
    end: dt.date
    amount: Decimal | None = None
    rate: Decimal | None = None


@dataclass(frozen=True)
class Plan:
    """A validated compensation plan.

    Attributes
    ----------
    id, name : str
        Identifier (matched by ``plan_id`` in assignments) and display name.
    year : int
        Plan year, January to December.
    frequency : Frequency
        Payout frequency.
    target_incentive : Decimal
        Annual target incentive (variable pay at 100% attainment), USD.
    base_salary : Decimal
        Annual base salary, USD (0 when not given).
    measures : tuple of Measure
        The components; weights sum to 1.
    ramp : tuple of Decimal
        Quota factors for a new hire's first months.
    cap, draw, clawback : optional
        Plan cap on component earnings (SPIFs are outside it), draw and clawback policy.
    spifs : tuple of Spif
    source : str
        Where the plan was read from (used in messages).
    """

    id: str
    name: str
    year: int
    frequency: Frequency
    target_incentive: Decimal
    base_salary: Decimal
    measures: tuple[Measure, ...]
    ramp: tuple[Decimal, ...] = ()
    cap: Cap | None = None
    draw: Draw | None = None
    clawback: Clawback | None = None
    spifs: tuple[Spif, ...] = ()
    description: str = ""
    source: str = "<plan>"
    date_format: str | None = None
    date_formats: tuple[tuple[str, str], ...] = ()
    measurement: Measurement = Measurement.YEAR_TO_DATE
    start_month: int = 1

    @property
    def first_day(self) -> pd.Timestamp:
        """First day of the plan year (1 January, or the fiscal year's first month)."""
        return pd.Timestamp(self.year, self.start_month, 1)

    @property
    def last_day(self) -> pd.Timestamp:
        """Last day of the plan year (twelve months after :attr:`first_day`, less a day)."""
        return self.first_day + pd.DateOffset(months=12) - pd.Timedelta(days=1)

    @property
    def first_month_abs(self) -> int:
        """The plan year's first month, counted in months since January 1970."""
        return (self.year - 1970) * 12 + self.start_month - 1

    @property
    def ote(self) -> Decimal:
        """On-target earnings: base salary plus target incentive."""
        return self.base_salary + self.target_incentive

    @property
    def pay_mix(self) -> tuple[Decimal, Decimal]:
        """(base share, variable share) of OTE, e.g. ``(0.6, 0.4)``."""
        if self.ote == 0:
            return Decimal(0), Decimal(0)
        variable = self.target_incentive / self.ote
        return 1 - variable, variable

    def input_date_formats(self) -> dict[str, str | None] | None:
        """Declared date format per input table (``None`` = ISO); ``None`` if none declared."""
        if self.date_format is None and not self.date_formats:
            return None
        out: dict[str, str | None] = dict.fromkeys(INPUT_TABLES, self.date_format)
        out.update(dict(self.date_formats))
        return out

    def needs_quota(self, measure_id: str) -> bool:
        """Whether a measure's payout depends on its quota.

        A commission on amount-basis tiers with absolute rates, no threshold and no other
        component gated on it pays the same whatever the quota: it needs none, and its trace
        shows no quota or attainment lines.
        """
        m = self.measure(measure_id)
        gated_on = any(g.measure == measure_id for other in self.measures for g in other.gates)
        gated_on |= any(
            o.matrix is not None and o.matrix.measure == measure_id for o in self.measures
        )
        return (
            m.payout_type is not PayoutType.COMMISSION
            or m.basis is Basis.ATTAINMENT
            or any(t.multiplier is not None for t in m.tiers)
            or m.threshold is not None
            or gated_on
        )

    def measure(self, measure_id: str) -> Measure:
        """Return the measure called ``measure_id``."""
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(f"plan {self.id!r} has no measure {measure_id!r}")


# ----------------------------------------------------------------------------- loading

_PLAN_KEYS = {
    "id",
    "name",
    "description",
    "year",
    "payout_frequency",
    "target_incentive",
    "base_salary",
    "ote",
    "pay_mix",
    "ramp",
    "cap",
    "draw",
    "clawback",
    "measures",
    "spifs",
    "inputs",
    "measurement",
    "fiscal_year_start_month",
}
_MEASURE_KEYS = {"id", "name", "weight", "credits", "quota", "quota_share", "payout"}
_PAYOUT_KEYS = {
    "type",
    "method",
    "basis",
    "on_boundary",
    "tiers",
    "curve",
    "threshold",
    "gate",
    "gates",
    "cap",
    "evaluate",
    "matrix",
}


class _Collector:
    """Reads values out of a mapping, recording every problem instead of stopping at one."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(source=self.source, message=f"key {key!r} {message}"))

    def unknown(self, data: Mapping, allowed: set[str], where: str) -> None:
        for k in data:
            if k not in allowed:
                full = f"{where}.{k}" if where else str(k)
                self.add(full, f"is not a known key; expected one of {sorted(allowed)}")

    def mapping(self, data: Any, key: str) -> dict:
        if data is None:
            return {}
        if not isinstance(data, Mapping):
            self.add(key, f"must be a mapping; got {data!r}")
            return {}
        return dict(data)

    def text(self, data: Mapping, key: str, where: str, default: str | None = None) -> str:
        full = f"{where}.{key}" if where else key
        value = data.get(key, default)
        if value is None:
            self.add(full, "is required")
            return ""
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
            self.add(full, f"must be non-empty text; got {value!r}")
            return ""
        return str(value)

    def number(
        self,
        data: Mapping,
        key: str,
        where: str,
        *,
        required: bool = True,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
        strict_min: bool = False,
        factor: bool = False,
        money: bool = False,
    ) -> Decimal | None:
        full = f"{where}.{key}" if where else key
        if key not in data or data[key] is None:
            if required:
                self.add(full, "is required")
            return None
        return self.check_number(
            data[key],
            full,
            minimum=minimum,
            maximum=maximum,
            strict_min=strict_min,
            factor=factor,
            money=money,
        )

    def check_number(
        self,
        raw: Any,
        full: str,
        *,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
        strict_min: bool = False,
        factor: bool = False,
        money: bool = False,
    ) -> Decimal | None:
        try:
            value = parse_factor(raw) if factor else parse_decimal(raw)
        except ValueError:
            how = " or a percentage such as '4%'" if factor else ""
            self.add(full, f"must be a number{how}; got {raw!r}")
            return None
        if minimum is not None:
            if strict_min and value <= minimum:
                self.add(full, f"must be > {minimum}; got {raw!r}")
                return None
            if not strict_min and value < minimum:
                self.add(full, f"must be >= {minimum}; got {raw!r}")
                return None
        if maximum is not None and value > maximum:
            self.add(full, f"must be <= {maximum}; got {raw!r}")
            return None
        if factor:
            try:
                factor_units(value)
            except ValueError:
                self.add(full, f"must have at most 8 decimals; got {raw!r}")
                return None
        if money and value != value.quantize(Decimal("0.01")):
            self.add(full, f"must be whole cents (at most 2 decimals); got {raw!r}")
            return None
        return value

    def choice(self, data: Mapping, key: str, where: str, enum: type[StrEnum], default: StrEnum):
        full = f"{where}.{key}" if where else key
        raw = data.get(key, default.value)
        try:
            return enum(raw)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self.add(full, f"must be one of {allowed}; got {raw!r}")
            return default

    def str_list(self, raw: Any, full: str) -> tuple[str, ...]:
        if isinstance(raw, str):
            return (raw,)
        if isinstance(raw, list | tuple) and raw and all(isinstance(v, str | int) for v in raw):
            return tuple(str(v) for v in raw)
        self.add(full, f"must be a name or a non-empty list of names; got {raw!r}")
        return ()

    def where(self, raw: Any, full: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        data = self.mapping(raw, full)
        return tuple((str(k), self.str_list(v, f"{full}.{k}")) for k, v in data.items())

    def date(self, data: Mapping, key: str, where: str) -> dt.date:
        full = f"{where}.{key}"
        raw = data.get(key)
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            self.add(full, f"must be a date YYYY-MM-DD; got {raw!r}")
            return dt.date(1970, 1, 1)


def parse_factor(raw: Any) -> Decimal:
    """A rate, multiplier or attainment: a number, or a percentage string (``'4%'`` = 0.04)."""
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return parse_decimal(raw.strip()[:-1]) / 100
    return parse_decimal(raw)


def _read_cap(c: _Collector, raw: Any, where: str) -> Cap | None:
    if raw is None:
        return None
    data = c.mapping(raw, where)
    c.unknown(data, {"amount", "multiple_of_target"}, where)
    amount = c.number(data, "amount", where, required=False, minimum=0, money=True)
    multiple = c.number(
        data, "multiple_of_target", where, required=False, minimum=0, strict_min=True, factor=True
    )
    if ("amount" in data) == ("multiple_of_target" in data):
        c.add(where, "must give exactly one of 'amount' or 'multiple_of_target'")
    return Cap(amount=amount, multiple_of_target=multiple)


def _read_tiers(
    c: _Collector, raw: Any, where: str, basis: Basis, method: RateMethod
) -> tuple[Tier, ...]:
    if not isinstance(raw, list) or not raw:
        c.add(where, f"must be a non-empty list of tiers; got {raw!r}")
        return ()
    proportional = method is RateMethod.PROPORTIONAL_PER_TIER
    tiers: list[Tier] = []
    for i, item in enumerate(raw):
        full = f"{where}[{i}]"
        data = c.mapping(item, full)
        c.unknown(data, {"from", "to", "rate", "multiplier", "amount"}, full)
        start = _tier_level(c, data, "from", full, basis, required=True)
        rate = c.number(data, "rate", full, required=False, minimum=0, factor=True)
        mult = c.number(data, "multiplier", full, required=False, minimum=0, factor=True)
        amount = c.number(data, "amount", full, required=False, minimum=0, money=True)
        if sum(key in data for key in ("rate", "multiplier", "amount")) != 1:
            c.add(full, "must give exactly one of 'rate', 'multiplier' or 'amount'")
        if "amount" in data and not proportional:
            c.add(f"{full}.amount", "a tier amount needs method 'proportional_per_tier'")
        end = None
        if "to" in data:
            if not proportional:
                c.add(f"{full}.to", "applies to method 'proportional_per_tier' only")
            elif i != len(raw) - 1:
                c.add(
                    f"{full}.to",
                    "is given on the last tier only (a tier ends where the next one starts)",
                )
            end = _tier_level(c, data, "to", full, basis, required=False)
            if end is not None and start is not None and end <= start:
                c.add(f"{full}.to", f"must be greater than the tier's start {start}; got {end}")
        tiers.append(Tier(start or Decimal(0), rate=rate, multiplier=mult, amount=amount, end=end))
    if proportional and tiers and "to" not in (raw[-1] if isinstance(raw[-1], Mapping) else {}):
        c.add(
            f"{where}[{len(raw) - 1}].to",
            "is required for method 'proportional_per_tier': the last tier's width sets the "
            "share of it that is filled",
        )
    if tiers and tiers[0].start != 0:
        c.add(
            f"{where}[0].from", f"must be 0 (the first tier starts at zero); got {tiers[0].start}"
        )
    for i in range(1, len(tiers)):
        if tiers[i].start <= tiers[i - 1].start:
            c.add(
                f"{where}[{i}].from",
                f"must be greater than the previous tier's start {tiers[i - 1].start}; "
                f"got {tiers[i].start}",
            )
    kinds = {(t.rate is None, t.amount is None) for t in tiers}
    if len(kinds) > 1:
        c.add(where, "must use one of 'rate', 'multiplier' or 'amount' in every tier, not a mix")
    return tuple(tiers)


def _tier_level(
    c: _Collector, data: Mapping, key: str, where: str, basis: Basis, *, required: bool
) -> Decimal | None:
    """A tier's ``from`` or ``to``: an attainment factor, or whole cents on an amount basis."""
    value = c.number(
        data, key, where, required=required, minimum=0, factor=basis is Basis.ATTAINMENT
    )
    if value is not None and basis is Basis.AMOUNT and value != value.quantize(Decimal("0.01")):
        c.add(f"{where}.{key}", f"must be whole cents; got {data[key]!r}")
    return value


def _read_curve(c: _Collector, raw: Any, where: str) -> tuple[tuple[Decimal, Decimal], ...]:
    if not isinstance(raw, list) or not raw:
        c.add(where, f"must be a non-empty list of [attainment, payout] points; got {raw!r}")
        return ()
    points: list[tuple[Decimal, Decimal]] = []
    for i, item in enumerate(raw):
        full = f"{where}[{i}]"
        if isinstance(item, Mapping):
            pair = [item.get("attainment"), item.get("payout")]
        else:
            pair = list(item) if isinstance(item, list | tuple) else [item]
        if len(pair) != 2 or None in pair:
            c.add(full, f"must be a pair [attainment, payout]; got {item!r}")
            continue
        a = c.check_number(pair[0], f"{full}.attainment", minimum=0, factor=True)
        p = c.check_number(pair[1], f"{full}.payout", minimum=0, factor=True)
        if a is not None and p is not None:
            points.append((a, p))
    for i in range(1, len(points)):
        if points[i][0] < points[i - 1][0]:
            c.add(f"{where}[{i}].attainment", "must not decrease from point to point")
        elif i >= 2 and points[i][0] == points[i - 1][0] == points[i - 2][0]:
            c.add(
                f"{where}[{i}].attainment",
                "a step is two points at one attainment (below and above it), not three",
            )
    return tuple(points)


def _days(c: _Collector, raw: Any, full: str) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 1:
        c.add(full, f"must be a whole number of days >= 1; got {raw!r}")
        return 1
    return raw


def _read_clawback(c: _Collector, d: dict) -> Clawback:
    """``clawback``: window and method, a fixed percentage, or a schedule by deal age."""
    c.unknown(d, {"window_days", "method", "percent", "schedule"}, "clawback")
    default = ClawbackMethod.SCHEDULE if "schedule" in d else ClawbackMethod.FULL
    method = c.choice(d, "method", "clawback", ClawbackMethod, default)
    if method is not ClawbackMethod.SCHEDULE:
        window = _days(c, d.get("window_days"), "clawback.window_days")
        percent = None
        if method is ClawbackMethod.PERCENT:
            percent = c.number(d, "percent", "clawback", minimum=0, maximum=1, factor=True)
        elif "percent" in d:
            c.add("clawback.percent", "applies to method 'percent' only")
        if "schedule" in d:
            c.add("clawback.schedule", "applies to method 'schedule' only")
        return Clawback(window, method, percent)
    raw = d.get("schedule")
    if not isinstance(raw, list) or not raw:
        c.add("clawback.schedule", f"must be a non-empty list of steps; got {raw!r}")
        raw = []
    steps: list[tuple[int, Decimal]] = []
    for i, item in enumerate(raw):
        full = f"clawback.schedule[{i}]"
        step = c.mapping(item, full)
        c.unknown(step, {"up_to_days", "percent"}, full)
        days = _days(c, step.get("up_to_days"), f"{full}.up_to_days")
        share = c.number(step, "percent", full, minimum=0, maximum=1, factor=True)
        if steps and days <= steps[-1][0]:
            c.add(f"{full}.up_to_days", f"must be greater than {steps[-1][0]}; got {days}")
        steps.append((days, share if share is not None else Decimal(0)))
    if "window_days" in d:
        c.add("clawback.window_days", "is the schedule's last up_to_days; do not give both")
    return Clawback(steps[-1][0] if steps else 1, method, None, tuple(steps))


def _levels(c: _Collector, raw: Any, full: str) -> tuple[Decimal, ...]:
    if not isinstance(raw, list) or not raw:
        c.add(full, f"must be a non-empty list of attainment levels; got {raw!r}")
        return ()
    out = [c.check_number(v, f"{full}[{i}]", minimum=0, factor=True) for i, v in enumerate(raw)]
    levels = tuple(v if v is not None else Decimal(0) for v in out)
    if any(b <= a for a, b in itertools.pairwise(levels)):
        c.add(full, f"must increase strictly; got {raw!r}")
    return levels


def _read_matrix(c: _Collector, raw: Any, where: str) -> Matrix | None:
    """``matrix: {measure, rows, columns, values}`` (see :class:`Matrix`)."""
    d = c.mapping(raw, where)
    if raw is None:
        c.add(where, "is required for type 'matrix'")
        return None
    c.unknown(d, {"measure", "rows", "columns", "values"}, where)
    other = c.text(d, "measure", where)
    rows = _levels(c, d.get("rows"), f"{where}.rows")
    cols = _levels(c, d.get("columns"), f"{where}.columns")
    raw_values = d.get("values")
    if not isinstance(raw_values, list) or len(raw_values) != len(rows):
        c.add(f"{where}.values", f"must be a list of {len(rows)} rows (one per level in 'rows')")
        return None
    values = []
    for i, line in enumerate(raw_values):
        if not isinstance(line, list) or len(line) != len(cols):
            c.add(f"{where}.values[{i}]", f"must list {len(cols)} values (one per column)")
            return None
        cells = [
            c.check_number(v, f"{where}.values[{i}][{j}]", minimum=0, factor=True)
            for j, v in enumerate(line)
        ]
        values.append(tuple(v if v is not None else Decimal(0) for v in cells))
    return Matrix(other, rows, cols, tuple(values))


def _read_evaluate(
    c: _Collector, pdata: Mapping, pw: str, ptype: PayoutType, basis: Basis, tiers: tuple
) -> bool:
    """``evaluate``: ``year_to_date`` (default) or ``per_transaction``.

    Per transaction, the rate table is applied to each credit line's amount on its own (the
    line's tiers start from zero), and the results are summed; it needs dollar tiers with
    absolute rates, since a quota or a base commission rate has no meaning for one deal.
    """
    raw = pdata.get("evaluate", "year_to_date")
    if raw not in ("year_to_date", "per_transaction"):
        c.add(f"{pw}.evaluate", f"must be one of year_to_date, per_transaction; got {raw!r}")
        return False
    if raw == "year_to_date":
        return False
    if ptype is not PayoutType.COMMISSION or basis is not Basis.AMOUNT:
        c.add(f"{pw}.evaluate", "per_transaction needs type 'commission' with basis 'amount'")
    if any(t.multiplier is not None for t in tiers):
        c.add(
            f"{pw}.evaluate",
            "per_transaction needs absolute rates ('rate') or tier amounts, not multipliers",
        )
    return True


def _read_gates(c: _Collector, pdata: Mapping, pw: str) -> tuple[Gate, ...]:
    """``gate: {measure, min_attainment}`` or ``gates: [...]`` (all must hold)."""
    if "gate" in pdata and "gates" in pdata:
        c.add(f"{pw}.gates", "give either 'gate' or 'gates', not both")
    items: list[tuple[str, Any]] = []
    if "gate" in pdata:
        items.append((f"{pw}.gate", pdata["gate"]))
    if "gates" in pdata:
        raw = pdata["gates"]
        if not isinstance(raw, list) or not raw:
            c.add(f"{pw}.gates", f"must be a non-empty list of gates; got {raw!r}")
            raw = []
        items += [(f"{pw}.gates[{i}]", g) for i, g in enumerate(raw)]
    gates = []
    for full, raw in items:
        gdata = c.mapping(raw, full)
        c.unknown(gdata, {"measure", "min_attainment"}, full)
        gm = c.text(gdata, "measure", full)
        ga = c.number(gdata, "min_attainment", full, minimum=0, factor=True)
        gates.append(Gate(gm, ga or Decimal(0)))
    return tuple(gates)


def _read_boundary(c: _Collector, raw: Any, pw: str) -> tuple[Boundary, ThresholdRule]:
    """``on_boundary``: one value for tiers and curve points, or one rule per kind.

    ``higher_tier`` / ``lower_tier`` alone set the tier rule and the matching threshold rule
    (``met`` / ``not_met``); ``{tiers: ..., thresholds: ...}`` sets them separately.
    """
    if raw is None:
        return Boundary.HIGHER_TIER, ThresholdRule.MET
    if isinstance(raw, Mapping):
        c.unknown(raw, {"tiers", "thresholds"}, f"{pw}.on_boundary")
        tiers = c.choice(raw, "tiers", f"{pw}.on_boundary", Boundary, Boundary.HIGHER_TIER)
        thr = c.choice(raw, "thresholds", f"{pw}.on_boundary", ThresholdRule, ThresholdRule.MET)
        return tiers, thr
    tiers = c.choice({"on_boundary": raw}, "on_boundary", pw, Boundary, Boundary.HIGHER_TIER)
    return tiers, ThresholdRule.MET if tiers is Boundary.HIGHER_TIER else ThresholdRule.NOT_MET


def _read_measure(c: _Collector, raw: Any, i: int, ids: list[str]) -> Measure | None:
    where = f"measures[{i}]"
    data = c.mapping(raw, where)
    if not data:
        return None
    c.unknown(data, _MEASURE_KEYS, where)
    mid = c.text(data, "id", where)
    where = f"measures[{i}] ({mid})" if mid else where
    if mid in ids:
        c.add(f"{where}.id", f"is a duplicate measure id {mid!r}")
    ids.append(mid)
    name = str(data.get("name", mid))
    weight = c.number(data, "weight", where, minimum=0, maximum=1, factor=True)

    cdata = c.mapping(data.get("credits"), f"{where}.credits")
    c.unknown(cdata, {"measures", "where", "multiplier"}, f"{where}.credits")
    measures = c.str_list(cdata.get("measures", mid), f"{where}.credits.measures")
    where_rule = c.where(cdata.get("where"), f"{where}.credits.where")
    mult = c.number(cdata, "multiplier", f"{where}.credits", required=False, minimum=0, factor=True)
    credit = CreditRule(measures, where_rule, Decimal(1) if mult is None else mult)
    quota = c.number(data, "quota", where, required=False, minimum=0, strict_min=True, money=True)
    share = c.number(data, "quota_share", where, required=False, minimum=0, factor=True)

    pdata = c.mapping(data.get("payout"), f"{where}.payout")
    if "payout" not in data:
        c.add(f"{where}.payout", "is required")
    pw = f"{where}.payout"
    c.unknown(pdata, _PAYOUT_KEYS, pw)
    ptype = c.choice(pdata, "type", pw, PayoutType, PayoutType.COMMISSION)
    if pdata.get("method") in AMBIGUOUS_METHODS:
        c.add(
            f"{pw}.method",
            f"{pdata['method']!r} is ambiguous (vendors mean either convention by it): write "
            "'interpolated_rate_on_total' (the rate interpolated between tier starts, applied "
            "to the whole amount) or 'proportional_per_tier' (each tier's value in proportion "
            "to how much of the tier is filled, as Oracle Incentive Compensation's proportional "
            "split)",
        )
        pdata = {**pdata, "method": "marginal"}
    method = c.choice(pdata, "method", pw, RateMethod, RateMethod.MARGINAL)
    basis = c.choice(pdata, "basis", pw, Basis, Basis.ATTAINMENT)
    boundary, at_threshold = _read_boundary(c, pdata.get("on_boundary"), pw)
    tiers: tuple[Tier, ...] = ()
    curve: tuple[tuple[Decimal, Decimal], ...] = ()
    matrix = None
    if ptype is PayoutType.COMMISSION:
        tiers = _read_tiers(c, pdata.get("tiers"), f"{pw}.tiers", basis, method)
        if "curve" in pdata:
            c.add(f"{pw}.curve", "applies to type 'bonus' only; a commission uses 'tiers'")
    elif ptype is PayoutType.MATRIX:
        matrix = _read_matrix(c, pdata.get("matrix"), f"{pw}.matrix")
        for key in ("tiers", "method", "basis", "curve"):
            if key in pdata:
                c.add(f"{pw}.{key}", "does not apply to type 'matrix'")
    else:
        curve = _read_curve(c, pdata.get("curve"), f"{pw}.curve")
        for key in ("tiers", "method", "basis"):
            if key in pdata:
                c.add(f"{pw}.{key}", "applies to type 'commission' only; a bonus uses 'curve'")
    threshold = c.number(pdata, "threshold", pw, required=False, minimum=0, factor=True)
    gates = _read_gates(c, pdata, pw)
    per_transaction = _read_evaluate(c, pdata, pw, ptype, basis, tiers)
    cap = _read_cap(c, pdata.get("cap"), f"{pw}.cap")
    return Measure(
        id=mid,
        name=name,
        weight=weight or Decimal(0),
        credit=credit,
        payout_type=ptype,
        method=method,
        basis=basis,
        boundary=boundary,
        at_threshold=at_threshold,
        tiers=tiers,
        curve=curve,
        threshold=threshold,
        gates=gates,
        per_transaction=per_transaction,
        matrix=matrix,
        cap=cap,
        quota=quota,
        quota_share=share,
    )


def tier_value_text(tier: Tier) -> str:
    """A tier's value in words: ``rate 0.08``, ``1.5x BCR`` or ``$40 for the whole tier``."""
    if tier.rate is not None:
        return f"rate {tier.rate:g}"
    if tier.multiplier is not None:
        return f"{tier.multiplier:g}x BCR"
    return f"${tier.amount:,} for the whole tier"


def plan_from_dict(data: Mapping[str, Any], *, source: str = "<plan>") -> Plan:
    """Validate a plan given as a mapping (the parsed YAML) and return a :class:`Plan`.

    Raises
    ------
    InputDataError
        Listing every problem, each naming ``source`` and the key.
    """
    c = _Collector(source)
    if not isinstance(data, Mapping):
        raise InputDataError([Problem(source, f"must hold a mapping of plan keys; got {data!r}")])
    c.unknown(data, _PLAN_KEYS, "")
    pid = c.text(data, "id", "")
    name = str(data.get("name", pid))
    year_raw = data.get("year")
    year = 0
    if isinstance(year_raw, int) and not isinstance(year_raw, bool) and 1990 <= year_raw <= 2100:
        year = year_raw
    else:
        c.add("year", f"must be a year between 1990 and 2100; got {year_raw!r}")
    freq = c.choice(data, "payout_frequency", "", Frequency, Frequency.QUARTERLY)
    measurement = c.choice(data, "measurement", "", Measurement, Measurement.YEAR_TO_DATE)
    start_month = data.get("fiscal_year_start_month", 1)
    if (
        not isinstance(start_month, int)
        or isinstance(start_month, bool)
        or not 1 <= start_month <= 12
    ):
        c.add("fiscal_year_start_month", f"must be a month number 1 to 12; got {start_month!r}")
        start_month = 1

    ti = c.number(data, "target_incentive", "", required=False, minimum=0, money=True)
    base = c.number(data, "base_salary", "", required=False, minimum=0, money=True)
    ote = c.number(data, "ote", "", required=False, minimum=0, strict_min=True, money=True)
    if ote is not None:
        mix = data.get("pay_mix")
        parts = str(mix).split("/") if mix is not None else []
        try:
            base_pct, var_pct = (Decimal(p.strip()) for p in parts)
            if base_pct < 0 or var_pct < 0 or base_pct + var_pct != 100:
                raise ValueError
        except (ValueError, ArithmeticError):
            c.add("pay_mix", f"must read 'base/variable' summing to 100, e.g. '60/40'; got {mix!r}")
            base_pct, var_pct = Decimal(100), Decimal(0)
        if ti is not None or base is not None:
            c.add("ote", "must not be combined with 'target_incentive' or 'base_salary'")
        ti = (ote * var_pct / 100).quantize(Decimal("0.01"))
        base = ote - ti
    elif ti is None:
        c.add("target_incentive", "is required (or give 'ote' and 'pay_mix')")
    elif "pay_mix" in data:
        c.add("pay_mix", "needs 'ote'; with 'target_incentive' give 'base_salary' instead")

    ramp: list[Decimal] = []
    raw_ramp = data.get("ramp", [])
    if not isinstance(raw_ramp, list):
        c.add("ramp", f"must be a list of monthly quota factors; got {raw_ramp!r}")
        raw_ramp = []
    for i, r in enumerate(raw_ramp):
        v = c.check_number(r, f"ramp[{i}]", minimum=0, maximum=1, factor=True)
        ramp.append(v if v is not None else Decimal(1))

    cap = _read_cap(c, data.get("cap"), "cap")
    draw = None
    if data.get("draw") is not None:
        d = c.mapping(data["draw"], "draw")
        c.unknown(d, {"type", "amount_per_month", "months"}, "draw")
        dtype = c.choice(d, "type", "draw", DrawType, DrawType.RECOVERABLE)
        amount = c.number(d, "amount_per_month", "draw", minimum=0, strict_min=True, money=True)
        months = d.get("months")
        if months is not None and (not isinstance(months, int) or months < 1):
            c.add("draw.months", f"must be a whole number of months >= 1; got {months!r}")
            months = None
        draw = Draw(dtype, amount or Decimal(0), months)
    clawback = None
    if data.get("clawback") is not None:
        clawback = _read_clawback(c, c.mapping(data["clawback"], "clawback"))

    measures: list[Measure] = []
    raw_measures = data.get("measures")
    if not isinstance(raw_measures, list) or not raw_measures:
        c.add("measures", f"must be a non-empty list of measures; got {raw_measures!r}")
        raw_measures = []
    ids: list[str] = []
    for i, raw in enumerate(raw_measures):
        m = _read_measure(c, raw, i, ids)
        if m is not None:
            measures.append(m)
    if measures and all(m.weight is not None for m in measures):
        total = sum((m.weight for m in measures), Decimal(0))
        if total != 1:
            c.add("measures", f"weights must sum to 1; got {total}")
    for m in measures:
        if m.matrix is not None and m.matrix.measure not in ids:
            c.add(
                f"measures ({m.id}).payout.matrix.measure",
                f"names unknown measure {m.matrix.measure!r}",
            )
        for g in m.gates:
            if g.measure not in ids:
                c.add(
                    f"measures ({m.id}).payout.gate.measure",
                    f"names unknown measure {g.measure!r}",
                )

    spifs: list[Spif] = []
    raw_spifs = data.get("spifs", []) or []
    if not isinstance(raw_spifs, list):
        c.add("spifs", f"must be a list; got {raw_spifs!r}")
        raw_spifs = []
    for i, raw in enumerate(raw_spifs):
        where = f"spifs[{i}]"
        s = c.mapping(raw, where)
        c.unknown(s, {"id", "name", "measures", "where", "start", "end", "amount", "rate"}, where)
        sid = c.text(s, "id", where)
        measures_s = c.str_list(s.get("measures"), f"{where}.measures")
        start = c.date(s, "start", where)
        end = c.date(s, "end", where)
        if end < start:
            c.add(f"{where}.end", f"must be on or after start {start}; got {end}")
        amount = c.number(s, "amount", where, required=False, minimum=0, money=True)
        rate = c.number(s, "rate", where, required=False, minimum=0, factor=True)
        if ("amount" in s) == ("rate" in s):
            c.add(where, "must give exactly one of 'amount' (per deal) or 'rate'")
        spifs.append(
            Spif(
                id=sid,
                name=str(s.get("name", sid)),
                measures=measures_s,
                where=c.where(s.get("where"), f"{where}.where"),
                start=start,
                end=end,
                amount=amount,
                rate=rate,
            )
        )

    date_format, date_formats = _read_inputs(c, data.get("inputs"))
    if c.problems:
        raise InputDataError(c.problems)
    return Plan(
        id=pid,
        name=name,
        description=str(data.get("description", "")),
        year=year,
        frequency=freq,
        target_incentive=ti or Decimal(0),
        base_salary=base or Decimal(0),
        measures=tuple(measures),
        ramp=tuple(ramp),
        cap=cap,
        draw=draw,
        clawback=clawback,
        spifs=tuple(spifs),
        source=source,
        date_format=date_format,
        date_formats=date_formats,
        measurement=measurement,
        start_month=start_month,
    )


INPUT_TABLES = ("assignments", "credits", "cancellations")


def _read_inputs(c: _Collector, raw: Any) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The ``inputs`` section: how the input tables write dates.

    ``date_format: DD/MM/YYYY`` applies to every table; a mapping such as
    ``date_format: {credits: DD/MM/YYYY}`` declares tables one by one (the others stay ISO).
    """
    if raw is None:
        return None, ()
    d = c.mapping(raw, "inputs")
    c.unknown(d, {"date_format"}, "inputs")
    fmt = d.get("date_format")
    if fmt is None:
        return None, ()
    if isinstance(fmt, Mapping):
        c.unknown(fmt, set(INPUT_TABLES), "inputs.date_format")
        pairs = []
        for table in INPUT_TABLES:
            if table in fmt and _check_date_format(c, fmt[table], f"inputs.date_format.{table}"):
                pairs.append((table, str(fmt[table])))
        return None, tuple(pairs)
    return (fmt if _check_date_format(c, fmt, "inputs.date_format") else None), ()


def _check_date_format(c: _Collector, fmt: Any, key: str) -> bool:
    try:
        date_format_directive(fmt if isinstance(fmt, str) else "")
    except InputDataError:
        c.add(
            key, f"must name a four-digit year, a month and a day, e.g. 'DD/MM/YYYY'; got {fmt!r}"
        )
        return False
    return True


def load_plan(path: str | Path) -> Plan:
    """Read and validate one plan YAML file.

    Raises
    ------
    InputDataError
        When the file cannot be read or parsed, or any key is invalid (all problems at once).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputDataError([Problem(str(path), f"cannot be read: {exc.strerror}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputDataError([Problem(str(path), f"is not valid YAML: {exc}")]) from None
    return plan_from_dict(data, source=path.name)


def load_plans(paths: list[str | Path] | tuple[str | Path, ...]) -> dict[str, Plan]:
    """Load several plan files into a dict keyed by plan id; duplicate ids are an error."""
    plans: dict[str, Plan] = {}
    problems: list[Problem] = []
    for p in paths:
        plan = load_plan(p)
        if plan.id in plans:
            problems.append(
                Problem(
                    Path(p).name, f"key 'id' repeats plan id {plan.id!r} of {plans[plan.id].source}"
                )
            )
        plans[plan.id] = plan
    if problems:
        raise InputDataError(problems)
    return plans


def adjust_plan(
    plan: Plan,
    *,
    rate_scale: float | Decimal = 1,
    accelerator: float | Decimal | None = None,
    cap_multiple: float | Decimal | None = None,
    plan_id: str | None = None,
    name: str | None = None,
) -> Plan:
    """Return a variant of ``plan`` for what-if analysis (the original is unchanged).

    Parameters
    ----------
    rate_scale : number
        Multiplies every tier rate or multiplier and every bonus-curve payout.
    accelerator : number, optional
        New multiplier for commission tiers that start at or above 100% attainment
        (attainment-basis, multiplier tables only).
    cap_multiple : number, optional
        New plan cap as a multiple of the target incentive; ``0`` removes the cap.
    plan_id, name : str, optional
        Id and name of the variant.
    """
    scale = Decimal(str(rate_scale))
    accel = None if accelerator is None else Decimal(str(accelerator))

    def q(x: Decimal) -> Decimal:
        return x.quantize(Decimal("1e-8"))

    measures = []
    for m in plan.measures:
        tiers = []
        for t in m.tiers:
            mult = t.multiplier
            if (
                accel is not None
                and mult is not None
                and m.basis is Basis.ATTAINMENT
                and t.start >= 1
            ):
                mult = accel
            tiers.append(
                Tier(
                    t.start,
                    None if t.rate is None else q(t.rate * scale),
                    None if mult is None else q(mult * scale),
                )
            )
        curve = tuple((a, q(p * scale)) for a, p in m.curve)
        measures.append(replace(m, tiers=tuple(tiers), curve=curve))
    cap = plan.cap
    if cap_multiple is not None:
        cm = Decimal(str(cap_multiple))
        cap = None if cm == 0 else Cap(multiple_of_target=q(cm))
    return replace(
        plan,
        id=plan_id or plan.id,
        name=name or plan.name,
        measures=tuple(measures),
        cap=cap,
    )


def describe_plan(plan: Plan) -> str:
    """A plain-language Markdown summary of a plan (for reports and notebooks)."""
    base, variable = plan.pay_mix
    year = (
        str(plan.year)
        if plan.start_month == 1
        else f"FY{plan.year} from {plan.first_day:%B %Y} to {plan.last_day:%B %Y}"
    )
    basis = (
        "as advances against the full-year quota"
        if plan.measurement is Measurement.ANNUAL
        else "on year-to-date figures"
    )
    lines = [
        f"**{plan.name}** (`{plan.id}`, {year}, paid {plan.frequency} {basis}): OTE "
        f"${plan.ote:,.0f}, pay mix {base * 100:.0f}/{variable * 100:.0f}, target "
        f"incentive ${plan.target_incentive:,.0f}."
    ]
    for m in plan.measures:
        if m.payout_type is PayoutType.COMMISSION:
            tiers = "; ".join(
                (
                    f"from {float(t.start) * 100:g}% of quota: "
                    if m.basis is Basis.ATTAINMENT
                    else f"from ${t.start:,.0f}: "
                )
                + tier_value_text(t)
                for t in m.tiers
            )
            each = " on each deal" if m.per_transaction else ""
            how = f"{m.method} commission{each} ({tiers})"
        elif m.matrix is not None:
            how = (
                f"payout matrix on its attainment and {m.matrix.measure}'s "
                f"({len(m.matrix.rows)} x {len(m.matrix.columns)} levels)"
            )
        else:
            how = "bonus curve " + ", ".join(
                f"{float(a) * 100:g}% -> {p:g}x target" for a, p in m.curve
            )
        extras = []
        if m.threshold is not None:
            extras.append(f"nothing below {float(m.threshold) * 100:g}% attainment")
        for g in m.gates:
            extras.append(
                f"only if {g.measure} reaches {float(g.min_attainment) * 100:g}% attainment"
            )
        if m.cap is not None:
            extras.append(
                f"capped at ${m.cap.amount:,.0f}"
                if m.cap.amount is not None
                else f"capped at {m.cap.multiple_of_target:g}x its target"
            )
        extra = f" ({'; '.join(extras)})" if extras else ""
        lines.append(f"- {m.name}, weight {float(m.weight) * 100:g}%: {how}{extra}.")
    if plan.cap is not None:
        cap = (
            f"${plan.cap.amount:,.0f}"
            if plan.cap.amount is not None
            else f"{plan.cap.multiple_of_target:g}x target incentive"
        )
        lines.append(f"- Plan cap: {cap}.")
    if plan.draw is not None:
        months = f" for the first {plan.draw.months} months" if plan.draw.months else ""
        lines.append(
            f"- Draw: {plan.draw.type.replace('_', '-')} ${plan.draw.amount_per_month:,.0f} "
            f"a month{months}."
        )
    if plan.clawback is not None:
        lines.append(f"- Clawback: {plan.clawback.method} within {plan.clawback.window_days} days.")
    for sp in plan.spifs:
        what = f"${sp.amount:,.0f} per deal" if sp.amount is not None else f"{sp.rate:g} of credit"
        lines.append(f"- SPIF {sp.name}: {what}, {sp.start} to {sp.end}.")
    return "\n".join(lines)


__all__ = [
    "Basis",
    "Boundary",
    "Cap",
    "Clawback",
    "ClawbackMethod",
    "CreditRule",
    "Draw",
    "DrawType",
    "Frequency",
    "Gate",
    "Measure",
    "PayoutType",
    "Plan",
    "RateMethod",
    "Spif",
    "Tier",
    "adjust_plan",
    "describe_plan",
    "load_plan",
    "load_plans",
    "plan_from_dict",
]
