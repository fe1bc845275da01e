"""The hand-written Intercom API conversations (tests/fixtures/intercom_api/page_1.json) rendered as the
tables Fivetran's and Airbyte's Intercom connectors write in a warehouse (SPEC §1 D), as their public
schemas describe them, with the history rows those connectors keep. Used by the connector tests and, as
a command, by scripts/test_postgres.sh to put the same tables on PostgreSQL:

    python tests/connector_fixtures.py --db data/test/connectors.duckdb
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb

API_PAGE = Path(__file__).resolve().parent / "fixtures" / "intercom_api" / "page_1.json"
FIVETRAN_SCHEMA = "intercom_fivetran"
AIRBYTE_SCHEMA = "intercom_airbyte"


def conversations() -> list[dict]:
    return json.loads(API_PAGE.read_text())["conversations"]


def utc(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class SyncQuirks:
    """What real syncs leave in a warehouse beyond the plain tables (SPEC §1 D), each off by default."""

    history_mode: bool = False  # `_fivetran_active` on every row; a conversation whose rows are all inactive
    soft_deletes: bool = False  # `_fivetran_deleted` / `_ab_cdc_deleted_at` on a deleted conversation's row
    text_timestamps: bool = False  # timestamps written as ISO text at a +05:00 offset
    orphan_part: bool = False  # a part whose conversation the conversation table does not hold
    dropped_columns: tuple[str, ...] = ()  # optional columns a connector version or column blocking leaves out


DELETED_ID = "9001"
ORPHAN_CONVERSATION_ID = "9002"


def with_deleted_copy(listed: list[dict], quirks: SyncQuirks) -> list[dict]:
    """The conversations, plus a copy of the first under DELETED_ID when the quirks delete one."""
    if not (quirks.history_mode or quirks.soft_deletes):
        return listed
    first = listed[0]
    parts = first["conversation_parts"]["conversation_parts"]
    copied_parts = [{**part, "id": f"9{part['id']}"} for part in parts]
    copy = {
        **first,
        "id": DELETED_ID,
        "conversation_parts": {**first["conversation_parts"], "conversation_parts": copied_parts},
    }
    return [*listed, copy]


def rendered_time(value: datetime | None, quirks: SyncQuirks) -> datetime | str | None:
    """A naive UTC timestamp as the connector writes it: as is, or as text at +05:00."""
    if value is None or not quirks.text_timestamps:
        return value
    return value.replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=5))).isoformat()


def fivetran_tables(db: Path, schema: str, quirks: SyncQuirks = SyncQuirks()) -> None:
    """The API conversations rendered as Fivetran's Intercom tables in history mode, with an older
    version of a conversation, of a part and of a tag set, and a deleted tag, that must not count;
    `quirks` adds what real syncs leave (SPEC §1 D)."""
    synced = datetime(2026, 3, 9, 6, 0)
    history, part_rows, tag_rows, tag_names = [], [], [], {}
    for conversation in with_deleted_copy(conversations(), quirks):
        deleted = conversation["id"] == DELETED_ID
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
        older = {**version, "updated_at": utc(created), "state": "open", "priority": None}
        if quirks.history_mode:
            version, older = {**version, "_fivetran_active": not deleted}, {**older, "_fivetran_active": False}
        if quirks.soft_deletes:
            version, older = {**version, "_fivetran_deleted": deleted}, {**older, "_fivetran_deleted": False}
        # an older version: still open and unprioritised; the latest updated_at (or the active row) wins
        history += [version, older]
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
            earlier = {**row, "updated_at": utc(part["created_at"] - 60), "_fivetran_synced": synced}
            if quirks.history_mode:
                row, earlier = {**row, "_fivetran_active": not deleted}, {**earlier, "_fivetran_active": False}
            # an earlier version of the part, before an edit: it must not count twice
            part_rows += [row, earlier]
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
    if quirks.orphan_part:
        orphan = {**part_rows[0], "id": 99001, "conversation_id": int(ORPHAN_CONVERSATION_ID)}
        part_rows.append(orphan)
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
            columns = [
                column
                for column in dict.fromkeys(key for row in rows for key in row)
                if column not in quirks.dropped_columns
            ]
            timestamp_type = "varchar" if quirks.text_timestamps else "timestamp"
            types = {
                column: "bigint"
                if column in ("id", "conversation_id") and name != "tag"
                else timestamp_type
                if column.endswith(("_at", "_synced"))
                else "boolean"
                if column.startswith(("_fivetran_deleted", "_fivetran_active"))
                else "varchar"
                for column in columns
            }
            rows = [
                {
                    key: rendered_time(value, quirks) if isinstance(value, datetime) else value
                    for key, value in row.items()
                }
                for row in rows
            ]
            con.execute(f"create table {schema}.{name} ({', '.join(f'{c} {types[c]}' for c in columns)})")
            con.executemany(
                f"insert into {schema}.{name} values ({', '.join('?' for _ in columns)})",
                [[row.get(column) for column in columns] for row in rows],
            )


def airbyte_tables(db: Path, schema: str, quirks: SyncQuirks = SyncQuirks()) -> None:
    """The API conversations rendered as the typed tables Airbyte writes for the two streams, with an
    older synced version of each conversation (append mode) that must not count; `quirks` adds what
    real syncs leave (SPEC §1 D; history mode is Fivetran's and means nothing here)."""
    extracted = datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
    conversation_rows, part_rows = [], []
    for conversation in with_deleted_copy(conversations(), quirks):
        deleted = conversation["id"] == DELETED_ID
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
        if quirks.soft_deletes:
            row = {**row, "_ab_cdc_deleted_at": extracted if deleted else None}
            older = {**older, "_ab_cdc_deleted_at": None}
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
    if quirks.orphan_part:
        part_rows.append({**part_rows[0], "id": "99001", "conversation_id": ORPHAN_CONVERSATION_ID})
    epoch_type = "varchar" if quirks.text_timestamps else "bigint"
    types = {
        "updated_at": epoch_type,
        "created_at": epoch_type,
        "_airbyte_extracted_at": "timestamptz",
        "_ab_cdc_deleted_at": "timestamptz",
    }
    json_columns = ("source", "contacts", "tags", "statistics", "sla_applied", "author", "assigned_to")
    with duckdb.connect(str(db)) as con:
        con.execute(f"create schema {schema}")
        for name, rows in (("conversations", conversation_rows), ("conversation_parts", part_rows)):
            columns = [column for column in rows[-1] if column not in quirks.dropped_columns]
            if quirks.text_timestamps:
                rows = [
                    {
                        **row,
                        **{
                            key: rendered_time(utc(row[key]), quirks)
                            for key in ("created_at", "updated_at")
                            if row.get(key) is not None
                        },
                    }
                    for row in rows
                ]
            definition = ", ".join(
                f"{column} {'json' if column in json_columns else types.get(column, 'varchar')}" for column in columns
            )
            con.execute(f"create table {schema}.{name} ({definition})")
            con.executemany(
                f"insert into {schema}.{name} values ({', '.join('?' for _ in columns)})",
                [[row[column] for column in columns] for row in rows],
            )


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the connector fixture tables into a DuckDB file.")
    parser.add_argument("--db", required=True, type=Path, help="DuckDB file to create (must not exist)")
    args = parser.parse_args()
    fivetran_tables(args.db, FIVETRAN_SCHEMA)
    airbyte_tables(args.db, AIRBYTE_SCHEMA)


if __name__ == "__main__":
    main()
