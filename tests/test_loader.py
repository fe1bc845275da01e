"""The loader's guarantees (SPEC §1 A, §2): one test per class of bad or awkward input."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, assert_every_record_accounted_for, load, query, run_script, write_export

GOOD_ROWS = [
    "c1,m1,2026-01-05T09:00:00Z,user,comment,,P1,billing",
    "c1,m2,2026-01-05T09:05:00Z,admin,comment,a1,,",
]


def messages(db: Path) -> list[tuple]:
    return query(db, "select message_id, conversation_id, created_at from raw.messages order by _source_line")


def rejects(db: Path) -> list[tuple]:
    return query(db, "select _source_line, _source_column, reason from raw.load_rejects order by _source_line")


def test_help_explains_the_command() -> None:
    run = run_script("load.py", "--help")
    assert run.returncode == 0
    assert "read N, loaded L, superseded S, duplicates D, rejected R" in " ".join(run.stdout.replace("'", "").split())
    assert "--assume-tz" in run.stdout


def test_missing_required_column_names_file_and_column_and_loads_nothing(tmp_path: Path, db: Path) -> None:
    good = write_export(tmp_path / "good.csv", GOOD_ROWS)
    bad = write_export(tmp_path / "bad.csv", ["c9,2026-01-05T09:00:00Z"], header="conversation_id,created_at")
    run = load(db, good, bad)
    assert run.returncode == 2
    assert "bad.csv" in run.stderr
    assert "missing required column(s) sender_type" in run.stderr
    assert "Traceback" not in run.stderr
    assert not db.exists() or query(db, "select count(*) from duckdb_tables() where schema_name = 'raw'") == [(0,)]


def test_semicolon_delimited_file_is_refused_with_the_columns_found(tmp_path: Path, db: Path) -> None:
    bad = write_export(
        tmp_path / "semi.csv", ["c1;user;2026-01-05T09:00:00Z"], header="conversation_id;sender_type;created_at"
    )
    run = load(db, bad)
    assert run.returncode == 2
    assert "cannot tell the layout from the header conversation_id;sender_type;created_at" in run.stderr
    assert "a message export (CSV with conversation_id, sender_type, created_at)" in run.stderr


def test_unparseable_timestamp_is_rejected_with_its_line(tmp_path: Path, db: Path) -> None:
    export = write_export(tmp_path / "e.csv", [*GOOD_ROWS, "c2,m3,31/02/2026 10:00,user,comment,,,"])
    run = load(db, export)
    assert run.returncode == 0
    assert run.counts() == {"read": 3, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 1}
    [(line, column, reason)] = rejects(db)
    assert (line, column) == (4, "created_at")
    assert "31/02/2026 10:00" in reason and "ISO 8601" in reason


def test_unknown_sender_type_is_rejected_with_its_line(tmp_path: Path, db: Path) -> None:
    export = write_export(tmp_path / "e.csv", ["c2,m3,2026-01-05T09:00:00Z,system,comment,,,", *GOOD_ROWS])
    run = load(db, export)
    assert run.counts() == {"read": 3, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 1}
    [(line, column, reason)] = rejects(db)
    assert (line, column) == (2, "sender_type")
    assert "'system'" in reason and "expected one of user, lead, contact, admin, teammate, team, bot" in reason
    raw = query(db, "select raw_record from raw.load_rejects")[0][0]
    assert '"sender_type":"system"' in raw


def test_empty_required_values_and_epoch_milliseconds_are_rejected(tmp_path: Path, db: Path) -> None:
    export = write_export(
        tmp_path / "e.csv",
        [
            ",m1,2026-01-05T09:00:00Z,user,comment,,,",
            "c1,m2,,user,comment,,,",
            "c1,m3,1767603600000,user,comment,,,",
            "c1,m4,2026-01-05T09:00:00Z,,comment,,,",
        ],
    )
    run = load(db, export)
    assert run.counts() == {"read": 4, "loaded": 0, "superseded": 0, "duplicates": 0, "rejected": 4}
    assert [(line, column) for line, column, _ in rejects(db)] == [
        (2, "conversation_id"),
        (3, "created_at"),
        (4, "created_at"),
        (5, "sender_type"),
    ]


def test_the_same_file_twice_is_counted_once(tmp_path: Path, db: Path) -> None:
    export = write_export(tmp_path / "e.csv", GOOD_ROWS)
    first, second = load(db, export), load(db, export)
    assert first.counts() == {"read": 2, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 0}
    assert second.counts() == {"read": 2, "loaded": 0, "superseded": 0, "duplicates": 2, "rejected": 0}
    assert len(messages(db)) == 2


def test_overlapping_weekly_exports_add_nothing_twice(tmp_path: Path, db: Path) -> None:
    week1 = write_export(tmp_path / "w1.csv", [*GOOD_ROWS, "c2,m3,2026-01-09T09:00:00Z,user,comment,,,"])
    week2 = write_export(
        tmp_path / "w2.csv",
        ["c2,m3,2026-01-09T09:00:00Z,user,comment,,,", "c2,m4,2026-01-12T09:00:00Z,admin,comment,a2,,"],
    )
    run = load(db, week1, week2)
    assert run.counts() == {"read": 5, "loaded": 4, "superseded": 0, "duplicates": 1, "rejected": 0}
    assert [row[0] for row in messages(db)].count("m3") == 1


def test_rows_without_message_id_are_keyed_by_their_content(tmp_path: Path, db: Path) -> None:
    rows = [
        "c1,,2026-01-05T09:00:00Z,user,comment,,,",
        "c1,,2026-01-05T09:00:00Z,user,comment,,,",
        "c1,,2026-01-05T09:01:00Z,user,comment,,,",
        # the same instant written another way is the same row
        "c1,,1767603600,user,comment,,,",
    ]
    run = load(db, write_export(tmp_path / "e.csv", rows))
    assert run.counts() == {"read": 4, "loaded": 2, "superseded": 0, "duplicates": 2, "rejected": 0}


def test_bom_and_crlf_load_with_clean_column_names(tmp_path: Path, db: Path) -> None:
    export = write_export(tmp_path / "e.csv", GOOD_ROWS, bom=True, newline="\r\n")
    run = load(db, export)
    assert run.counts() == {"read": 2, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 0}
    assert query(db, "select conversation_id, tags from raw.messages order by message_id") == [
        ("c1", "billing"),
        ("c1", None),
    ]


def test_quoted_commas_and_newlines_stay_inside_their_field(tmp_path: Path, db: Path) -> None:
    header = "conversation_id,message_id,created_at,sender_type,tags,subject"
    rows = [
        'c1,m1,2026-01-05T09:00:00Z,user,"billing,urgent","Hello, I have\r\na ""problem"""',
        "c1,m2,2026-01-05T09:05:00Z,admin,,thanks",
    ]
    run = load(db, write_export(tmp_path / "e.csv", rows, header=header, newline="\r\n"))
    assert run.counts() == {"read": 2, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 0}
    tags, extra = query(db, "select tags, _extra_columns from raw.messages where message_id = 'm1'")[0]
    assert tags == "billing,urgent"
    assert '"subject":"Hello, I have\\r\\na \\"problem\\""' in extra


