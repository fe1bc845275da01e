"""A plain-Python reading of SPEC §3-§4 and §7 (and the documented choices), written from the spec
and not from the SQL: it walks each conversation's messages one by one instead of using windows.

The property tests compare fct_conversations and fct_customer_waits with what this model says, row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

CUSTOMER, ADMIN, BOT = "user", "admin", "bot"
SENDER_TYPES = {"user": CUSTOMER, "lead": CUSTOMER, "contact": CUSTOMER, "admin": ADMIN, "teammate": ADMIN, "bot": BOT}
NOTE_PARTS = ("note", "note_and_reopen")
REOPEN_PARTS = ("open", "assign_and_reopen", "note_and_reopen")
WAKE_PARTS = ("unsnoozed", "timer_unsnooze", "assign_and_unsnooze")
STATE_PARTS = ("close", "snoozed", *REOPEN_PARTS, *WAKE_PARTS)
ASSIGNMENT_PARTS = (
    "assignment",
    "default_assignment",
    "away_mode_assignment",
    "assign_and_reopen",
    "assign_and_unsnooze",
)


@dataclass(frozen=True)
class Message:
    conversation_id: str
    message_id: str
    sender_type: str
    part_type: str | None
    created_at: datetime
    priority: str | None = None
    assignee_id: str | None = None
    tags: str | None = None
    first_response_at: datetime | None = None
    has_body: bool | None = None  # None: the export has no body column
    ai_agent: bool = False
    author_id: str | None = None
    team_id: str | None = None

    @property
    def sender(self) -> str:
        return BOT if self.ai_agent else SENDER_TYPES[self.sender_type.strip().lower()]

    @property
    def part(self) -> str:
        part = (self.part_type or "").strip().lower() or "comment"
        return "comment" if part == "conversation_message" else part

    @property
    def is_visible(self) -> bool:
        """A comment, or a part of another type with a body; never a note (SPEC §1 A)."""
        return self.part == "comment" or (bool(self.has_body) and self.part not in NOTE_PARTS)

    @property
    def is_customer_message(self) -> bool:
        return self.sender == CUSTOMER and self.is_visible

    @property
    def is_visible_reply(self) -> bool:
        return self.sender == ADMIN and self.is_visible

    @property
    def is_close_without_reply(self) -> bool:
        """A close that is not a teammate's reply, whoever closes: a close ends a wait (SPEC §7)."""
        return self.part == "close" and not self.is_visible_reply and not self.is_customer_message

    @property
    def is_bot_answer(self) -> bool:
        return self.sender == BOT and (self.part == "comment" or bool(self.has_body))

    @property
    def names_an_owner(self) -> bool:
        return bool(clean(self.assignee_id) or clean(self.team_id) or self.part in ASSIGNMENT_PARTS)

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.created_at, self.message_id)


@dataclass(frozen=True)
class ExportRow:
    conversation_id: str
    started_at: datetime
    resolved_at: datetime | None = None
    state: str | None = None
    tags: str | None = None
    reopen_count: int | None = None
    priority: str | None = None


