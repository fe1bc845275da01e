"""Every path Intercom data reaches a team by (SPEC §1 C and D) gives the same conversation fact: the
hand-written API conversations rendered as Airbyte / Singer streams (flat, under `_airbyte_data`, in one
folder or in separate loads), as a list page without parts, and the silent failures the issue named."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, assert_every_record_accounted_for, load, query, run_dbt

API_PAGE = FIXTURES / "intercom_api" / "page_1.json"
FACT_COLUMNS = (
    "conversation_id, started_at, first_response_at, response_minutes, sla_status, priority, assignee_id, tags,"
    " state, is_resolved, first_closed_at, last_closed_at, reopen_count, open_seconds, in_first_response_scope,"
    " resolution_source"
)


def conversations() -> list[dict]:
    return json.loads(API_PAGE.read_text())["conversations"]


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


@pytest.fixture(scope="module")
def api_fact(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    work = tmp_path_factory.mktemp("api")
    run = load(work / "db.duckdb", API_PAGE)
    assert run.returncode == 0, run.stderr
    return fact(work / "db.duckdb", work)


@pytest.mark.parametrize("wrapped", [False, True], ids=["flat", "airbyte_data"])
def test_connector_streams_in_one_folder_give_the_api_fact(
    tmp_path: Path, wrapped: bool, api_fact: list[tuple]
) -> None:
    objects, _parts = streams(tmp_path / "sync", wrapped)
    run = load(tmp_path / "db.duckdb", objects.parent)
    assert run.returncode == 0, run.stderr
    assert "conversation_parts stream" in run.stderr and "conversations stream" in run.stderr
    assert_every_record_accounted_for(run, tmp_path / "db.duckdb")
    assert "incomplete" not in run.stderr
    assert fact(tmp_path / "db.duckdb", tmp_path) == api_fact


def test_streams_arriving_in_separate_loads_give_the_api_fact(tmp_path: Path, api_fact: list[tuple]) -> None:
    objects, parts = streams(tmp_path / "sync", wrapped=True)
    first = load(tmp_path / "db.duckdb", objects)
    assert first.returncode == 0, first.stderr
    # until the parts arrive, every conversation with parts is incomplete, and the loader says so
    assert "4 conversation(s) are incomplete" in first.stderr
    second = load(tmp_path / "db.duckdb", parts)
    assert second.returncode == 0, second.stderr
    assert "incomplete" not in second.stderr
    assert fact(tmp_path / "db.duckdb", tmp_path) == api_fact


def test_a_list_page_without_parts_takes_its_figures_from_intercom_statistics(tmp_path: Path) -> None:
    page = {"type": "conversation.list", "conversations": []}
    for conversation in conversations():
        page["conversations"].append({key: value for key, value in conversation.items() if key != "conversation_parts"})
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(page))
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
    # Fin answered in 30 s but a bot never counts: Intercom's first_admin_reply_at is 10 minutes in
    assert by_id["2001"] == (True, "intercom_statistics", 10.0, "met", "intercom_statistics", 0, None)
    # not one conversation comes out breached for want of parts (the list-page failure)
    assert by_id["2002"][3] == "met"
    # 2005 has no statistics and no parts: it is complete as far as anyone can tell
    assert by_id["2005"][0] is False


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


def utc(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


def fivetran_tables(db: Path, schema: str) -> None:
    """The API conversations rendered as Fivetran's Intercom tables in history mode, with an older
    version of a conversation, of a part and of a tag set, and a deleted tag, that must not count."""
    synced = datetime(2026, 3, 9, 6, 0)
    history, part_rows, tag_rows, tag_names = [], [], [], {}
    for conversation in conversations():
        source, created = conversation["source"], conversation["created_at"]
        updated = conversation.get("updated_at") or created
        version = {
            "id": int(conversation["id"]),
            "updated_at": utc(updated),
            "_fivetran_synced": synced,
            "assignee_id": conversation.get("admin_assignee_id") or conversation.get("team_assignee_id"),
            "assignee_type": "admin" if conversation.get("admin_assignee_id") else "team",
            "created_at": utc(created),
            "first_contact_reply_created_at": utc((conversation.get("statistics") or {}).get("first_contact_reply_at")),
            "priority": conversation.get("priority"),
            "source_author_id": (source.get("author") or {}).get("id"),
            "source_author_type": (source.get("author") or {}).get("type"),
            "source_body": source.get("body"),
            "source_id": source.get("id"),
            "state": conversation.get("state"),
            "sla_name": (conversation.get("sla_applied") or {}).get("sla_name"),
            "sla_status": (conversation.get("sla_applied") or {}).get("sla_status"),
        }
        # an older version: still open and unprioritised; the latest updated_at wins
        history += [version, {**version, "updated_at": utc(created), "state": "open", "priority": None}]
        for part in (conversation.get("conversation_parts") or {}).get("conversation_parts", []):
            assigned = part.get("assigned_to") or {}
            row = {
                "id": int(part["id"]),
                "updated_at": utc(part["created_at"]),
                "_fivetran_synced": synced,
                "assigned_to_id": assigned.get("id"),
                "assigned_to_type": assigned.get("type"),
                "author_id": part["author"].get("id"),
                "author_type": part["author"]["type"],
                "body": part.get("body"),
                "conversation_id": int(conversation["id"]),
                "created_at": utc(part["created_at"]),
                "part_type": part["part_type"],
            }
            # an earlier version of the part, before an edit: it must not count twice
            part_rows += [row, {**row, "updated_at": utc(part["created_at"] - 60), "_fivetran_synced": synced}]
        for tag in (conversation.get("tags") or {}).get("tags", []):
            tag_names[tag["id"]] = tag["name"]
            tag_rows.append(
                {
                    "tag_id": tag["id"],
                    "conversation_id": int(conversation["id"]),
                    "conversation_updated_at": utc(updated),
                }
            )
        if conversation.get("tags"):
            # a tag removed in a later version of the conversation
            tag_rows.append(
                {
                    "tag_id": "99",
                    "conversation_id": int(conversation["id"]),
                    "conversation_updated_at": utc(created - 3600),
                }
            )
    tag_names["99"] = "removed-later"
    tables = {
        "conversation_history": history,
        "conversation_part_history": part_rows,
        "conversation_tag_history": tag_rows,
        "tag": [{"id": key, "name": name, "_fivetran_deleted": False} for key, name in tag_names.items()]
        + [{"id": "98", "name": "deleted", "_fivetran_deleted": True}],
    }
    with duckdb.connect(str(db)) as con:
        con.execute(f"create schema {schema}")
        for name, rows in tables.items():
            columns = list(dict.fromkeys(key for row in rows for key in row))
            types = {
                column: "bigint"
                if column in ("id", "conversation_id") and name != "tag"
                else "timestamp"
                if column.endswith(("_at", "_synced"))
                else "boolean"
                if column.startswith("_fivetran_deleted")
                else "varchar"
                for column in columns
            }
            con.execute(f"create table {schema}.{name} ({', '.join(f'{c} {types[c]}' for c in columns)})")
            con.executemany(
                f"insert into {schema}.{name} values ({', '.join('?' for _ in columns)})",
                [[row.get(column) for column in columns] for row in rows],
            )


def test_fivetran_tables_read_where_they_are_give_the_api_fact(tmp_path: Path, api_fact: list[tuple]) -> None:
    db = tmp_path / "warehouse.duckdb"
    fivetran_tables(db, "intercom_fivetran")
    build = run_dbt(
        "build", "--vars", "{intercom_source: fivetran, intercom_schema: intercom_fivetran}", db=db, work=tmp_path
    )
    assert build.returncode == 0, build.stdout[-3000:]
    # Fivetran keeps no statistics.count_reopens: without a state event the reopen count is unknown
    reopens = FACT_COLUMNS.split(", ").index("reopen_count")
    expected = [row if row[-1] == "state_events" else (*row[:reopens], None, *row[reopens + 1 :]) for row in api_fact]
    assert query(db, f"select {FACT_COLUMNS} from main.fct_conversations order by conversation_id") == expected
    # the loader's raw tables were never needed
    assert query(db, "select count(*) from information_schema.schemata where schema_name = 'raw'") == [(0,)]


def airbyte_tables(db: Path, schema: str) -> None:
    """The API conversations rendered as the typed tables Airbyte writes for the two streams, with an
    older synced version of each conversation (append mode) that must not count."""
    extracted = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
    conversation_rows, part_rows = [], []
    for conversation in conversations():
        row = {
            "id": conversation["id"],
            "updated_at": conversation.get("updated_at") or conversation["created_at"],
            "created_at": conversation["created_at"],
            "state": conversation.get("state"),
            "priority": conversation.get("priority"),
            "admin_assignee_id": conversation.get("admin_assignee_id"),
            "team_assignee_id": conversation.get("team_assignee_id"),
            **{
                key: json.dumps(conversation[key]) if conversation.get(key) is not None else None
                for key in ("source", "contacts", "tags", "statistics", "sla_applied")
            },
            "_airbyte_raw_id": f"raw-{conversation['id']}",
            "_airbyte_extracted_at": extracted,
        }
        older = {**row, "updated_at": row["updated_at"] - 600, "state": "open", "priority": None}
        conversation_rows += [older, row]
        for part in (conversation.get("conversation_parts") or {}).get("conversation_parts", []):
            part_rows.append(
                {
                    "id": part["id"],
                    "updated_at": part.get("updated_at") or part["created_at"],
                    "conversation_id": conversation["id"],
                    "created_at": part["created_at"],
                    "part_type": part["part_type"],
                    "body": part.get("body"),
                    "author": json.dumps(part["author"]),
                    "assigned_to": json.dumps(part["assigned_to"]) if part.get("assigned_to") else None,
                    "_airbyte_raw_id": f"raw-{part['id']}",
                    "_airbyte_extracted_at": extracted,
                }
            )
    types = {"updated_at": "bigint", "created_at": "bigint", "_airbyte_extracted_at": "timestamptz"}
    json_columns = ("source", "contacts", "tags", "statistics", "sla_applied", "author", "assigned_to")
    with duckdb.connect(str(db)) as con:
        con.execute(f"create schema {schema}")
        for name, rows in (("conversations", conversation_rows), ("conversation_parts", part_rows)):
            columns = list(rows[0])
            definition = ", ".join(
                f"{column} {'json' if column in json_columns else types.get(column, 'varchar')}" for column in columns
            )
            con.execute(f"create table {schema}.{name} ({definition})")
            con.executemany(
                f"insert into {schema}.{name} values ({', '.join('?' for _ in columns)})",
                [[row[column] for column in columns] for row in rows],
            )


def test_airbyte_tables_read_where_they_are_give_the_api_fact(tmp_path: Path, api_fact: list[tuple]) -> None:
    db = tmp_path / "warehouse.duckdb"
    airbyte_tables(db, "intercom_airbyte")
    build = run_dbt(
        "build", "--vars", "{intercom_source: airbyte, intercom_schema: intercom_airbyte}", db=db, work=tmp_path
    )
    assert build.returncode == 0, build.stdout[-3000:]
    assert query(db, f"select {FACT_COLUMNS} from main.fct_conversations order by conversation_id") == api_fact
