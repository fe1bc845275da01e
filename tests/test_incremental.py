"""Incremental builds: appending a later export and running `dbt build` again must give exactly the
marts and per-conversation tables that one full build over everything gives (issue: weekly exports)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from compare_marts import normalised, same, sort_key
from conftest import load, run_dbt, run_script

COMPARED = (
    "int_conversations_aggregated",
    "int_conversation_states_replayed",
    "int_conversations_resolved_from_events",
    "int_customer_waits_delimited",
    "int_conversation_owners_replayed",
    "fct_conversations",
    "fct_customer_waits",
    "mart_next_reply_breach_rate_by_assignee",
    "bridge_conversation_tags",
    "mart_breach_rate_by_assignee",
    "mart_breach_rate_by_week",
    "mart_sla_summary",
    "mart_resolution_daily",
    "mart_resolution_summary",
)
# the high-water mark differs by construction: it records when each row was built
NOT_COMPARED = {"messages_loaded_through"}
BUILD = ("build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")


def split_export(export: Path, first: Path, second: Path, overlap: int) -> None:
    """Cut the export at 80% of its lines; the second file repeats `overlap` lines before the cut, as
    overlapping weekly exports do, and conversations running across the cut land in both files."""
    header, *lines = export.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    cut = len(lines) * 4 // 5
    first.write_text(header + "".join(lines[:cut]), encoding="utf-8")
    second.write_text(header + "".join(lines[cut - overlap :]), encoding="utf-8")


def table_rows(db: Path, table: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        columns = [row[0] for row in con.execute(f"describe main.{table}").fetchall() if row[0] not in NOT_COMPARED]
        rows = con.execute(f"select {', '.join(columns)} from main.{table}").fetchall()
    return columns, sorted((tuple(map(normalised, row)) for row in rows), key=sort_key)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("incremental")
    export = work / "messages.csv"
    assert run_script("generate_sample.py", "--out", export, "--conversations", "800", "--days", "28").returncode == 0
    earlier, later = work / "weeks_1_3.csv", work / "week_4.csv"
    split_export(export, earlier, later, overlap=40)

    full = work / "full.duckdb"
    assert load(full, earlier, later).returncode == 0
    assert run_dbt(*BUILD, db=full, work=work / "full").returncode == 0

    appended = work / "appended.duckdb"
    assert load(appended, earlier).returncode == 0
    assert run_dbt(*BUILD, db=appended, work=work / "appended").returncode == 0
    assert load(appended, later).returncode == 0
    run = run_dbt(*BUILD, db=appended, work=work / "appended")
    assert run.returncode == 0, run.stdout[-3000:]
    return full, appended


@pytest.mark.parametrize("table", COMPARED)
def test_appending_a_week_builds_what_a_full_build_builds(builds: tuple[Path, Path], table: str) -> None:
    full, appended = builds
    columns, expected = table_rows(full, table)
    _, actual = table_rows(appended, table)
    assert len(actual) == len(expected)
    differences = [
        (column, a, b)
        for expected_row, actual_row in zip(expected, actual, strict=True)
        for column, a, b in zip(columns, expected_row, actual_row, strict=True)
        if not same(a, b)
    ]
    assert differences == []


def test_the_incremental_run_recomputed_only_the_conversations_it_had_to(builds: tuple[Path, Path]) -> None:
    _, appended = builds
    with duckdb.connect(str(appended), read_only=True) as con:
        marks = con.execute(
            "select messages_loaded_through, count(*) from main.int_conversations_aggregated group by 1 order by 1"
        ).fetchall()
    # two high-water marks: the conversations built in the first run, and those the append touched
    assert len(marks) == 2
    untouched, touched = marks[0][1], marks[1][1]
    assert 0 < touched < untouched
