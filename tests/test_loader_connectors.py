"""Every path Intercom data reaches a team by (SPEC §1 A to D) gives the same conversation fact and
customer waits: the hand-written API conversations as a message export with part types, as a list page
then the objects, as Airbyte / Singer streams (flat, under `_airbyte_data`, in one folder or in separate
loads), as what the real tap-intercom and airbyte-source-intercom write, and as Fivetran's and Airbyte's
warehouse tables with the quirks of real syncs; and the silent failures the issue named."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import assert_every_record_accounted_for, intercom_sla, load, query, run_dbt
from connector_fixtures import (
    API_PAGE,
    DELETED_ID,
    ORPHAN_CONVERSATION_ID,
    SyncQuirks,
    airbyte_tables,
    conversations,
    fivetran_tables,
)

FACT_COLUMNS = (
    "conversation_id, started_at, first_response_at, response_minutes, sla_status, priority, assignee_id, team_id,"
    " tags, state, is_resolved, first_closed_at, last_closed_at, reopen_count, open_seconds, in_first_response_scope,"
    " resolution_source"
)
# every customer wait and its owners (SPEC §7) must come out the same from every path too
WAIT_COLUMNS = (
    "wait_id, started_at, customer_messages, first_bot_reply_at, ended_by, replied_at, responder_id, status,"
    " breach_at, assignee_at_start, team_at_start, assignee_at_breach, team_at_breach"
)


def write_lines(path: Path, records: list[dict], wrapped: bool) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for number, record in enumerate(records):
            if wrapped:
                record = {
                    "_airbyte_raw_id": f"r{number}",
                    "_airbyte_extracted_at": 1772500000000,
                    "_airbyte_meta": {"changes": []},
                    "_airbyte_data": record,
                }
            handle.write(json.dumps(record) + "\n")
    return path


def streams(folder: Path, wrapped: bool) -> tuple[Path, Path]:
    """The connector's two streams: the objects without their parts, and one part per record."""
    folder.mkdir(parents=True, exist_ok=True)
    objects, parts = [], []
    for conversation in conversations():
        listed = conversation.get("conversation_parts", {}).get("conversation_parts", [])
        parts += [{**part, "conversation_id": conversation["id"]} for part in listed]
        objects.append({key: value for key, value in conversation.items() if key != "conversation_parts"})
    # file names put the parts first in a folder: the order of the streams must not matter
    return (
        write_lines(folder / "conversations.jsonl", objects, wrapped),
        write_lines(folder / "a_conversation_parts.jsonl", parts, wrapped),
    )


def fact(db: Path, work: Path) -> list[tuple]:
    build = run_dbt("build", "--exclude-resource-type", "unit_test", db=db, work=work)
    assert build.returncode == 0, build.stdout[-3000:]
    return query(db, f"select {FACT_COLUMNS} from main.fct_conversations order by conversation_id")


def waits(db: Path) -> list[tuple]:
    return query(db, f"select {WAIT_COLUMNS} from main.fct_customer_waits order by wait_id")


@pytest.fixture(scope="module")
def api_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("api")
    run = load(work / "db.duckdb", API_PAGE)
    assert run.returncode == 0, run.stderr
    run = run_dbt("build", "--exclude-resource-type", "unit_test", db=work / "db.duckdb", work=work)
    assert run.returncode == 0, run.stdout[-3000:]
    return work / "db.duckdb"


@pytest.fixture(scope="module")
def api_fact(api_database: Path) -> list[tuple]:
    return query(api_database, f"select {FACT_COLUMNS} from main.fct_conversations order by conversation_id")


@pytest.fixture(scope="module")
def api_waits(api_database: Path) -> list[tuple]:
    return waits(api_database)


