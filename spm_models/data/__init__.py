"""Data layer: schemas, loaders, validation and the sample company."""

from __future__ import annotations

from spm_models.data.company import Company, build_company, load_company, write_company
from spm_models.data.loaders import read_table_file, write_sql_tables
from spm_models.data.sample import generate_company
from spm_models.data.schema import SCHEMAS, describe_schemas
from spm_models.data.validate import check_table, validate_table

__all__ = [
    "SCHEMAS",
    "Company",
    "build_company",
    "check_table",
    "describe_schemas",
    "generate_company",
    "load_company",
    "read_table_file",
    "validate_table",
    "write_company",
    "write_sql_tables",
]
