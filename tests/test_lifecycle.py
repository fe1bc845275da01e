"""The second week and after, as a state machine: loads of weekly files and connector syncs (late and
re-synced rows included), builds with random --select / --exclude, builds killed with SIGKILL or
interrupted with Ctrl-C at random moments, in random order. After every step, a plain `dbt build` of
the database must give exactly what a fresh full-refresh build of the same inputs gives, table by table
(the promise of docs/operations.md: incremental never drifts)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import DBT, ROOT, intercom_sla, load, run_dbt
from connector_fixtures import FIVETRAN_SCHEMA, fivetran_tables
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from test_incremental import COMPARED, differences, split_export

BUILD = ("build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
SELECTIONS = (
    (),
    ("--select", "marts"),
    ("--select", "staging", "intermediate"),
    ("--select", "int_conversations_first_response_found+"),
    ("--select", "+fct_customer_waits"),
    ("--exclude", "fct_conversations"),
    ("--exclude", "int_conversations_resolved", "int_customer_waits_delimited"),
)
FIVETRAN_VARS = ("--vars", f"{{intercom_source: fivetran, intercom_schema: {FIVETRAN_SCHEMA}}}")
FIVETRAN_TABLES = ("conversation_history", "conversation_part_history", "conversation_tag_history", "tag")
MACHINE_SETTINGS = settings(
    max_examples=2,
    stateful_step_count=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def interrupted(db: Path, work: Path, arguments: tuple[str, ...], after_seconds: float, how: signal.Signals) -> None:
    """dbt as a user runs it, stopped `after_seconds` in: SIGKILL (a killed job) or SIGINT (Ctrl-C)."""
    env = {**os.environ, "DBT_DUCKDB_PATH": str(db), "DBT_PROFILES_DIR": str(ROOT)}
    command = [str(DBT), *BUILD, *arguments, "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after_seconds)
    process.send_signal(how)
    process.wait(timeout=120)


class Lifecycle(RuleBasedStateMachine):
    """One database through a random life; `reference` builds the same inputs from scratch."""

    arguments: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="lifecycle-"))
        self.db = self.work / "lived.duckdb"
        self.built_once = False

    def teardown(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def reference(self) -> Path:
        raise NotImplementedError

    def has_inputs(self) -> bool:
        return True

    @rule(selection=st.sampled_from(SELECTIONS))
    def build(self, selection: tuple[str, ...]) -> None:
        # a partial build may fail (what it selects was never built): that is one of the states to survive
        run_dbt(*BUILD, *self.arguments, *selection, db=self.db, work=self.work)
        self.built_once = True

    @rule(
        selection=st.sampled_from(SELECTIONS),
        after_seconds=st.floats(min_value=2.0, max_value=12.0),
        how=st.sampled_from([signal.SIGKILL, signal.SIGINT]),
    )
    def stopped_build(self, selection: tuple[str, ...], after_seconds: float, how: signal.Signals) -> None:
        interrupted(self.db, self.work, (*self.arguments, *selection), after_seconds, how)

    @precondition(lambda self: self.built_once and self.has_inputs())
    @invariant()
    def a_full_build_equals_a_fresh_full_refresh(self) -> None:
        lived = self.work / "lived_then_built.duckdb"
        shutil.copy(self.db, lived)
        # a killed build can leave committed work in DuckDB's write-ahead log beside the file
        wal = self.db.with_name(self.db.name + ".wal")
        lived.with_name(lived.name + ".wal").unlink(missing_ok=True)
        if wal.exists():
            shutil.copy(wal, lived.with_name(lived.name + ".wal"))
        run = run_dbt(*BUILD, *self.arguments, db=lived, work=self.work / "check")
        assert run.returncode == 0, run.stdout[-3000:]
        fresh = self.reference()
        run = run_dbt(*BUILD, *self.arguments, "--full-refresh", db=fresh, work=self.work / "fresh")
        assert run.returncode == 0, run.stdout[-3000:]
        assert [difference for table in COMPARED for difference in differences(fresh, lived, table)] == []


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A small generated export as three overlapping weekly files and a re-export of the last one."""
    work = tmp_path_factory.mktemp("weeks")
    export = work / "messages.csv"
    assert intercom_sla("sample", "--out", export, "--conversations", "150", "--days", "21").returncode == 0
    first, rest = work / "week1.csv", work / "rest.csv"
    split_export(export, first, rest, overlap=15)
    second, third = work / "week2.csv", work / "week3.csv"
    split_export(rest, second, third, overlap=10)
    return [first, second, third]