@pytest.mark.parametrize("wrapped", [False, True], ids=["flat", "airbyte_data"])
def test_connector_streams_in_one_folder_give_the_api_fact(
    tmp_path: Path, wrapped: bool, api_fact: list[tuple], api_waits: list[tuple]
) -> None:
    objects, _parts = streams(tmp_path / "sync", wrapped)
    run = load(tmp_path / "db.duckdb", objects.parent)
    assert run.returncode == 0, run.stderr
    assert "conversation_parts stream" in run.stderr and "conversations stream" in run.stderr
    assert_every_record_accounted_for(run, tmp_path / "db.duckdb")
    assert "incomplete" not in run.stderr
    assert fact(tmp_path / "db.duckdb", tmp_path) == api_fact
    assert waits(tmp_path / "db.duckdb") == api_waits


def test_streams_arriving_in_separate_loads_give_the_api_fact(
    tmp_path: Path, api_fact: list[tuple], api_waits: list[tuple]
) -> None:
    objects, parts = streams(tmp_path / "sync", wrapped=True)
    first = load(tmp_path / "db.duckdb", objects)
    assert first.returncode == 0, first.stderr
    # until the parts arrive, every conversation with parts is incomplete, and the loader says so
    assert "4 conversation(s) are incomplete" in first.stderr
    second = load(tmp_path / "db.duckdb", parts)
    assert second.returncode == 0, second.stderr
    assert "incomplete" not in second.stderr
    assert fact(tmp_path / "db.duckdb", tmp_path) == api_fact
    assert waits(tmp_path / "db.duckdb") == api_waits


def list_page(path: Path) -> Path:
    """The conversations as a `conversation.list` page: objects without their parts."""
    listed = [{key: value for key, value in item.items() if key != "conversation_parts"} for item in conversations()]
    path.write_text(json.dumps({"type": "conversation.list", "conversations": listed}))
    return path


def test_a_list_page_without_parts_takes_its_figures_from_intercom_statistics(tmp_path: Path) -> None:
    listed = list_page(tmp_path / "list.json")
    run = load(tmp_path / "db.duckdb", listed)
    assert run.returncode == 0, run.stderr
    assert "4 conversation(s) are incomplete" in run.stderr and "GET /conversations/{id}" in run.stderr
    fact(tmp_path / "db.duckdb", tmp_path)
    rows = query(
        tmp_path / "db.duckdb",
        "select conversation_id, is_incomplete, first_response_source, response_minutes, sla_status,"
        " resolution_source, reopen_count, open_seconds from main.fct_conversations order by 1",
    )
    by_id = {row[0]: row[1:] for row in rows}
    # the load's warning and the fact count the same incomplete conversations (one reading, SPEC §2)
    assert sum(1 for row in rows if row[1]) == 4
    # Fin answered in 30 s but a bot never counts: Intercom's first_admin_reply_at is 10 minutes in
    assert by_id["2001"] == (True, "intercom_statistics", 10.0, "met", "intercom_statistics", 0, None)
    # not one conversation comes out breached for want of parts (the list-page failure)
    assert by_id["2002"][3] == "met"
    # 2005 has no statistics and no parts: it is complete as far as anyone can tell
    assert by_id["2005"][0] is False


def test_a_list_page_then_the_objects_give_the_api_fact(
    tmp_path: Path, api_fact: list[tuple], api_waits: list[tuple]
) -> None:
    listed = list_page(tmp_path / "list.json")
    first = load(tmp_path / "db.duckdb", listed)
    assert first.returncode == 0, first.stderr
    fact(tmp_path / "db.duckdb", tmp_path)
    second = load(tmp_path / "db.duckdb", API_PAGE)
    assert second.returncode == 0, second.stderr
    assert "incomplete" not in second.stderr
    assert fact(tmp_path / "db.duckdb", tmp_path) == api_fact
    assert waits(tmp_path / "db.duckdb") == api_waits


