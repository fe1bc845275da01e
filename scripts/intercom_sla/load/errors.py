"""The one error type a user sees: a problem with their input or environment, without a traceback."""

from __future__ import annotations


class LoadError(Exception):
    """A problem with the user's input or environment, reported as one line without a traceback."""


KNOWN_LAYOUTS = (
    "a message export (CSV with conversation_id, sender_type, created_at), "
    "an Intercom export tool's message CSV (message_author_type, message_created_at), "
    "a conversation export (CSV, JSON array or JSON Lines with conversation_id, started_at), "
    "Intercom REST API conversations (a list, a conversation.list page, single objects or JSON Lines), "
    "Airbyte or Singer conversations / conversation_parts streams (JSON Lines, flat or under _airbyte_data)"
)
