"""Read what a user hands the workbench: strict YAML documents and raw tables from anywhere.

Two families of readers live here:

- :func:`load_yaml_strict` reads a scenario or mapping file with PyYAML's safe loader, and
  refuses duplicate keys, oversized documents and alias bombs before they cost time or memory.
- :func:`read_source_table` reads one raw table named by a mapping: a CSV file (encoding,
  delimiter), an Excel ``.xlsx`` sheet, a Parquet file, or a SQL query against a SQLAlchemy
  URL. Values stay as they are in the export (CSV cells stay text) so that the mapping's
  explicit rules, not a reader's guess, decide how they are parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from spm_models.errors import InputDataError, Problem, SpmError

#: Largest scenario or mapping file read, in characters.
MAX_DOCUMENT_CHARS = 1_000_000
#: Most alias references (``*name``) one document may hold.
MAX_ALIASES = 200
#: Most nodes a document may hold once every alias is expanded.
MAX_EXPANDED_NODES = 200_000
#: Spreadsheet suffixes read through openpyxl.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", *EXCEL_SUFFIXES)


class YamlDocumentError(SpmError, ValueError):
    """A YAML document is refused; the message names the key or line, never the value."""


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that counts aliases and rejects duplicate mapping keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlDocumentError(
                    f"holds more than {MAX_ALIASES} aliases (line {mark.line + 1}); "
                    "write the values out instead"
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            line = key_node.start_mark.line + 1
            if first is not None:
                raise YamlDocumentError(
                    f"{key}: duplicate key (lines {first} and {line}); keep one of them"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Nodes in the document once aliases are expanded (memoised, so a bomb is cheap)."""
    ident = id(node)
    if ident in memo:
        return memo[ident]
    memo[ident] = 1  # a recursive alias counts once
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[ident] = min(size, MAX_EXPANDED_NODES + 1)
    return memo[ident]