def test_objects_with_parts_counted_but_none_loaded_and_no_statistics_fail_the_build(tmp_path: Path) -> None:
    listed = tmp_path / "list.jsonl"
    bare = []
    for conversation in conversations()[:2]:
        total = len(conversation["conversation_parts"]["conversation_parts"])
        trimmed = {key: value for key, value in conversation.items() if key not in ("statistics", "conversation_parts")}
        bare.append({**trimmed, "conversation_parts": {"type": "conversation_part.list", "total_count": total}})
    write_lines(listed, bare, wrapped=False)
    assert load(tmp_path / "db.duckdb", listed).returncode == 0
    build = run_dbt("build", "--exclude-resource-type", "unit_test", db=tmp_path / "db.duckdb", work=tmp_path)
    assert build.returncode == 1
    assert "conversation_with_no_parts_loaded_needs_intercom_statistics" in build.stdout


@pytest.mark.parametrize(
    ("name", "records", "missing"),
    [
        ("conversations.jsonl", [{"conversation": "1", "started_at": "2026-03-02T10:00:00Z"}], "conversation_id"),
        ("parts.jsonl", [{"conversation_id": "1", "part_type": "comment", "author": {"type": "user"}}], "created_at"),
        ("objects.json", [{"type": "conversation", "id": "1", "source": {}}], "created_at"),
    ],
)
def test_a_json_file_missing_a_required_key_loads_nothing_and_exits_2(
    tmp_path: Path, name: str, records: list[dict], missing: str
) -> None:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(records))
    else:
        write_lines(path, records, wrapped=False)
    run = load(tmp_path / "db.duckdb", path)
    assert run.returncode == 2, run.stdout
    assert f"no record has the key(s) {missing}" in run.stderr
    assert "Traceback" not in run.stderr
    # the transaction was rolled back: not even the raw tables were created
    tables = query(tmp_path / "db.duckdb", "select count(*) from information_schema.tables where table_schema = 'raw'")
    assert tables == [(0,)]


CONNECTOR_TABLES = {"fivetran": fivetran_tables, "airbyte": airbyte_tables}
BUILD_WITHOUT_TESTS = ("build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")


def connector_build(db: Path, work: Path, connector: str, *options: str) -> subprocess.CompletedProcess:
    """`dbt build` of the project on `connector`'s tables in `db` (schema intercom_<connector>)."""
    variables = f"{{intercom_source: {connector}, intercom_schema: intercom_{connector}}}"
    return run_dbt(*(options or ("build",)), "--vars", variables, db=db, work=work)


def build_connector(tmp_path: Path, connector: str, quirks: SyncQuirks) -> tuple[Path, str]:
    db = tmp_path / "warehouse.duckdb"
    CONNECTOR_TABLES[connector](db, f"intercom_{connector}", quirks)
    return db, connector_build(db, tmp_path, connector).stdout


@pytest.mark.parametrize("connector", ["fivetran", "airbyte"])
@pytest.mark.parametrize(
    "quirks",
    [
        SyncQuirks(),
        SyncQuirks(history_mode=True),
        SyncQuirks(soft_deletes=True),
        SyncQuirks(text_timestamps=True),
        SyncQuirks(history_mode=True, soft_deletes=True, text_timestamps=True),
    ],
    ids=["plain", "history_mode", "soft_deletes", "text_timestamps_at_an_offset", "all_at_once"],
)
def test_connector_tables_as_real_syncs_leave_them_give_the_api_fact(
    tmp_path: Path, connector: str, quirks: SyncQuirks, api_fact: list[tuple], api_waits: list[tuple]
) -> None:
    """SPEC §1 D: the connectors' tables give the API objects' fact (a never-closed conversation has
    reopen_count 0: the parts record every state event); deleted conversations (no active row, or a
    deleted current row) leave every mart and are listed; timestamps written as text keep their offset."""
    if connector == "airbyte" and quirks == SyncQuirks(history_mode=True):
        pytest.skip("history mode is Fivetran's")
    db, log = build_connector(tmp_path, connector, quirks)
    assert "Completed successfully" in log, log[-3000:]
    assert query(db, f"select {FACT_COLUMNS} from main.fct_conversations order by conversation_id") == api_fact
    assert waits(db) == api_waits
    # the loader's raw tables were never needed
    assert query(db, "select count(*) from information_schema.schemata where schema_name = 'raw'") == [(0,)]
    deleted = query(db, "select conversation_id from main.mart_conversation_data_quality where issue = 'deleted'")
    assert deleted == (
        [(DELETED_ID,)] if (quirks.history_mode and connector == "fivetran") or quirks.soft_deletes else []
    )


