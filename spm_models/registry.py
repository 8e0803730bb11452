"""One registry of the figures a reader sees: each defined once, formatted one way everywhere.

A figure is registered with its name (the key in ``metrics.json``), label, unit, which direction
is better, the page and section that explain it and a one-sentence definition. Pages, the
scenario landing page, the index, ``spm compare`` and the executive summary format figures only
through :func:`format_figure`, so one figure prints identically wherever it appears.

Definitions live per capability in :mod:`spm_models.headlines` (one module each, so that each
capability owns its figures); they are loaded on first use.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: Units a figure can have; each has one number format (see :func:`format_value`).
UNITS = ("usd", "pct", "int", "num", "ratio", "km", "months", "days", "text", "date")

#: The text shown for a figure that cannot be computed (never ``nan``, ``inf`` or ``None``).
NOT_AVAILABLE = "n/a"


@dataclass(frozen=True)
class FigureDef:
    """How one figure is named, formatted and explained.

    Attributes
    ----------
    name : str
        Key in ``metrics.json``, ``<capability>.<figure>``, e.g. ``"territory.accounts_moved"``.
    label : str
        What a reader sees, e.g. ``"Accounts moved"``.
    unit : str
        One of :data:`UNITS`.
    definition : str
        One sentence saying what the figure is.
    page : str
        Notebook stem of the page that explains it, e.g. ``"10_territory_alignment"``.
    section : str
        Heading on that page.
    better : str or None
        ``"higher"``, ``"lower"`` or ``None`` when neither is better.
    headline : bool
        Shown on the index, the landing page and in ``spm compare``.
    """

    name: str
    label: str
    unit: str
    definition: str
    page: str
    section: str
    better: str | None = None
    headline: bool = False

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(
                f"figure {self.name!r}: unit must be one of {UNITS}; got {self.unit!r}"
            )
        if self.better not in (None, "higher", "lower"):
            raise ValueError(f"figure {self.name!r}: better must be 'higher', 'lower' or None")

    def format(self, value: object) -> str:
        """The figure's value as a reader sees it."""
        return format_value(value, self.unit)


_REGISTRY: dict[str, FigureDef] = {}
_loaded = False


def register_figure(
    name: str,
    label: str,
    unit: str,
    definition: str,
    *,
    page: str,
    section: str,
    better: str | None = None,
    headline: bool = False,
) -> FigureDef:
    """Register a figure (once: a second definition of one name is an error)."""
    figure = FigureDef(name, label, unit, definition, page, section, better, headline)
    if name in _REGISTRY and _REGISTRY[name] != figure:
        raise ValueError(f"figure {name!r} is defined twice")
    _REGISTRY[name] = figure
    return figure


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        import spm_models.headlines  # noqa: F401  (registers every capability's figures)


def registry() -> dict[str, FigureDef]:
    """Every registered figure by name, in registration order."""
    _ensure_loaded()
    return dict(_REGISTRY)


def figure(name: str) -> FigureDef:
    """The definition of one figure; ``KeyError`` naming it when it is not registered."""
    _ensure_loaded()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"figure {name!r} is not registered in spm_models.headlines") from None


def is_registered(name: str) -> bool:
    """True when ``name`` is a registered figure."""
    _ensure_loaded()
    return name in _REGISTRY


def headline_figures() -> tuple[FigureDef, ...]:
    """The figures shown on indexes and in comparisons, in registration order."""
    return tuple(f for f in registry().values() if f.headline)


def format_figure(name: str, value: object) -> str:
    """Format a registered figure's value, e.g. ``format_figure("quota.total", 7.2e7)``."""
    return figure(name).format(value)


def _missing(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and not math.isfinite(value)


#: Number formats of the units that need no more than a pattern.
_PATTERNS = {
    "pct": "{:.1%}",
    "int": "{:,.0f}",
    "km": "{:,.0f} km",
    "months": "{:,.1f} months",
    "days": "{:,.0f} days",
    "ratio": "{:,.2f}×",
}


def format_value(value: object, unit: str) -> str:
    """Format a number for people: ``$1.2M``, ``12.5%``, ``1,234``; ``n/a`` when missing.

    Missing, ``nan`` and infinite values print as :data:`NOT_AVAILABLE`, never as ``nan``.
    """
    if _missing(value):
        return NOT_AVAILABLE
    if unit in ("text", "date") or isinstance(value, str):
        return str(value)[:10] if unit == "date" else str(value)
    number = float(value)  # type: ignore[arg-type]
    if unit == "usd":
        sign = "-" if number < 0 else ""
        for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if abs(number) >= size * 0.9995:
                return f"{sign}${abs(number) / size:,.{2 if size >= 1e6 else 1}f}{suffix}"
        return f"{sign}${abs(number):,.0f}"
    if unit in _PATTERNS:
        return _PATTERNS[unit].format(number)
    if number != 0 and abs(number) < 0.01:
        return f"{number:.4f}"
    return f"{number:,.2f}" if abs(number) < 1000 else f"{number:,.0f}"


def _plain(value: Any) -> Any:
    """A JSON-safe scalar: numpy scalars unwrapped, non-finite floats as ``None``."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def metric_record(name: str, value: Any) -> dict[str, Any]:
    """The ``metrics.json`` entry of one figure: its value, formatted text and definition.

    Unregistered names are kept (value only, ``"registered": false``) so that a run never loses
    a figure, but nothing shows them to a reader.
    """
    value = _plain(value)
    if not is_registered(name):
        return {"value": value, "registered": False}
    fig = figure(name)
    record = {"value": value, "text": fig.format(value), "registered": True}
    record.update({k: v for k, v in asdict(fig).items() if k != "name"})
    return record


def metric_values(document: Mapping[str, Any]) -> dict[str, Any]:
    """Plain ``{name: value}`` from a ``metrics.json`` document (either layout)."""
    return {
        k: (v["value"] if isinstance(v, Mapping) and "value" in v else v)
        for k, v in document.items()
    }


def read_metrics_file(path: str | Path) -> dict[str, Any]:
    """``{name: value}`` from a ``metrics.json`` file; empty when it does not exist."""
    path = Path(path)
    if not path.exists():
        return {}
    return metric_values(json.loads(path.read_text(encoding="utf-8")))
