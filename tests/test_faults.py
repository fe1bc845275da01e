"""Faults (issue 5): a killed loader, two loaders at once, a full disk, and BI readers during a build."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, SCRIPTS, load, query, run_dbt, write_export

SMALL_ROWS = ["c1,m1,2026-01-05T09:00:00Z,user,comment,,P1,", "c1,m2,2026-01-05T09:05:00Z,admin,comment,a1,,"]


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five million rows, written by DuckDB in a second or two, so a load takes several seconds."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    with duckdb.connect() as con:
        con.execute(
            """
            copy (
                select 'b' || (i // 5) as conversation_id, 'bm' || i as message_id,
                    '2026-01-05T09:00:00Z' as created_at,
                    case when i % 5 = 0 then 'user' else 'admin' end as sender_type,
                    'comment' as part_type, 'a' || (i % 40) as assignee_id, '' as priority, 'billing' as tags
                from range(5000000) as t(i)
            ) to $path (header)
            """,
            {"path": str(path)},
        )
    return path


def start_loader(db: Path, export: Path, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(SCRIPTS / "load.py"), "--quiet", "--db", str(db), str(export)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def snapshot(db: Path) -> list[tuple]:
    return query(
        db,
        "select (select count(*) from raw.messages), (select count(*) from raw.load_rejects),"
        " (select count(*) from raw.load_files), (select max(_record_key) from raw.messages)",
    )


def test_a_loader_killed_mid_file_leaves_the_database_as_it_was(tmp_path: Path, big_export: Path) -> None:
    db = tmp_path / "killed.duckdb"
    assert load(db, write_export(tmp_path / "small.csv", SMALL_ROWS)).returncode == 0
    before = snapshot(db)
    loader = start_loader(db, big_export)
    time.sleep(2.5)
    assert loader.poll() is None, "the load finished before it could be killed; use a bigger file"
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    assert snapshot(db) == before
    rerun = load(db, big_export)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.counts()["loaded"] == 5_000_000


def test_a_second_loader_on_the_same_database_fails_clearly_and_the_first_finishes(
    tmp_path: Path, big_export: Path
) -> None:
    db = tmp_path / "busy.duckdb"
    first = start_loader(db, big_export)
    time.sleep(1.5)
    second = load(db, write_export(tmp_path / "small.csv", SMALL_ROWS))
    assert second.returncode == 2
    assert "in use by another process" in second.stderr and "Traceback" not in second.stderr
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert query(db, "select count(*) from raw.messages") == [(5_000_000,)]


def test_a_full_disk_gives_a_clear_error_and_changes_nothing(tmp_path: Path, big_export: Path) -> None:
    db = tmp_path / "full.duckdb"
    assert load(db, write_export(tmp_path / "small.csv", SMALL_ROWS)).returncode == 0
    before = snapshot(db)
    limit = db.stat().st_size + 2 * 1024 * 1024

    def cap_file_size() -> None:  # writes past the cap fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    loader = start_loader(db, big_export, preexec_fn=cap_file_size)
    _, stderr = loader.communicate(timeout=300)
    assert loader.returncode == 2, stderr
    assert stderr.startswith("error: load failed, database unchanged") and "Traceback" not in stderr
    assert snapshot(db) == before


def test_database_path_that_is_a_folder_is_named(tmp_path: Path) -> None:
    run = load(tmp_path, write_export(tmp_path / "small.csv", SMALL_ROWS))
    assert run.returncode == 2
    assert "is a folder; expected a DuckDB database file" in run.stderr and "Traceback" not in run.stderr


def test_a_bi_reader_holding_the_file_makes_dbt_build_fail_with_a_lock_error(tmp_path: Path) -> None:
    """Documented behaviour: DuckDB allows one writer process or many readers, not both at once."""
    db = tmp_path / "bi.duckdb"
    assert load(db, write_export(tmp_path / "small.csv", SMALL_ROWS)).returncode == 0
    reader = duckdb.connect(str(db), read_only=True)
    try:
        build = run_dbt("run", "--select", "stg_intercom__messages", db=db, work=tmp_path)
    finally:
        reader.close()
    assert build.returncode != 0
    assert "lock" in build.stdout.lower()
