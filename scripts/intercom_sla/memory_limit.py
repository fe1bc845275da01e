"""The memory limit every DuckDB connection of the project keeps: the loader's, dbt's (profiles.yml)
and the readers' (reports, Parquet, status, the PostgreSQL copy)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# DuckDB's limit covers its buffers; Python, dbt and DuckDB's allocations outside the buffer pool add
# about 0.5 GB. At 3.2GB every step at 5M conversations peaked under 3.5 GiB, but an appended week's
# build ran out of memory in one of two runs (two dbt threads, the two largest incremental models at
# once), so the default stays at 4GB; set $DBT_DUCKDB_MEMORY_LIMIT lower on a 4 GB machine with one
# dbt thread (DBT_THREADS=1). docs/operations.md has the figures.
DEFAULT_MEMORY_LIMIT = "4GB"


def configured_memory_limit() -> str:
    return os.environ.get("DBT_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A reader's connection; without a limit DuckDB would take 80% of the machine for a large export."""
    return duckdb.connect(str(db_path), read_only=True, config={"memory_limit": configured_memory_limit()})
