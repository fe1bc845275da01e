"""One pull: search Intercom for the conversations updated since the cursor, fetch the changed ones whole,
and load them through the loader, one search page at a time: the page's objects, the conversations found
gone and the cursor that covers them commit together, so a pull killed at any moment loses nothing and
the next one fetches only what is missing."""

from __future__ import annotations

import json
import sys
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import duckdb
from tqdm import tqdm

from intercom_sla.database import check_database_path, connect
from intercom_sla.load.accounting import Counts
from intercom_sla.load.completeness import report_incomplete_conversations
from intercom_sla.load.layouts import ExportFile
from intercom_sla.load.runner import load_exports, load_transaction
from intercom_sla.load.schema import SCHEMA_SQL
from intercom_sla.load.validation import TimestampWindow

from .client import IntercomClient, SearchPage
from .rate_limit import RatePacer
from .state import (
    PULL_SCHEMA_SQL,
    ListingCursor,
    advance_cursor,
    already_stored,
    record_deleted,
    search_after,
    stored_cursor,
)

FETCH_THREADS = 4  # conversations fetched at once; Intercom's limit, not the threads, sets the pace


def intercom_client(api_url: str, token: str) -> IntercomClient:
    return IntercomClient(api_url, token, RatePacer(requests_in_flight=FETCH_THREADS), connections=FETCH_THREADS)


@dataclass
class PullSummary:
    api_url: str
    updated_after: int  # unix seconds
    found: int = 0  # listed by the search (a conversation updated during the pull can be listed twice)
    fetched: int = 0
    already_stored: int = 0  # listed at a version already loaded
    deleted: int = 0  # listed, then gone (404)
    seconds_waited: float = 0.0  # on rate limits
    counts: Counts = field(default_factory=Counts)

    def summary(self) -> str:
        after = datetime.fromtimestamp(self.updated_after, UTC) if self.updated_after else None
        since = f"updated after {after:%Y-%m-%d %H:%M:%S} UTC" if after else "(all)"
        return (
            f"pulled {self.api_url}: found {self.found} conversation(s) {since}, fetched {self.fetched}, "
            f"already stored {self.already_stored}, deleted {self.deleted}; "
            f"{self.seconds_waited:.1f} s waiting on rate limits"
        )


def pull_conversations(
    db_path: Path, client: IntercomClient, since: datetime | None, memory_limit: str | None = None
) -> PullSummary:
    check_database_path(db_path)
    con = connect(db_path, memory_limit)
    try:
        with load_transaction(con):
            con.execute(SCHEMA_SQL)
            con.execute(PULL_SCHEMA_SQL)
        summary = PullSummary(client.api_url, search_after(stored_cursor(con, client.api_url), since))
        with (
            TemporaryDirectory(prefix="intercom-sla-pull-") as work,
            tqdm(total=0, unit=" conversations", desc="pull", disable=not sys.stderr.isatty()) as bar,
        ):
            PageLoader(con, client, summary, Path(work), bar).load_every_page()
        summary.seconds_waited = client.pacer.seconds_waited
        summary.counts.incomplete = report_incomplete_conversations(con)
    finally:
        con.close()
    return summary


class PageLoader:
    """Fetches and loads the search's pages in order, keeping the cursor and the record numbers."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, client: IntercomClient, summary: PullSummary, work: Path, bar: tqdm
    ) -> None:
        self.con, self.client, self.summary, self.work, self.bar = con, client, summary, work, bar
        started = datetime.now(UTC)
        self.load_id = str(uuid.uuid4())
        # one source per pull, its records numbered across its pages, so raw tables and status name the pull
        self.source = f"{client.api_url}/conversations (pulled {started:%Y-%m-%d %H:%M:%S} UTC)"
        self.window = TimestampWindow.default(started)
        self.records_loaded = 0
        self.cursor = ListingCursor(summary.updated_after)

    def load_every_page(self) -> None:
        starting_after = None
        with ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="intercom-fetch") as pool:
            while True:
                page = self.client.search_updated_after(self.summary.updated_after, starting_after)
                more = bool(page.next_page and page.conversations)
                self.load_page(page, pool, last=not more)
                if not more:
                    return
                starting_after = page.next_page

    def load_page(self, page: SearchPage, pool: ThreadPoolExecutor, last: bool) -> None:
        self.summary.found += len(page.conversations)
        self.bar.total = max(self.bar.total or 0, page.total_count, self.summary.found)
        stored = already_stored(self.con, page.conversations)
        self.summary.already_stored += len(stored)
        self.bar.update(len(stored))
        self.show_counts()
        wanted = list(dict.fromkeys(item.id for item in page.conversations if item.id not in stored))
        objects = self.fetch(wanted, pool)
        fetched = [objects[conversation_id] for conversation_id in wanted if objects[conversation_id] is not None]
        gone = [conversation_id for conversation_id in wanted if objects[conversation_id] is None]
        cursor = self.cursor.after_page(page.conversations, last)
        with load_transaction(self.con):
            if fetched:
                export = self.batch_file(fetched)
                self.summary.counts += load_exports(
                    self.con, [export], self.load_id, "UTC", self.window, tqdm(disable=True)
                )
                export.path.unlink()  # conversations' content stays on disk no longer than needed
            if gone:
                record_deleted(self.con, self.client.api_url, gone, self.load_id)
            if cursor is not None:
                advance_cursor(self.con, self.client.api_url, cursor, self.load_id)
        self.records_loaded += len(fetched)

    def fetch(self, conversation_ids: list[str], pool: ThreadPoolExecutor) -> dict[str, dict | None]:
        futures: dict[Future, str] = {pool.submit(self.client.conversation, key): key for key in conversation_ids}
        objects = {}
        try:
            for future in as_completed(futures):
                conversation = objects[futures[future]] = future.result()
                if conversation is None:
                    self.summary.deleted += 1
                else:
                    self.summary.fetched += 1
                self.bar.update(1)
                self.show_counts()
        finally:
            for future in futures:
                future.cancel()
        return objects

    def show_counts(self) -> None:
        found = self.bar.total or 0
        self.bar.set_postfix_str(
            f"found {found}, fetched {self.summary.fetched + self.summary.deleted}, "
            f"remaining {max(0, found - self.bar.n)}, rate-limit wait {self.client.pacer.seconds_waited:.0f}s",
            refresh=False,
        )

    def batch_file(self, objects: list[dict]) -> ExportFile:
        """The page's objects as JSON Lines for the loader, numbered after the pull's records so far."""
        path = self.work / "page.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for conversation in objects:
                handle.write(json.dumps(conversation, ensure_ascii=False, separators=(",", ":")) + "\n")
        return ExportFile(
            path,
            None,
            [],
            is_json=True,
            dialect="Intercom REST API conversations (pulled)",
            source_name=self.source,
            first_record=self.records_loaded + 1,
        )
