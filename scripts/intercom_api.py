"""Read Intercom REST API conversation objects (SPEC §1 C) and map them onto the loader's two shapes.

Accepted: a JSON list of conversation objects, an API page ({"type": "conversation.list",
"conversations": [...]}), one conversation object, or JSON Lines of any of these; each optionally
gzipped. Every conversation becomes one conversation-export row (SPEC §1 B) and its opening message
(`source`) plus every `conversation_parts.conversation_parts[]` entry become message-export rows
(SPEC §1 A). Intercom's own figures (`statistics`, `sla_applied`, assignees) travel in the rows'
extra columns for the parity checks. A record's number is the conversation's line in JSON Lines, or
its position in a list or page.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Intercom author types onto the loader's sender types; a team acting on a conversation is teammates'
# work. Anything else is passed through and rejected by the loader with its reason.
AUTHOR_TYPES = {"user": "user", "lead": "lead", "contact": "contact", "admin": "admin", "bot": "bot", "team": "admin"}
STATISTICS = (
    "first_contact_reply_at",
    "first_admin_reply_at",
    "first_close_at",
    "last_close_at",
    "count_reopens",
    "count_conversation_parts",
)


class MalformedJson(ValueError):
    """The file is not valid JSON; the message names the line, column and character position."""


def looks_like_api_export(head: str) -> bool:
    """Intercom API objects say what they are; the project's own conversation export does not."""
    return any(
        marker in head.replace(" ", "")
        for marker in ('"type":"conversation"', '"type":"conversation.list"', '"conversation_parts":')
    )


def read_text(path: Path) -> str:
    with path.open("rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def conversations_in(document: Any) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("conversations"), list):
        return document["conversations"]
    if isinstance(document, list):
        return document
    return [document]


def read_conversations(path: Path) -> Iterator[tuple[int, Any]]:
    """(record number, conversation object) for every conversation in the file, in file order."""
    text = read_text(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise MalformedJson(position(error)) from None
        yield from read_json_lines(text)
        return
    yield from enumerate(conversations_in(document), 1)


def read_json_lines(text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as error:
            raise MalformedJson(f"line {number}, column {error.colno}: {error.msg}") from None
        yield from ((number, conversation) for conversation in conversations_in(document))


def position(error: json.JSONDecodeError) -> str:
    return f"line {error.lineno}, column {error.colno} (character {error.pos}): {error.msg}"


def text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def field(mapping: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def parts_of(conversation: dict) -> list[dict]:
    parts = field(conversation, "conversation_parts", "conversation_parts")
    return [part for part in parts if isinstance(part, dict)] if isinstance(parts, list) else []


def sender_type(author_type: Any) -> str | None:
    value = text(author_type)
    return AUTHOR_TYPES.get(value.strip().lower(), value) if value else None


def message_rows(conversation: dict, record: int) -> list[dict]:
    """The opening message and every part, each with the assignee at that point of the conversation."""
    conversation_id = text(conversation.get("id"))
    parts = parts_of(conversation)
    # without any assignment part the API's current assignee is all that is known
    has_assignments = any(isinstance(part.get("assigned_to"), dict) for part in parts)
    assignee = None if has_assignments else text(conversation.get("admin_assignee_id"))
    source = conversation.get("source") if isinstance(conversation.get("source"), dict) else {}
    rows = [
        {
            "message_id": f"source:{text(source.get('id')) or conversation_id}",
            "conversation_id": conversation_id,
            "sender_type": sender_type(field(source, "author", "type")),
            "part_type": "comment",
            "created_at": text(conversation.get("created_at")),
            "priority": text(conversation.get("priority")),
            "assignee_id": assignee,
            "intercom_record": "source",
            "intercom_author_id": text(field(source, "author", "id")),
            "intercom_delivered_as": text(source.get("delivered_as")),
            "_source_record": record,
        }
    ]
    for part in parts:
        target = part.get("assigned_to")
        if isinstance(target, dict):
            assignee = text(target.get("id")) if target.get("type") == "admin" else None
        rows.append(
            {
                "message_id": text(part.get("id")),
                "conversation_id": conversation_id,
                "sender_type": sender_type(field(part, "author", "type")),
                "part_type": text(part.get("part_type")),
                "created_at": text(part.get("created_at")),
                "assignee_id": assignee,
                "intercom_record": "part",
                "intercom_author_id": text(field(part, "author", "id")),
                "_source_record": record,
            }
        )
    return rows


def conversation_row(conversation: dict, record: int) -> dict:
    tags = field(conversation, "tags", "tags")
    names = [text(tag.get("name")) for tag in tags if isinstance(tag, dict)] if isinstance(tags, list) else []
    statistics = conversation.get("statistics") if isinstance(conversation.get("statistics"), dict) else {}
    state = text(conversation.get("state"))
    contacts = field(conversation, "contacts", "contacts") or conversation.get("contacts")
    first_contact = contacts[0] if isinstance(contacts, list) and contacts and isinstance(contacts[0], dict) else {}
    row = {
        "conversation_id": text(conversation.get("id")),
        "started_at": text(conversation.get("created_at")),
        "user_id": text(first_contact.get("id")),
        "state": state,
        # used only when the parts carry no close (a sync tool dropped them): Intercom's last close
        "resolved_at": text(statistics.get("last_close_at")) if state == "closed" else None,
        "reopen_count": text(statistics.get("count_reopens")),
        "tags": ";".join(name for name in names if name) or None,
        "priority": text(conversation.get("priority")),
        "intercom_admin_assignee_id": text(conversation.get("admin_assignee_id")),
        "intercom_team_assignee_id": text(conversation.get("team_assignee_id")),
        "intercom_parts_in_export": len(parts_of(conversation)),
        "intercom_sla_name": text(field(conversation, "sla_applied", "sla_name")),
        "intercom_sla_status": text(field(conversation, "sla_applied", "sla_status")),
        "_source_record": record,
    }
    row.update({f"intercom_{name}": text(statistics.get(name)) for name in STATISTICS})
    return row


def split_export(path: Path, messages_out: Path, conversations_out: Path) -> int:
    """Write the file's message rows and conversation rows as JSON Lines; return the conversations read."""
    count = 0
    with messages_out.open("w", encoding="utf-8") as messages, conversations_out.open("w", encoding="utf-8") as rows:
        for record, conversation in read_conversations(path):
            count += 1
            if not isinstance(conversation, dict):
                conversation = {"id": None, "unreadable_record": conversation}
            for row in message_rows(conversation, record):
                messages.write(json.dumps(row) + "\n")
            rows.write(json.dumps(conversation_row(conversation, record)) + "\n")
    return count