def test_loads_builds_and_stops_in_any_order_never_drift(weeks: list[Path]) -> None:
    class LoaderLifecycle(Lifecycle):
        def __init__(self) -> None:
            super().__init__()
            self.loaded: list[Path] = []

        @rule(week=st.sampled_from(weeks))
        def load_a_week(self, week: Path) -> None:
            assert load(self.db, week).returncode == 0
            self.loaded.append(week)

        def has_inputs(self) -> bool:
            return bool(self.loaded)

        def reference(self) -> Path:
            fresh = self.work / "fresh.duckdb"
            fresh.unlink(missing_ok=True)
            assert load(fresh, *self.loaded).returncode == 0
            return fresh

    LoaderLifecycle.TestCase.settings = MACHINE_SETTINGS
    LoaderLifecycle.TestCase().runTest()


@pytest.fixture(scope="module")
def fivetran_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of the Fivetran fixture tables, to sync a few at a time."""
    db = tmp_path_factory.mktemp("fivetran") / "all.duckdb"
    fivetran_tables(db, FIVETRAN_SCHEMA)
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: (
                [column for column, *_ in con.execute(f"describe {FIVETRAN_SCHEMA}.{table}").fetchall()],
                con.execute(f"select * from {FIVETRAN_SCHEMA}.{table}").fetchall(),
            )
            for table in FIVETRAN_TABLES
        }


def test_connector_syncs_late_rows_and_builds_in_any_order_never_drift(
    fivetran_rows: dict[str, tuple[list[str], list[tuple]]],
) -> None:
    class FivetranLifecycle(Lifecycle):
        arguments = FIVETRAN_VARS

        def __init__(self) -> None:
            super().__init__()
            self.clock = datetime(2026, 3, 9, 6, 0)
            with duckdb.connect(str(self.db)) as con:
                con.execute(f"create schema {FIVETRAN_SCHEMA}")
                for table, (columns, _rows) in fivetran_rows.items():
                    described = ", ".join(f"{column} varchar" for column in columns)
                    con.execute(f"create table {FIVETRAN_SCHEMA}.{table} ({described})")
            self.pending = {table: list(rows) for table, (_columns, rows) in fivetran_rows.items()}

        def sync(self, share: float, synced_at: datetime) -> None:
            with duckdb.connect(str(self.db)) as con:
                for table, rows in self.pending.items():
                    columns = fivetran_rows[table][0]
                    batch, self.pending[table] = rows[: max(1, int(len(rows) * share))], rows[int(len(rows) * share) :]
                    stamped = [
                        [
                            str(synced_at) if column == "_fivetran_synced" else value
                            for column, value in zip(columns, row, strict=True)
                        ]
                        for row in batch
                    ]
                    if stamped:
                        con.executemany(
                            f"insert into {FIVETRAN_SCHEMA}.{table} values ({', '.join('?' for _ in columns)})", stamped
                        )

        @rule(share=st.floats(min_value=0.2, max_value=1.0))
        def a_sync(self, share: float) -> None:
            self.clock += timedelta(hours=6)
            self.sync(share, self.clock)

        @rule(share=st.floats(min_value=0.2, max_value=1.0))
        def a_late_sync(self, share: float) -> None:
            """Rows a sync job started before the last build landed after it: stamped before its mark."""
            self.sync(share, self.clock - timedelta(hours=2))

        def reference(self) -> Path:
            fresh = self.work / "fresh.duckdb"
            fresh.unlink(missing_ok=True)
            with duckdb.connect(str(fresh)) as con:
                con.execute(f"attach '{self.db}' as lived (read_only)")
                con.execute(f"create schema {FIVETRAN_SCHEMA}")
                for table in FIVETRAN_TABLES:
                    con.execute(
                        f"create table {FIVETRAN_SCHEMA}.{table} as select * from lived.{FIVETRAN_SCHEMA}.{table}"
                    )
            return fresh

    FivetranLifecycle.TestCase.settings = MACHINE_SETTINGS
    FivetranLifecycle.TestCase().runTest()
