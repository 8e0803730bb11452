"""A declarative source mapping: raw exports to the five canonical tables, with no Python.

A mapping is a YAML file (or the same structure as a dict) read with a strict safe loader;
every unknown key is an error naming the file and key. It either describes each canonical
table directly::

    currency_rates: {EUR: 1.08, GBP: 1.27}     # to USD; USD is 1
    tables:
      accounts:
        file: ~/exports/accounts.csv           # absolute, ~ or relative to this file
        encoding: latin-1
        delimiter: ";"
        columns: {Id: account_id, Name: account_name, Tier: segment}
        values: {segment: {Enterprise: enterprise, Mid Market: mid-market, SMB: smb}}
        money: {potential: ","}                # decimal mark of '1.234,50 €'
        currency: {column: Currency, amounts: [potential]}
        defaults: {workload: 12}               # filled where absent, listed in provenance
      reps: {file: team.xlsx, sheet: Reps, dates: {hire_date: "%d/%m/%Y"}}
      bookings: {sql: {url: "sqlite:///crm.db", query: "select * from bookings"}}

Blank or absent ``segment``, ``potential`` and ``workload`` of the accounts are derived by
the rules of :mod:`~spm_models.sources.derive` (parameters under ``rules:``), each listed in
provenance. A mapping may instead describe an opportunity-level export (``deals:``) or name a
preset (``preset: salesforce`` with ``path:`` the export folder). Dates are read
with the format the mapping gives per column, or as ISO dates; a day/month value without a
format is an error naming file, column, row and value, never a guess.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from spm_models.data.company import ALL_TABLES, TABLES, build_company
from spm_models.errors import InputDataError, Problem
from spm_models.sources.parse import parse_bool, parse_dates, parse_money, parse_percent
from spm_models.sources.provenance import ProvenanceEntry
from spm_models.sources.readers import (
    TableSource,
    YamlDocumentError,
    absolute_sqlite_url,
    load_yaml_strict,
    read_source_table,
    redact_url,
    sqlite_file,
)

TOP_KEYS = (
    "preset",
    "path",
    "options",
    "tables",
    "deals",
    "rules",
    "currency_rates",
    "description",
)
#: Reading options of the Salesforce preset (``SalesforceOptions`` other than its rules).
PRESET_OPTIONS = ("date_format", "decimal", "encoding")
#: Frames of an opportunity-level export (see :class:`~spm_models.sources.deals.DealExport`).
DEAL_FRAMES = ("accounts", "deals", "users", "splits", "line_items")
REQUIRED_DEAL_FRAMES = ("accounts", "deals")
TABLE_KEYS = (
    "file",
    "sql",
    "encoding",
    "delimiter",
    "sheet",
    "columns",
    "values",
    "dates",
    "money",
    "percent",
    "booleans",
    "currency",
    "defaults",
)
SQL_KEYS = ("url", "query")
CURRENCY_KEYS = ("column", "amounts")
PRESETS = ("salesforce",)
PERCENT_SCALES = ("auto", "share", "percent")


@dataclass(frozen=True)
class TableMapping:
    """How one canonical table is read from an export.

    Attributes
    ----------
    table : str
        Canonical table name.
    source : TableSource
        The file or query.
    columns : dict
        Export column name to canonical name.
    values : dict
        Canonical column to ``{export value: canonical value}``.
    dates : dict
        Canonical column to its ``strptime`` format.
    money : dict
        Canonical column to its decimal mark (``"."`` or ``","``).
    percent : dict
        Canonical column to its scale (``auto``, ``share`` or ``percent``).
    booleans : tuple of str
        Canonical columns holding true/false words.
    currency_column : str or None
        Export column holding each row's currency code.
    currency_amounts : tuple of str
        Canonical money columns converted to USD with the mapping's rates.
    defaults : dict
        Canonical column to a constant filled where the export has no such column.
    """

    table: str
    source: TableSource
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[Any, Any]] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    money: dict[str, str] = field(default_factory=dict)
    percent: dict[str, str] = field(default_factory=dict)
    booleans: tuple[str, ...] = ()
    currency_column: str | None = None
    currency_amounts: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceMapping:
    """A validated mapping.

    Attributes
    ----------
    label : str
        How the mapping is named in messages (its file name, or ``"mapping"``).
    base : Path
        Folder that relative paths resolve against.
    tables : dict of TableMapping
        Canonical tables read directly.
    preset : str or None
        ``"salesforce"``: the folder ``preset_path`` is read by that importer.
    preset_path : Path or None
        The preset's export folder.
    rates : dict
        Currency code to its USD value (``USD`` is 1).
    text : str
        The mapping's own text (part of its fingerprint).
    """

    label: str
    base: Path
    tables: dict[str, TableMapping]
    preset: str | None = None
    preset_path: Path | None = None
    rates: dict[str, float] = field(default_factory=dict)
    text: str = ""
    deals: dict[str, TableMapping] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------- reading a mapping


def _problem(label: str, key: str, message: str) -> Problem:
    return Problem(source=label, message=f"{key}: {message}")


def _unknown(raw: MappingABC, allowed: tuple[str, ...], where: str, label: str) -> list[Problem]:
    names = ", ".join(allowed)
    return [
        _problem(label, f"{where}{key}", f"unknown key (allowed: {names})")
        for key in raw
        if key not in allowed
    ]


def _str_dict(raw: Any, where: str, label: str, problems: list[Problem]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, MappingABC):
        problems.append(_problem(label, where, f"must be a mapping; got {type(raw).__name__}"))
        return {}
    return {str(k): v for k, v in raw.items()}


def _resolve(base: Path, text: str) -> Path:
    return (base / Path(text).expanduser()).resolve()


def _str_list(raw: Any, where: str, label: str, problems: list[Problem]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        problems.append(_problem(label, where, f"must be a list of column names; got {raw!r}"))
        return ()
    return tuple(raw)


def _file_options(
    raw: MappingABC, where: str, label: str, problems: list[Problem]
) -> dict[str, Any]:
    import codecs

    encoding = str(raw.get("encoding", "utf-8"))
    try:
        codecs.lookup(encoding)
    except LookupError:
        problems.append(_problem(label, f"{where}encoding", f"unknown encoding {encoding!r}"))
        encoding = "utf-8"
    delimiter = str(raw.get("delimiter", ","))
    if len(delimiter) != 1:
        problems.append(
            _problem(label, f"{where}delimiter", f"must be one character; got {delimiter!r}")
        )
        delimiter = ","
    sheet = raw.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
        problems.append(
            _problem(label, f"{where}sheet", f"must be a sheet name or position; got {sheet!r}")
        )
        sheet = None
    return {"encoding": encoding, "delimiter": delimiter, "sheet": sheet}


def _source(
    raw: MappingABC, where: str, base: Path, label: str, problems: list[Problem]
) -> TableSource | None:
    if ("file" in raw) == ("sql" in raw):
        problems.append(_problem(label, where.rstrip("."), "give exactly one of file or sql"))
        return None
    options = _file_options(raw, where, label, problems)
    if "file" in raw:
        path = _resolve(base, str(raw["file"]))
        if not path.is_file():
            problems.append(_problem(label, f"{where}file", f"file {raw['file']!r} not found"))
        return TableSource(path=path, label=path.name, **options)
    sql = _str_dict(raw["sql"], f"{where}sql", label, problems)
    problems += _unknown(sql, SQL_KEYS, f"{where}sql.", label)
    if not isinstance(sql.get("url"), str) or not isinstance(sql.get("query"), str):
        problems.append(_problem(label, f"{where}sql", "needs a url and a query"))
        return None
    url = absolute_sqlite_url(sql["url"], base)
    db = sqlite_file(url)
    if db is not None and not db.is_file():
        problems.append(_problem(label, f"{where}sql.url", f"database file {str(db)!r} not found"))
    name = db.name if db is not None else redact_url(url)
    return TableSource(url=url, query=sql["query"], label=f"{name}#{where.split('.')[1]}")


def _choices(
    spec: MappingABC, key: str, allowed: tuple[str, ...], where: str, label: str, problems
) -> dict[str, str]:
    """A ``{column: choice}`` block whose every choice is one of ``allowed``."""
    out = _str_dict(spec.get(key), f"{where}{key}", label, problems)
    for col, choice in out.items():
        if choice not in allowed:
            names = " or ".join(repr(a) for a in allowed)
            problems.append(
                _problem(label, f"{where}{key}.{col}", f"must be {names}; got {choice!r}")
            )
    return out


def _renames(spec: MappingABC, where: str, label: str, problems: list[Problem]) -> dict[str, str]:
    columns = {
        str(k): str(v)
        for k, v in _str_dict(spec.get("columns"), f"{where}columns", label, problems).items()
    }
    targets = list(columns.values())
    for target in sorted({t for t in targets if targets.count(t) > 1}):
        problems.append(
            _problem(label, f"{where}columns", f"several export columns map to {target!r}")
        )
    return columns


def _table(
    name: str, raw: Any, base: Path, label: str, problems: list[Problem], *, where: str = ""
) -> TableMapping | None:
    where = where or f"tables.{name}."
    spec = _str_dict(raw, where.rstrip("."), label, problems)
    problems += _unknown(spec, TABLE_KEYS, where, label)
    source = _source(spec, where, base, label, problems)
    currency = _str_dict(spec.get("currency"), f"{where}currency", label, problems)
    problems += _unknown(currency, CURRENCY_KEYS, f"{where}currency.", label)
    if currency and not isinstance(currency.get("column"), str):
        problems.append(_problem(label, f"{where}currency.column", "names the currency column"))
    values = _str_dict(spec.get("values"), f"{where}values", label, problems)
    values = {c: _str_dict(v, f"{where}values.{c}", label, problems) for c, v in values.items()}
    dates = _str_dict(spec.get("dates"), f"{where}dates", label, problems)
    mapping = TableMapping(
        table=name,
        source=source or TableSource(),
        columns=_renames(spec, where, label, problems),
        values=values,
        dates={k: str(v) for k, v in dates.items()},
        money=_choices(spec, "money", (".", ","), where, label, problems),
        percent=_choices(spec, "percent", PERCENT_SCALES, where, label, problems),
        booleans=_str_list(spec.get("booleans"), f"{where}booleans", label, problems),
        currency_column=currency.get("column"),
        currency_amounts=_str_list(
            currency.get("amounts"), f"{where}currency.amounts", label, problems
        ),
        defaults=_str_dict(spec.get("defaults"), f"{where}defaults", label, problems),
    )
    return mapping if source is not None else None


def _rates(raw: Any, label: str, problems: list[Problem]) -> dict[str, float]:
    rates = {"USD": 1.0}
    for code, rate in _str_dict(raw, "currency_rates", label, problems).items():
        ok = isinstance(rate, int | float) and not isinstance(rate, bool) and rate > 0
        if not ok:
            problems.append(
                _problem(label, f"currency_rates.{code}", f"must be a number > 0; got {rate!r}")
            )
        else:
            rates[code.upper()] = float(rate)
    return rates


def read_mapping(mapping: str | Path | MappingABC, *, base: Path | None = None) -> SourceMapping:
    """Read and validate a mapping file or dict.

    Parameters
    ----------
    mapping : str, Path or dict
        A ``mapping.yaml`` file, or its content as a dict.
    base : Path, optional
        Folder relative paths resolve against (default: the file's folder, or the current
        folder for a dict).

    Returns
    -------
    SourceMapping

    Raises
    ------
    InputDataError
        Listing every problem, each naming the mapping file and key.
    """
    if isinstance(mapping, MappingABC):
        label, text, raw = "mapping", repr(sorted(mapping.items(), key=str)), mapping
        base = Path(base or Path.cwd()).resolve()
    else:
        path = Path(mapping).expanduser().resolve()
        label, base = path.name, Path(base or path.parent).resolve()
        if not path.is_file():
            raise InputDataError(f"mapping file {str(path)!r} not found", source=label)
        text = path.read_text(encoding="utf-8")
        try:
            raw = load_yaml_strict(text)
        except YamlDocumentError as exc:
            raise InputDataError(str(exc), source=label) from exc
        except Exception as exc:  # yaml.YAMLError: say where, not the whole value
            raise InputDataError(f"is not valid YAML: {exc}", source=label) from exc
    if not isinstance(raw, MappingABC):
        raise InputDataError("must be a YAML mapping of keys to values", source=label)
    problems = _unknown(raw, TOP_KEYS, "", label)
    preset, preset_path = raw.get("preset"), None
    if preset is not None:
        if preset not in PRESETS:
            problems.append(
                _problem(label, "preset", f"must be one of {', '.join(PRESETS)}; got {preset!r}")
            )
        if not isinstance(raw.get("path"), str):
            problems.append(_problem(label, "path", "names the export folder of the preset"))
        else:
            preset_path = _resolve(base, raw["path"])
            if not preset_path.is_dir():
                problems.append(_problem(label, "path", f"folder {raw['path']!r} not found"))
        if "tables" in raw:
            problems.append(_problem(label, "tables", "give either a preset or tables"))
    tables: dict[str, TableMapping] = {}
    for name, spec in _str_dict(raw.get("tables"), "tables", label, problems).items():
        if name not in ALL_TABLES:
            problems.append(
                _problem(
                    label, f"tables.{name}", f"unknown table (allowed: {', '.join(ALL_TABLES)})"
                )
            )
            continue
        table = _table(name, spec, base, label, problems)
        if table is not None:
            tables[name] = table
    deals = _deal_frames(raw, base, label, problems)
    if preset is None and "deals" not in raw:
        for name in TABLES:
            if name not in (raw.get("tables") or {}):
                problems.append(_problem(label, f"tables.{name}", "required table is missing"))
    if "deals" in raw and ("tables" in raw or preset is not None):
        problems.append(_problem(label, "deals", "give one of tables, deals or a preset"))
    rates = _rates(raw.get("currency_rates"), label, problems)
    rules = _rules(raw.get("rules"), rates, label, problems)
    if "rules" in raw and "deals" not in raw and preset is None:
        problems += _table_rules(raw.get("rules"), label)
    options = _str_dict(raw.get("options"), "options", label, problems)
    problems += _unknown(options, PRESET_OPTIONS, "options.", label)
    if options and preset is None:
        problems.append(_problem(label, "options", "apply to a preset"))
    if problems:
        raise InputDataError(problems)
    return SourceMapping(
        label, base, tables, preset, preset_path, rates, text, deals, rules, options
    )


def _deal_frames(
    raw: MappingABC, base: Path, label: str, problems: list[Problem]
) -> dict[str, TableMapping]:
    if "deals" not in raw:
        return {}
    frames = _str_dict(raw.get("deals"), "deals", label, problems)
    out: dict[str, TableMapping] = {}
    for name, spec in frames.items():
        if name not in DEAL_FRAMES:
            allowed = ", ".join(DEAL_FRAMES)
            problems.append(_problem(label, f"deals.{name}", f"unknown frame (allowed: {allowed})"))
            continue
        if isinstance(spec, MappingABC) and ("defaults" in spec or "currency" in spec):
            problems.append(
                _problem(
                    label,
                    f"deals.{name}",
                    "defaults and currency are set by rules for a deal export "
                    "(derivation rules and currency_rates)",
                )
            )
        table = _table(name, spec, base, label, problems, where=f"deals.{name}.")
        if table is not None:
            out[name] = table
    for name in REQUIRED_DEAL_FRAMES:
        if name not in frames:
            problems.append(_problem(label, f"deals.{name}", "required frame is missing"))
    return out


def _rule_value(name: str, value: Any) -> Any:
    """A rule parameter from YAML to what :class:`BuildRules` takes (tuples, timestamps)."""
    if name == "stage_bands":
        return tuple((str(stage), float(bound)) for stage, bound in value)
    if name == "type_words":
        items = value.items() if isinstance(value, MappingABC) else value
        return tuple((str(kind), tuple(str(w) for w in words)) for kind, words in items)
    if name in ("segment_employees", "segment_revenue"):
        low, high = value
        return (float(low), float(high))
    if name == "as_of":
        return pd.Timestamp(str(value))
    if name == "calls_per_year":
        return {str(k): float(v) for k, v in value.items()}
    return value


def _table_rules(raw: Any, label: str) -> list[Problem]:
    """Rules that only an opportunity-level export uses, given with ``tables``."""
    from dataclasses import fields

    from spm_models.sources.deals import BuildRules
    from spm_models.sources.derive import ACCOUNT_RULES

    if not isinstance(raw, MappingABC):
        return []
    known = {f.name for f in fields(BuildRules)}
    allowed = ", ".join(ACCOUNT_RULES)
    return [
        _problem(
            label,
            f"rules.{name}",
            f"applies to an opportunity-level export (deals) or a preset; with tables the "
            f"rules are {allowed}",
        )
        for name in raw
        if name in known and name not in ACCOUNT_RULES
    ]


def _rules(
    raw: Any, rates: dict[str, float], label: str, problems: list[Problem]
) -> dict[str, Any]:
    from dataclasses import fields

    from spm_models.sources.deals import BuildRules

    names = tuple(f.name for f in fields(BuildRules) if f.name != "rates")
    given = _str_dict(raw, "rules", label, problems)
    problems += _unknown(given, names, "rules.", label)
    rules: dict[str, Any] = {"rates": dict(rates)}
    for name, value in given.items():
        if name not in names:
            continue
        try:
            rules[name] = _rule_value(name, value)
        except (TypeError, ValueError, AttributeError):
            problems.append(_problem(label, f"rules.{name}", f"has the wrong shape; got {value!r}"))
    try:
        BuildRules(**rules)
    except ValueError as exc:  # the rules' own check, in scikit-learn's words
        problems.append(_problem(label, "rules", str(exc)))
    return rules


# ----------------------------------------------------------------------- applying a mapping


def _collect(problems: list[Problem], parse, *args, **kwargs) -> pd.Series | None:
    """Run one parser, keeping its problems instead of stopping at the first column."""
    try:
        return parse(*args, **kwargs)
    except InputDataError as exc:
        problems += exc.problems
        return None


def _rename(frame: pd.DataFrame, spec: TableMapping, problems: list[Problem]) -> pd.DataFrame:
    name = spec.source.name
    missing = [c for c in spec.columns if c not in frame.columns]
    for col in missing:
        problems.append(Problem(source=name, column=col, message="is not in the export"))
    clash = [c for c in set(spec.columns.values()) if c in frame.columns and c not in spec.columns]
    for col in clash:
        problems.append(
            Problem(
                source=name,
                column=col,
                message="is already a column of the export; a second column cannot be mapped to it",
            )
        )
    return frame.rename(columns={k: v for k, v in spec.columns.items() if k in frame.columns})


def _map_values(
    frame: pd.DataFrame, spec: TableMapping, export: dict[str, str], problems: list[Problem]
) -> None:
    for col, table in spec.values.items():
        if col not in frame.columns:
            problems.append(Problem(source=spec.source.name, column=col, message="is not a column"))
            continue
        text = frame[col].astype("string").str.strip()
        lookup = {str(k).strip(): v for k, v in table.items()}
        known = text.isin(list(lookup)) | text.isin([str(v) for v in lookup.values()])
        bad = (text.notna() & (text != "") & ~known.fillna(False)).to_numpy()
        for pos in bad.nonzero()[0][:5]:
            allowed = ", ".join(repr(k) for k in lookup)
            problems.append(
                Problem(
                    source=spec.source.name,
                    column=export.get(col, col),
                    message=f"value {text.iloc[pos]!r} is not in the mapping's values "
                    f"(known: {allowed})",
                    row=int(pos) + 1,
                )
            )
        mapped = text.astype(object).map(lookup)  # a dict lookup, vectorised by pandas
        frame[col] = mapped.where(mapped.notna(), text.astype(object))


def _parse_columns(
    frame: pd.DataFrame, spec: TableMapping, export: dict[str, str], problems: list[Problem]
) -> None:
    name = spec.source.name
    jobs = [
        *((c, parse_dates, {"fmt": f}) for c, f in spec.dates.items()),
        *((c, parse_money, {"decimal": d}) for c, d in spec.money.items()),
        *((c, parse_percent, {"scale": s}) for c, s in spec.percent.items()),
        *((c, parse_bool, {}) for c in spec.booleans),
    ]
    for col, parse, options in jobs:
        if col not in frame.columns:
            problems.append(Problem(source=name, column=col, message="is not a column"))
            continue
        parsed = _collect(
            problems, parse, frame[col], file=name, column=export.get(col, col), **options
        )
        if parsed is not None:
            frame[col] = parsed.to_numpy()


def _convert_currency(
    frame: pd.DataFrame,
    spec: TableMapping,
    rates: dict[str, float],
    export: dict[str, str],
    problems: list[Problem],
) -> None:
    name, col = spec.source.name, spec.currency_column
    if col is None:
        return
    if col not in frame.columns:
        problems.append(Problem(source=name, column=col, message="is not in the export"))
        return
    codes = frame[col].astype("string").str.strip().str.upper()
    rate = codes.map(rates)
    bad = (codes.notna() & rate.isna()).to_numpy()
    known = ", ".join(sorted(rates))
    for pos in bad.nonzero()[0][:5]:
        problems.append(
            Problem(
                source=name,
                column=col,
                message=f"currency {codes.iloc[pos]!r} has no rate in currency_rates "
                f"(known: {known})",
                row=int(pos) + 1,
            )
        )
    for amount in spec.currency_amounts:
        if amount not in frame.columns or amount not in spec.money:
            problems.append(
                Problem(
                    source=name,
                    column=export.get(amount, amount),
                    message="is converted by currency, so it must be listed under money",
                )
            )
            continue
        frame[amount] = pd.to_numeric(frame[amount], errors="coerce") * rate.fillna(1.0)
    del frame[col]


def _defaults(
    frame: pd.DataFrame, spec: TableMapping
) -> tuple[pd.DataFrame, list[ProvenanceEntry]]:
    entries = []
    for col, value in spec.defaults.items():
        if col in frame.columns:
            continue
        frame[col] = value
        entries.append(
            ProvenanceEntry(
                table=spec.table,
                column=col,
                rule="defaulted by the mapping",
                detail=f"The export has no {col} column: the mapping sets {value!r} for every row.",
                rows=len(frame),
            )
        )
    return frame, entries


def map_table(
    spec: TableMapping, rates: dict[str, float], problems: list[Problem]
) -> tuple[pd.DataFrame | None, list[ProvenanceEntry]]:
    """Read one export and turn it into a canonical table (not yet validated).

    Problems are appended to ``problems`` (every column's, not only the first).
    """
    try:
        frame = read_source_table(spec.source)
    except InputDataError as exc:
        problems += exc.problems
        return None, []
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    export = {v: k for k, v in spec.columns.items()}
    before = len(problems)
    frame = _rename(frame, spec, problems)
    _map_values(frame, spec, export, problems)
    _parse_columns(frame, spec, export, problems)
    _convert_currency(frame, spec, rates, export, problems)
    if len(problems) > before:
        return None, []
    return _defaults(frame, spec)


def import_mapped(mapping: str | Path | MappingABC | SourceMapping, *, base: Path | None = None):
    """Import a company through a mapping.

    Parameters
    ----------
    mapping : str, Path, dict or SourceMapping
        A ``mapping.yaml`` file, its content as a dict, or a mapping already read.
    base : Path, optional
        Folder relative paths of a dict resolve against.

    Returns
    -------
    ImportResult
        The validated company and the provenance of every derived or defaulted field.

    Raises
    ------
    InputDataError
        Every problem of the mapping, of each export (file, column, row, value) and of the
        canonical tables they make.
    """
    from spm_models.sources.deals import ImportResult

    spec = mapping if isinstance(mapping, SourceMapping) else read_mapping(mapping, base=base)
    if spec.preset == "salesforce":
        from spm_models.sources.deals import BuildRules
        from spm_models.sources.salesforce import SalesforceOptions, read_salesforce

        assert spec.preset_path is not None
        options = SalesforceOptions(rules=BuildRules(**spec.rules), **spec.options)
        return read_salesforce(spec.preset_path, options=options)
    if spec.deals:
        return _import_deals(spec)
    problems: list[Problem] = []
    raw: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    provenance: list[ProvenanceEntry] = []
    for name, table in spec.tables.items():
        frame, entries = map_table(table, spec.rates, problems)
        if frame is not None:
            raw[name], sources[name] = frame, table.source.name
            provenance += entries
    if problems:
        raise InputDataError(problems)
    if "accounts" in raw:
        from spm_models.sources.deals import BuildRules
        from spm_models.sources.derive import derive_account_fields

        raw["accounts"], entries = derive_account_fields(
            raw["accounts"], raw.get("bookings"), BuildRules(**spec.rules)
        )
        provenance += entries
    company = build_company(
        raw, sources, origin=f"mapping {spec.label}", provenance=tuple(provenance)
    )
    return ImportResult(
        company=company, provenance=company.provenance, unplaced=unplaced_rows(company)
    )


def _import_deals(spec: SourceMapping):
    """The opportunity-level path: mapped frames to :func:`build_company_from_deals`."""
    from spm_models.sources.deals import BuildRules, DealExport, build_company_from_deals

    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    for name, table in spec.deals.items():
        frame, _ = map_table(table, spec.rates, problems)
        if frame is not None:
            frames[name] = frame
    if problems:
        raise InputDataError(problems)
    export = DealExport(
        **frames, files={name: table.source.name for name, table in spec.deals.items()}
    )
    return build_company_from_deals(export, BuildRules(**spec.rules))


UNPLACED_COLUMNS = ("table", "id", "zip", "city", "state", "country")


def unplaced_rows(company) -> pd.DataFrame:
    """Accounts and reps without coordinates (listed, never dropped)."""
    parts = []
    for table, key, prefix in (("accounts", "account_id", ""), ("reps", "rep_id", "home_")):
        frame = getattr(company, table)
        missing = frame[frame[f"{prefix}lat"].isna() | frame[f"{prefix}lon"].isna()]
        part = pd.DataFrame({"table": table, "id": missing[key]})
        for col in ("zip", "city", "state", "country"):
            name = f"{prefix}{col}" if f"{prefix}{col}" in frame else col
            part[col] = missing[name] if name in frame else pd.NA
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[list(UNPLACED_COLUMNS)]


# ------------------------------------------------------------------- inputs and fingerprint


def mapping_inputs(spec: SourceMapping) -> list[Path] | None:
    """Every file the mapping reads, or ``None`` when one input is a database server."""
    if spec.preset is not None:
        assert spec.preset_path is not None
        return sorted(p for p in spec.preset_path.iterdir() if p.is_file())
    files: list[Path] = []
    for table in [*spec.tables.values(), *spec.deals.values()]:
        if table.source.path is not None:
            files.append(table.source.path)
            continue
        db = sqlite_file(table.source.url or "")
        if db is None:
            return None
        files.append(db)
    return sorted(set(files))


def _sha(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(hashlib.sha256(chunk).digest())
    return digest.hexdigest()


def inputs_hash(spec: SourceMapping) -> str | None:
    """Hash of the mapping's text and of every input file's name and bytes.

    ``None`` when an input cannot be hashed (a database server): such data is always read
    afresh.
    """
    files = mapping_inputs(spec)
    if files is None:
        return None
    return _sha(
        spec.text.encode(),
        *(str(p).encode() + (p.read_bytes() if p.is_file() else b"") for p in files),
    )


def is_mapping_file(path: str | Path) -> bool:
    """True when ``path`` is a YAML file that reads as a mapping (tables, deals or a preset)."""
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        raw = load_yaml_strict(path.read_text(encoding="utf-8"))
    except Exception:  # an unreadable file is reported by whichever reader claims it
        return False
    return (
        isinstance(raw, MappingABC)
        and "notebooks" not in raw
        and any(key in raw for key in ("tables", "deals", "preset"))
    )


# ---------------------------------------------------------------- importing into a folder


def preset_mapping(preset: str, folder: Path) -> SourceMapping:
    """The mapping of a preset over an export folder (``preset: NAME, path: FOLDER``)."""
    return read_mapping({"preset": preset, "path": str(folder)}, base=folder)


def _code_hash() -> str:
    """Hash of the importer's code, so that a fix re-imports cached data."""
    package = Path(__file__).resolve().parents[1]
    files = sorted([*(package / "sources").glob("*.py"), *(package / "data").glob("*.py")])
    return _sha(*(p.name.encode() + p.read_bytes() for p in files))


def materialise(spec: SourceMapping, cache_root: Path) -> Path:
    """Import once into a canonical company folder and return it.

    The folder is ``cache_root/<hash of the inputs and importer code>``; an import whose
    inputs are unchanged is reused. Inputs that cannot be hashed (a database server) are
    imported into a fresh folder every time. Several processes may ask at once: each writes
    a private folder and renames it into place.

    Raises
    ------
    InputDataError
        Every problem of the mapping and its exports; nothing is written then.
    """
    import secrets

    from spm_models.data.cache import build_once
    from spm_models.data.company import write_company

    key = inputs_hash(spec)
    name = _sha(key.encode(), _code_hash().encode())[:20] if key else None
    target = cache_root / (name or f"uncached-{secrets.token_hex(6)}")

    def write(folder: Path) -> None:
        result = import_mapped(spec)
        write_company(result.company, folder)
        if not result.unplaced.empty:
            result.unplaced.to_csv(folder / "unplaced.csv", index=False)

    return build_once(target, "accounts.csv", write)