def test_only_whether_a_body_was_empty_is_kept_never_its_text(tmp_path: Path, db: Path) -> None:
    header = "conversation_id,message_id,created_at,sender_type,part_type,body"
    rows = [
        'c1,m1,2026-01-05T09:00:00Z,user,comment,"Hello, my card, was charged twice"',
        "c1,m2,2026-01-05T09:05:00Z,admin,assignment,<p> </p>",
        'c1,m3,2026-01-05T09:06:00Z,admin,close,"<p>Refunded&nbsp;<b>now</b></p>"',
        "c1,m4,2026-01-05T09:07:00Z,admin,note,",
    ]
    run = load(db, write_export(tmp_path / "e.csv", rows, header=header))
    assert run.counts() == {"read": 4, "loaded": 4, "superseded": 0, "duplicates": 0, "rejected": 0}
    stored = query(db, "select message_id, has_body, _extra_columns from raw.messages order by message_id")
    assert stored == [("m1", True, None), ("m2", False, None), ("m3", True, None), ("m4", False, None)]
    without_body = write_export(tmp_path / "plain.csv", ["c2,m5,2026-01-05T09:00:00Z,user,comment"], header=header[:-5])
    load(db, without_body)
    assert query(db, "select has_body from raw.messages where message_id = 'm5'") == [(None,)]


def test_malformed_line_is_rejected_and_the_rest_loads(tmp_path: Path, db: Path) -> None:
    rows = [
        GOOD_ROWS[0],
        "c1,m9,2026-01-05T09:01:00Z,user,comment,,,,EXTRA",
        GOOD_ROWS[1],
        "c3,m8,2026-01-05T09:04:00Z",
    ]
    run = load(db, write_export(tmp_path / "e.csv", rows))
    assert run.counts() == {"read": 4, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 2}
    assert [(line, column) for line, column, _ in rejects(db)] == [(3, None), (5, None)]
    assert "too many columns" in rejects(db)[0][2]
    assert query(db, "select message_id, _source_line from raw.messages order by _source_line") == [
        ("m1", 2),
        ("m2", 4),
    ]


