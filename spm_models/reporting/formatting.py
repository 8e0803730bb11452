"""How figures are labelled and formatted: a thin view of :mod:`spm_models.registry`."""

from __future__ import annotations

from spm_models.registry import FigureDef, format_figure, format_value, headline_figures

__all__ = ["FigureDef", "format_figure", "format_value", "headline_figures"]
