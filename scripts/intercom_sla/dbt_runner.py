"""dbt in this process, on the project's profile pointed at one DuckDB database, its failures as UserErrors."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from intercom_sla.errors import ModelFailed, UserError, database_in_use, in_use

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunnerResult

PROJECT = Path(__file__).resolve().parents[2]


def dbt_targets() -> list[str]:
    import yaml

    profiles = yaml.safe_load((PROJECT / "profiles.yml").read_text(encoding="utf-8"))
    return list(profiles["intercom_sla"]["outputs"])


def run_dbt(db: Path, arguments: list[str]) -> dbtRunnerResult:
    """`dbt <arguments>` with the project's profile pointed at `db`; a failure is one line (dbt's own
    output above it names the models and tests)."""
    from dbt.cli.main import dbtRunner

    os.environ["DBT_DUCKDB_PATH"] = str(db)
    os.environ["DBT_PROFILES_DIR"] = str(PROJECT)
    try:
        with console_until_interrupted() as interrupted:
            result = dbtRunner().invoke([*arguments, "--project-dir", str(PROJECT)])
    finally:
        release_dbt_database()
    # a Ctrl-C can reach dbt inside code that reports it as another error (reading its partial-parse
    # file, say): after one, whatever dbt says is the interruption
    if interrupted.is_set() or isinstance(result.exception, KeyboardInterrupt):
        raise KeyboardInterrupt
    if result.exception is not None:
        detail = str(result.exception).strip() or type(result.exception).__name__
        raise UserError(f"dbt {arguments[0]}: {detail.splitlines()[0]}")
    if not result.success:
        messages = " ".join(str(getattr(node, "message", "") or "") for node in (result.result or []))
        if database_in_use(messages):
            raise in_use(db)
        if built_by_another_release(messages):
            raise ModelFailed(
                f"{db}: its incremental models were built by another release of intercom-sla; rebuild them"
                f" once from the loaded data: intercom-sla build --db {db} --full-refresh"
            )
        raise ModelFailed(f"dbt {arguments[0]} failed: see the models and tests marked ERROR or FAIL above")
    return result


@contextlib.contextmanager
def console_until_interrupted() -> Iterator[threading.Event]:
    """dbt's console output until a Ctrl-C; what dbt prints while it cancels (its stack trace) goes only to
    its log file, and the command says `interrupted`. Yields the event a Ctrl-C sets."""
    console = sys.stdout
    interrupted = threading.Event()

    class Console:
        def write(self, text: str) -> int:
            return len(text) if interrupted.is_set() else console.write(text)

        def __getattr__(self, name: str) -> object:
            return getattr(console, name)

    def on_interrupt(signal_number: int, frame: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    previous_handler = signal.signal(signal.SIGINT, on_interrupt)
    sys.stdout = Console()
    try:
        yield interrupted
    finally:
        sys.stdout = console
        signal.signal(signal.SIGINT, previous_handler)


def built_by_another_release(messages: str) -> bool:
    """An incremental model whose table has other columns than this release writes: dbt's
    on_schema_change check, or the high-water mark the incremental filter reads, missing."""
    missing = "not found" in messages or "does not exist" in messages
    missing_mark = missing and ("loaded_through" in messages or "settings_fingerprint" in messages)
    return missing_mark or "schemas on this incremental model are out of sync" in messages


def release_dbt_database() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a dbt command, so the report
    writers that follow can open the same file (DuckDB refuses a second opening with other settings)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None
