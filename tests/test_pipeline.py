"""End to end on the seed example: loader -> dbt build (unit, contract and data tests) -> reports.

Expected values are worked out by hand from tests/fixtures/seed_example.csv and SPEC §3 / §5.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, load, run_script

DBT = Path(sys.executable).parent / "dbt"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("pipeline")
    db = work / "intercom.duckdb"
    loaded = load(db, FIXTURES / "seed_example.csv")
    assert loaded.returncode == 0, loaded.stderr
    env = {**os.environ, "DBT_DUCKDB_PATH": str(db), "DBT_PROFILES_DIR": str(ROOT)}
    build = subprocess.run(
        [str(DBT), "build", "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:]
    reports = work / "reports"
    exported = run_script("export_reports.py", "--db", db, "--out", reports)
    assert exported.returncode == 0, exported.stderr
    with (reports / "sla_report.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        "load": loaded,
        "rows": {row["conversation_id"]: row for row in rows},
        "header": list(rows[0].keys()),
        "summary": json.loads((reports / "sla_summary.json").read_text(encoding="utf-8")),
        "stdout": exported.stdout,
    }


def test_loader_counts_the_seed_example(built: dict) -> None:
    # 16 records: one repeated row (c-1001 m-1) and one unknown sender type (c-1007)
    assert built["load"].counts() == {"read": 16, "loaded": 14, "duplicates": 1, "rejected": 1}


def test_c1001_is_met_in_10_47_minutes_by_agent_12(built: dict) -> None:
    row = built["rows"]["c-1001"]
    # 09:00:00Z to 11:10:28+02:00 = 628 s; the bot reply and the note before it do not count
    assert (row["response_minutes"], row["sla_status"], row["assignee_id"]) == ("10.47", "met", "agent-12")
    assert (row["priority"], row["sla_threshold_minutes"], row["tags"]) == ("P2", "60.0", "billing,refund")


def test_c1002_is_breached(built: dict) -> None:
    row = built["rows"]["c-1002"]
    # `p1` is P1 (15 min); the epoch reply at 10:32:00Z is 32 minutes after the lead's message
    assert (row["priority"], row["sla_status"], row["sla_breached"]) == ("P1", "breached", "true")
    assert (row["response_minutes"], row["breach_by_minutes"]) == ("32.0", "17.0")


def test_other_seed_conversations(built: dict) -> None:
    rows = built["rows"]
    # admin wrote first at 08:00 (naive = UTC); the clock starts at the customer's 08:30
    assert (rows["c-1003"]["started_at"], rows["c-1003"]["response_minutes"]) == ("2026-01-06T08:30:00Z", "15.0")
    # unanswered, unknown priority keeps its label and gets the normal threshold; tags trimmed and sorted
    unanswered = rows["c-1004"]
    assert (unanswered["priority"], unanswered["sla_threshold_minutes"], unanswered["sla_status"]) == (
        "Urgent",
        "240.0",
        "breached",
    )
    assert (unanswered["first_response_at"], unanswered["breach_by_minutes"], unanswered["tags"]) == (
        "",
        "",
        "billing,vip",
    )
    # the export's first_response_at (09:18) wins over the computed 09:20; the same-second reply never counts
    assert rows["c-1005"]["first_response_at"] == "2026-01-07T09:18:00Z"
    assert "c-1006" not in rows  # admin-only: out of first-response scope


def test_report_columns_and_formula_neutralisation(built: dict) -> None:
    assert built["header"] == [
        "conversation_id",
        "started_at",
        "first_response_at",
        "response_minutes",
        "priority",
        "assignee_id",
        "tags",
        "sla_threshold_minutes",
        "sla_status",
        "sla_breached",
        "breach_by_minutes",
    ]
    row = built["rows"]["c-1005"]
    assert row["assignee_id"] == "'@agent-09"
    assert row["tags"] == '\'=HYPERLINK("http://example.invalid"),vip'


def test_summary_json(built: dict) -> None:
    summary = built["summary"]
    assert (summary["total_conversations"], summary["total_breaches"], summary["breach_rate_pct"]) == (5, 2, 40.0)
    assert summary["breaches_by_priority"] == {"P1": 1, "P2": 0, "Urgent": 1, "normal": 0}
    # agent-03 breached its only conversation; the rest tie at 0 % and 0 breaches, so ids decide
    assert [entry["assignee_id"] for entry in summary["top_5_assignees_by_breach_rate"]] == [
        "agent-03",
        "@agent-09",
        "agent-05",
        "agent-12",
    ]
    assert summary["out_of_scope_conversations"] == 1
    assert "breaches                2  (40.0%)" in built["stdout"]
