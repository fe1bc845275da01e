"""Hostile and absurd input (SPEC §1 timestamp window, §2 database path, compressed files, versions and
counts): each case refuses with a one-line error or loads what is right and says what it left out."""

from __future__ import annotations

import gzip
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import SCRIPTS, intercom_sla, load, query, run_dbt, run_script, write_export

HEADER = "conversation_id,message_id,created_at,sender_type,part_type"
ROWS = ["c1,m1,2026-03-02T10:00:00Z,user,comment", "c1,m2,2026-03-02T10:05:00Z,admin,comment"]


@pytest.mark.parametrize("name", ["week1.csv", "new.json", "new.jsonl", "new.parquet", "new.csv.gz"])
def test_a_database_path_named_like_an_export_is_refused_before_anything_is_read(tmp_path: Path, name: str) -> None:
    export = write_export(tmp_path / "export.csv", ROWS, header=HEADER)
    run = run_script("load.py", "--db", tmp_path / name, export)
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: {tmp_path / name}: a new database named like an export file")
    assert len(run.stderr.splitlines()) == 1 and not (tmp_path / name).exists()


def test_an_export_given_as_the_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    export = write_export(tmp_path / "week1.csv", ROWS, header=HEADER)
    before = export.read_bytes()
    run = run_script("load.py", "--db", export, export)
    assert run.returncode == 2 and "is not a DuckDB database (an export given as --db?)" in run.stderr
    assert export.read_bytes() == before


def gzipped_export(rows: int = 5000) -> bytes:
    body = "".join(f"c{i},m{i},2026-03-02T10:00:00Z,user,comment\n" for i in range(rows))
    return gzip.compress((HEADER + "\n" + body).encode())


