"""Write the loader's raw tables from a DuckDB file to a folder of Parquet, for engines that read files.

Each of raw.messages, raw.conversations, raw.load_rejects and raw.load_files becomes
`<out>/<table>/data.parquet`: same columns, timestamps as UTC instants, JSON as text. On Spark the
`register_parquet_sources` operation declares them as the `raw` tables the dbt sources read
(`make test-spark`); the same folder can be copied to object storage for a cluster.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import duckdb
from intercom_sla.database import connect_read_only
from intercom_sla.errors import UserError
from intercom_sla.raw_tables import RAW_TABLES, raw_table_columns

log = logging.getLogger("export_parquet")


def text_columns_sql(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    """The table's select list with JSON columns cast to text (Parquet readers other than DuckDB see a string)."""
    return ", ".join(
        f'cast("{name}" as varchar) as "{name}"' if data_type == "JSON" else f'"{name}"'
        for name, data_type in raw_table_columns(con, schema, table)
    )


def export_raw_tables(con: duckdb.DuckDBPyConnection, out_dir: Path, schema: str = "raw") -> dict[str, int]:
    """Replace `out_dir/<table>/data.parquet` for every raw table; returns the rows written per table."""
    written = {}
    for table in RAW_TABLES:
        select_list = text_columns_sql(con, schema, table)
        table_dir = out_dir / table
        shutil.rmtree(table_dir, ignore_errors=True)
        table_dir.mkdir(parents=True)
        target = str(table_dir / "data.parquet").replace("'", "''")
        written[table] = con.execute(
            f"copy (select {select_list} from {schema}.{table}) to '{target}' (format parquet, compression zstd)"
        ).fetchone()[0]
        log.info("%s.%s: %d rows -> %s", schema, table, written[table], table_dir)
    return written


def write_parquet(db: Path, out_dir: Path, schema: str = "raw") -> str:
    """Export the raw tables of the database `db`; the line to print (rows per table)."""
    try:
        with connect_read_only(db) as con:
            written = export_raw_tables(con, out_dir, schema)
    except (duckdb.Error, OSError) as error:
        raise UserError(f"{db}: writing Parquet to {out_dir} failed: {str(error).strip().splitlines()[0]}") from None
    return ", ".join(f"{table} {rows}" for table, rows in written.items())
