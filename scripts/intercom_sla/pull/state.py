"""What a pull keeps in the database besides the conversations: how far it got, and which ones are gone.

`raw.pull_state` holds one cursor per API (the region's or proxy's URL): every conversation the search
listed as updated up to `updated_through` is loaded. It changes in the transaction that loads the
conversations it covers, so it never runs ahead of them. `raw.pull_deleted` lists the conversations the
search listed and `GET /conversations/{id}` then answered 404 for. Neither holds the access token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

from .client import Listed

# Each pull asks again for the last ten minutes before its cursor: Intercom's search index follows writes
# with a delay and updated_at has whole seconds, so a conversation indexed late, or updated in the cursor's
# own second, is still found. Versions already stored are not fetched again, so the overlap costs a search
# page, not a request per conversation.
OVERLAP = timedelta(minutes=10)

PULL_SCHEMA_SQL = """
create schema if not exists raw;
create table if not exists raw.pull_state (
    api_url varchar not null,
    updated_through timestamptz not null,
    _load_id varchar not null,
    _pulled_at timestamptz not null
);
"""


def stored_cursor(con: duckdb.DuckDBPyConnection, api_url: str) -> datetime | None:
    row = con.execute("select updated_through from raw.pull_state where api_url = $api", {"api": api_url}).fetchone()
    return row[0] if row else None


def search_after(cursor: datetime | None, since: datetime | None) -> int:
    """Unix seconds the search asks for updates after: the cursor less the overlap, or `since` where it is
    earlier (a backfill; a later one would leave a gap), or the beginning on a first pull without it."""
    starts = [start for start in (cursor - OVERLAP if cursor else None, since) if start is not None]
    return int(min(starts).timestamp()) - 1 if starts else 0


@dataclass
class ListingCursor:
    """How far the cursor may move once a page of the search is loaded: to the latest update listed so far
    while the listing keeps the updated_at order the pull asks for (what makes a page's end a safe cursor);
    if it ever breaks that order, only once the whole listing is loaded."""

    listed_through: int  # unix seconds
    in_order: bool = True

    def after_page(self, listed: list[Listed], last: bool) -> int | None:
        times = [item.updated_at for item in listed]
        self.in_order = self.in_order and times == sorted(times) and (not times or times[0] >= self.listed_through)
        self.listed_through = max([self.listed_through, *times])
        return self.listed_through if (self.in_order or last) and self.listed_through else None


def advance_cursor(con: duckdb.DuckDBPyConnection, api_url: str, updated_through: int, load_id: str) -> None:
    """Move the cursor forward to `updated_through` (unix seconds); a backfill never moves it back."""
    through = datetime.fromtimestamp(updated_through, UTC)
    current = stored_cursor(con, api_url)
    if current is not None and current >= through:
        return
    con.execute("delete from raw.pull_state where api_url = $api", {"api": api_url})
    con.execute(
        "insert into raw.pull_state values ($api, $through, $load_id, current_timestamp)",
        {"api": api_url, "through": through, "load_id": load_id},
    )


def record_deleted(con: duckdb.DuckDBPyConnection, api_url: str, conversation_ids: list[str], load_id: str) -> None:
    """Note the conversations found gone, once each (the first time a pull found it)."""
    con.execute(
        """
        insert into raw.pull_deleted
        select gone.conversation_id, $api, current_timestamp, $load_id
        from (select unnest($ids::varchar[]) as conversation_id) as gone
        where gone.conversation_id not in (select conversation_id from raw.pull_deleted where api_url = $api)
        """,
        {"api": api_url, "ids": conversation_ids, "load_id": load_id},
    )


def already_stored(con: duckdb.DuckDBPyConnection, listed: list[Listed]) -> set[str]:
    """The listed conversations whose version (or a newer one) is stored from a full object: those came
    with their part list (`total_count`), which search and list pages never carry."""
    if not listed:
        return set()
    rows = con.execute(
        """
        select listed.id
        from (select unnest($ids::varchar[]) as id, unnest($updated::bigint[]) as updated_at) as listed
        join raw.conversations as stored on stored._record_key = listed.id
        where stored._version_at >= to_timestamp(listed.updated_at)
            and stored._extra_columns ->> 'intercom_parts_total_count' is not null
        """,
        {"ids": [item.id for item in listed], "updated": [item.updated_at for item in listed]},
    ).fetchall()
    return {row[0] for row in rows}
