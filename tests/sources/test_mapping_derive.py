"""Derivation rules on a mapping's plain ``tables``: segment, potential and workload."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spm_models.errors import InputDataError
from spm_models.sources.mapping import import_mapped
from tests.sources.test_mapping import _mapping, _write_exports

#: Accounts with blank segments and potentials, employees given and no workload column.
ACCOUNTS = """\
Kunde;Firma;Branche;Groesse;Mitarbeiter;PLZ;Ort;Staat;Breite;Laenge;Gebiet;Potenzial;Waehrung;Betreuer
A1;Café Nord;Retail;Großkunde;9000;10001;New York;NY;40.75;-73.99;East;;EUR;R1
A2;Süd GmbH;Tech;;500;60601;Chicago;IL;41.88;-87.63;Central;;USD;R2
A3;West Ltd;Tech;;20;94105;San Francisco;CA;37.79;-122.39;West;500,00 £;GBP;
"""

RULES = {
    "segment_employees": [100, 1000],
    "calls_per_year": {"enterprise": 30, "mid-market": 12, "smb": 4},
}


def _derive_mapping(tmp_path: Path, rules: dict | None = RULES, accounts: str = ACCOUNTS) -> Path:
    folder = tmp_path / "crm_export"
    _write_exports(folder)
    (folder / "accounts.csv").write_text(accounts, encoding="utf-8")
    mapping = _mapping(folder)
    spec = mapping["tables"]["accounts"]
    spec.pop("encoding")
    del spec["columns"]["Besuche"]
    spec["columns"]["Mitarbeiter"] = "employees"
    if rules is not None:
        mapping["rules"] = rules
    path = folder / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return path


def test_blank_fields_derived_by_the_rules_and_listed(tmp_path: Path) -> None:
    result = import_mapped(_derive_mapping(tmp_path))
    accounts = result.company.accounts.set_index("account_id")
    # A1 given (values map); A2 500 employees >= 100; A3 20 employees < 100.
    assert accounts["segment"].to_dict() == {"A1": "enterprise", "A2": "mid-market", "A3": "smb"}
    # Bookings: A1 1,234.50 + 2,000 and A2 100 over two months, annualised over at least
    # 12 months, times 3; A3 given (500 GBP at 1.25).
    assert accounts["potential"].to_dict() == pytest.approx(
        {"A1": 3 * 3234.5, "A2": 3 * 100.0, "A3": 625.0}
    )
    assert accounts["workload"].to_dict() == {"A1": 30.0, "A2": 12.0, "A3": 4.0}
    rows = {(e.column, e.rule): e.rows for e in result.provenance if e.table == "accounts"}
    assert rows[("segment", "segment from employees")] == 2
    assert rows[("potential", "potential from history")] == 2
    assert rows[("workload", "workload per segment")] == 3


#: The same accounts with every field given (and a visit count per account).
FULL = """\
Kunde;Firma;Branche;Groesse;Mitarbeiter;PLZ;Ort;Staat;Breite;Laenge;Gebiet;Potenzial;Waehrung;Betreuer;Besuche
A1;Café Nord;Retail;Großkunde;9000;10001;New York;NY;40.75;-73.99;East;1.000,00;EUR;R1;5
A2;Süd GmbH;Tech;Klein;500;60601;Chicago;IL;41.88;-87.63;Central;2,00;USD;R2;6
A3;West Ltd;Tech;Klein;20;94105;San Francisco;CA;37.79;-122.39;West;500,00 £;GBP;;{visits}
"""


def _with_visits(path: Path) -> Path:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["tables"]["accounts"]["columns"]["Besuche"] = "workload"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_nothing_derived_when_the_export_gives_every_field(tmp_path: Path) -> None:
    result = import_mapped(_with_visits(_derive_mapping(tmp_path, accounts=FULL.format(visits=7))))
    derived = {e.column for e in result.provenance if e.table == "accounts"}
    assert not derived & {"segment", "potential", "workload"}
    assert result.company.accounts["workload"].tolist() == [5.0, 6.0, 7.0]
    assert result.company.accounts["segment"].tolist() == ["enterprise", "smb", "smb"]


def test_a_given_value_that_is_not_a_number_is_reported_not_derived_over(tmp_path: Path) -> None:
    path = _with_visits(_derive_mapping(tmp_path, accounts=FULL.format(visits="lots")))
    with pytest.raises(InputDataError, match=r"column 'workload' must be a number; got 'lots'"):
        import_mapped(path)


def test_deal_only_rules_with_tables_are_named(tmp_path: Path) -> None:
    path = _derive_mapping(tmp_path, rules={**RULES, "stage_map": {"Demo": "proposal"}})
    with pytest.raises(InputDataError) as info:
        import_mapped(path)
    text = str(info.value)
    assert "rules.stage_map: applies to an opportunity-level export (deals) or a preset" in text
    assert "segment_employees" in text
