"""Readers and safe writers. Every reader raises :class:`tpm_models.errors.InputError`."""

from tpm_models.io.json_models import load_json_model, problems_from_validation_error
from tpm_models.io.tables import (
    RowParser,
    Table,
    neutralise_formulas,
    read_table,
    to_csv_bytes,
    to_excel_bytes,
)

__all__ = [
    "RowParser",
    "Table",
    "load_json_model",
    "neutralise_formulas",
    "problems_from_validation_error",
    "read_table",
    "to_csv_bytes",
    "to_excel_bytes",
]
