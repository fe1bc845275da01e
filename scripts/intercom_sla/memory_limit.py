"""The memory limit every DuckDB connection of the project keeps: the loader's, dbt's (profiles.yml)
and the readers' (reports, Parquet, status, the PostgreSQL copy)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# DuckDB's limit covers its buffers; Python, dbt and DuckDB's allocations outside the buffer pool add
# about 0.5 GB, so 3.2GB keeps a whole load or build of 5M conversations under 4 GB (docs/benchmark.md)
DEFAULT_MEMORY_LIMIT = "3.2GB"


def configured_memory_limit() -> str:
    return os.environ.get("DBT_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A reader's connection; without a limit DuckDB would take 80% of the machine for a large export."""
    return duckdb.connect(str(db_path), read_only=True, config={"memory_limit": configured_memory_limit()})
