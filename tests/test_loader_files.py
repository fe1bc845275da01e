"""Which files a load reads: every export in a folder whatever the case of its name, compression told
by the bytes rather than the name, and every file a folder holds that is not loaded named with why."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import assert_every_record_accounted_for, load, query

HEADER = "conversation_id,message_id,created_at,sender_type,part_type"


def export_text(week: int) -> bytes:
    rows = [
        f"c{week},m{week}a,2026-03-0{week}T10:00:00Z,user,comment",
        f"c{week},m{week}b,2026-03-0{week}T10:05:00Z,admin,comment",
    ]
    return "\n".join([HEADER, *rows, ""]).encode()


def test_a_folder_loads_every_export_whatever_the_case_of_its_name(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "week1.csv").write_bytes(export_text(1))
    (folder / "WEEK2.CSV").write_bytes(export_text(2))
    (folder / "week3.csv.GZ").write_bytes(gzip.compress(export_text(3)))
    run = load(db, folder)
    assert run.returncode == 0, run.stderr
    assert run.counts() == {"read": 6, "loaded": 6, "superseded": 0, "duplicates": 0, "rejected": 0}
    assert_every_record_accounted_for(run, db)
    assert "skipped" not in run.stderr
    files = query(db, "select _source_file from raw.load_files order by 1")
    assert [Path(name).name for (name,) in files] == ["WEEK2.CSV", "week1.csv", "week3.csv.GZ"]


@pytest.mark.parametrize("name", ["week.csv.GZ", "week.csv.gzip", "week.csv", "week.CSV.Gz"])
def test_a_gzipped_csv_loads_whatever_its_name_says(tmp_path: Path, db: Path, name: str) -> None:
    export = tmp_path / name
    export.write_bytes(gzip.compress(export_text(1)))
    run = load(db, export)
    assert run.returncode == 0, run.stderr
    assert run.counts()["loaded"] == 2
    assert_every_record_accounted_for(run, db)


@pytest.mark.parametrize("name", ["conversations.jsonl", "conversations.JSONL.gzip"])
def test_a_gzipped_json_export_loads_whatever_its_name_says(tmp_path: Path, db: Path, name: str) -> None:
    records = [{"conversation_id": f"p{number}", "started_at": 1767603600 + number} for number in range(3)]
    export = tmp_path / name
    export.write_bytes(gzip.compress("".join(json.dumps(record) + "\n" for record in records).encode()))
    run = load(db, export)
    assert run.returncode == 0, run.stderr
    assert run.counts()["loaded"] == 3


def test_a_plain_file_named_like_a_gzip_loads_as_the_text_it_is(tmp_path: Path, db: Path) -> None:
    export = tmp_path / "week.csv.gz"
    export.write_bytes(export_text(1))
    run = load(db, export)
    assert run.returncode == 0, run.stderr
    assert run.counts()["loaded"] == 2


def test_every_file_a_folder_holds_that_is_not_loaded_is_named_with_its_reason(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "archive").mkdir(parents=True)
    (folder / "week1.csv").write_bytes(export_text(1))
    (folder / ".week2.csv").write_bytes(export_text(2))
    (folder / "README.txt").write_text("weekly exports from Intercom\n")
    (folder / "week3.xlsx").write_bytes(b"PK\x03\x04")
    run = load(db, folder)
    assert run.returncode == 0, run.stderr
    assert run.counts() == {"read": 2, "loaded": 2, "superseded": 0, "duplicates": 0, "rejected": 0}
    skipped = [line for line in run.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 4, run.stderr
    assert f"{folder / '.week2.csv'}: skipped, a hidden file" in run.stderr
    assert f"{folder / 'archive'}: skipped, a folder" in run.stderr
    for name in ("README.txt", "week3.xlsx"):
        assert f"{folder / name}: skipped, not an export file" in run.stderr


def test_a_folder_holding_no_export_names_what_it_holds_instead(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "README.txt").write_text("nothing here yet\n")
    run = load(db, folder)
    assert run.returncode == 2
    assert f"{folder / 'README.txt'}: skipped, not an export file" in run.stderr
    assert f"{folder}: folder holds no export files" in run.stderr


@pytest.mark.parametrize(("start", "format_name"), [(b"\x28\xb5\x2f\xfd", "zstd"), (b"BZh91AY&SY", "bzip2")])
def test_a_compression_the_loader_does_not_read_is_named(
    tmp_path: Path, db: Path, start: bytes, format_name: str
) -> None:
    export = tmp_path / "week.csv"
    export.write_bytes(start + b"\x00" * 64)
    run = load(db, export)
    assert run.returncode == 2
    assert run.stderr == f"error: {export}: a {format_name} file; the loader reads exports as plain text or gzipped\n"
