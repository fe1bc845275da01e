"""End to end on the seed example: loader -> dbt build (unit, contract and data tests) -> reports.

Expected values are worked out by hand from tests/fixtures/seed_example.csv and SPEC §3 / §5.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess

import pytest
from conftest import DBT, FIXTURES, ROOT, intercom_sla, load, run_dbt


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("pipeline")
    db = work / "intercom.duckdb"
    loaded = load(db, FIXTURES / "seed_example.csv", FIXTURES / "seed_conversations.jsonl")
    assert loaded.returncode == 0, loaded.stderr
    build = run_dbt("build", db=db, work=work)
    assert build.returncode == 0, build.stdout[-3000:]
    reports = work / "reports"
    exported = intercom_sla("report", "--db", db, "--out", reports, "--format", "csv,json")
    assert exported.returncode == 0, exported.stderr

    def read_csv(name: str) -> list[dict]:
        with (reports / name).open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    rows, resolution_rows = read_csv("sla_report.csv"), read_csv("resolution_report.csv")
    docs = run_dbt("docs", "generate", db=db, work=work)
    assert docs.returncode == 0, docs.stdout[-3000:]
    return {
        "db": db,
        "work": work,
        "target": work / "target",
        "load": loaded,
        "rows": {row["conversation_id"]: row for row in rows},
        "header": list(rows[0].keys()),
        "summary": json.loads((reports / "sla_summary.json").read_text(encoding="utf-8")),
        "resolution_rows": {row["conversation_id"]: row for row in resolution_rows},
        "resolution_header": list(resolution_rows[0].keys()),
        "resolution": json.loads((reports / "resolution_summary.json").read_text(encoding="utf-8")),
        "stdout": exported.stdout,
    }


def test_loader_counts_the_seed_example(built: dict) -> None:
    # 22 message records, one repeated (c-1001 m-1) and one with an unknown sender type (c-1007);
    # 7 conversation records
    assert built["load"].counts() == {"read": 29, "loaded": 27, "superseded": 0, "duplicates": 1, "rejected": 1}


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
    # c-1006 is admin-only; the five p- conversations are known only from the conversation export
    assert summary["out_of_scope_conversations"] == 6
    assert "breaches                2  (40.0%)" in built["stdout"]


def test_resolution_report_rows(built: dict) -> None:
    rows = built["resolution_rows"]
    assert built["resolution_header"] == [
        "conversation_id",
        "user_id",
        "started_at",
        "resolved_at",
        "resolution_seconds",
        "assignee_email",
        "tags",
    ]
    # c-1001: closed 10:00, reopened by the customer at 13:00, closed 15:30: 6.5 h from 09:00
    assert (rows["c-1001"]["resolved_at"], rows["c-1001"]["resolution_seconds"]) == ("2026-01-05T15:30:00Z", "23400")
    # c-1002: its state events (closed 13:00) win over the conversation export's resolved_at (Jan 9)
    assert (rows["c-1002"]["resolved_at"], rows["c-1002"]["resolution_seconds"]) == ("2026-01-05T13:00:00Z", "10800")
    assert (rows["c-1002"]["user_id"], rows["c-1002"]["assignee_email"]) == ("u-7", "dan@example.com")
    # c-1003 has no state events, so the conversation export resolves it, from its own started_at
    assert rows["c-1003"]["resolution_seconds"] == str(12 * 3600 + 60)
    # p-002: 10:00+01:00 to epoch 1772535600 (2026-03-03 11:00Z) is 26 h
    assert (rows["p-002"]["started_at"], rows["p-002"]["resolution_seconds"]) == ("2026-03-02T09:00:00Z", "93600")
    assert rows["p-001"]["assignee_email"] == "ana@example.com"
    # open (p-003), closed without a time (p-004), negative span (p-005) and message-only ones are not rows
    assert sorted(rows) == ["c-1001", "c-1002", "c-1003", "p-001", "p-002"]


def test_resolution_summary(built: dict) -> None:
    summary = built["resolution"]
    # resolved hours 3, 6, 6.5, 12.0167, 26: median 6.5; p95 = 12.0167 + 0.8 * (26 - 12.0167)
    assert summary["total_closed"] == 5
    assert summary["median_hours"] == 6.5
    assert summary["p95_hours"] == pytest.approx(12 + 1 / 60 + 0.8 * (26 - 12 - 1 / 60), abs=1e-4)
    assert summary["within_24h_share"] == 0.8
    assert "pct_within_24h" not in summary
    # messages: c-1001 4 comments loaded; c-1002 9 and c-1003 3 from the export; p-001 4; p-002 6
    assert summary["avg_messages"] == 5.2
    assert (summary["resolution_breaches"], summary["resolution_breach_rate_pct"]) == (1, 20.0)
    assert (summary["unresolved_conversations"], summary["excluded_conversations"]) == (4, 2)
    assert summary["total_conversations"] == 11
    by_assignee = {row["assignee"]: row["total_closed"] for row in summary["by_assignee"]}
    assert by_assignee == {"agent-12": 1, "agent-03": 1, "agent-05": 1, "ana@example.com": 1, "ben@example.com": 1}
    daily = summary["daily"]
    assert (daily[0]["resolved_date"], daily[-1]["resolved_date"], len(daily)) == ("2026-01-05", "2026-03-03", 58)
    assert (daily[0]["resolved_count"], daily[0]["median_hours"]) == (2, 4.75)


def test_every_model_and_column_is_documented(built: dict) -> None:
    """dbt docs generate works offline, and every column the catalog finds has a description."""
    manifest = json.loads((built["target"] / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((built["target"] / "catalog.json").read_text(encoding="utf-8"))
    undocumented = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        if not node["description"].strip():
            undocumented.append(node["name"])
        documented = {name for name, column in node["columns"].items() if column["description"].strip()}
        built_columns = {name.lower() for name in catalog["nodes"][unique_id]["columns"]}
        undocumented += [f"{node['name']}.{name}" for name in sorted(built_columns - documented)]
    assert not undocumented


def test_semantic_layer_answers_breach_rate_offline(built: dict) -> None:
    """MetricFlow on the DuckDB file: P1 c-1002 breached; P2 c-1001 and c-1005 met; Urgent c-1004
    breached; normal c-1003 met."""
    # mf reads <project>/target/semantic_manifest.json, so it gets a project folder of its own
    project = built["work"] / "mf_project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests"):
        (project / name).symlink_to(ROOT / name)
    env = {**os.environ, "DBT_DUCKDB_PATH": str(built["db"]), "DBT_PROFILES_DIR": str(project)}
    parse = subprocess.run([str(DBT), "parse"], cwd=project, env=env, capture_output=True, text=True, check=False)
    assert parse.returncode == 0, parse.stdout[-2000:]
    out = built["work"] / "breach_share.csv"
    command = [
        str(DBT.parent / "mf"),
        "query",
        "--metrics",
        "breach_share,conversations_in_scope",
        "--group-by",
        "conversation__priority",
        "--order",
        "conversation__priority",
        "--csv",
        str(out),
    ]
    run = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    with out.open(newline="", encoding="utf-8") as handle:
        rows = {row["conversation__priority"]: row for row in csv.DictReader(handle)}
    answered = {name: (float(row["breach_share"]), int(row["conversations_in_scope"])) for name, row in rows.items()}
    assert answered == {"P1": (1.0, 1), "P2": (0.0, 2), "Urgent": (1.0, 1), "normal": (0.0, 1)}
