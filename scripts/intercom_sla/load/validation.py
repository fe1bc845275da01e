"""What each record kind must hold: its columns, how values parse, and the rule that rejects a record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .intercom_api import STATISTICS_TIMESTAMPS

# Intercom's author types; dbt reads each as user, admin or bot (macro intercom_sender_type)
ACCEPTED_SENDER_TYPES = ("user", "lead", "contact", "admin", "teammate", "team", "bot")
ACCEPTED_STATES = ("open", "closed", "snoozed")
TIMESTAMP_EXPECTATION = "expected ISO 8601 with an offset or Z, a naive local time, or unix epoch seconds"
# Epoch values with more than 11 digits are milliseconds or garbage, never seconds in this era.
EPOCH_SECONDS_PATTERN = r"-?[0-9]{1,11}(\.[0-9]+)?"
# The column of a CSV batch's read that names the file each record came from; no normalised header name
# starts with an underscore.
BATCH_FILE_COLUMN = "_export_file"


BOOLEAN_TRUE = ("true", "t", "1", "yes")
BOOLEAN_FALSE = ("false", "f", "0", "no")


@dataclass(frozen=True)
class Check:
    """One validation rule: rows where `failed` holds are rejected with `reason` for `column`."""

    column: str
    failed: str
    reason: str


@dataclass(frozen=True)
class ExportKind:
    name: str
    table: str
    required: tuple[str, ...]
    known: tuple[str, ...]
    # column -> SQL of its typed value, over the varchar columns of one record
    parsed: dict[str, str]
    checks: tuple[Check, ...]
    # parsed column -> the source column without which its value is unknown (null, not false)
    unknown_without: dict[str, str] = field(default_factory=dict)


def timestamp_sql(column: str) -> str:
    """Parse ISO 8601 (offset, Z or naive in the session time zone) or epoch seconds; NULL if neither."""
    value = f"trim({column})"
    # no purely numeric string casts to a timestamptz, so the regex only runs for the non-ISO values
    return (
        f"coalesce(try_cast({value} as timestamptz), case when regexp_full_match({value}, '{EPOCH_SECONDS_PATTERN}') "
        f"then to_timestamp(cast({value} as double)) end)"
    )


def empty(column: str) -> str:
    return f"coalesce(trim({column}), '') = ''"


def has_text_sql(column: str) -> str:
    """Whether an Intercom body holds anything to read beyond HTML tags, `&nbsp;` and white space."""
    return f"regexp_replace(coalesce({column}, ''), '<[^>]*>|&nbsp;|\\s', '', 'g') <> ''"


def boolean_sql(column: str) -> str:
    value = f"lower(trim({column}))"
    listed_true = ", ".join(f"'{word}'" for word in BOOLEAN_TRUE)
    listed_false = ", ".join(f"'{word}'" for word in BOOLEAN_FALSE)
    return f"case when {value} in ({listed_true}) then true when {value} in ({listed_false}) then false end"


def boolean_check(column: str) -> Check:
    expected = ", ".join(BOOLEAN_TRUE + BOOLEAN_FALSE)
    return Check(
        column,
        f"not {empty(column)} and {boolean_sql(column)} is null",
        f"'cannot read ''' || {column} || ''' as true or false; expected one of {expected}'",
    )


def timestamp_checks(column: str, required: bool) -> tuple[Check, ...]:
    unreadable = Check(
        column,
        f"not {empty(column)} and {column}_parsed is null",
        f"'cannot read ''' || {column} || ''' as a timestamp; {TIMESTAMP_EXPECTATION}'",
    )
    # SPEC §1: `infinity`, and any instant outside the window the load was given, is not a real time
    implausible = Check(
        column,
        f"{column}_parsed < $earliest or {column}_parsed > $latest",
        f"'''' || trim({column}) || ''' is outside the plausible window ' || strftime($earliest, '%Y-%m-%d')"
        " || ' to ' || strftime($latest, '%Y-%m-%d') || ' (UTC); widen it with --earliest / --latest'",
    )
    if not required:
        return (unreadable, implausible)
    return (Check(column, empty(column), f"'empty; {TIMESTAMP_EXPECTATION}'"), unreadable, implausible)


@dataclass(frozen=True)
class TimestampWindow:
    """The instants a load accepts (SPEC §1): by default 2000-01-01 to one day after the load."""

    earliest: datetime
    latest: datetime

    @classmethod
    def default(cls, now: datetime) -> TimestampWindow:
        return cls(datetime(2000, 1, 1, tzinfo=UTC), now + timedelta(days=1))

    def parameters(self) -> dict[str, datetime]:
        return {"earliest": self.earliest, "latest": self.latest}


def statistics_timestamp_check(name: str) -> Check:
    """Intercom's own times travel in the extra columns, epoch seconds from the API and ISO text from
    Singer's tap; one dbt cannot read would stop the build, so the record is refused here."""
    value = f"(extra_columns ->> 'intercom_{name}')"
    # timestamp_sql(value) is null, with the API's epoch seconds told first by the cheaper test
    unreadable = (
        f"not regexp_full_match(trim({value}), '{EPOCH_SECONDS_PATTERN}')"
        f" and try_cast(trim({value}) as timestamptz) is null"
    )
    return Check(
        f"statistics.{name}",
        f"not {empty(value)} and {unreadable}",
        f"'cannot read ''' || {value} || ''' as a timestamp; {TIMESTAMP_EXPECTATION}'",
    )


