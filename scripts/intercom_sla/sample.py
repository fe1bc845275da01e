"""Write a deterministic, realistic Intercom message export (SPEC §1 A) for demos, tests and benchmarks.

The default is a quarter of a mid-size support team: ~3,200 conversations, ~15,000 rows, 45 agents.
It carries the quirks real exports have: a UTF-8 BOM and CRLF line ends, timestamps with `Z`, with
other UTC offsets, as epoch seconds and without an offset; quoted multi-tag cells; message bodies with
commas and line breaks; internal notes, bot replies, admin-first and admin-only conversations, replies
in the same second as the customer's message, handovers between agents, unanswered conversations,
export-given first_response_at values, lower-case, unknown and missing priorities, rows repeated as in
overlapping exports, and a few broken rows the loader must reject. Rows are written as they are made,
so millions of conversations need no more memory than one.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

COLUMNS = (
    "conversation_id",
    "message_id",
    "created_at",
    "sender_type",
    "part_type",
    "assignee_id",
    "priority",
    "tags",
    "first_response_at",
    "body",
    "author_id",
    "team_id",
)
TAGS = ("billing", "bug", "onboarding", "refund", "integration", "feature-request", "vip", "account")
CUSTOMER_SENDERS = ("user", "user", "user", "lead", "contact", "User ")
ADMIN_SENDERS = ("admin", "admin", "admin", "teammate", "Admin")
OFFSETS = (timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)))
# Typical first-response minutes per priority: P1 answers are fast, normal ones can take hours.
RESPONSE_MEDIAN_MINUTES = {"P1": 9.0, "P2": 35.0, "normal": 150.0}
TEAMS = ("team-billing", "team-tech", "team-success")
BOT_AUTHOR = "operator-bot"
# Conversations of the message export that the conversation export also carries.
OVERLAPPING_CONVERSATIONS = 50
BODIES = (
    "Hi, I was charged twice, can you check?",
    'The export says "failed", see screenshot',
    "Thanks!\nThat fixed it.",
    "Login loop on mobile, again",
    "Can we get an invoice, with VAT number?",
)


class Conversation:
    """Rows of one synthetic conversation; `rng` drives every choice so output is deterministic."""

    def __init__(self, rng: random.Random, number: int, start: datetime, agent_weights: list[float]) -> None:
        self.rng = rng
        self.conversation_id = f"conv-{number:07d}"
        self.start = start
        self.agent_weights = agent_weights
        self.message_number = 0
        self.rows: list[dict[str, str]] = []
        self.owner = ""
        self.closed_at: datetime | None = None

    def add(self, at: datetime, sender: str, part_type: str = "", assignee: str = "", **fields: str) -> None:
        self.message_number += 1
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            conversation_id=self.conversation_id,
            message_id=f"{self.conversation_id}-m{self.message_number:03d}",
            created_at=format_timestamp(self.rng, at),
            sender_type=sender,
            part_type=part_type,
            assignee_id=assignee,
            body=self.rng.choice(BODIES) if part_type in ("", "comment", "note") else "",
            author_id=BOT_AUTHOR if sender == "bot" else (assignee if sender in ADMIN_SENDERS else ""),
            team_id=team_of(assignee),
        )
        row.update(fields)
        self.rows.append(row)

    def agent(self) -> str:
        # a few agents take more conversations than the rest, as in real teams
        number = self.rng.choices(range(1, len(self.agent_weights) + 1), cum_weights=self.agent_weights)[0]
        return f"agent-{number:02d}"


def team_of(agent: str) -> str:
    """Each agent works in one team, so the team follows the assignee on every row that names one."""
    return TEAMS[int(agent.rsplit("-", 1)[1]) % len(TEAMS)] if agent else ""


def format_timestamp(rng: random.Random, at: datetime) -> str:
    roll = rng.random()
    if roll < 0.55:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if roll < 0.75:
        return at.astimezone(rng.choice(OFFSETS)).isoformat()
    if roll < 0.88:
        return str(int(at.timestamp()))
    return at.strftime("%Y-%m-%d %H:%M:%S")


def pick_priority(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.10:
        return "P1"
    if roll < 0.33:
        return "P2"
    if roll < 0.38:
        return rng.choice(("p1", " p2 "))
    if roll < 0.40:
        return "Urgent"
    if roll < 0.70:
        return "normal"
    return ""


def response_delay(rng: random.Random, priority: str) -> timedelta:
    label = priority.strip().upper() if priority.strip().upper() in ("P1", "P2") else "normal"
    minutes = rng.lognormvariate(0, 1.0) * RESPONSE_MEDIAN_MINUTES[label]
    return timedelta(seconds=max(1, round(minutes * 60)))


def build_conversation(rng: random.Random, number: int, start: datetime, agent_weights: list[float]) -> Conversation:
    conv = Conversation(rng, number, start, agent_weights)
    priority = pick_priority(rng)
    tags = rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3)))
    owner = conv.owner = conv.agent()
    kind = rng.random()
    at = start

    if kind < 0.03:  # outbound, admin-only: out of first-response scope
        conv.add(at, rng.choice(ADMIN_SENDERS), "comment", owner, priority=priority)
        conv.add(at + timedelta(days=2), rng.choice(ADMIN_SENDERS), "comment", owner)
        return conv
    if kind < 0.08:  # admin writes first; the customer's reply starts the SLA clock
        conv.add(at, rng.choice(ADMIN_SENDERS), "comment", owner)
        at += timedelta(hours=rng.uniform(1, 30))

    conv.add(at, rng.choice(CUSTOMER_SENDERS), "", priority=priority, tags=",".join(tags[:2]))
    started = at
    if rng.random() < 0.35:  # a bot answers first; never a response
        conv.add(at + timedelta(seconds=rng.randint(1, 20)), "bot", "comment")
    if rng.random() < 0.02:  # a reply in the same second as the start does not count
        conv.add(at, rng.choice(ADMIN_SENDERS), "comment", owner)
    if rng.random() < 0.06:  # unanswered
        if rng.random() < 0.5:
            conv.add(at + timedelta(minutes=rng.uniform(1, 600)), rng.choice(CUSTOMER_SENDERS), "comment")
        return conv

    reply_at = started + response_delay(rng, priority)
    if rng.random() < 0.2:  # an internal note before the reply is not a reply
        conv.add(started + (reply_at - started) / 2, rng.choice(ADMIN_SENDERS), "note", owner)
    if rng.random() < 0.1:  # handover: the second agent replies
        owner = conv.agent()
        conv.add(started + (reply_at - started) * 0.8, rng.choice(ADMIN_SENDERS), "assignment", owner)
    given = {}
    if rng.random() < 0.12:  # the export carries the first response time itself
        given = {"first_response_at": format_timestamp(rng, reply_at - timedelta(seconds=rng.randint(0, 30)))}
    conv.add(reply_at, rng.choice(ADMIN_SENDERS), "comment", owner, tags=",".join(tags[2:]), **given)

    at = reply_at
    if rng.random() < 0.1:  # snoozed for a while, woken by hand or by the timer
        conv.add(at + timedelta(minutes=5), rng.choice(ADMIN_SENDERS), "snoozed", owner)
        at += timedelta(hours=rng.uniform(1, 20))
        conv.add(at, *(("bot", "timer_unsnooze") if rng.random() < 0.5 else (rng.choice(ADMIN_SENDERS), "unsnoozed")))
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        at += timedelta(minutes=rng.uniform(2, 240))
        sender = rng.choice(CUSTOMER_SENDERS) if rng.random() < 0.5 else rng.choice(ADMIN_SENDERS)
        conv.add(at, sender, "comment", owner if sender in ADMIN_SENDERS else "")
    if rng.random() < 0.85:  # most conversations get closed; some reopen and close again
        at += timedelta(minutes=rng.lognormvariate(4.5, 1.2))
        conv.add(at, rng.choice(ADMIN_SENDERS), "close", owner)
        if rng.random() < 0.12:
            at += timedelta(hours=rng.uniform(1, 72))
            conv.add(at, rng.choice(CUSTOMER_SENDERS), "comment")
            if rng.random() < 0.3:
                conv.add(at + timedelta(minutes=1), rng.choice(ADMIN_SENDERS), "open", owner)
            at += timedelta(hours=rng.uniform(0.5, 30))
            conv.add(at, rng.choice(ADMIN_SENDERS), "close", owner)
    conv.closed_at = at if conv.rows[-1]["part_type"] == "close" else None
    return conv


EXPORT_COLUMNS = (
    "conversation_id",
    "user_id",
    "started_at",
    "resolved_at",
    "state",
    "assignee_email",
    "tags",
    "message_count",
    "reopen_count",
    "priority",
)


def export_row(
    rng: random.Random, conversation_id: str, started: datetime, resolved: datetime | None, owner: str
) -> dict:
    """One conversation-export record (SPEC §1 B): semicolon tags, mixed timestamp forms."""
    state = "closed" if resolved else rng.choice(("open", "open", "snoozed"))
    return {
        "conversation_id": conversation_id,
        "user_id": f"u-{rng.randint(1, 99999):05d}",
        "started_at": format_timestamp(rng, started),
        "resolved_at": format_timestamp(rng, resolved) if resolved else "",
        "state": state,
        "assignee_email": f"{owner}@example.com" if owner else "",
        "tags": ";".join(rng.sample(TAGS, rng.choice((0, 1, 1, 2)))),
        "message_count": str(rng.randint(2, 14)),
        "reopen_count": str(rng.choice((0, 0, 0, 0, 1, 2))) if resolved else "0",
        "priority": pick_priority(rng),
    }


def export_records(
    rng: random.Random, conversations: int, agent_weights: list[float], first_day: datetime, days: int
) -> Iterator[dict]:
    """A month of a payments team's conversation export, with the data-quality faults real ones have."""
    for number, start in enumerate(conversation_starts(rng, conversations, first_day, days), 1):
        owner = Conversation(rng, number, start, agent_weights).agent().replace("agent-", "agent")
        roll = rng.random()
        resolved = None if roll < 0.08 else start + timedelta(minutes=rng.lognormvariate(5.8, 1.3))
        row = export_row(rng, f"pay-{number:06d}", start, resolved, owner)
        if roll > 0.995:  # resolved before it started: a time-zone slip in the source system
            row["resolved_at"] = format_timestamp(rng, start - timedelta(hours=rng.randint(1, 5)))
        elif roll > 0.98:  # closed without a resolution time
            row["resolved_at"] = ""
        yield row