def clean(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def policy_for(label: str | None, policies: dict[str, tuple[float, float]]) -> tuple[str, float, float]:
    """(label as reported, first-response minutes, resolution minutes)."""
    by_lower = {name.lower(): name for name in policies}
    normal = by_lower["normal"]
    if label is None:
        return normal, *policies[normal]
    if label.lower() in by_lower:
        name = by_lower[label.lower()]
        return name, *policies[name]
    return label, *policies[normal]


def replay(messages: list[Message], clock_start: datetime) -> dict:
    """Walk the state events one at a time (SPEC §4)."""
    state, open_seconds, reopens = "open", 0.0, 0
    closes: list[datetime] = []
    previous_at = clock_start
    last_event_at = None
    for message in messages:
        if message.part == "close":
            event = "close"
        elif message.part in REOPEN_PARTS:
            event = "open"
        elif message.part == "snoozed":
            event = "snoozed"
        elif message.part in WAKE_PARTS:
            event = "unsnoozed"
        elif message.is_customer_message:
            event = "customer_message"
        else:
            continue
        at = max(message.created_at, clock_start)
        if state == "open":
            open_seconds += (at - previous_at).total_seconds()
        before = state
        if event == "close":
            state = "closed"
        elif event in ("open", "customer_message"):
            state = "open"
        elif event == "snoozed":
            state = "snoozed"
        elif before == "snoozed":  # an unsnooze wakes a snoozed conversation only
            state = "open"
        if before != "closed" and state == "closed":
            closes.append(at)
        elif before == "closed" and event == "close":  # a reopen the data does not show
            closes.append(at)
            reopens += 1
        if before == "closed" and state != "closed":
            reopens += 1
        previous_at = last_event_at = at
    return {
        "has_state_events": any(message.part in STATE_PARTS for message in messages),
        "state": state,
        "closes": closes,
        "reopens": reopens,
        "open_seconds_to_last_event": open_seconds,
        "last_event_at": last_event_at or clock_start,
    }


def expected_fact(
    messages: list[Message], exports: list[ExportRow], policies: dict[str, tuple[float, float]]
) -> dict[str, dict]:
    """One dict per conversation with the fct_conversations columns the SPEC defines."""
    by_conversation: dict[str, list[Message]] = {}
    for message in messages:
        by_conversation.setdefault(message.conversation_id, []).append(message)
    export_by_id = {row.conversation_id: row for row in exports}
    stamps = [m.created_at for m in messages] + [m.first_response_at for m in messages if m.first_response_at]
    stamps += [row.started_at for row in exports] + [row.resolved_at for row in exports if row.resolved_at]
    data_as_of = max(stamps)

    facts = {}
    for conversation_id in sorted(set(by_conversation) | set(export_by_id)):
        conv = sorted(by_conversation.get(conversation_id, []), key=lambda m: m.order)
        export = export_by_id.get(conversation_id)
        fact: dict = {"conversation_id": conversation_id}

        customer_messages = [m for m in conv if m.is_customer_message]
        started = customer_messages[0].created_at if customer_messages else None
        replies = [m for m in conv if started and m.is_visible_reply and m.created_at > started]
        given = [
            m.first_response_at for m in conv if started and m.first_response_at and m.first_response_at >= started
        ]
        first_response = min(given) if given else (replies[0].created_at if replies else None)
        assignees = [clean(m.assignee_id) for m in conv if clean(m.assignee_id)]
        reply_assignee = clean(replies[0].assignee_id) if replies else None
        teams = [clean(m.team_id) for m in conv if clean(m.team_id)]
        reply_team = clean(replies[0].team_id) if replies else None
        priorities = [clean(m.priority) for m in conv if clean(m.priority)]
        label = priorities[0] if priorities else (clean(export.priority) if export else None)
        priority, threshold, resolution_threshold = policy_for(label, policies)

        tags = set()
        for m in conv:
            tags |= {tag.strip() for tag in (m.tags or "").split(",") if tag.strip()}
        if export:
            tags |= {tag.strip() for tag in (export.tags or "").split(";") if tag.strip()}

        fact.update(
            in_first_response_scope=started is not None,
            started_at=started or (export.started_at if export else None),
            first_response_at=first_response if started else None,
            priority=priority,
            sla_threshold_minutes=threshold,
            assignee_id=reply_assignee or (assignees[-1] if assignees else None),
            team_id=reply_team or (teams[-1] if teams else None),
            tags=",".join(sorted(tags)) or None,
        )
        if started is None:
            fact.update(response_minutes=None, sla_status=None, breach_by_minutes=None)
        elif first_response is None:
            fact.update(response_minutes=None, sla_status="breached", breach_by_minutes=None)
        else:
            seconds = (first_response - started).total_seconds()
            met = seconds <= threshold * 60
            fact.update(
                response_minutes=seconds / 60,
                sla_status="met" if met else "breached",
                breach_by_minutes=0.0 if met else (seconds - threshold * 60) / 60,
            )

        # SPEC §4 with the README's precedence: state events, else the conversation export
        clock_start = started or (conv[0].created_at if conv else None)
        replayed = replay(conv, clock_start) if conv else None
        resolved_at = open_seconds = None
        # a source that records state events (a part type on its rows) shows every close, unless the
        # conversation export says closed where no part does
        records_state_events = any((m.part_type or "").strip() for m in conv)
        export_closed = bool(export) and (export.state or ("closed" if export.resolved_at else None)) == "closed"
        if replayed and (replayed["has_state_events"] or (records_state_events and not export_closed)):
            source, state, reopens = "state_events", replayed["state"], replayed["reopens"]
            resolution_start = clock_start
            resolved_at = replayed["closes"][-1] if state == "closed" else None
            open_seconds = replayed["open_seconds_to_last_event"]
            if state == "open":
                open_seconds += (data_as_of - replayed["last_event_at"]).total_seconds()
        elif export:
            source, resolution_start = "conversation_export", export.started_at
            reopens = export.reopen_count if export.reopen_count is not None or not records_state_events else 0
            state = export.state or ("closed" if export.resolved_at else None)
            resolved_at = export.resolved_at if state == "closed" else None
        else:
            source, state, reopens, resolution_start = None, "open", None, clock_start
        is_resolved = state == "closed"
        seconds = (resolved_at - resolution_start).total_seconds() if resolved_at else None
        reason = None
        if is_resolved and resolved_at is None:
            reason = "closed_without_resolved_at"
        elif seconds is not None and seconds < 0:
            reason = "negative_resolution_span"
        measured = is_resolved and reason is None
        fact.update(
            resolution_source=source,
            state=state,
            is_resolved=is_resolved,
            resolved_at=resolved_at,
            resolution_seconds=seconds,
            reopen_count=reopens,
            open_seconds=open_seconds,
            resolution_exclusion_reason=reason,
            resolution_threshold_minutes=resolution_threshold,
            resolution_sla_status=(
                ("met" if seconds <= resolution_threshold * 60 else "breached") if measured else None
            ),
            data_as_of=data_as_of,
        )
        facts[conversation_id] = fact
    return facts


def owner_at(conv: list[Message], moment: datetime, fact: dict) -> tuple[str | None, str | None]:
    """(assignee, team) set by the latest owner row at or before `moment` (SPEC §7)."""
    owner_rows = [m for m in conv if m.names_an_owner]
    if not owner_rows:
        return fact["assignee_id"], fact["team_id"]
    assignee = team = None
    for message in owner_rows:
        if message.created_at > moment:
            break
        assignee = clean(message.assignee_id)
        team = clean(message.team_id) or team
    return assignee, team


def conversation_waits(conv: list[Message]) -> list[dict]:
    """Walk the messages in order with one wait at most running (SPEC §7)."""
    reply_times = [m.created_at for m in conv if m.is_visible_reply]
    waits: list[dict] = []
    running: dict | None = None
    for message in conv:
        if running is None:
            if message.is_customer_message:
                running = {"started_at": message.created_at, "customer_messages": 1, "ended_by": "open"}
                running.update(ended_at=None, replied_at=None, responder_id=None)
                waits.append(running)
            continue
        after_start = message.created_at > running["started_at"]
        if message.is_visible_reply and after_start:
            running.update(ended_by="replied", ended_at=message.created_at, replied_at=message.created_at)
            running["responder_id"] = clean(message.author_id)
            running = None
        elif message.is_close_without_reply and after_start and not any(t > running["started_at"] for t in reply_times):
            running.update(ended_by="closed", ended_at=message.created_at)
            running = None
        elif message.is_customer_message:
            running["customer_messages"] += 1
    for wait in waits:
        bot_answers = [
            m.created_at
            for m in conv
            if m.is_bot_answer
            and m.created_at > wait["started_at"]
            and (wait["ended_at"] is None or m.created_at <= wait["ended_at"])
        ]
        wait["first_bot_reply_at"] = min(bot_answers) if bot_answers else None
    return waits


def expected_waits(
    messages: list[Message], facts: dict[str, dict], next_reply_minutes: dict[str, float | None]
) -> dict[str, dict]:
    """One dict per fct_customer_waits row (keyed by wait_id), from the messages and the reference facts."""
    by_conversation: dict[str, list[Message]] = {}
    for message in messages:
        by_conversation.setdefault(message.conversation_id, []).append(message)
    by_lower = {name.lower(): minutes for name, minutes in next_reply_minutes.items()}
    rows = {}
    for conversation_id, unordered in by_conversation.items():
        conv = sorted(unordered, key=lambda m: m.order)
        fact = facts[conversation_id]
        for number, wait in enumerate(conversation_waits(conv), 1):
            stopped = wait["ended_at"] or fact["data_as_of"]
            seconds = (stopped - wait["started_at"]).total_seconds()
            threshold = (
                fact["sla_threshold_minutes"]
                if number == 1
                else by_lower.get(fact["priority"].lower(), by_lower["normal"])
            )
            if number == 1:
                status = fact["sla_status"]
            elif threshold is None:
                status = "no_target"
            elif wait["ended_by"] == "closed":
                status = "closed_without_reply"
            elif seconds > threshold * 60:
                status = "breached"
            else:
                status = "pending" if wait["ended_by"] == "open" else "met"
            breach_at = wait["started_at"] + timedelta(minutes=threshold) if status == "breached" else None
            assignee_at_start, team_at_start = owner_at(conv, wait["started_at"], fact)
            assignee_at_breach, team_at_breach = owner_at(conv, breach_at, fact) if breach_at else (None, None)
            rows[f"{conversation_id}:{number}"] = {
                **wait,
                "wait_number": number,
                "wait_seconds": seconds,
                "threshold_minutes": threshold,
                "status": status,
                "breach_at": breach_at,
                "assignee_at_start": assignee_at_start,
                "team_at_start": team_at_start,
                "assignee_at_breach": assignee_at_breach,
                "team_at_breach": team_at_breach,
            }
    return rows


def linear_quantile(values: list[float], fraction: float) -> float | None:
    """numpy / pandas default (linear interpolation between closest ranks)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)