@pytest.mark.parametrize("connector", ["fivetran", "airbyte"])
def test_a_part_whose_conversation_was_never_synced_is_counted_and_warned_about(tmp_path: Path, connector: str) -> None:
    db, log = build_connector(tmp_path, connector, SyncQuirks(orphan_part=True))
    assert "Completed with 1 warning" in log and "assert_no_parts_without_their_conversation" in log, log[-3000:]
    listed = query(
        db,
        "select conversation_id, affected_count, conversations_with_issue from main.mart_conversation_data_quality"
        " where issue = 'orphan_parts'",
    )
    assert listed == [(ORPHAN_CONVERSATION_ID, 1, 1)]
    status = intercom_sla("status", "--db", db)
    assert "files loaded: none (built from a connector's tables)" in status.stdout, status.stdout
    assert "conversations with parts but no conversation row (parts left out): 1" in status.stdout
    assert query(
        db, f"select count(*) from main.fct_conversations where conversation_id = '{ORPHAN_CONVERSATION_ID}'"
    ) == [(0,)]


OPTIONAL_COLUMNS = {
    "fivetran": ("sla_name", "sla_status", "priority", "first_contact_reply_created_at", "_fivetran_synced"),
    "airbyte": ("priority", "statistics", "sla_applied", "contacts", "updated_at"),
}


@pytest.mark.parametrize("connector", ["fivetran", "airbyte"])
def test_optional_columns_a_connector_leaves_out_are_read_as_null(tmp_path: Path, connector: str) -> None:
    db, log = build_connector(tmp_path, connector, SyncQuirks(dropped_columns=OPTIONAL_COLUMNS[connector]))
    assert "Completed successfully" in log, log[-3000:]
    priorities = query(db, "select distinct priority from main.fct_conversations")
    assert priorities == [("normal",)]
    assert query(db, "select count(*) from main.fct_conversations") == [(len(conversations()),)]


@pytest.mark.parametrize(("connector", "column"), [("fivetran", "part_type"), ("airbyte", "author")])
def test_a_required_column_left_out_stops_the_build_naming_table_and_column(
    tmp_path: Path, connector: str, column: str
) -> None:
    _db, log = build_connector(tmp_path, connector, SyncQuirks(dropped_columns=(column,)))
    assert f"has no column {column}" in log, log[-3000:]
    assert "Binder Error" not in log


@pytest.mark.parametrize("connector", ["fivetran", "airbyte"])
def test_a_timestamp_that_is_not_one_stops_the_build_naming_table_column_and_value(
    tmp_path: Path, connector: str
) -> None:
    db = tmp_path / "warehouse.duckdb"
    CONNECTOR_TABLES[connector](db, f"intercom_{connector}", SyncQuirks(text_timestamps=True))
    table = "conversation_part_history" if connector == "fivetran" else "conversation_parts"
    with duckdb.connect(str(db)) as con:
        first_part = f"(select min(id) from intercom_{connector}.{table})"
        con.execute(f"update intercom_{connector}.{table} set created_at = 'yesterday' where id = {first_part}")
    build = connector_build(db, tmp_path, connector)
    assert build.returncode == 1
    assert f"{table}.created_at holds 'yesterday'" in build.stdout, build.stdout[-3000:]


LATE_ROW_TABLES = {
    "fivetran": ("conversation_part_history", "_fivetran_synced"),
    "airbyte": ("conversation_parts", "_airbyte_extracted_at"),
}