def test_timestamp_forms_are_stored_as_utc(tmp_path: Path, db: Path) -> None:
    rows = [
        "c1,z,2026-03-08T09:00:00Z,user,comment,,,",
        "c1,offset,2026-03-08T11:00:00+02:00,user,comment,,,",
        "c1,epoch,1772960400,user,comment,,,",
        # New York moved to daylight time at 02:00 local on 2026-03-08: 05:00 EDT is 09:00 UTC,
        # while 04:00 the day before (EST) is also 09:00 UTC
        "c1,naive,2026-03-08 05:00:00,user,comment,,,",
        "c1,before_dst,2026-03-07 04:00:00,user,comment,,,",
    ]
    run = load(db, write_export(tmp_path / "e.csv", rows), assume_tz="America/New_York")
    assert run.returncode == 0, run.stderr
    stored = dict(query(db, "select message_id, created_at from raw.messages"))
    nine_utc = datetime(2026, 3, 8, 9, tzinfo=UTC)
    assert {key: stored[key] for key in ("z", "offset", "epoch", "naive")} == dict.fromkeys(
        ("z", "offset", "epoch", "naive"), nine_utc
    )
    assert stored["before_dst"] == datetime(2026, 3, 7, 9, tzinfo=UTC)


def test_unknown_time_zone_is_a_usage_error(tmp_path: Path, db: Path) -> None:
    run = load(db, write_export(tmp_path / "e.csv", GOOD_ROWS), assume_tz="Mars/Olympus")
    assert run.returncode == 2
    assert "unknown IANA time zone 'Mars/Olympus'" in run.stderr


def test_header_names_are_matched_case_and_space_insensitively(tmp_path: Path, db: Path) -> None:
    header = "Conversation ID, Sender Type ,Created-At,Message Id"
    run = load(db, write_export(tmp_path / "e.csv", ["c1,user,2026-01-05T09:00:00Z,m1"], header=header))
    assert run.counts()["loaded"] == 1


def test_failure_part_way_leaves_the_database_exactly_as_it_was(tmp_path: Path, db: Path) -> None:
    earlier = write_export(tmp_path / "earlier.csv", GOOD_ROWS)
    assert load(db, earlier).returncode == 0
    before = query(db, "select * from raw.messages order by _record_key")

    good = write_export(tmp_path / "good.csv", ["c5,m5,2026-01-06T09:00:00Z,user,comment,,,"])
    # a download cut off mid-stream: the header reads, the body does not
    body = "".join(f"c7,m{i},2026-01-07T09:00:00Z,user,comment,,,\n" for i in range(20_000))
    compressed = gzip.compress(
        ("conversation_id,message_id,created_at,sender_type,part_type,assignee_id,priority,tags\n" + body).encode()
    )
    truncated = tmp_path / "cut.csv.gz"
    truncated.write_bytes(compressed[: len(compressed) // 2])

    run = load(db, good, truncated)
    assert run.returncode == 2
    # the damaged file is found before anything is loaded, and named (SPEC §2)
    assert "cut.csv.gz: the gzip file ends early" in run.stderr and "nothing loaded" in run.stderr
    assert "Traceback" not in run.stderr
    assert query(db, "select * from raw.messages order by _record_key") == before
    assert query(db, "select count(*) from raw.load_files") == [(1,)]


def test_a_database_in_use_gives_a_clear_error(tmp_path: Path, db: Path) -> None:
    export = write_export(tmp_path / "e.csv", GOOD_ROWS)
    holder = duckdb.connect(str(db))
    try:
        run = load(db, export)
    finally:
        holder.close()
    assert run.returncode == 2
    assert "in use by another process" in run.stderr


def test_missing_database_folder_and_missing_file_are_named(tmp_path: Path) -> None:
    export = write_export(tmp_path / "e.csv", GOOD_ROWS)
    run = load(tmp_path / "nowhere" / "x.duckdb", export)
    assert run.returncode == 2 and "does not exist" in run.stderr
    run = load(tmp_path / "x.duckdb", tmp_path / "absent.csv")
    assert run.returncode == 2 and "absent.csv: no such file" in run.stderr


def test_empty_file_is_refused(tmp_path: Path, db: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    run = load(db, empty)
    assert run.returncode == 2
    assert "empty.csv: line 1: no header row" in run.stderr


@pytest.mark.parametrize("fixture", sorted(path.name for path in FIXTURES.glob("*.csv")))
def test_every_fixture_accounts_for_every_record(fixture: str, db: Path) -> None:
    run = load(db, FIXTURES / fixture)
    assert run.returncode == 0, run.stderr
    assert_every_record_accounted_for(run, db)
