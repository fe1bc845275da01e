"""Incremental builds: appending a later export and running `dbt build` again must give exactly the
marts and per-conversation tables that one full build over everything gives (issue: weekly exports)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from compare_marts import normalised, same, sort_key
from conftest import ROOT, intercom_sla, load, query, run_dbt

COMPARED = (
    "int_conversations_first_response_found",
    "int_conversation_states_replayed",
    "int_conversations_resolved_from_events",
    "int_conversation_tags_unnested",
    "int_conversations_completeness",
    "int_conversations_statistics_applied",
    "int_customer_waits_delimited",
    "int_conversation_owners_replayed",
    "int_customer_waits_policy_matched",
    "int_customer_waits_owned",
    "fct_conversations",
    "fct_customer_waits",
    "mart_next_reply_breach_rate_by_assignee",
    "bridge_conversation_tags",
    "mart_first_response_breach_rate_by_assignee",
    "mart_first_response_breach_rate_by_week",
    "mart_first_response_summary",
    "mart_resolution_daily",
    "mart_resolution_summary",
)
# the high-water mark differs by construction: it records when each row was built
NOT_COMPARED = {"messages_loaded_through", "loaded_through"}
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


def full_and_appended(
    work: Path,
    earlier: Path,
    later: Path,
    check_between: Callable[[Path], None] | None = None,
    before_the_build: Callable[[Path], None] | None = None,
) -> tuple[Path, Path]:
    """One database built from both files at once; another built from the first, then appended the
    second and built again (incrementally), with `check_between` run on it before the append and
    `before_the_build` after the append, before the build."""
    full = work / "full.duckdb"
    assert load(full, earlier, later).returncode == 0
    assert run_dbt(*BUILD, db=full, work=work / "full").returncode == 0

    appended = work / "appended.duckdb"
    assert load(appended, earlier).returncode == 0
    assert run_dbt(*BUILD, db=appended, work=work / "appended").returncode == 0
    if check_between:
        check_between(appended)
    assert load(appended, later).returncode == 0
    if before_the_build:
        before_the_build(appended)
    run = run_dbt(*BUILD, db=appended, work=work / "appended")
    assert run.returncode == 0, run.stdout[-3000:]
    return full, appended


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("incremental")
    export = work / "messages.csv"
    assert intercom_sla("sample", "--out", export, "--conversations", "800", "--days", "28").returncode == 0
    earlier, later = work / "weeks_1_3.csv", work / "week_4.csv"
    split_export(export, earlier, later, overlap=40)

    return full_and_appended(work, earlier, later)


def differences(expected_db: Path, actual_db: Path, table: str) -> list[tuple]:
    columns, expected = table_rows(expected_db, table)
    _, actual = table_rows(actual_db, table)
    assert len(actual) == len(expected), table
    return [
        (table, column, a, b)
        for expected_row, actual_row in zip(expected, actual, strict=True)
        for column, a, b in zip(columns, expected_row, actual_row, strict=True)
        if not same(a, b)
    ]


@pytest.mark.parametrize("table", COMPARED)
def test_appending_a_week_builds_what_a_full_build_builds(builds: tuple[Path, Path], table: str) -> None:
    full, appended = builds
    assert differences(full, appended, table) == []


def test_the_incremental_run_recomputed_only_the_conversations_it_had_to(builds: tuple[Path, Path]) -> None:
    _, appended = builds
    with duckdb.connect(str(appended), read_only=True) as con:
        marks = con.execute(
            "select messages_loaded_through, count(*) from main.int_conversations_first_response_found"
            " group by 1 order by 1"
        ).fetchall()
    # two high-water marks: the conversations built in the first run, and those the append touched
    assert len(marks) == 2
    untouched, touched = marks[0][1], marks[1][1]
    assert 0 < touched < untouched


def test_the_facts_kept_only_settled_conversations(builds: tuple[Path, Path]) -> None:
    """Rows the append did not redo are settled: nothing in them but data_as_of moves with time."""
    _, appended = builds
    with duckdb.connect(str(appended), read_only=True) as con:
        kept = con.execute(
            "select count(*), count(*) filter (where state = 'open'"
            " or in_first_response_scope and first_response_at is null)"
            " from main.fct_conversations"
            " where loaded_through < (select max(loaded_through) from main.fct_conversations)"
        ).fetchone()
        running = con.execute(
            "select count(*) filter (where ended_at is null) from main.fct_customer_waits"
            " where loaded_through < (select max(loaded_through) from main.fct_customer_waits)"
        ).fetchone()
        redone = con.execute(
            "select count(*) from main.fct_conversations"
            " where loaded_through = (select max(loaded_through) from main.fct_conversations)"
        ).fetchone()
    assert kept[0] > redone[0] > 0
    assert kept[1] == 0
    assert running[0] == 0


# A teammate edits the policies and the office hours, and switches the variables, between two runs.
EDITED_SETTINGS = ("--vars", "{business_hours_comparison_schedule: us_office, unanswered_sla_status: pending}")
EDITED_POLICIES = (("P2,60,120,1440,", "P2,30,120,1440,us_office"), ("normal,240,480,1440,", "normal,240,,1440,"))
EDITED_OFFICE_HOURS = (
    ("us_office,America/New_York,1,09:00,17:00", "us_office,America/New_York,1,09:00,18:30"),
    ("us_office,America/New_York,3,09:00,17:00", "us_office,America/New_York,3,08:00,17:00"),
)
PROJECT_FILES = ("dbt_project.yml", "models", "macros", "seeds", "tests/dbt")


def project_copy(where: Path) -> Path:
    where.mkdir()
    for name in PROJECT_FILES:
        source, target = ROOT / name, where / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    return where


def edit_seed(project: Path, seed: str, replacements: tuple[tuple[str, str], ...]) -> None:
    path = project / "seeds" / f"{seed}.csv"
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_edited_seeds_and_variables_reach_the_conversations_kept(builds: tuple[Path, Path], tmp_path: Path) -> None:
    """The facts keep settled rows from run to run; a changed policy, office-hours schedule or
    variable must still change them exactly as a build from scratch would."""
    full, appended = builds
    reference, edited = tmp_path / "reference.duckdb", tmp_path / "edited.duckdb"
    shutil.copy(full, reference)
    shutil.copy(appended, edited)
    project = project_copy(tmp_path / "project")
    build = (*BUILD, *EDITED_SETTINGS, "--project-dir", str(project))

    edit_seed(project, "sla_policies", EDITED_POLICIES)
    assert run_dbt(*build, db=edited, work=tmp_path / "edited").returncode == 0
    edit_seed(project, "business_hours", EDITED_OFFICE_HOURS)
    run = run_dbt(*build, db=edited, work=tmp_path / "edited")
    assert run.returncode == 0, run.stdout[-3000:]

    run = run_dbt(*build, "--full-refresh", db=reference, work=tmp_path / "reference")
    assert run.returncode == 0, run.stdout[-3000:]

    compared = ("fct_conversations", "fct_customer_waits", "int_customer_waits_owned", "mart_next_reply_summary")
    assert [difference for table in compared for difference in differences(reference, edited, table)] == []


def list_page_without_parts(page: Path, out: Path) -> None:
    """The same conversations as a `conversation.list` page gives them an hour earlier: no parts, so
    Intercom's statistics stand in until the full objects arrive (SPEC §2)."""
    listing = json.loads(page.read_text(encoding="utf-8"))
    for conversation in listing["conversations"]:
        conversation.pop("conversation_parts", None)
        if conversation.get("updated_at"):
            conversation["updated_at"] -= 3600
    out.write_text(json.dumps(listing), encoding="utf-8")