def test_a_gzip_failing_its_checksum_loads_nothing_and_is_named(tmp_path: Path, db: Path) -> None:
    packed = bytearray(gzipped_export())
    packed[len(packed) // 2] ^= 0xFF  # one flipped byte in the deflate stream
    damaged = tmp_path / "week.csv.gz"
    damaged.write_bytes(bytes(packed))
    good = write_export(tmp_path / "good.csv", ROWS, header=HEADER)
    run = load(db, good, damaged)
    assert run.returncode == 2
    assert f"{damaged}: the gzip file is damaged" in run.stderr and "nothing loaded" in run.stderr
    assert "Traceback" not in run.stderr and not db.exists()


def test_a_cut_gzip_loads_nothing_and_is_named(tmp_path: Path, db: Path) -> None:
    packed = gzipped_export()
    cut = tmp_path / "week.jsonl.gz"
    cut.write_bytes(gzip.compress(b'{"type": "conversation", "id": "1", "created_at": 1772445600}\n' * 3000)[:-20])
    assert load(db, cut).returncode == 2
    cut_csv = tmp_path / "week.csv.gz"
    cut_csv.write_bytes(packed[: len(packed) * 2 // 3])
    run = load(db, cut_csv)
    assert run.returncode == 2 and f"{cut_csv}: the gzip file ends early" in run.stderr


def test_a_plain_csv_cut_mid_line_loads_what_precedes_and_says_it_looks_truncated(tmp_path: Path, db: Path) -> None:
    export = tmp_path / "cut.csv"
    export.write_text(HEADER + "\n" + "\n".join(ROWS) + "\nc2,m3,2026-03-02T1")
    run = load(db, export)
    assert run.returncode == 0
    assert "the last line (4) is cut short and has no line end: the file looks truncated" in run.stderr
    assert run.counts() == {"read": 3, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 1}


def test_a_csv_cut_inside_a_quoted_field_names_the_line_and_loads_nothing(tmp_path: Path, db: Path) -> None:
    export = tmp_path / "cut.csv"
    export.write_text(HEADER + "\n" + "\n".join(ROWS) + '\nc2,m3,2026-03-02T11:00:00Z,"us')
    run = load(db, export)
    assert run.returncode == 2
    assert f"{export}: line 4: a quoted field opens and is never closed" in run.stderr
    assert "64 MB" not in run.stderr


ABSURD = ["infinity", "-infinity", "2126-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "1900-01-01T00:00:00Z"]
ABSURD += ["-86400", "99999999999", "1999-12-31T23:59:59Z"]


@pytest.mark.parametrize("value", ABSURD)
def test_a_timestamp_outside_the_plausible_window_is_rejected_with_its_reason(
    tmp_path: Path, db: Path, value: str
) -> None:
    rows = [*ROWS, f"c2,m3,{value},user,comment"]
    run = load(db, write_export(tmp_path / "e.csv", rows, header=HEADER))
    assert run.returncode == 0
    assert run.counts()["rejected"] == 1
    [(column, reason)] = query(db, "select _source_column, reason from raw.load_rejects")
    assert column == "created_at"
    assert "outside the plausible window 2000-01-01 to" in reason or "cannot read" in reason


def test_the_window_applies_to_every_layout_and_can_be_widened(tmp_path: Path, db: Path) -> None:
    conversations = tmp_path / "conversations.jsonl"
    conversations.write_text(
        json.dumps({"conversation_id": "k1", "started_at": "2026-03-02T10:00:00Z", "resolved_at": "infinity"}) + "\n"
    )
    api = tmp_path / "api.jsonl"
    source = {"author": {"type": "user", "id": "u1"}}
    api.write_text(json.dumps({"type": "conversation", "id": "9", "created_at": 4102444800, "source": source}) + "\n")
    run = load(db, conversations, api)
    assert run.returncode == 0
    columns = query(db, "select _source_column from raw.load_rejects order by 1")
    assert columns == [("created_at",), ("resolved_at",), ("started_at",)]
    widened = run_script("load.py", "--db", tmp_path / "wide.duckdb", "--latest", "2100-01-01", api)
    assert widened.returncode == 0 and widened.counts()["rejected"] == 0


def conversation_export(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["conversation_id,started_at,state,updated_at"]
    lines += [f"{key},2026-03-02T10:00:00Z,{state},{updated}" for key, state, updated in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_version_with_the_latest_export_time_wins_whatever_the_load_order(tmp_path: Path, db: Path) -> None:
    week_2 = conversation_export(tmp_path / "week-2.csv", [("k1", "open", "2026-03-09T00:00:00Z")])
    week_10 = conversation_export(tmp_path / "week-10.csv", [("k1", "closed", "2026-05-04T00:00:00Z")])
    # a folder loads in name order: week-10 before week-2
    run = load(db, tmp_path)
    assert run.returncode == 0
    assert run.counts() == {"read": 2, "loaded": 1, "superseded": 1, "duplicates": 0, "rejected": 0}
    assert query(db, "select state from raw.conversations") == [("closed",)]
    again = load(db, week_2)
    assert again.counts() == {"read": 1, "loaded": 0, "superseded": 1, "duplicates": 0, "rejected": 0}
    assert load(db, week_10).counts()["duplicates"] == 1


def test_within_a_file_only_identical_copies_are_duplicates(tmp_path: Path, db: Path) -> None:
    export = tmp_path / "conversations.csv"
    export.write_text(
        "conversation_id,started_at,state\n"
        "k1,2026-03-02T10:00:00Z,open\n"
        "k1,2026-03-02T10:00:00Z,closed\n"
        "k1,2026-03-02T10:00:00Z,closed\n"
    )
    run = load(db, export)
    # no export time: the later record wins; the open one is older, the second closed one a copy
    assert run.counts() == {"read": 3, "loaded": 1, "superseded": 1, "duplicates": 1, "rejected": 0}
    assert query(db, "select state from raw.conversations") == [("closed",)]


def test_reloading_a_file_records_its_rejects_once(tmp_path: Path, db: Path) -> None:
    rows = [*ROWS, "c2,m3,not a time,user,comment", "c2,m4,2026-03-02T10:00:00Z,robot,comment", "c3,broken"]
    export = write_export(tmp_path / "e.csv", rows, header=HEADER)
    first, second = load(db, export), load(db, export)
    assert first.counts()["rejected"] == second.counts()["rejected"] == 3
    assert query(db, "select count(*) from raw.load_rejects") == [(3,)]


def test_an_implausible_time_in_a_connectors_table_stops_the_build_before_any_calendar(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema intercom")
        con.execute(
            "create table intercom.conversations as select '1' as id, 4102444800 as created_at,"
            " 4102444800 as updated_at, 'open' as state, null::varchar as priority, null::varchar as admin_assignee_id,"
            ' null::varchar as team_assignee_id, \'{"author": {"type": "user"}}\'::json as source,'
            " null::json as contacts, null::json as tags, null::json as statistics, null::json as sla_applied,"
            " now() as _airbyte_extracted_at"
        )
        con.execute(
            "create table intercom.conversation_parts as select '2' as id, 4102444800 as updated_at,"
            " '1' as conversation_id, 4102444800 as created_at, 'comment' as part_type, 'hi' as body,"
            ' \'{"type": "admin", "id": "7"}\'::json as author, null::json as assigned_to,'
            " now() as _airbyte_extracted_at"
        )
    build = run_dbt("build", "--vars", "{intercom_source: airbyte, intercom_schema: intercom}", db=db, work=tmp_path)
    assert build.returncode == 1
    assert "timestamp_is_plausible_stg_airbyte__messages_created_at" in build.stdout
    # the calendar expansions downstream never ran
    assert re.search(r"SKIP relation \S*int_business_hours_intervals", build.stdout)


def test_user_mistakes_get_one_line_and_no_traceback(tmp_path: Path, db: Path) -> None:
    rowid = tmp_path / "rowid.csv"
    rowid.write_text(HEADER + ",rowid\n" + ROWS[0] + ",5\n")
    deep = tmp_path / "deep.jsonl"
    deep.write_text(
        '{"type": "conversation", "id": "1", "created_at": 1772445600, "x": ' + "[" * 5000 + "]" * 5000 + "}\n"
    )
    record = json.dumps({"conversation_id": "c1", "started_at": "2026-03-01T10:00:00Z", "user_id": "u" * 100})
    latin_json = tmp_path / "latin.jsonl"
    latin_json.write_bytes((record + "\n").encode() * 800 + b'{"conversation_id": "c\xe9"}\n')
    wide = tmp_path / "wide.csv"
    wide.write_text(HEADER + "," + ",".join(f"c{i}" for i in range(5000)) + "\n")
    latin_csv = tmp_path / "latin.csv"
    latin_csv.write_bytes((HEADER + "\n" + ROWS[0] + "\n").encode() + b"c2,m2,2026-03-02T10:00:00Z,us\xe9r,comment\n")

    assert load(db, rowid).counts()["loaded"] == 1
    assert query(db, "select _extra_columns ->> 'rowid_column' from raw.messages") == [("5",)]
    outcomes = {
        "deep": load(tmp_path / "deep.duckdb", deep),
        "latin_json": load(tmp_path / "latin_json.duckdb", latin_json),
        "wide": load(tmp_path / "wide.duckdb", wide),
        "latin_csv": load(tmp_path / "latin_csv.duckdb", latin_csv),
        "memory": run_script("load.py", "--db", tmp_path / "m.duckdb", "--memory-limit", "lots", rowid),
    }
    for name, run in outcomes.items():
        assert "Traceback" not in run.stderr, name
    assert outcomes["deep"].returncode == 0
    assert f"{latin_json}: line 801, column 23: not UTF-8 (byte 0xE9)" in outcomes["latin_json"].stderr
    assert "the header has 5,005 columns" in outcomes["wide"].stderr
    # the bad byte is on line 3, and only that line is rejected
    assert outcomes["latin_csv"].counts()["rejected"] == 1
    assert query(tmp_path / "latin_csv.duckdb", "select _source_line from raw.load_rejects") == [(3,)]
    assert "expected a size such as 4GB" in outcomes["memory"].stderr and outcomes["memory"].returncode == 2


def test_ctrl_c_during_a_load_says_in_one_line_that_nothing_was_loaded(tmp_path: Path, db: Path) -> None:
    # large enough that the load is still running when the signal arrives (about 4 s on 2 cores)
    export = tmp_path / "big.csv"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'c' || i as conversation_id, 'm' || i as message_id, '2026-03-02T10:00:00Z' as created_at,"
            " 'user' as sender_type, 'comment' as part_type from range(4000000) as numbers(i))"
            f" to '{export}' (header)"
        )
    process = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "load.py"), "--db", str(db), str(export)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.8)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    if process.returncode == 0:
        pytest.skip("the load finished before the interrupt arrived")
    assert process.returncode == 130
    assert stderr.strip().splitlines()[-1] == f"interrupted: nothing loaded, {db} is as it was"
    assert not stdout
    if db.exists():
        assert query(db, "select count(*) from information_schema.tables where table_schema = 'raw'") == [(0,)]


def test_reports_are_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from intercom_sla.reports.atomic_files import ReportPathError, report_folder, write_atomically

    target = tmp_path / "summary.json"
    target.write_text("the previous report")

    def failing_write(path: Path) -> None:
        path.write_text("half a rep")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomically(target, failing_write)
    assert target.read_text() == "the previous report"
    assert [entry.name for entry in tmp_path.iterdir()] == ["summary.json"]
    with pytest.raises(ReportPathError, match="is a file; --out names the folder"):
        report_folder(target)


def test_report_writers_name_a_wrong_out_and_a_locked_database_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "built.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table main.mart_first_response_summary as select 1 as x")
    not_a_folder = tmp_path / "reports.txt"
    not_a_folder.write_text("")
    run = intercom_sla("report", "--db", db, "--out", not_a_folder, "--format", "csv,json")
    assert (
        run.returncode == 2
        and run.stderr.strip() == f"error: {not_a_folder}: is a file; --out names the folder the reports go to"
    )
    holder = duckdb.connect(str(db))
    try:
        locked = intercom_sla("report", "--db", db, "--out", tmp_path / "out", "--format", "html")
    finally:
        holder.close()
    assert locked.returncode == 2 and "the database is in use by another process" in locked.stderr
    assert "Traceback" not in locked.stderr and not (tmp_path / "out" / "sla_review.html").exists()
