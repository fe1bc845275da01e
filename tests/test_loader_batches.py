"""Many files in one load: consecutive CSV files of one layout are read together, and what is stored (rows,
their files and lines, rejects, each file's counts) is what loading each file on its own stores."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from conftest import assert_every_record_accounted_for, load, query, write_export

MESSAGE_FILES = {
    "day01.csv": ["c1,m1,2026-03-02T09:00:00Z,user,comment,,,", "c1,m2,2026-03-02T09:05:00Z,admin,comment,a1,,"],
    # header only
    "day02.csv": [],
    # a duplicate of day01's m2, a row without message_id, a time that is no time, and a line with a column
    # too many
    "day03.csv": [
        "c1,m2,2026-03-02T09:05:00Z,admin,comment,a1,,",
        "c2,,2026-03-03T10:00:00Z,user,comment,,,",
        "c2,m3,yesterday,admin,comment,,,",
        "c2,m4,2026-03-03T10:07:00Z,admin,comment,a2,,,surplus",
        "c2,m5,2026-03-03T10:09:00Z,admin,comment,a2,high,",
    ],
    # the row without message_id again, and a quoted tag list over two lines
    "day04.csv": [
        "c2,,2026-03-03T10:00:00Z,user,comment,,,",
        'c3,m6,2026-03-04T11:00:00Z,user,comment,,,"billing;\nrefund"',
        "c3,m7,2026-03-04T11:30:00Z,admin,comment,a1,,",
    ],
}
CRLF_WITH_BOM = ("day05.csv", ["c4,m8,2026-03-05T08:00:00Z,user,comment,,,", "c4,m9,bad time,admin,comment,,,"])

STORED = {
    "raw.messages": "select * exclude (_load_id, _loaded_at) from raw.messages",
    "raw.load_rejects": "select * exclude (_load_id, _loaded_at) from raw.load_rejects",
    "raw.load_files": "select * exclude (_load_id, _loaded_at) from raw.load_files",
}


def message_folder(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = [write_export(folder / name, rows) for name, rows in MESSAGE_FILES.items()]
    name, rows = CRLF_WITH_BOM
    paths.append(write_export(folder / name, rows, bom=True, newline="\r\n"))
    return paths


def stored(db: Path, relation: str) -> list[tuple]:
    rows = query(db, STORED[relation])
    return sorted(rows, key=repr)


def test_files_read_together_store_what_each_file_loaded_alone_stores(tmp_path: Path) -> None:
    files = message_folder(tmp_path / "exports")
    together, alone = tmp_path / "together.duckdb", tmp_path / "alone.duckdb"
    run = load(together, tmp_path / "exports")
    assert run.returncode == 0, run.stderr
    assert_every_record_accounted_for(run, together)
    for path in files:
        assert load(alone, path).returncode == 0
    for relation in STORED:
        assert stored(together, relation) == stored(alone, relation), relation
    assert query(together, "select count(*), count(distinct _source_file) from raw.load_rejects") == [(3, 2)]
    lines = query(together, "select _source_file, _source_line from raw.load_rejects order by 1, 2")
    assert [(Path(file).name, line) for file, line in lines] == [("day03.csv", 4), ("day03.csv", 5), ("day05.csv", 3)]
    assert query(together, "select _source_line from raw.messages where message_id = 'm7'") == [(4,)]


def test_a_file_that_cannot_be_read_among_many_is_named_and_nothing_is_loaded(tmp_path: Path, db: Path) -> None:
    message_folder(tmp_path / "exports")
    broken = tmp_path / "exports" / "day03.csv"
    broken.write_text(broken.read_text().replace("c2,m5,", 'c2,"m5,'))
    run = load(db, tmp_path / "exports")
    assert run.returncode == 2
    assert f"{broken}: " in run.stderr
    assert "Traceback" not in run.stderr
    assert query(db, "select count(*) from information_schema.tables where table_schema = 'raw'") == [(0,)]


@pytest.mark.parametrize("copies", [1, 2])
def test_the_same_path_given_twice_is_read_twice_and_stored_once(tmp_path: Path, db: Path, copies: int) -> None:
    files = message_folder(tmp_path / "exports")
    run = load(db, *files, *files[:copies])
    assert run.returncode == 0, run.stderr
    assert_every_record_accounted_for(run, db)
    counts = query(db, "select count(*), sum(records_loaded) from raw.load_files")
    assert counts == [(len(files) + copies, query(db, "select count(*) from raw.messages")[0][0])]


CONVERSATION_HEADER = "conversation_id,started_at,updated_at,state"


def test_conversation_versions_across_files_read_together_keep_the_newest(tmp_path: Path) -> None:
    folder = tmp_path / "conversations"
    folder.mkdir()
    days = {
        "day1.csv": ["k1,2026-03-02T09:00:00Z,2026-03-02T10:00:00Z,open", "k2,2026-03-02T09:00:00Z,,open"],
        "day2.csv": ["k1,2026-03-02T09:00:00Z,2026-03-03T10:00:00Z,closed", "k2,2026-03-02T09:00:00Z,,closed"],
        "day3.csv": ["k1,2026-03-02T09:00:00Z,2026-03-02T12:00:00Z,snoozed", "k3,2026-03-04T09:00:00Z,,open"],
    }
    for name, rows in days.items():
        write_export(folder / name, rows, header=CONVERSATION_HEADER)
    together, alone = tmp_path / "together.duckdb", tmp_path / "alone.duckdb"
    run = load(together, folder)
    assert run.returncode == 0, run.stderr
    assert_every_record_accounted_for(run, together)
    for name in days:
        assert load(alone, folder / name).returncode == 0
    newest = "select conversation_id, state, _source_file, _source_line from raw.conversations order by 1"
    assert query(together, newest) == query(alone, newest)
    assert [state for _, state, _, _ in query(together, newest)] == ["closed", "closed", "open"]
    assert run.counts() == {"read": 6, "loaded": 3, "superseded": 3, "duplicates": 0, "rejected": 0}


def test_a_folder_of_many_small_files_loads_every_record_with_its_file(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "days"
    folder.mkdir()
    template = write_export(tmp_path / "template.csv", MESSAGE_FILES["day01.csv"])
    for day in range(300):
        text = template.read_text().replace("c1,", f"c{day},").replace(",m", f",d{day}m")
        (folder / f"day{day:03d}.csv").write_text(text)
    shutil.copy(template, folder / "zz_copy_of_day000.csv")
    run = load(db, folder)
    assert run.returncode == 0, run.stderr
    assert run.counts() == {"read": 602, "loaded": 602, "superseded": 0, "duplicates": 0, "rejected": 0}
    per_file = query(db, "select count(*), min(records_loaded), max(records_loaded) from raw.load_files")
    assert per_file == [(301, 2, 2)]
    assert query(db, "select count(distinct _source_file), min(_source_line), max(_source_line) from raw.messages") == [
        (301, 2, 3)
    ]


def test_a_folder_of_gzipped_exports_loads_each_file(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "days"
    folder.mkdir()
    for day in range(1, 4):
        rows = [f"c{day},m{day}a,2026-03-0{day}T10:00:00Z,user,comment,,,"]
        (folder / f"day{day}.csv.gz").write_bytes(gzip.compress(write_export(tmp_path / "day.csv", rows).read_bytes()))
    run = load(db, folder)
    assert run.returncode == 0, run.stderr
    assert run.counts() == {"read": 3, "loaded": 3, "superseded": 0, "duplicates": 0, "rejected": 0}