def write_conversation_export(path: Path, records: Iterator[dict]) -> int:
    """CSV, JSON Lines (.jsonl) or a JSON array (.json), chosen by the file's suffix."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
        if path.suffix == ".csv":
            writer.writeheader()
        elif path.suffix == ".json":
            out.write("[")
        for record in records:
            count += 1
            if path.suffix == ".csv":
                writer.writerow(record)
                continue
            typed: dict = {key: value for key, value in record.items() if value != ""}
            typed["tags"] = [tag for tag in record["tags"].split(";") if tag]
            typed["message_count"], typed["reopen_count"] = int(record["message_count"]), int(record["reopen_count"])
            separator = "," if path.suffix == ".json" and count > 1 else ""
            out.write(separator + json.dumps(typed) + "\n")
        if path.suffix == ".json":
            out.write("]\n")
    return count


def conversation_starts(rng: random.Random, count: int, first_day: datetime, days: int) -> Iterator[datetime]:
    """Start times in order across the period, busier on weekdays in working hours (UTC)."""
    step = days * 86400 / max(count, 1)
    for index in range(count):
        at = first_day + timedelta(seconds=index * step + rng.uniform(0, step))
        if at.weekday() >= 5 and rng.random() < 0.6:
            at -= timedelta(days=2)
        yield at.replace(microsecond=0)


def agent_weights_for(agents: int) -> list[float]:
    return list(itertools.accumulate(1 / rank**0.7 for rank in range(1, agents + 1)))


def generate(
    out, conversations: int, agents: int, seed: int, first_day: datetime, days: int, overlap: list[dict]
) -> int:
    """Write the message export; the first conversations also go to `overlap` as conversation-export rows."""
    rng = random.Random(seed)
    overlap_rng = random.Random(seed + 1)
    agent_weights = agent_weights_for(agents)
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    rows_written = 0
    for number, start in enumerate(conversation_starts(rng, conversations, first_day, days), 1):
        conv = build_conversation(rng, number, max(first_day, start), agent_weights)
        if number <= OVERLAPPING_CONVERSATIONS:
            # the conversation export disagrees a little with the state events, which take precedence
            resolved = conv.closed_at + timedelta(minutes=overlap_rng.randint(1, 90)) if conv.closed_at else None
            overlap.append(export_row(overlap_rng, conv.conversation_id, conv.start, resolved, conv.owner))
        rows = conv.rows
        if rng.random() < 0.1:  # some exports are not in time order
            rng.shuffle(rows)
        if rng.random() < 0.05:  # rows repeated, as when weekly exports overlap
            rows = rows + rows[:1]
        if rng.random() < 0.03:
            rows[0]["message_id"] = ""
        for row in rows:
            writer.writerow(row)
        rows_written += len(rows)
        if number % 1000 == 0:  # the odd broken row a real export has
            writer.writerow({**rows[0], "message_id": f"{conv.conversation_id}-bad", "sender_type": "system"})
            writer.writerow({**rows[0], "message_id": f"{conv.conversation_id}-bad2", "created_at": "31/02/2026"})
            rows_written += 2
    return rows_written


@dataclass(frozen=True)
class SampleShape:
    """What the sample covers; the same shape and seed give the same bytes."""

    conversations: int = 3200
    agents: int = 45
    seed: int = 2026
    first_day: date = date(2026, 7, 1)
    days: int = 92
    export_conversations: int = 1000


def write_sample(out: Path, shape: SampleShape, conversation_export: Path | None = None) -> list[str]:
    """Write the message export to `out` and, if asked, a conversation export (a payments team's last month,
    plus the first conversations of the message export); one line per file written."""
    first_day = datetime.combine(shape.first_day, time(), tzinfo=UTC)
    out.parent.mkdir(parents=True, exist_ok=True)
    overlap: list[dict] = []
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        rows = generate(handle, shape.conversations, shape.agents, shape.seed, first_day, shape.days, overlap)
    written = [f"wrote {rows} rows for {shape.conversations} conversations to {out}"]
    if conversation_export:
        month_start = first_day + timedelta(days=max(0, shape.days - 30))
        records = export_records(
            random.Random(shape.seed + 2), shape.export_conversations, agent_weights_for(shape.agents), month_start, 30
        )
        conversation_export.parent.mkdir(parents=True, exist_ok=True)
        count = write_conversation_export(conversation_export, itertools.chain(records, overlap))
        written.append(f"wrote {count} conversations to {conversation_export}")
    return written
