"""The libpq connection string the PostgreSQL helper scripts use by default."""

from __future__ import annotations

import os


def default_dsn() -> str:
    """The POSTGRES_* variables, else the project's test server (scripts/postgres.sh)."""
    return (
        f"host={os.environ.get('POSTGRES_HOST', '127.0.0.1')} port={os.environ.get('POSTGRES_PORT', '54329')} "
        f"user={os.environ.get('POSTGRES_USER', 'postgres')} dbname={os.environ.get('POSTGRES_DB', 'intercom_sla')}"
    )
