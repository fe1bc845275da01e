"""Every way the command fails, in one place: the one-line message a user sees and its exit code.

Exit codes: 0 done, 1 a dbt model or test failed (dbt has listed which), 2 a problem with the input or
the database (one line, no traceback), 130 interrupted.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

MODEL_FAILED = 1
USER_MISTAKE = 2
INTERRUPTED = 130


class UserError(Exception):
    """A problem with the user's input or environment, reported as one line without a traceback."""

    exit_code = USER_MISTAKE


class ModelFailed(UserError):
    """A dbt model or test failed, or the database needs a rebuild; dbt has printed the details."""

    exit_code = MODEL_FAILED


class Interrupted(UserError):
    """A Ctrl-C, with what it left behind."""

    exit_code = INTERRUPTED


def database_in_use(message: str) -> bool:
    """DuckDB's refusal to open a file another process holds (its message names the lock)."""
    return "lock" in message.lower()


def in_use(db: Path) -> UserError:
    return UserError(f"{db}: the database is in use by another process (a load or a build?); retry when it finishes")


def unreadable_database(db: Path, error: duckdb.Error | LookupError) -> UserError:
    """Why the built database could not be read, with what to do about it."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if database_in_use(message):
        return in_use(db)
    if "does not exist" in message.lower() or "catalog" in message.lower():
        return UserError(f"{db}: {message} (build the marts first: intercom-sla build --db {db})")
    return UserError(f"{db}: {message}")


def interrupted(error: BaseException) -> bool:
    """A Ctrl-C: Python's KeyboardInterrupt, or DuckDB's error for the query it stopped."""
    stopped_query = isinstance(error, RuntimeError) and str(error) == "Query interrupted"
    return stopped_query or isinstance(error, KeyboardInterrupt | duckdb.InterruptException)
