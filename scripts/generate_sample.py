#!/usr/bin/env python3
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

import argparse
import csv
import itertools
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
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
)
TAGS = ("billing", "bug", "onboarding", "refund", "integration", "feature-request", "vip", "account")
CUSTOMER_SENDERS = ("user", "user", "user", "lead", "contact", "User ")
ADMIN_SENDERS = ("admin", "admin", "admin", "teammate", "Admin")
OFFSETS = (timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)))
# Typical first-response minutes per priority: P1 answers are fast, normal ones can take hours.
RESPONSE_MEDIAN_MINUTES = {"P1": 9.0, "P2": 35.0, "normal": 150.0}
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
        )
        row.update(fields)
        self.rows.append(row)

    def agent(self) -> str:
        # a few agents take more conversations than the rest, as in real teams
        number = self.rng.choices(range(1, len(self.agent_weights) + 1), cum_weights=self.agent_weights)[0]
        return f"agent-{number:02d}"


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
    owner = conv.agent()
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
    for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
        at += timedelta(minutes=rng.uniform(2, 240))
        sender = rng.choice(CUSTOMER_SENDERS) if rng.random() < 0.5 else rng.choice(ADMIN_SENDERS)
        conv.add(at, sender, "comment", owner if sender in ADMIN_SENDERS else "")
    return conv


def conversation_starts(rng: random.Random, count: int, first_day: datetime, days: int) -> Iterator[datetime]:
    """Start times in order across the period, busier on weekdays in working hours (UTC)."""
    step = days * 86400 / max(count, 1)
    for index in range(count):
        at = first_day + timedelta(seconds=index * step + rng.uniform(0, step))
        if at.weekday() >= 5 and rng.random() < 0.6:
            at -= timedelta(days=2)
        yield at.replace(microsecond=0)


def generate(out, conversations: int, agents: int, seed: int, first_day: datetime, days: int) -> int:
    rng = random.Random(seed)
    agent_weights = list(itertools.accumulate(1 / rank**0.7 for rank in range(1, agents + 1)))
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    rows_written = 0
    for number, start in enumerate(conversation_starts(rng, conversations, first_day, days), 1):
        conv = build_conversation(rng, number, max(first_day, start), agent_weights)
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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Write a deterministic sample Intercom message export (CSV, UTF-8 with BOM, CRLF).",
    )
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write (its folder is created)")
    parser.add_argument("--conversations", type=int, default=3200, help="number of conversations (default 3200)")
    parser.add_argument("--agents", type=int, default=45, help="number of agents (default 45)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same file")
    parser.add_argument("--start", default="2026-07-01", help="first day of the export, UTC (default 2026-07-01)")
    parser.add_argument("--days", type=int, default=92, help="days covered (default 92, a quarter)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.conversations < 1 or args.agents < 1 or args.days < 1:
        print("error: --conversations, --agents and --days must be at least 1", file=sys.stderr)
        return 2
    first_day = datetime.fromisoformat(args.start).replace(tzinfo=UTC)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8-sig", newline="") as out:
        rows = generate(out, args.conversations, args.agents, args.seed, first_day, args.days)
    print(f"wrote {rows} rows for {args.conversations} conversations to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
