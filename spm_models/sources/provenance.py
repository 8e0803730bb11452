"""Data provenance: which fields of a company were derived or defaulted, and by which rule.

An importer records one :class:`ProvenanceEntry` per derived or defaulted field; the company
carries them (``Company.provenance``), ``write_company`` writes them to ``provenance.json``
and reports list them with :func:`provenance_table`, so a reader sees what was invented.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

#: The file a company folder keeps its provenance in.
PROVENANCE_FILE = "provenance.json"
PROVENANCE_COLUMNS = ("table", "column", "rule", "detail", "rows")


@dataclass(frozen=True)
class ProvenanceEntry:
    """One derived or defaulted field.

    Attributes
    ----------
    table : str
        Canonical table, e.g. ``"accounts"``.
    column : str
        Canonical column, e.g. ``"potential"``.
    rule : str
        Short name of the rule, e.g. ``"potential from history"``.
    detail : str
        One plain sentence: how the value was made and with which parameters.
    rows : int
        How many rows of the table the rule filled.
    """

    table: str
    column: str
    rule: str
    detail: str
    rows: int

    def to_dict(self) -> dict[str, object]:
        """The entry as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict) -> ProvenanceEntry:
        """Read an entry back from :meth:`to_dict`'s output."""
        return cls(
            table=str(record["table"]),
            column=str(record["column"]),
            rule=str(record["rule"]),
            detail=str(record["detail"]),
            rows=int(record["rows"]),
        )


def provenance_table(company_or_entries) -> pd.DataFrame:
    """The provenance entries as a frame for reports.

    Parameters
    ----------
    company_or_entries : Company or iterable of ProvenanceEntry

    Returns
    -------
    DataFrame
        Columns ``table, column, rule, detail, rows``; empty (with those columns) when the
        data was used as given.
    """
    entries = getattr(company_or_entries, "provenance", company_or_entries)
    frame = pd.DataFrame([e.to_dict() for e in entries], columns=list(PROVENANCE_COLUMNS))
    frame["rows"] = frame["rows"].astype("int64")
    return frame


def write_provenance(entries, folder: str | Path) -> Path | None:
    """Write entries to ``folder/provenance.json`` atomically; nothing when there are none."""
    entries = tuple(entries)
    if not entries:
        return None
    path = Path(folder) / PROVENANCE_FILE
    tmp = path.with_name(f".{PROVENANCE_FILE}.tmp")
    tmp.write_text(json.dumps([e.to_dict() for e in entries], indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_provenance(folder: str | Path) -> tuple[ProvenanceEntry, ...]:
    """Entries from ``folder/provenance.json``; empty when the file does not exist.

    Raises
    ------
    InputDataError
        When the file is not a list of entries.
    """
    from spm_models.errors import InputDataError

    path = Path(folder) / PROVENANCE_FILE
    if not path.exists():
        return ()
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
        return tuple(ProvenanceEntry.from_dict(r) for r in records)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputDataError(
            f"is not a list of provenance entries ({exc})", source=PROVENANCE_FILE
        ) from exc
