"""The sample generator is deterministic, sized by its flags and carries the quirks SPEC §1 names."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import intercom_sla, load


def generate(path: Path, *args: str) -> bytes:
    run = intercom_sla("sample", "--out", path, *args)
    assert run.returncode == 0, run.stderr
    return path.read_bytes()


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a.csv", "--conversations", "300")
    assert first == generate(tmp_path / "b.csv", "--conversations", "300")
    assert first != generate(tmp_path / "c.csv", "--conversations", "300", "--seed", "7")


def test_export_carries_the_real_world_quirks(tmp_path: Path) -> None:
    data = generate(tmp_path / "s.csv", "--conversations", "2000")
    text = data.decode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    timestamps = re.findall(r",(\d{4}-\d\d-\d\dT[\d:]+(?:Z|[+-]\d\d:\d\d))|,(\d{10}),", text)
    assert any(ts.endswith("Z") for ts, _ in timestamps)
    assert any(re.search(r"[+-]\d\d:\d\d$", ts) for ts, _ in timestamps)
    assert any(epoch for _, epoch in timestamps)
    assert re.search(r",\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,", text)  # naive
    for quirk in (",bot,comment,", ",note,", ",assignment,", ',"', ",p1,", ",Urgent,", ",teammate,", ",system,"):
        assert quirk in text, quirk


def test_size_flag_and_loader_accounting(tmp_path: Path) -> None:
    export = tmp_path / "s.csv"
    generate(export, "--conversations", "1000")
    run = load(tmp_path / "db.duckdb", export)
    counts = run.counts()
    assert counts["read"] == counts["loaded"] + counts["superseded"] + counts["duplicates"] + counts["rejected"]
    assert 4000 < counts["read"] < 5500  # ~4.6 rows per conversation
    assert counts["duplicates"] > 0 and counts["rejected"] == 2  # one pair of broken rows per 1,000


def test_conversation_export_in_every_format_loads_the_same(tmp_path: Path) -> None:
    counts = []
    for suffix in (".csv", ".jsonl", ".json"):
        export = tmp_path / f"conversations{suffix}"
        run = intercom_sla(
            "sample",
            "--out",
            tmp_path / "m.csv",
            "--conversations",
            "100",
            "--conversation-export",
            export,
            "--export-conversations",
            "200",
        )
        assert run.returncode == 0, run.stderr
        counts.append(load(tmp_path / f"{suffix}.duckdb", export).counts())
    # 200 of the month plus the 50 message conversations the export overlaps
    assert counts == [{"read": 250, "loaded": 250, "superseded": 0, "duplicates": 0, "rejected": 0}] * 3


def test_message_export_carries_state_events(tmp_path: Path) -> None:
    text = generate(tmp_path / "s.csv", "--conversations", "1000").decode("utf-8-sig")
    for part_type in (",close,", ",open,", ",snoozed,", ",unsnoozed,", ",timer_unsnooze,"):
        assert part_type in text, part_type