def one_of_check(column: str, values: tuple[str, ...], required: bool) -> Check:
    listed = ", ".join(f"'{value}'" for value in values)
    failed = f"coalesce(lower(trim({column})), '') not in ({listed})"
    if not required:
        failed = f"not {empty(column)} and {failed}"
    return Check(
        column, failed, f"'unknown value ''' || coalesce({column}, '') || '''; expected one of {', '.join(values)}'"
    )


def count_check(column: str) -> Check:
    return Check(
        column,
        f"not {empty(column)} and not regexp_full_match(trim({column}), '[0-9]{{1,18}}')",
        f"'cannot read ''' || {column} || ''' as a count; expected a whole number of 0 or more'",
    )


MESSAGES = ExportKind(
    name="messages",
    table="raw.messages",
    required=("conversation_id", "sender_type", "created_at"),
    known=(
        "message_id",
        "conversation_id",
        "sender_type",
        "part_type",
        "created_at",
        "first_response_at",
        "priority",
        "assignee_id",
        "tags",
        "body",
        "author_id",
        "team_id",
        "from_ai_agent",
        "is_ai_answer",
    ),
    parsed={
        "created_at": timestamp_sql("created_at"),
        "first_response_at": timestamp_sql("first_response_at"),
        # only whether a part said anything is kept, never its text (SPEC §1 A)
        "has_body": has_text_sql("body"),
        # Intercom flags its AI agent on the author: either flag makes the part a bot's (SPEC §1 A)
        "ai_agent": f"coalesce({boolean_sql('from_ai_agent')} or {boolean_sql('is_ai_answer')}, false)",
    },
    checks=(
        Check("conversation_id", empty("conversation_id"), "'empty; expected a conversation id'"),
        *timestamp_checks("created_at", required=True),
        one_of_check("sender_type", ACCEPTED_SENDER_TYPES, required=True),
        *timestamp_checks("first_response_at", required=False),
        boolean_check("from_ai_agent"),
        boolean_check("is_ai_answer"),
    ),
    unknown_without={"has_body": "body"},
)

CONVERSATIONS = ExportKind(
    name="conversations",
    table="raw.conversations",
    required=("conversation_id", "started_at"),
    known=(
        "conversation_id",
        "started_at",
        "user_id",
        "resolved_at",
        "state",
        "assignee_email",
        "tags",
        "message_count",
        "reopen_count",
        "priority",
        "updated_at",
    ),
    parsed={
        "started_at": timestamp_sql("started_at"),
        "resolved_at": timestamp_sql("resolved_at"),
        # the export's own time of this version of the conversation (SPEC §2)
        "updated_at": timestamp_sql("updated_at"),
        "message_count": "try_cast(trim(message_count) as bigint)",
        "reopen_count": "try_cast(trim(reopen_count) as bigint)",
    },
    checks=(
        Check("conversation_id", empty("conversation_id"), "'empty; expected a conversation id'"),
        *timestamp_checks("started_at", required=True),
        *timestamp_checks("resolved_at", required=False),
        *timestamp_checks("updated_at", required=False),
        one_of_check("state", ACCEPTED_STATES, required=False),
        count_check("message_count"),
        count_check("reopen_count"),
        *(statistics_timestamp_check(name) for name in STATISTICS_TIMESTAMPS),
    ),
)
