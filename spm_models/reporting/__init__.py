"""Reports for leadership: notebooks rendered to HTML without code, and the index page."""

from __future__ import annotations

from spm_models.reporting.formatting import HEADLINES, format_value
from spm_models.reporting.html import page, render_notebook_html
from spm_models.reporting.index import write_index

__all__ = ["HEADLINES", "format_value", "page", "render_notebook_html", "write_index"]
