"""Property tests: random exports through the real loader and dbt, compared with tests/reference_model.py.

Each example is a batch of random conversations, and so of customer waits (SPEC §7): random row
order, UTC offsets, epoch and naive timestamps, ties (many parts crowded into a few seconds), notes,
bots, AI-agent parts, bodies on any part type, missing and unknown priorities, handovers and team
assignments, closes, every reopen and wake part type, snoozes, rows repeated across two files, and
conversation-export rows. Each is built once with dbt (models and data tests), so a few examples
cover hundreds of conversations within CI's time.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import load, query, run_dbt
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reference_model import ExportRow, Message, expected_fact, expected_waits, linear_quantile

BASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
POLICIES = {"P1": (15.0, 1440.0), "P2": (60.0, 1440.0), "normal": (240.0, 1440.0)}
NEXT_REPLY_MINUTES: dict[str, float | None] = {"P1": 30.0, "P2": 120.0, "normal": 480.0}
WAIT_COLUMNS = [
    "wait_number",
    "started_at",
    "customer_messages",
    "first_bot_reply_at",
    "ended_by",
    "ended_at",
    "replied_at",
    "responder_id",
    "wait_seconds",
    "threshold_minutes",
    "status",
    "breach_at",
    "assignee_at_start",
    "team_at_start",
    "assignee_at_breach",
    "team_at_breach",
]
MESSAGE_COLUMNS = [
    "conversation_id",
    "message_id",
    "sender_type",
    "part_type",
    "created_at",
    "priority",
    "assignee_id",
    "tags",
    "first_response_at",
    "body",
    "from_ai_agent",
    "author_id",
    "team_id",
]

# spread over two days, or crowded into four minutes so that many parts share a second (ties)
moments = st.one_of(
    st.builds(
        lambda minutes, seconds: BASE + timedelta(minutes=minutes, seconds=seconds),
        st.integers(0, 48 * 60),
        st.sampled_from([0, 0, 0, 30]),
    ),
    st.builds(lambda minutes: BASE + timedelta(minutes=minutes), st.integers(0, 3)),
)


@st.composite
def conversation(draw: st.DrawFn, conversation_id: str) -> list[Message]:
    messages = []
    for number in range(draw(st.integers(1, 8))):
        messages.append(
            Message(
                conversation_id=conversation_id,
                message_id=f"{conversation_id}-m{number:02d}",
                sender_type=draw(
                    st.sampled_from(["user", "User ", "lead", "contact", "admin", " ADMIN", "teammate", "bot"])
                ),
                part_type=draw(
                    st.sampled_from(
                        [
                            "",
                            "comment",
                            "comment",
                            "comment",
                            "note",
                            "assignment",
                            "close",
                            "close",
                            "open",
                            "snoozed",
                            "unsnoozed",
                            "timer_unsnooze",
                            "away_mode_assignment",
                            "conversation_message",
                            "assign_and_reopen",
                            "note_and_reopen",
                            "assign_and_unsnooze",
                        ]
                    )
                ),
                created_at=draw(moments),
                priority=draw(st.sampled_from([None, None, None, "P1", "p2", " P2 ", "Urgent", "NORMAL"])),
                assignee_id=draw(st.sampled_from([None, None, "a1", "a2", "a3"])),
                tags=draw(st.sampled_from([None, None, "billing", "billing, vip", " vip ,", ",,"])),
                first_response_at=draw(st.one_of(st.none(), st.none(), st.none(), st.none(), moments)),
                has_body=draw(st.sampled_from([True, False, False])),
                ai_agent=draw(st.sampled_from([False, False, False, False, True])),
                author_id=draw(st.sampled_from([None, "a1", "a2", "fin"])),
                team_id=draw(st.sampled_from([None, None, None, "t1", "t2"])),
            )
        )
    return messages


@st.composite
def export_row(draw: st.DrawFn, conversation_id: str) -> ExportRow:
    started = draw(moments)
    resolved = draw(st.one_of(st.none(), st.integers(-120, 3000).map(lambda m: started + timedelta(minutes=m))))
    return ExportRow(
        conversation_id=conversation_id,
        started_at=started,
        resolved_at=resolved,
        state=draw(st.sampled_from([None, "open", "closed", "closed", "snoozed"])),
        tags=draw(st.sampled_from([None, "vip;refund", "billing; a,b"])),
        reopen_count=draw(st.sampled_from([None, 0, 2])),
        priority=draw(st.sampled_from([None, "p1", "Urgent"])),
    )


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[Message], list[ExportRow], int]:
    count = draw(st.integers(20, 60))
    messages = [m for number in range(count) for m in draw(conversation(f"c{number:03d}"))]
    exports = [draw(export_row(f"c{number:03d}")) for number in range(count) if draw(st.booleans()) and number % 3 == 0]
    exports += [draw(export_row(f"x{number:03d}")) for number in range(draw(st.integers(0, 10)))]
    return messages, exports, draw(st.integers(0, 2**32 - 1))


def timestamp_text(rng: random.Random, at: datetime | None) -> str:
    if at is None:
        return ""
    form = rng.randrange(4)
    if form == 0:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == 1:
        return at.astimezone(timezone(timedelta(hours=rng.choice((-7, 2, 5))))).isoformat()
    if form == 2:
        return str(int(at.timestamp()))
    return at.strftime("%Y-%m-%d %H:%M:%S")  # naive: the loader's default --assume-tz is UTC


def write_exports(folder: Path, messages: list[Message], exports: list[ExportRow], seed: int) -> list[Path]:
    """Two overlapping message files in random order (BOM + CRLF on one) and a JSON Lines export."""
    rng = random.Random(seed)
    rows = [
        {
            "conversation_id": m.conversation_id,
            "message_id": m.message_id,
            "sender_type": m.sender_type,
            "part_type": m.part_type or "",
            "created_at": timestamp_text(rng, m.created_at),
            "priority": m.priority or "",
            "assignee_id": m.assignee_id or "",
            "tags": m.tags or "",
            "first_response_at": timestamp_text(rng, m.first_response_at),
            "body": rng.choice(["<p>Thanks, looking</p>", "ok", " <p>fine, and you?</p>"])
            if m.has_body
            else rng.choice(["", "<p></p>", " "]),
            "from_ai_agent": rng.choice(["true", "TRUE", "1"]) if m.ai_agent else rng.choice(["", "false", "0"]),
            "author_id": m.author_id or "",
            "team_id": m.team_id or "",
        }
        for m in messages
    ]
    rng.shuffle(rows)
    cut = len(rows) // 2
    overlap = rng.randint(0, cut)
    files = []
    for name, part, bom in (("week1.csv", rows[: cut + overlap], True), ("week2.csv", rows[cut:], False)):
        path = folder / name
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=MESSAGE_COLUMNS, lineterminator="\r\n" if bom else "\n")
            writer.writeheader()
            writer.writerows(part)
        files.append(path)
    if exports:
        path = folder / "conversations.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for row in exports:
                record = {"conversation_id": row.conversation_id, "started_at": timestamp_text(rng, row.started_at)}
                for key in ("state", "tags", "reopen_count", "priority"):
                    if getattr(row, key) is not None:
                        record[key] = getattr(row, key)
                if row.resolved_at:
                    record["resolved_at"] = timestamp_text(rng, row.resolved_at)
                handle.write(json.dumps(record) + "\n")
        files.append(path)
    return files


def build(db: Path, work: Path) -> None:
    run = run_dbt("build", "--exclude-resource-type", "unit_test", db=db, work=work)
    assert run.returncode == 0, run.stdout[-4000:]


def close_enough(actual: object, expected: object) -> bool:
    if isinstance(expected, float) and actual is not None:
        return abs(float(actual) - expected) < 1e-6
    return actual == expected


# Each example is a whole dbt build, so shrinking would take many minutes: the failure message names
# the conversation and its input instead.
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=batches())
def test_marts_equal_the_reference_model(
    batch: tuple[list[Message], list[ExportRow], int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    messages, exports, seed = batch
    work = tmp_path_factory.mktemp("property")
    db = work / "intercom.duckdb"
    run = load(db, *write_exports(work, messages, exports, seed))
    assert run.returncode == 0, run.stderr
    counts = run.counts()
    assert counts["rejected"] == 0 and counts["loaded"] == len(messages) + len(exports)
    build(db, work)

    expected = expected_fact(messages, exports, POLICIES)
    columns = list(next(iter(expected.values())).keys())
    actual_rows = query(db, f"select {', '.join(columns)} from main.fct_conversations order by conversation_id")
    actual = {row[0]: dict(zip(columns, row, strict=True)) for row in actual_rows}
    assert sorted(actual) == sorted(expected)
    for conversation_id, want in expected.items():
        got = actual[conversation_id]
        wrong = {key: (got[key], value) for key, value in want.items() if not close_enough(got[key], value)}
        evidence = [m for m in messages if m.conversation_id == conversation_id]
        evidence += [row for row in exports if row.conversation_id == conversation_id]
        assert not wrong, f"{conversation_id}: (actual, expected) {wrong}\ninput: {evidence}"

    # every customer wait agrees with the reference walk (SPEC §7)
    waits = expected_waits(messages, expected, NEXT_REPLY_MINUTES)
    wait_rows = query(db, f"select wait_id, {', '.join(WAIT_COLUMNS)} from main.fct_customer_waits order by wait_id")
    actual_waits = {row[0]: dict(zip(WAIT_COLUMNS, row[1:], strict=True)) for row in wait_rows}
    assert sorted(actual_waits) == sorted(waits), sorted(set(actual_waits) ^ set(waits))
    for wait_id, want in waits.items():
        got = actual_waits[wait_id]
        wrong = {key: (got[key], want[key]) for key in WAIT_COLUMNS if not close_enough(got[key], want[key])}
        evidence = sorted((m for m in messages if m.conversation_id == wait_id.split(":")[0]), key=lambda m: m.order)
        assert not wrong, f"{wait_id}: (actual, expected) {wrong}\ninput: {evidence}"

    # the breach-rate and resolution marts agree with the reference rows too
    in_scope = [fact for fact in expected.values() if fact["in_first_response_scope"]]
    by_priority = {
        row[0]: row[1:]
        for row in query(
            db,
            "select priority, conversations, breaches, median_response_minutes"
            " from main.mart_first_response_breach_rate_by_priority",
        )
    }
    for priority in {fact["priority"] for fact in in_scope}:
        group = [fact for fact in in_scope if fact["priority"] == priority]
        minutes = [fact["response_minutes"] for fact in group if fact["response_minutes"] is not None]
        want = (len(group), sum(fact["sla_status"] == "breached" for fact in group), linear_quantile(minutes, 0.5))
        got = by_priority.pop(priority)
        assert got[:2] == want[:2] and close_enough(got[2], want[2]), (priority, got, want)
    assert not by_priority
    measured = [fact["resolution_seconds"] / 3600 for fact in expected.values() if fact["resolution_sla_status"]]
    [(total_closed, p95_hours)] = query(db, "select total_closed, p95_hours from main.mart_resolution_summary")
    assert total_closed == len(measured) and close_enough(p95_hours, linear_quantile(measured, 0.95))
