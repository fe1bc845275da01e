"""The `load` command line: arguments, the summary line and exit codes."""

from __future__ import annotations

import argparse
import logging
import re
import sys
import zoneinfo
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import duckdb

from intercom_sla.export_parquet import export_raw_tables
from intercom_sla.memory_limit import DEFAULT_MEMORY_LIMIT, configured_memory_limit, connect_read_only
from intercom_sla.untrusted_text import terminal_safe

from .errors import LoadError
from .runner import load
from .validation import TimestampWindow


def time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown IANA time zone {name!r} (for example UTC or Europe/Berlin)"
        ) from None
    return name


def memory_limit(text: str) -> str:
    """A DuckDB memory limit: a size with its unit (4GB, 512MB) or a share of the machine (80%)."""
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*(%|[KMGT]i?B)\s*", text, flags=re.IGNORECASE):
        raise argparse.ArgumentTypeError(f"expected a size such as 4GB or 512MB, or a share such as 80%; got {text!r}")
    return text.strip()


def utc_date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


class OneLineErrors(argparse.ArgumentParser):
    """A command-line mistake in one line, as every other intercom-sla error, not the usage and then it."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {terminal_safe(message)} (see {self.prog} --help)\n")


def parse_args(argv: list[str] | None, prog: str | None = None) -> argparse.Namespace:
    parser = OneLineErrors(
        prog=prog,
        description=(
            "Load Intercom exports into a DuckDB file: message exports (CSV with conversation_id, "
            "sender_type, created_at, or a known export-tool layout), conversation exports (CSV, JSON array or "
            "JSON Lines with conversation_id, started_at), Intercom REST API conversations (a list, a "
            "conversation.list page, single objects or JSON Lines) and Airbyte / Singer conversations and "
            "conversation_parts streams (JSON Lines, flat or under _airbyte_data), gzipped or not, or folders "
            "of them; the layout is recognised "
            "from the header or shape and named in the output. Every record is loaded, counted as a "
            "duplicate, or rejected with its reason into raw.load_rejects; the run prints "
            "'read N, loaded L, superseded S, duplicates D, rejected R' (N = L + S + D + R) and is one "
            "transaction. A conversation's version with the latest updated_at wins, whatever the load order."
        ),
        epilog=(
            "Example: load.py --db data/intercom_sla.duckdb exports/ airbyte/conversation_parts.jsonl. "
            "Exit status: 0 loaded (rejected rows are listed in raw.load_rejects), 2 nothing loaded "
            "because of a problem with the input or the database, named in the one-line error."
        ),
    )
    parser.add_argument("--db", required=True, type=Path, help="DuckDB database file (created if absent)")
    parser.add_argument(
        "--assume-tz",
        default="UTC",
        type=time_zone,
        help="IANA time zone for timestamps without an offset (default: UTC)",
    )
    parser.add_argument(
        "--memory-limit",
        default=configured_memory_limit(),
        type=memory_limit,
        help=(
            "DuckDB memory limit; larger loads spill to disk"
            f" (default: $DBT_DUCKDB_MEMORY_LIMIT or {DEFAULT_MEMORY_LIMIT})"
        ),
    )
    parser.add_argument(
        "--columns",
        type=Path,
        metavar="MAPPING.yml",
        help="YAML mapping of your CSV header onto the project's columns (`Author kind: sender_type`), for "
        "layouts the loader does not recognise",
    )
    parser.add_argument(
        "--to-parquet",
        type=Path,
        metavar="DIR",
        help="after the load, also write the raw tables to DIR/<table>/data.parquet (for Spark; see "
        "scripts/export_parquet.py)",
    )
    parser.add_argument(
        "--earliest",
        type=utc_date,
        metavar="YYYY-MM-DD",
        help="earliest plausible timestamp (default 2000-01-01); earlier ones are rejected with their reason",
    )
    parser.add_argument(
        "--latest",
        type=utc_date,
        metavar="YYYY-MM-DD",
        help="latest plausible timestamp (default: one day after the load); later ones are rejected",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary line and errors")
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="export files or folders of them (.csv, .json, .jsonl, .ndjson in any case, plain or gzipped)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = parse_args(argv, prog)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    try:
        default = TimestampWindow.default(datetime.now(UTC))
        window = TimestampWindow(args.earliest or default.earliest, args.latest or default.latest)
        counts = load(args.db, args.files, args.assume_tz, args.memory_limit, args.columns, window)
    except LoadError as error:
        print(f"error: {terminal_safe(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # the load is one transaction: interrupted before its commit, it left nothing behind
        print(f"interrupted: nothing loaded, {args.db} is as it was", file=sys.stderr)
        return 130
    print(counts.summary())
    if counts.rejected:
        print(f"{counts.rejected} record(s) rejected: see raw.load_rejects in {args.db}", file=sys.stderr)
    if args.to_parquet:
        try:
            with connect_read_only(args.db) as con:
                export_raw_tables(con, args.to_parquet)
        except (duckdb.Error, OSError) as error:
            print(f"error: loaded, but writing Parquet to {args.to_parquet} failed: {error}", file=sys.stderr)
            return 2
    return 0
