"""Conversation exports (SPEC §1 B, §2): CSV, JSON array and JSON Lines; the latest version of a conversation wins."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from conftest import load, query, write_export

HEADER = "conversation_id,user_id,started_at,resolved_at,state,assignee_email,tags,message_count,reopen_count,priority"


def stored(db: Path) -> dict[str, tuple]:
    rows = query(
        db,
        "select conversation_id, started_at, resolved_at, state, tags, message_count, reopen_count"
        " from raw.conversations order by conversation_id",
    )
    return {row[0]: row[1:] for row in rows}


def test_csv_conversation_export_is_recognised_and_loaded(tmp_path: Path, db: Path) -> None:
    export = write_export(
        tmp_path / "conversations.csv",
        [
            "p-1,u-1,2026-03-02T09:00:00Z,2026-03-02T15:30:00Z,closed,ana@example.com,billing;refund,4,0,P2",
            'p-2,u-2,1772442000,,open,,"vip; billing",,,',
        ],
        header=HEADER,
    )
    run = load(db, export)
    assert run.counts() == {"read": 2, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 0}
    assert "conversations export" in run.stderr
    assert stored(db) == {
        "p-1": (
            datetime(2026, 3, 2, 9, tzinfo=UTC),
            datetime(2026, 3, 2, 15, 30, tzinfo=UTC),
            "closed",
            "billing;refund",
            4,
            0,
        ),
        "p-2": (datetime(2026, 3, 2, 9, tzinfo=UTC), None, "open", "vip; billing", None, None),
    }


def test_json_array_and_json_lines_load_the_same(tmp_path: Path) -> None:
    records = [
        {
            "conversation_id": "p-1",
            "started_at": "2026-03-02T09:00:00Z",
            "resolved_at": 1772465400,
            "state": "closed",
            "tags": ["billing", "refund"],
            "message_count": 4,
            "team": "payments",
        },
        {"conversation_id": "p-2", "started_at": "2026-03-02T10:00:00+01:00", "state": "open"},
    ]
    array = tmp_path / "conversations.json"
    array.write_text(json.dumps(records), encoding="utf-8")
    lines = tmp_path / "conversations.jsonl"
    lines.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    results = []
    for path in (array, lines):
        db = tmp_path / f"{path.suffix}.duckdb"
        assert load(db, path).counts() == {"read": 2, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 0}
        results.append(stored(db))
        assert query(db, "select _extra_columns from raw.conversations where conversation_id = 'p-1'") == [
            ('{"team":"payments"}',)
        ]
    assert results[0] == results[1]
    assert results[0]["p-1"][1] == datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    assert results[0]["p-1"][3] == "billing;refund"


def test_a_newer_version_replaces_the_stored_one_and_a_copy_is_a_duplicate(tmp_path: Path, db: Path) -> None:
    week1 = write_export(tmp_path / "w1.csv", ["p-1,,2026-03-02T09:00:00Z,,open,,,,,"], header=HEADER)
    week2 = write_export(
        tmp_path / "w2.csv",
        ["p-1,,2026-03-02T09:00:00Z,2026-03-03T09:00:00Z,closed,,,,1,", "p-2,,2026-03-04T09:00:00Z,,open,,,,,"],
        header=HEADER,
    )
    assert load(db, week1).counts() == {"read": 1, "loaded": 1, "superseded": 0, "duplicates": 0, "rejected": 0}
    run = load(db, week2)
    assert run.counts() == {"read": 2, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 0}
    assert "1 stored conversation(s) replaced" in run.stderr
    assert stored(db)["p-1"][2:] == ("closed", None, None, 1)
    assert load(db, week2).counts() == {"read": 2, "loaded": 0, "superseded": 0, "duplicates": 2, "rejected": 0}
    assert query(db, "select count(*) from raw.conversations") == [(2,)]


def test_within_one_file_the_last_record_of_a_conversation_wins(tmp_path: Path, db: Path) -> None:
    export = write_export(
        tmp_path / "e.csv",
        ["p-1,,2026-03-02T09:00:00Z,,open,,,,,", "p-1,,2026-03-02T09:00:00Z,2026-03-02T11:00:00Z,closed,,,,,"],
        header=HEADER,
    )
    # the open record is an older version, not a copy: superseded (SPEC §2)
    assert load(db, export).counts() == {"read": 2, "loaded": 1, "superseded": 1, "duplicates": 0, "rejected": 0}
    assert stored(db)["p-1"][2] == "closed"


def test_bad_values_are_rejected_with_line_and_column(tmp_path: Path, db: Path) -> None:
    export = write_export(
        tmp_path / "e.csv",
        [
            "p-1,,soon,,open,,,,,",
            "p-2,,2026-03-02T09:00:00Z,,archived,,,,,",
            "p-3,,2026-03-02T09:00:00Z,,closed,,,many,,",
            "p-4,,2026-03-02T09:00:00Z,never,closed,,,,,",
            "p-5,,2026-03-02T09:00:00Z,,CLOSED,,,3,0,",
        ],
        header=HEADER,
    )
    run = load(db, export)
    assert run.counts() == {"read": 5, "loaded": 1, "superseded": 0, "duplicates": 0, "rejected": 4}
    rejects = query(db, "select _source_line, _source_column, reason from raw.load_rejects order by 1")
    assert [(line, column) for line, column, _ in rejects] == [
        (2, "started_at"),
        (3, "state"),
        (4, "message_count"),
        (5, "resolved_at"),
    ]
    assert "expected one of open, closed, snoozed" in rejects[1][2]


def test_malformed_json_lines_names_the_line_and_loads_nothing(tmp_path: Path, db: Path) -> None:
    good = write_export(tmp_path / "good.csv", ["p-9,,2026-03-02T09:00:00Z,,open,,,,,"], header=HEADER)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"conversation_id": "p-1", "started_at": 1772442000}\n{"conversation_id": "p-2", oops}\n')
    run = load(db, good, broken)
    assert run.returncode == 2
    assert "broken.jsonl: line 2, column 28: malformed JSON" in run.stderr
    assert "Traceback" not in run.stderr
    assert query(db, "select count(*) from duckdb_tables() where schema_name = 'raw'") == [(0,)]


def test_header_fitting_neither_kind_lists_both(tmp_path: Path, db: Path) -> None:
    export = write_export(tmp_path / "e.csv", ["1,2"], header="id,created")
    run = load(db, export)
    assert run.returncode == 2
    assert "cannot tell the layout from the header id, created" in run.stderr
    assert "a message export (CSV with conversation_id, sender_type, created_at)" in run.stderr
    assert "a conversation export (CSV, JSON array or JSON Lines with conversation_id, started_at)" in run.stderr