def test_full_objects_after_a_list_page_build_what_a_full_build_builds(tmp_path: Path) -> None:
    """A newer version of a conversation changes its statistics and completeness without the
    conversation's messages being new: the incremental run must still redo it."""
    page = Path(__file__).parent / "fixtures" / "intercom_api" / "page_1.json"
    listing = tmp_path / "list_page.json"
    list_page_without_parts(page, listing)

    def starts_incomplete(db: Path) -> None:
        assert query(db, "select count(*) from main.fct_conversations where is_incomplete") > [(0,)]

    full, appended = full_and_appended(tmp_path, listing, page, check_between=starts_incomplete)

    compared = (
        "int_conversations_completeness",
        "int_conversations_statistics_applied",
        "fct_conversations",
        "fct_customer_waits",
        "bridge_conversation_tags",
    )
    assert [difference for table in compared for difference in differences(full, appended, table)] == []
    incomplete = query(appended, "select count(*) from main.fct_conversations where is_incomplete")
    assert incomplete == [(0,)]


def test_a_partial_build_between_two_loads_loses_nothing(tmp_path: Path) -> None:
    """Issue: load week 1 and build; load week 2; build only the marts; then a full build. The marts'
    build must not move any high-water mark past rows it did not take in."""
    export = tmp_path / "messages.csv"
    assert intercom_sla("sample", "--out", export, "--conversations", "300", "--days", "14").returncode == 0
    earlier, later = tmp_path / "week_1.csv", tmp_path / "week_2.csv"
    split_export(export, earlier, later, overlap=20)

    def build_only_the_marts(db: Path) -> None:
        assert run_dbt(*BUILD, "--select", "marts", db=db, work=tmp_path / "appended").returncode == 0

    full, appended = full_and_appended(tmp_path, earlier, later, before_the_build=build_only_the_marts)
    assert [difference for table in COMPARED for difference in differences(full, appended, table)] == []


def test_a_conversation_found_deleted_leaves_every_mart_of_an_incremental_build(tmp_path: Path) -> None:
    """SPEC §1 D: a conversation `intercom-sla pull` finds deleted after it was built leaves every mart at
    the next incremental build, as a full build without it would have it."""
    page = Path(__file__).parent / "fixtures" / "intercom_api" / "page_1.json"
    db = tmp_path / "lived.duckdb"
    assert load(db, page).returncode == 0
    assert run_dbt(*BUILD, db=db, work=tmp_path / "lived").returncode == 0
    gone = query(db, "select min(conversation_id) from main.fct_conversations")[0][0]
    with duckdb.connect(str(db)) as con:
        con.execute("insert into raw.pull_deleted values (?, 'http://127.0.0.1', now(), 'test')", [gone])
    assert run_dbt(*BUILD, db=db, work=tmp_path / "lived").returncode == 0
    for table in (
        "fct_conversations",
        "fct_customer_waits",
        "int_conversations_first_response_found",
        "bridge_conversation_tags",
    ):
        assert query(db, f"select count(*) from main.{table} where conversation_id = ?", [gone]) == [(0,)], table
    listed = query(db, "select conversation_id from main.mart_conversation_data_quality where issue = 'deleted'")
    assert listed == [(gone,)]

    fresh = tmp_path / "fresh.duckdb"
    shutil.copy(db, fresh)
    assert run_dbt(*BUILD, "--full-refresh", db=fresh, work=tmp_path / "fresh").returncode == 0
    assert [difference for table in COMPARED for difference in differences(fresh, db, table)] == []
