"""Fuzzed and malformed input (issue 5): the loader never shows a traceback, explains itself in one
line naming the file, and every record it reads is loaded, superseded, a duplicate or a reject (N = L + S + D + R)."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest
from conftest import HEADER, Run, assert_every_record_accounted_for, load, query, run_dbt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

VALID_ROWS = [
    'c1,m1,2026-01-05T09:00:00Z,user,comment,,P1,"billing,vip"',
    "c1,m2,2026-01-05T09:05:00+01:00,admin,comment,a1,,",
    "c2,m3,1767603600,lead,,,,",
    "c2,m4,2026-01-05 10:00:00,bot,comment,,,",
]
VALID = (HEADER + "\n" + "\n".join(VALID_ROWS) + "\n").encode()

MALFORMED = {
    "truncated_line": VALID[: len(VALID) - 9],
    "stray_quote": VALID
    + b'c3,m5,"2026-01-05T11:00:00Z,user,comment,,,\nc3,m6,2026-01-05T11:05:00Z,admin,comment,,,\n',
    "unterminated_quote_at_end": VALID + b'c3,m7,2026-01-05T11:00:00Z,user,comment,,,"open\n',
    "wrong_delimiter": VALID.replace(b",", b";"),
    "tab_delimited": VALID.replace(b",", b"\t"),
    "binary_junk": bytes(range(256)) * 40,
    "huge_field": VALID + b"c4,m8,2026-01-05T12:00:00Z,user,comment,,," + b"x" * 3_000_000 + b"\n",
    "empty_file": b"",
    "header_only": (HEADER + "\n").encode(),
    "duplicated_header_columns": (
        b"conversation_id,conversation_id,sender_type,created_at\nc1,c1,user,2026-01-05T09:00:00Z\n"
    ),
    "header_repeated_as_a_row": VALID + (HEADER + "\n").encode(),
    "non_utf8_bytes": VALID + "c5,m9,2026-01-05T12:00:00Z,user,comment,,caf\u00e9,\n".encode("latin-1"),
    "nul_bytes": VALID + b"c6,m10,2026-01-05T12:00:00Z,us\x00er,comment,,,\n",
    "only_newlines": b"\n\n\n\n",
    "bom_only": b"\xef\xbb\xbf",
    "crlf_and_lf_mixed": VALID.replace(b"\n", b"\r\n", 2),
    "extra_columns_some_rows": VALID + b"c7,m11,2026-01-05T12:00:00Z,user,comment,,,,surplus,more\n",
    "json_truncated": b'[{"conversation_id": "p1", "started_at": "2026-01-05T09:00:00Z"}, {"conversation_id": ',
    "json_not_objects": b'[1, "two", null, {"conversation_id": "p1", "started_at": 1767603600}]',
    "jsonl_broken_line": b'{"conversation_id": "p1", "started_at": 1767603600}\n{"conversation_id": "p2",\n',
    "json_wrong_types": json.dumps([{"conversation_id": 5, "started_at": {"x": 1}, "message_count": "lots"}]).encode(),
}
SUFFIX = {name: ".json" for name in MALFORMED if name.startswith("json_")} | {"jsonl_broken_line": ".jsonl"}


def check_invariants(run: Run, db: Path, path: Path) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 2), (run.returncode, run.stderr)
    if run.returncode == 2:
        errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and path.name in errors[0], run.stderr
        tables = query(db, "select count(*) from duckdb_tables() where schema_name = 'raw'") if db.exists() else [(0,)]
        assert tables == [(0,)], "a failed load left tables behind"
        return
    assert_every_record_accounted_for(run, db)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_input_is_explained_and_nothing_is_lost(case: str, tmp_path: Path) -> None:
    path = tmp_path / f"{case}{SUFFIX.get(case, '.csv')}"
    path.write_bytes(MALFORMED[case])
    db = tmp_path / "fuzz.duckdb"
    check_invariants(load(db, path), db, path)


mutations = st.lists(
    st.tuples(st.integers(0, len(VALID)), st.integers(0, 6), st.binary(max_size=6)), min_size=1, max_size=6
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=mutations)
def test_randomly_damaged_exports_keep_every_record_accounted_for(edits: list, tmp_path: Path) -> None:
    data = bytearray(VALID)
    for position, removed, inserted in edits:
        data[position : position + removed] = inserted
    path = tmp_path / "damaged.csv"
    path.write_bytes(bytes(data))
    db = tmp_path / "damaged.duckdb"
    db.unlink(missing_ok=True)
    check_invariants(load(db, path), db, path)


def test_a_line_over_the_size_cap_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "enormous.csv"
    with path.open("wb") as handle:
        handle.write(VALID + b"c9,m99,2026-01-05T12:00:00Z,user,comment,,,")
        handle.write(b"y" * (65 * 1024 * 1024))
        handle.write(b"\n")
    db = tmp_path / "enormous.duckdb"
    run = load(db, path)
    check_invariants(run, db, path)
    assert run.returncode == 2
    assert "enormous.csv: cannot read the file as CSV, nothing loaded (a line is longer than the 64 MB" in run.stderr


# Issue 19: absurd timestamps in every layout, deep JSON, bad bytes past the first block, corrupt
# compression and hostile headers, each generated; then a dbt build on whatever loaded, bounded in time.
absurd_timestamps = st.one_of(
    st.sampled_from(["infinity", "-infinity", "NaN", "0", "-1", "99999999999", "1e30", "0000-00-00", "9999-12-31"]),
    st.integers(-(2**40), 2**40).map(str),
    st.builds(lambda year: f"{year:04d}-06-01T00:00:00Z", st.integers(1, 9999)),
    st.builds(lambda year: f"{year}-01-01T00:00:00+14:00", st.integers(10000, 300000)),
)
hostile_headers = st.lists(
    st.one_of(
        st.sampled_from(["rowid", "_fivetran_synced", "Conversation ID", "", " ", '"', "created_at", "ROWID", "_"]),
        st.text(max_size=12),
    ),
    max_size=8,
)


def csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stamps=st.lists(absurd_timestamps, min_size=1, max_size=4), extra=hostile_headers, layout=st.integers(0, 2))
def test_absurd_timestamps_and_hostile_headers_load_and_build_in_seconds(
    stamps: list[str], extra: list[str], layout: int, tmp_path: Path
) -> None:
    if layout == 0:
        header = ",".join(["conversation_id", "message_id", "created_at", "sender_type", *map(csv_cell, extra)])
        rows = [f"c{i},m{i},{csv_cell(stamp)},user" + "," * len(extra) for i, stamp in enumerate(stamps)]
        path = tmp_path / "absurd.csv"
        path.write_text("\n".join([header, *rows, "ok,m-ok,2026-01-05T09:00:00Z,user" + "," * len(extra)]) + "\n")
    elif layout == 1:
        path = tmp_path / "absurd.jsonl"
        records = [
            {"conversation_id": f"c{i}", "started_at": stamp, "resolved_at": stamp} for i, stamp in enumerate(stamps)
        ]
        path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    else:
        path = tmp_path / "absurd_api.jsonl"
        records = [
            {
                "type": "conversation",
                "id": f"c{i}",
                "created_at": stamp,
                "source": {"author": {"type": "user"}},
                "conversation_parts": {
                    "conversation_parts": [
                        {"id": f"p{i}", "part_type": "comment", "created_at": stamp, "author": {"type": "admin"}}
                    ]
                },
            }
            for i, stamp in enumerate(stamps)
        ]
        path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    db = tmp_path / "absurd.duckdb"
    db.unlink(missing_ok=True)
    run = load(db, path)
    check_invariants(run, db, path)
    if run.returncode != 0 or not query(db, "select count(*) from raw.messages")[0][0]:
        return
    started = time.monotonic()
    build = run_dbt("build", "--exclude-resource-type", "unit_test", db=db, work=tmp_path)
    assert build.returncode == 0, build.stdout[-2000:]
    assert time.monotonic() - started < 60, "a build on a few absurd rows must not expand calendars for minutes"


@pytest.mark.parametrize("damage", ["flip_byte", "cut_tail", "cut_header", "append_junk"])
@pytest.mark.parametrize("suffix", [".csv.gz", ".jsonl.gz"])
def test_corrupt_compression_loads_nothing_and_names_the_file(damage: str, suffix: str, tmp_path: Path) -> None:
    text = VALID if suffix == ".csv.gz" else b'{"conversation_id": "p1", "started_at": 1767603600}\n' * 200
    packed = bytearray(gzip.compress(text * 50))
    if damage == "flip_byte":
        packed[len(packed) // 2] ^= 0x55
    elif damage == "cut_tail":
        del packed[-12:]
    elif damage == "cut_header":
        del packed[:5]
    else:
        packed += b"\x00garbage"
    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(bytes(packed))
    db = tmp_path / "damaged.duckdb"
    run = load(db, path)
    check_invariants(run, db, path)
    assert run.returncode == 2


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad=st.binary(min_size=1, max_size=4).filter(lambda b: not _is_utf8(b)), offset=st.integers(70_000, 200_000))
def test_a_bad_byte_past_the_first_block_is_named_by_line(bad: bytes, offset: int, tmp_path: Path) -> None:
    line = b'{"conversation_id": "p1", "started_at": 1767603600}\n'
    lines = offset // len(line)
    path = tmp_path / "late.jsonl"
    path.write_bytes(line * lines + b'{"conversation_id": "p' + bad + b'", "started_at": 1767603600}\n')
    db = tmp_path / "late.duckdb"
    db.unlink(missing_ok=True)
    run = load(db, path)
    check_invariants(run, db, path)
    assert run.returncode == 2 and f"line {lines + 1}" in run.stderr


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
