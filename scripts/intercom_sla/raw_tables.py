"""The loader's raw tables, as the exports that carry them to other engines read them."""

from __future__ import annotations

import duckdb

from intercom_sla.errors import UserError

RAW_TABLES = ("messages", "conversations", "load_rejects", "load_files", "pull_deleted")


def raw_table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of each column, in order; a clear error when the loader has not run."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = $schema and table_name = $table order by ordinal_position",
        {"schema": schema, "table": table},
    ).fetchall()
    if not columns:
        raise UserError(f"{schema}.{table} not found; load an export first: intercom-sla load EXPORT...")
    return columns
