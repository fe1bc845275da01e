"""Fuzzed and malformed input (issue 5): the loader never shows a traceback, explains itself in one
line naming the file, and every record it reads is loaded, superseded, a duplicate or a reject (N = L + S + D + R)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import HEADER, Run, assert_every_record_accounted_for, load, query
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
