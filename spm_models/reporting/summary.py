"""The executive summary's building blocks: figures read from ``metrics.json`` via the registry.

Every figure is printed with :func:`spm_models.registry.format_figure`, so its text is the same
as on the page that computes it (each page shows its figures with
``NotebookSession.show_figures``). A figure that a scenario did not write, or that is not
registered, is absent: the sentence or row that needs it is left out, never guessed.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from spm_models.registry import figure, format_figure, headline_figures, is_registered

#: Practitioners' healthy band for the share of reps at or above quota.
HEALTHY_ATTAINMENT = (0.55, 0.65)

#: Reader titles of the report pages, by notebook stem (the order of a scenario's report).
PAGE_TITLES = {
    "01_data_overview": "Data overview",
    "10_territory_alignment": "Territory alignment",
    "20_quota_capacity": "Quotas and capacity",
    "30_forecast": "Bookings forecast",
    "40_incentive_plan": "Incentive plan",
    "50_performance_analytics": "Performance analytics",
    "90_executive_summary": "Executive summary",
}


def page_title(stem: str) -> str:
    """The reader's title of a report page, e.g. ``"Territory alignment"``.

    Pages not listed in :data:`PAGE_TITLES` get their stem without the number, capitalised.
    """
    if stem in PAGE_TITLES:
        return PAGE_TITLES[stem]
    words = stem.split("_")
    words = words[1:] if words and words[0].isdigit() and len(words) > 1 else words
    return " ".join(words).capitalize()


def has(metrics: Mapping[str, Any], name: str) -> bool:
    """True when ``name`` is registered and the scenario wrote a usable value for it."""
    if not is_registered(name) or name not in metrics:
        return False
    value = metrics[name]
    if isinstance(value, bool):
        return True
    if isinstance(value, int | float):
        return math.isfinite(value)
    return isinstance(value, str) and value.strip() != ""


def number(metrics: Mapping[str, Any], name: str) -> float | None:
    """The figure's numeric value, or ``None`` when absent or not a number."""
    if not has(metrics, name) or isinstance(metrics[name], bool | str):
        return None
    return float(metrics[name])


def text(metrics: Mapping[str, Any], name: str) -> str:
    """The figure as the reader sees it (call only when :func:`has` is true)."""
    return format_figure(name, metrics[name])


def all_present(metrics: Mapping[str, Any], *names: str) -> bool:
    """True when every named figure is present."""
    return all(has(metrics, n) for n in names)


def page_link(name: str) -> str:
    """``<page>.html`` of the page that explains a registered figure."""
    return f"{figure(name).page}.html"


def starting_point(metrics: Mapping[str, Any]) -> str | None:
    """One sentence on where the company stands, from the data overview's figures."""
    if not has(metrics, "overview.bookings_last_12m"):
        return None
    months = number(metrics, "overview.history_months")
    period = (
        "in the last 12 months"
        if months is None or months >= 12
        else f"over the whole history ({text(metrics, 'overview.history_months')})"
    )
    sentence = f"Bookings were {text(metrics, 'overview.bookings_last_12m')} {period}"
    if has(metrics, "overview.as_of"):
        sentence += f" up to {text(metrics, 'overview.as_of')}"
    if has(metrics, "overview.bookings_growth"):
        sentence += f" (growth on the year before: {text(metrics, 'overview.bookings_growth')})"
    if has(metrics, "overview.open_pipeline"):
        sentence += f"; open pipeline is {text(metrics, 'overview.open_pipeline')}"
    if has(metrics, "overview.workload_cv_current"):
        sentence += (
            "; workload spread across today's territories is "
            f"{text(metrics, 'overview.workload_cv_current')}"
        )
    return sentence + "."


