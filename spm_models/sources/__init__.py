"""Bring your own company: parse exports, build the canonical tables, record provenance.

- :mod:`~spm_models.sources.parse`: dates, money, percentages and booleans from text.
- :mod:`~spm_models.sources.provenance`: which fields were derived or defaulted.
- :mod:`~spm_models.sources.deals`: the canonical tables from an opportunity-level export.
- :mod:`~spm_models.sources.derive`: segment, potential and workload rules for accounts.
- :mod:`~spm_models.sources.geocode`: US ZIPs, cities worldwide, given coordinates.
- :mod:`~spm_models.sources.salesforce`: Salesforce exports (API names or report labels).
- :mod:`~spm_models.sources.report_xlsx`: report workbooks (title rows and footer left out).
"""

from __future__ import annotations

from spm_models.sources.parse import parse_bool, parse_dates, parse_money, parse_percent
from spm_models.sources.provenance import ProvenanceEntry, provenance_table

__all__ = [
    "ProvenanceEntry",
    "parse_bool",
    "parse_dates",
    "parse_money",
    "parse_percent",
    "provenance_table",
]