def load_yaml_strict(text: str) -> Any:
    """Parse one YAML document safely and strictly.

    Parameters
    ----------
    text : str
        The document.

    Returns
    -------
    object
        What :func:`yaml.safe_load` returns.

    Raises
    ------
    YamlDocumentError
        For a document over :data:`MAX_DOCUMENT_CHARS`, more than :data:`MAX_ALIASES`
        aliases, more than :data:`MAX_EXPANDED_NODES` nodes once expanded, or a key given
        twice in one mapping.
    yaml.YAMLError
        For a document that is not valid YAML.
    """
    if len(text) > MAX_DOCUMENT_CHARS:
        raise YamlDocumentError(
            f"is {len(text):,} characters long; at most {MAX_DOCUMENT_CHARS:,} are read"
        )
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise YamlDocumentError(
                f"expands to more than {MAX_EXPANDED_NODES:,} values through its aliases; refused"
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()


# --------------------------------------------------------------------------- table readers


@dataclass(frozen=True)
class TableSource:
    """Where one raw table comes from.

    Attributes
    ----------
    path : Path or None
        A file (CSV, ``.xlsx``, Parquet); ``None`` for a SQL query.
    url : str or None
        A SQLAlchemy URL, with ``query``.
    query : str or None
        The SQL query returning the table.
    encoding : str
        Text encoding of a CSV file.
    delimiter : str
        Field delimiter of a CSV file.
    sheet : str or int or None
        Sheet of an Excel workbook (name or 0-based position); ``None``: the first.
    label : str
        How the table is named in messages (the file name, or ``<url>#query``).
    """

    path: Path | None = None
    url: str | None = None
    query: str | None = None
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | int | None = None
    label: str = field(default="")

    @property
    def name(self) -> str:
        """The label used in messages."""
        if self.label:
            return self.label
        if self.path is not None:
            return self.path.name
        return f"{redact_url(self.url or '')}#query"


def redact_url(url: str) -> str:
    """A SQLAlchemy URL with its password masked."""
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


def sqlite_file(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` or ``duckdb:///`` URL, else ``None``."""
    match = re.match(r"^(sqlite|duckdb)(\+\w+)?:///(.+)$", url)
    if not match or match.group(3) == ":memory:":
        return None
    return Path(match.group(3)).expanduser()


def absolute_sqlite_url(url: str, base: Path) -> str:
    """A ``sqlite:///`` or ``duckdb:///`` URL with a relative file resolved against ``base``."""
    match = re.match(r"^(sqlite|duckdb)(\+\w+)?:///(.+)$", url)
    if not match or match.group(3) == ":memory:":
        return url
    db = (base / Path(match.group(3)).expanduser()).resolve()
    return f"{match.group(1)}{match.group(2) or ''}:///{db}"


def _read_csv(source: TableSource) -> pd.DataFrame:
    assert source.path is not None
    data = source.path.read_bytes()
    if not data.strip():
        raise InputDataError([Problem(source=source.name, message="is empty (no header row)")])
    encoding = "utf-8-sig" if source.encoding.lower().replace("_", "-") == "utf-8" else None
    try:
        data.decode(encoding or source.encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputDataError(
            [
                Problem(
                    source=source.name,
                    message=(
                        f"is not valid {source.encoding}: byte 0x{data[exc.start]:02x} on line "
                        f"{line}; set the file's encoding in the mapping"
                    ),
                )
            ]
        ) from exc
    try:
        return pd.read_csv(
            source.path,
            dtype=str,
            keep_default_na=False,
            encoding=encoding or source.encoding,
            sep=source.delimiter,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputDataError(
            [Problem(source=source.name, message=f"is not a well-formed CSV file ({exc})")]
        ) from exc


def _read_excel(source: TableSource) -> pd.DataFrame:
    assert source.path is not None
    sheet = 0 if source.sheet is None else source.sheet
    try:
        frame = pd.read_excel(source.path, sheet_name=sheet, dtype=object, engine="openpyxl")
    except ValueError as exc:  # an unknown sheet
        raise InputDataError(
            [Problem(source=source.name, message=f"has no sheet {sheet!r} ({exc})")]
        ) from exc
    except Exception as exc:  # openpyxl raises several types for corrupt workbooks
        raise InputDataError(
            [Problem(source=source.name, message=f"is not a readable .xlsx workbook ({exc})")]
        ) from exc
    return frame


def _read_sql(source: TableSource) -> pd.DataFrame:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    url = source.url or ""
    origin = redact_url(url)
    db = sqlite_file(url)
    if db is not None and not db.is_file():
        raise InputDataError(
            [Problem(source=source.name, message=f"database file {str(db)!r} does not exist")]
        )
    try:
        engine = create_engine(url)
    except Exception as exc:  # unknown dialect, missing driver
        raise InputDataError(f"cannot open database {origin!r}: {exc}", source=origin) from exc
    try:
        with engine.connect() as conn:
            return pd.read_sql_query(text(source.query or ""), conn)
    except (SQLAlchemyError, pd.errors.DatabaseError) as exc:
        cause = exc.__cause__ if isinstance(exc, pd.errors.DatabaseError) else exc
        reason = str(getattr(cause, "orig", None) or cause or exc).splitlines()[0]
        raise InputDataError(
            [Problem(source=source.name, message=f"the query failed: {reason}")]
        ) from exc
    finally:
        engine.dispose()


def read_source_table(source: TableSource) -> pd.DataFrame:
    """Read one raw table as it is in the export.

    Parameters
    ----------
    source : TableSource
        The file or query.

    Returns
    -------
    DataFrame
        CSV cells as text; Excel, Parquet and SQL values as their readers type them.

    Raises
    ------
    InputDataError
        For a missing, empty, undecodable or unreadable file, or a failing query.
    """
    if source.path is None:
        return _read_sql(source)
    if not source.path.is_file():
        raise InputDataError(
            [Problem(source=source.name, message=f"file not found ({source.path})")]
        )
    suffix = source.path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pd.read_parquet(source.path)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise InputDataError(
                [Problem(source=source.name, message=f"is not a readable Parquet file ({exc})")]
            ) from exc
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(source)
    return _read_csv(source)