def key_figures(metrics: Mapping[str, Any]) -> pd.DataFrame:
    """The headline figures the scenario has: label, value as printed, page, section, name.

    Returns
    -------
    DataFrame
        Columns ``figure, value, explained`` (page and section) and ``name`` (for tests,
        never shown), in page order, then registry order.
    """
    rows = [
        {
            "figure": h.label,
            "value": format_figure(h.name, metrics[h.name]),
            "explained": f"{page_title(h.page)}: {h.section}",
            "name": h.name,
        }
        for h in sorted(headline_figures(), key=lambda h: h.page)
        if has(metrics, h.name)
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "explained", "name"])


def meets_target(metrics: Mapping[str, Any]) -> bool | None:
    """True when capacity covers the bookings target, False when short, None when unknown."""
    gap = number(metrics, "capacity.target_gap")
    return None if gap is None else gap <= 0


def scenario_outcome(metrics: Mapping[str, Any]) -> str | None:
    """One sentence for the index: does the scenario meet its target, and at what cost.

    ``None`` when the scenario has no capacity figures to say it.
    """
    meets = meets_target(metrics)
    if meets is None:
        return None
    if meets:
        sentence = "Meets the target"
        if has(metrics, "capacity.target"):
            sentence += f" of {text(metrics, 'capacity.target')}"
    else:
        sentence = f"Falls {text(metrics, 'capacity.target_gap')} short of the target"
        if has(metrics, "capacity.target"):
            sentence += f" of {text(metrics, 'capacity.target')}"
    costs = []
    if has(metrics, "capacity.hires_needed"):
        hires = f"{text(metrics, 'capacity.hires_needed')} hires"
        if has(metrics, "capacity.hiring_cost"):
            hires += f" costing {text(metrics, 'capacity.hiring_cost')}"
        costs.append(hires)
    if has(metrics, "incentives.total_cost"):
        costs.append(f"expected incentive cost {text(metrics, 'incentives.total_cost')}")
    if costs:
        sentence += ", with " + " and ".join(costs)
    return sentence + "."


def across_scenarios(outcomes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The index's sentence: which scenarios meet their target, and the cheapest of them.

    Parameters
    ----------
    outcomes : mapping
        Scenario title (or name) to its metrics.
    """
    known = {n: m for n, m in outcomes.items() if meets_target(m) is not None}
    if not known:
        return None
    meeting = [n for n, m in known.items() if meets_target(m)]
    if not meeting:
        return f"No scenario with a capacity plan meets its bookings target (0 of {len(known)})."
    sentence = (
        f"Scenarios that meet their bookings target ({len(meeting)} of {len(known)}): "
        + ", ".join(meeting)
    )
    costed = {n: number(known[n], "incentives.total_cost") for n in meeting}
    costed = {n: c for n, c in costed.items() if c is not None}
    if len(costed) >= 2:
        cheapest = min(costed, key=costed.__getitem__)
        sentence += (
            f". Of these, {cheapest} has the lowest expected incentive cost, "
            f"{text(known[cheapest], 'incentives.total_cost')}"
        )
    return sentence + "."


def escape(value: str) -> str:
    """HTML-escape a sentence for a report page."""
    return html.escape(value, quote=True)


#: How the data-provenance table is shown (one row per derived or defaulted field).
PROVENANCE_COLUMNS = (
    ("table", "Table"),
    ("column", "Field"),
    ("rule", "Rule"),
    ("detail", "How it was made"),
    ("rows", "Rows filled", "int"),
)


def provenance_note(provenance: pd.DataFrame) -> str:
    """One sentence over the data-provenance table: how many fields were derived, or none."""
    if provenance.empty:
        return (
            "Every field comes from the company's data as given: nothing was derived or defaulted."
        )
    fields = len(provenance)
    tables = provenance["table"].nunique()
    return (
        f"{fields} field{'s' if fields != 1 else ''} in {tables} table{'s' if tables != 1 else ''} "
        "were not in the company's data and were derived or defaulted by the rules below; "
        "figures built on them are estimates."
    )