@pytest.mark.parametrize("connector", ["fivetran", "airbyte"])
def test_a_row_synced_late_with_an_older_sync_time_is_picked_up(tmp_path: Path, connector: str) -> None:
    """A sync job that started before the last build lands a part after it, stamped before the build's
    high-water mark: the next incremental build still takes it in (the connector look-back window)."""
    db = tmp_path / "warehouse.duckdb"
    CONNECTOR_TABLES[connector](db, f"intercom_{connector}")
    schema = f"intercom_{connector}"
    table, synced = LATE_ROW_TABLES[connector]
    with duckdb.connect(str(db)) as con:
        late = con.execute(f"select * from {schema}.{table} order by created_at desc limit 1").fetchall()
        con.execute(f"delete from {schema}.{table} where id = ?", [late[0][0]])
    assert connector_build(db, tmp_path, connector, *BUILD_WITHOUT_TESTS).returncode == 0
    with duckdb.connect(str(db)) as con:
        columns = [row[0] for row in con.execute(f"describe {schema}.{table}").fetchall()]
        row = dict(zip(columns, late[0], strict=True))
        row[synced] = con.execute(f"select min({synced}) from {schema}.{table}").fetchone()[0]
        con.execute(f"insert into {schema}.{table} values ({', '.join('?' for _ in columns)})", list(row.values()))
    assert connector_build(db, tmp_path, connector, *BUILD_WITHOUT_TESTS).returncode == 0
    incremental = query(db, f"select {FACT_COLUMNS} from main.fct_conversations order by conversation_id")
    assert connector_build(db, tmp_path, connector, *BUILD_WITHOUT_TESTS, "--full-refresh").returncode == 0
    assert incremental == query(db, f"select {FACT_COLUMNS} from main.fct_conversations order by conversation_id")


