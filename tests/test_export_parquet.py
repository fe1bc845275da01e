"""The Parquet copy of the raw tables that Spark reads: every row of every raw table with the same
values and instants, JSON as text, and a clear error when there is nothing to export."""

from __future__ import annotations

from pathlib import Path

import duckdb
from conftest import FIXTURES, intercom_sla, query, run_script
from intercom_sla.raw_tables import RAW_TABLES


def read_parquet(folder: Path, table: str, sql: str = "select * from exported") -> list[tuple]:
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"create view exported as select * from read_parquet('{folder / table / 'data.parquet'}')")
        return con.execute(sql).fetchall()


def test_to_parquet_writes_every_raw_table_row_for_row(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "parquet"
    exports = (FIXTURES / "messy_export.csv", FIXTURES / "seed_conversations.jsonl", FIXTURES / "intercom_api")
    run = run_script("load.py", "--db", db, "--to-parquet", out, *exports)
    assert run.returncode == 0, run.stderr
    for table in RAW_TABLES:
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute("set TimeZone = 'UTC'")
            stored = con.execute(f"select * from raw.{table}").fetchall()
        # only `intercom-sla pull` fills pull_deleted; an empty table must still reach Spark with its columns
        assert stored or table == "pull_deleted", f"raw.{table} is empty: the fixtures should fill every raw table"
        assert sorted(read_parquet(out, table), key=repr) == sorted(stored, key=repr), table


def test_parquet_keeps_instants_and_writes_json_as_text(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "parquet"
    assert run_script("load.py", "--db", db, "--to-parquet", out, FIXTURES / "intercom_api").returncode == 0
    types = dict(read_parquet(out, "messages", "select column_name, column_type from (describe exported)"))
    assert types["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["_extra_columns"] == "VARCHAR"
    assert query(db, "select min(created_at) from raw.messages") == read_parquet(
        out, "messages", "select min(created_at) from exported"
    )


def test_a_second_export_replaces_the_first(tmp_path: Path, db: Path) -> None:
    out = tmp_path / "parquet"
    assert run_script("load.py", "--db", db, "--to-parquet", out, FIXTURES / "seed_example.csv").returncode == 0
    first = read_parquet(out, "messages", "select count(*) from exported")[0][0]
    assert run_script("load.py", "--db", db, FIXTURES / "intercom_api").returncode == 0
    run = intercom_sla("export-parquet", "--db", db, "--out", out)
    assert run.returncode == 0, run.stderr
    assert (
        read_parquet(out, "messages", "select count(*) from exported")[0][0]
        == query(db, "select count(*) from raw.messages")[0][0]
        > first
    )
    assert [path.name for path in (out / "messages").iterdir()] == ["data.parquet"]


def test_export_without_a_loaded_database_says_what_to_run(tmp_path: Path) -> None:
    missing = intercom_sla("export-parquet", "--db", tmp_path / "missing.duckdb", "--out", tmp_path / "out")
    assert missing.returncode == 2
    assert "missing.duckdb" in missing.stderr and "intercom-sla load" in missing.stderr
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    unloaded = intercom_sla("export-parquet", "--db", empty, "--out", tmp_path / "out")
    assert unloaded.returncode == 2
    assert "raw.messages not found; load an export first" in unloaded.stderr
    assert "Traceback" not in missing.stderr + unloaded.stderr


def test_a_load_whose_parquet_copy_fails_says_it_loaded(tmp_path: Path, db: Path) -> None:
    not_a_folder = tmp_path / "parquet"
    not_a_folder.write_text("")
    run = run_script("load.py", "--db", db, "--to-parquet", not_a_folder / "tables", FIXTURES / "seed_example.csv")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("error: loaded, but not written as Parquet:")
    assert query(db, "select count(*) from raw.messages")[0][0] > 0
