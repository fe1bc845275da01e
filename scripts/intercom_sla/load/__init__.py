"""Load Intercom exports into a DuckDB file without losing a record.

Three kinds of export are recognised from their header or shape (SPEC §1):
  messages       one row per message / conversation part (CSV with a sender_type column); headers match
                 case- and space-insensitively, known dialects (third-party Intercom export tools) are
                 renamed, and any other layout can be mapped with --columns mapping.yml
  conversations  one row per conversation (CSV with started_at and no sender_type, JSON array, JSON Lines)
  Intercom API   REST API conversation objects (a list, a conversation.list page, JSON Lines), split into
                 message rows (the source and every conversation part) and conversation rows
Any of them may be gzipped, and a folder stands for the export files in it.

Every record read ends in exactly one place: loaded, counted as a duplicate, or written to
raw.load_rejects with its file, line, column, reason and the raw record. Messages are keyed by
message_id (a hash of the whole parsed row where it is empty) and a message already loaded is a
duplicate. Conversations are keyed by conversation_id and the most recently loaded version wins: an
identical copy is a duplicate, a changed one replaces the stored row. The whole run is one
transaction: if anything fails, the database is left exactly as it was.

DuckDB reads and validates the files; Python only orchestrates, so very large exports load without
building a Python object per row. Line numbers count records: the header is line 1 and a quoted
field spanning several physical lines still counts as one line (as DuckDB's CSV reader numbers them);
in JSON arrays the number is the record's position in the array.
"""

# What an unrecognised file is told the loader reads.
KNOWN_LAYOUTS = (
    "a message export (CSV with conversation_id, sender_type, created_at), "
    "an Intercom export tool's message CSV (message_author_type, message_created_at), "
    "a conversation export (CSV, JSON array or JSON Lines with conversation_id, started_at), "
    "Intercom REST API conversations (a list, a conversation.list page, single objects or JSON Lines), "
    "Airbyte or Singer conversations / conversation_parts streams (JSON Lines, flat or under _airbyte_data)"
)