def test_an_implausible_connector_timestamp_stops_the_build_saying_where_and_how_to_widen(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    fivetran_tables(db, "intercom_fivetran")
    with duckdb.connect(str(db)) as con:
        con.execute(
            "update intercom_fivetran.conversation_history set created_at = '1970-01-02 00:00:00' where id = 2003"
        )
    build = connector_build(db, tmp_path, "fivetran")
    assert build.returncode == 1
    message = next(line for line in build.stdout.splitlines() if "stg_fivetran__conversations.started_at" in line)
    assert "1 row(s)" in message and "plausible window" in message, message
    assert "conversation_id 2003: 1970-01-02 00:00:00" in message and "earliest_plausible_timestamp" in message


REAL_CONNECTOR_OUTPUT = Path(__file__).resolve().parent / "fixtures" / "connectors"


@pytest.mark.parametrize(
    "folder",
    ["tap_intercom", "airbyte_source_intercom", "airbyte_source_intercom/destination"],
    ids=["tap-intercom via target-jsonl", "airbyte-source-intercom records", "airbyte destination files"],
)
def test_what_the_real_connectors_write_gives_the_api_fact(
    tmp_path: Path, folder: str, api_fact: list[tuple], api_waits: list[tuple]
) -> None:
    """tests/fixtures/connectors/README.md: each connector run against a fake Intercom serving page_1.json."""
    sync = tmp_path / "sync"
    sync.mkdir()
    for stream in ("conversations.jsonl", "conversation_parts.jsonl"):
        (sync / stream).write_bytes((REAL_CONNECTOR_OUTPUT / folder / stream).read_bytes())
    run = load(tmp_path / "db.duckdb", sync)
    assert run.returncode == 0, run.stderr
    assert_every_record_accounted_for(run, tmp_path / "db.duckdb")
    assert not re.search(r"rejected [1-9]", run.stderr), run.stderr
    assert fact(tmp_path / "db.duckdb", tmp_path) == api_fact
    assert waits(tmp_path / "db.duckdb") == api_waits


def test_an_intercom_statistic_that_is_not_a_time_is_refused_at_load_naming_field_and_value(tmp_path: Path) -> None:
    records = [json.loads(line) for line in (REAL_CONNECTOR_OUTPUT / "tap_intercom" / "conversations.jsonl").open()]
    records[0]["statistics"]["first_close_at"] = "soon after lunch"
    stream = write_lines(tmp_path / "conversations.jsonl", records, wrapped=False)
    run = load(tmp_path / "db.duckdb", stream)
    assert_every_record_accounted_for(run, tmp_path / "db.duckdb")
    rejects = query(tmp_path / "db.duckdb", "select _source_line, _source_column, reason from raw.load_rejects")
    assert rejects == [(1, "statistics.first_close_at", rejects[0][2])]
    assert "cannot read 'soon after lunch' as a timestamp" in rejects[0][2]
    assert fact(tmp_path / "db.duckdb", tmp_path)  # the other conversations build


def owners_at_each_part(conversation: dict) -> list[tuple[str | None, str | None]]:
    """The assignee and team in effect at the opening message and at each part (SPEC §7), as an export
    tool that knows them writes them on every row: an independent reading of `assigned_to`."""
    parts = conversation.get("conversation_parts", {}).get("conversation_parts", [])
    if not any(part.get("assigned_to") for part in parts):
        current = (conversation.get("admin_assignee_id"), conversation.get("team_assignee_id"))
        return [current] * (len(parts) + 1)
    assignee, team, owners = None, None, [(None, None)]
    for part in parts:
        assigned = part.get("assigned_to") or {}
        if assigned.get("type") == "admin":
            assignee = assigned["id"]
        elif assigned.get("type") == "team":
            assignee, team = None, assigned["id"]
        elif part.get("assigned_to") is not None or part["part_type"].endswith("assignment"):
            assignee = None
        owners.append((assignee, team))
    return owners


def message_export(folder: Path) -> Path:
    """The conversations as an export tool's two CSVs: one row per message with its `part_type` and the
    owner at it (SPEC §1 A), and one row per conversation (SPEC §1 B) with its current owners."""
    folder.mkdir()
    messages, listed = [], []
    for conversation in conversations():
        parts = conversation.get("conversation_parts", {}).get("conversation_parts", [])
        source = conversation.get("source", {})
        opening = {**source, "id": f"source:{source.get('id') or conversation['id']}"}
        rows = [(opening, "comment", conversation["created_at"])]
        rows += [(part, part["part_type"], part["created_at"]) for part in parts]
        for (message, part_type, created_at), (assignee, team) in zip(
            rows, owners_at_each_part(conversation), strict=True
        ):
            author = message.get("author", {})
            messages.append(
                {
                    "message_id": message["id"],
                    "conversation_id": conversation["id"],
                    "sender_type": author.get("type"),
                    "part_type": part_type,
                    "created_at": created_at,
                    "body": message.get("body") or "",
                    "author_id": author.get("id"),
                    "assignee_id": assignee,
                    "team_id": team,
                    "from_ai_agent": author.get("from_ai_agent"),
                    "priority": conversation.get("priority"),
                }
            )
        tags = [tag["name"] for tag in (conversation.get("tags") or {}).get("tags", [])]
        listed.append(
            {
                "conversation_id": conversation["id"],
                "started_at": conversation["created_at"],
                "state": conversation.get("state"),
                "priority": conversation.get("priority"),
                "tags": ";".join(tags),
                "updated_at": conversation.get("updated_at"),
                "intercom_admin_assignee_id": conversation.get("admin_assignee_id"),
                "intercom_team_assignee_id": conversation.get("team_assignee_id"),
            }
        )
    for name, rows in (("messages.csv", messages), ("conversations.csv", listed)):
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows([{key: "" if value is None else value for key, value in row.items()} for row in rows])
    return folder


def test_a_message_export_with_part_types_gives_the_api_fact(
    tmp_path: Path, api_fact: list[tuple], api_waits: list[tuple]
) -> None:
    run = load(tmp_path / "db.duckdb", message_export(tmp_path / "export"))
    assert run.returncode == 0, run.stderr
    assert_every_record_accounted_for(run, tmp_path / "db.duckdb")
    assert fact(tmp_path / "db.duckdb", tmp_path) == api_fact
    assert waits(tmp_path / "db.duckdb") == api_waits
