"""Reports for leadership: notebooks rendered to HTML without code, and the index page."""

from __future__ import annotations

from spm_models.registry import format_value
from spm_models.reporting.html import page, render_notebook_html
from spm_models.reporting.index import write_index

__all__ = ["format_value", "page", "render_notebook_html", "write_index"]
