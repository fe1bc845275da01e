"""The `intercom-sla` command: each subcommand parses its options once and calls the package's functions.

Every subcommand works on one DuckDB database: `--db`, else $INTERCOM_SLA_DB, else
data/intercom_sla.duckdb. How failures end (messages and exit codes) is intercom_sla/errors.py.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click

from intercom_sla.database import DEFAULT_MEMORY_LIMIT, check_database_path, database_path, require_database
from intercom_sla.errors import INTERRUPTED, USER_MISTAKE, Interrupted, UserError, interrupted
from intercom_sla.untrusted_text import terminal_safe

REPORT_FORMATS = ("csv", "json", "html")
TOKEN_VARIABLE = "INTERCOM_ACCESS_TOKEN"
REGIONS = ("us", "eu", "au")
SCHEMA_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


# --db and --out take any path: the checks in database.py and reports/atomic_files.py say what is wrong
db_option = click.option(
    "--db",
    type=click.Path(path_type=Path),
    help="DuckDB database (default: $INTERCOM_SLA_DB, else data/intercom_sla.duckdb)",
)


def out_option(default: str, help_text: str) -> Callable:
    return click.option(
        "--out",
        type=click.Path(path_type=Path),
        default=Path(default),
        show_default=True,
        help=help_text,
    )


def pull_options(command: Callable) -> Callable:
    """Where and from when `pull` (and `run --pull`) fetch."""
    for option in reversed(
        (
            click.option(
                "--since",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                metavar="YYYY-MM-DD",
                help="first pull: only conversations updated on or after this UTC date (default: all); "
                "later pulls continue from the last one, or from this date when it is earlier",
            ),
            click.option(
                "--region",
                type=click.Choice(REGIONS),
                help="the workspace's data region: us (default) api.intercom.io, eu api.eu.intercom.io, "
                "au api.au.intercom.io",
            ),
            click.option("--api-url", help="another base URL for the API instead of --region (a proxy)"),
        )
    ):
        command = option(command)
    return command


def time_zone(ctx: click.Context, param: click.Parameter, name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown IANA time zone {name!r} (for example UTC or Europe/Berlin)") from None
    return name


def memory_limit(ctx: click.Context, param: click.Parameter, text: str | None) -> str | None:
    """A DuckDB memory limit: a size with its unit (4GB, 512MB) or a share of the machine (80%)."""
    if text is not None and not re.fullmatch(r"\s*\d+(\.\d+)?\s*(%|[KMGT]i?B)\s*", text, flags=re.IGNORECASE):
        raise click.BadParameter(f"expected a size such as 4GB or 512MB, or a share such as 80%; got {text!r}")
    return text.strip() if text else None


def schema_name(ctx: click.Context, param: click.Parameter, text: str) -> str:
    if not re.fullmatch(SCHEMA_NAME, text):
        raise click.BadParameter(f"{text!r} is not a plain schema name (letters, digits, underscore)")
    return text


def require_writable_folder(folder: Path) -> None:
    """Find out before any work that the output can be written: the folder exists or can be made, and
    takes a file."""
    from intercom_sla.reports.atomic_files import report_folder

    try:
        report_folder(folder)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise UserError(f"{folder}: cannot write files there ({error.strerror})") from None


def open_for_writing(db: Path) -> None:
    """Found now, rather than by every dbt model in turn: a database another process holds."""
    from intercom_sla.database import connect

    require_database(db)
    connect(db).close()


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
def cli() -> None:
    """Auditable first-response and resolution SLA marts from Intercom data.

    \b
    Your weekly export to marts and reports in one command:
      intercom-sla run --db data/intercom_sla.duckdb --out reports exports/
    or straight from Intercom's API (INTERCOM_ACCESS_TOKEN set):
      intercom-sla run --db data/intercom_sla.duckdb --out reports
    or step by step:
      intercom-sla load exports/week-48.csv && intercom-sla build && intercom-sla report
    """


@cli.command(context_settings=CONTEXT)  # also run on its own, as scripts/load.py
@db_option
@click.option(
    "--assume-tz",
    default="UTC",
    show_default=True,
    callback=time_zone,
    help="IANA time zone for timestamps without an offset",
)
@click.option(
    "--memory-limit",
    callback=memory_limit,
    help="DuckDB memory limit; larger loads spill to disk"
    f" (default: $DBT_DUCKDB_MEMORY_LIMIT or {DEFAULT_MEMORY_LIMIT})",
)
@click.option(
    "--columns",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="MAPPING.yml",
    help="YAML mapping of your CSV header onto the project's columns (`Author kind: sender_type`), for layouts "
    "the loader does not recognise",
)
@click.option(
    "--to-parquet",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="after the load, also write the raw tables to DIR/<table>/data.parquet (for Spark; as export-parquet)",
)
@click.option(
    "--earliest",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="earliest plausible timestamp (default 2000-01-01); earlier ones are rejected with their reason",
)
@click.option(
    "--latest",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="latest plausible timestamp (default: one day after the load); later ones are rejected",
)
@click.option("--quiet", "-q", is_flag=True, help="print only the summary line and errors")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def load(
    db: Path | None,
    assume_tz: str,
    memory_limit: str | None,
    columns: Path | None,
    to_parquet: Path | None,
    earliest: datetime | None,
    latest: datetime | None,
    quiet: bool,
    files: tuple[Path, ...],
) -> None:
    """Load exports into the database: every record loaded, superseded, a duplicate or rejected.

    FILES are export files or folders of them (.csv, .json, .jsonl, .ndjson in any case, plain or gzipped):
    message exports (CSV with conversation_id, sender_type, created_at, or a known export-tool layout),
    conversation exports (CSV, JSON array or JSON Lines with conversation_id, started_at), Intercom REST API
    conversations (a list, a conversation.list page, single objects or JSON Lines) and Airbyte / Singer
    conversations and conversation_parts streams (JSON Lines, flat or under _airbyte_data). The layout is
    recognised from the header or shape and named in the output. Every record is loaded, counted as a
    duplicate, or rejected with its reason into raw.load_rejects; the load prints 'read N, loaded L,
    superseded S, duplicates D, rejected R' (N = L + S + D + R) and is one transaction. A conversation's
    version with the latest updated_at wins, whatever the load order.

    \b
    Example: intercom-sla load --db data/intercom_sla.duckdb exports/ airbyte/conversation_parts.jsonl
    Exit status: 0 loaded (rejected rows are listed in raw.load_rejects), 2 nothing loaded because of a
    problem with the input or the database, named in the one-line error.
    """
    from intercom_sla.load.runner import load as load_exports
    from intercom_sla.load.validation import TimestampWindow

    database = database_path(db)
    if db is None:  # the default database's folder; a folder the user names must exist
        database.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(message)s")
    default = TimestampWindow.default(datetime.now(UTC))
    window = TimestampWindow(
        earliest.replace(tzinfo=UTC) if earliest else default.earliest,
        latest.replace(tzinfo=UTC) if latest else default.latest,
    )
    try:
        counts = load_exports(database, list(files), assume_tz, memory_limit, columns, window)
    except KeyboardInterrupt:
        # the load is one transaction: interrupted before its commit, it left nothing behind
        raise Interrupted(f"nothing loaded, {database} is as it was") from None
    click.echo(counts.summary())
    if counts.rejected:
        click.echo(f"{counts.rejected} record(s) rejected: see raw.load_rejects in {database}", err=True)
    if to_parquet:
        from intercom_sla.export.parquet import write_parquet

        try:
            write_parquet(database, to_parquet)
        except UserError as failure:
            raise UserError(f"loaded, but not written as Parquet: {failure}") from None


def pull_into(database: Path, since: datetime | None, region: str | None, api_url: str | None) -> None:
    """Pull into `database` with the token from the environment, then print what was pulled and loaded."""
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise UserError(
            f"{TOKEN_VARIABLE} is not set: create an access token for an Intercom app that may read "
            "conversations (Developer Hub), and export it as that variable"
        )
    if region and api_url:
        raise UserError("--region and --api-url both say where Intercom is; give one of them")
    if api_url and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", api_url):
        raise UserError(f"--api-url {api_url}: expected a URL such as https://api.intercom.io")
    from intercom_sla.pull.client import API_URLS
    from intercom_sla.pull.runner import intercom_client, pull_conversations

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for chatty in ("load", "httpx"):  # a line per page or request would break the progress bar
        logging.getLogger(chatty).setLevel(logging.WARNING)
    database.parent.mkdir(parents=True, exist_ok=True)
    since_utc = since.replace(tzinfo=UTC) if since else None
    with intercom_client(api_url or API_URLS[region or "us"], token) as client:
        summary = pull_conversations(database, client, since_utc)
    click.echo(summary.summary())
    click.echo(summary.counts.summary())
    if summary.counts.rejected:
        click.echo(f"{summary.counts.rejected} record(s) rejected: see raw.load_rejects in {database}", err=True)


@cli.command()
@db_option
@pull_options
def pull(db: Path | None, since: datetime | None, region: str | None, api_url: str | None) -> None:
    """Pull conversations from Intercom's REST API straight into the database.

    \b
    The access token comes from $INTERCOM_ACCESS_TOKEN (never printed or stored).
    The first pull fetches every conversation (or those updated since --since); each later pull only those
    updated since the previous one. Each page of the search is loaded in one transaction with the cursor:
    interrupted at any moment, a pull loses nothing and the next one fetches only what is missing.

    \b
    Example: INTERCOM_ACCESS_TOKEN=dG9r... intercom-sla pull --region eu --since 2025-01-01
    """
    pull_into(database_path(db), since, region, api_url)


@cli.command()
@db_option
@click.option("--select", "-s", "selections", multiple=True, help="dbt selection (repeatable), e.g. marts")
@click.option("--vars", "dbt_vars", help="dbt project variables as YAML, e.g. '{unanswered_sla_status: pending}'")
@click.option("--full-refresh", is_flag=True, help="rebuild the incremental models from scratch")
@click.option("--target", help="dbt target in profiles.yml: duckdb (default), postgres or spark")
@click.option("--quiet", "-q", is_flag=True, help="print only errors")
def build(
    db: Path | None,
    selections: tuple[str, ...],
    dbt_vars: str | None,
    full_refresh: bool,
    target: str | None,
    quiet: bool,
) -> None:
    """Build and test the marts with dbt (models, unit tests, contracts, data tests).

    Example: intercom-sla build --vars '{business_hours_comparison_schedule: us_office}'
    """
    from intercom_sla.dbt_runner import dbt_targets, run_dbt

    database = database_path(db)
    if target and target not in dbt_targets():
        raise UserError(f"--target {target}: profiles.yml defines the targets {', '.join(dbt_targets())}")
    if target in (None, "duckdb"):
        open_for_writing(database)
    arguments = ["build"]
    for selection in selections:
        arguments += ["--select", selection]
    if dbt_vars:
        arguments += ["--vars", dbt_vars]
    if full_refresh:
        arguments.append("--full-refresh")
    if target:
        arguments += ["--target", target]
    if quiet:
        arguments.append("--quiet")
    built = run_dbt(database, arguments)
    if selections and not built.result:
        raise UserError(f"--select {' '.join(selections)}: selects no model, seed or test of the project")


@cli.command()
@db_option
@out_option("reports", "folder for the report files")
@click.option(
    "--format",
    "formats",
    default="csv,json,html",
    show_default=True,
    help="comma-separated: csv and json (the report files), html (the review pack with charts)",
)
def report(db: Path | None, out: Path, formats: str) -> None:
    """Write the SLA and resolution reports and the HTML review pack from the built marts.

    Example: intercom-sla report --out reports --format html
    """
    chosen = {name.strip() for name in formats.split(",") if name.strip()}
    unknown = chosen - set(REPORT_FORMATS)
    if unknown or not chosen:
        raise UserError(f"--format {formats}: expected some of {', '.join(REPORT_FORMATS)}")
    database = database_path(db)
    require_database(database)
    require_writable_folder(out)
    if chosen & {"csv", "json"}:
        from intercom_sla.reports import tables

        click.echo(tables.write_report_tables(database, out))
    if "html" in chosen:
        from intercom_sla.reports import review_pack

        click.echo(review_pack.write_review_pack(database, out / "sla_review.html"))


@cli.command()
@db_option
@out_option("reports", "folder for the report files")
@click.option("--vars", "dbt_vars", help="dbt project variables as YAML")
@click.option(
    "--pull",
    "with_pull",
    is_flag=True,
    help=f"pull from Intercom (${TOKEN_VARIABLE}) after loading PATHS; what run does without PATHS when the "
    "token is set",
)
@pull_options
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def run(
    ctx: click.Context,
    db: Path | None,
    out: Path,
    dbt_vars: str | None,
    with_pull: bool,
    since: datetime | None,
    region: str | None,
    api_url: str | None,
    paths: tuple[Path, ...],
) -> None:
    """Load exports or pull from Intercom, build the marts and write the reports, in one go.

    \b
    Example: intercom-sla run --db data/intercom_sla.duckdb --out reports exports/
    With $INTERCOM_ACCESS_TOKEN set and no PATHS it pulls: intercom-sla run --region eu
    """
    from intercom_sla.dbt_runner import run_dbt

    database = database_path(db)
    if db is None:
        database.parent.mkdir(parents=True, exist_ok=True)
    pulling = with_pull or (not paths and bool(os.environ.get(TOKEN_VARIABLE, "").strip()))
    if not paths and not pulling:
        raise UserError(
            f"nothing to run on: give export files or folders, or set {TOKEN_VARIABLE} to pull from Intercom"
        )
    if not pulling and (since or region or api_url):
        raise UserError("--since, --region and --api-url are for pulling: add --pull to pull after loading the files")
    check_database_path(database)
    require_writable_folder(out)
    if paths:
        ctx.invoke(load, db=database, files=paths)
    if pulling:
        pull_into(database, since, region, api_url)
    open_for_writing(database)
    run_dbt(database, ["build", "--quiet"] + (["--vars", dbt_vars] if dbt_vars else []))
    ctx.invoke(report, db=database, out=out)


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("data/sample/messages.csv"),
    show_default=True,
    help="the message export (CSV, UTF-8 with BOM, CRLF) to write; its folder is created",
)
@click.option("--conversations", type=click.IntRange(min=1), default=3200, show_default=True)
@click.option("--agents", type=click.IntRange(min=1), default=45, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True, help="the same seed gives the same file")
@click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2026-07-01",
    show_default=True,
    help="first day of the export, UTC",
)
@click.option("--days", type=click.IntRange(min=1), default=92, show_default=True, help="days covered")
@click.option(
    "--conversation-export",
    type=click.Path(path_type=Path, dir_okay=False),
    help="also write a conversation export (.csv, .jsonl or .json): a payments team's last month, plus the first "
    "conversations of the message export",
)
@click.option("--export-conversations", type=click.IntRange(min=1), default=1000, show_default=True)
def sample(
    out: Path,
    conversations: int,
    agents: int,
    seed: int,
    start: datetime,
    days: int,
    conversation_export: Path | None,
    export_conversations: int,
) -> None:
    """Write a generated Intercom message export to try the pipeline on (deterministic, with real quirks).

    Example: intercom-sla sample --out data/sample/messages.csv && intercom-sla run data/sample/
    """
    if conversation_export and conversation_export.resolve() == out.resolve():
        raise UserError(f"--out and --conversation-export both name {out}; give each file its own path")
    for written in (out, conversation_export):
        if written:
            require_writable_folder(written.parent)
    from intercom_sla.sample import SampleShape, write_sample

    shape = SampleShape(conversations, agents, seed, start.date(), days, export_conversations)
    for line in write_sample(out, shape, conversation_export):
        click.echo(line)


@cli.command()
@out_option("lookml", "folder for the .view.lkml files")
@click.option("--schema", default="main", show_default=True, callback=schema_name, help="schema of the marts")
def lookml(out: Path, schema: str) -> None:
    """Generate LookML views for the marts from the dbt manifest.

    Example: intercom-sla lookml --out lookml
    """
    from intercom_sla.dbt_runner import PROJECT, run_dbt
    from intercom_sla.export.lookml import write_lookml

    require_writable_folder(out)
    run_dbt(database_path(None), ["parse", "--quiet"])
    click.echo(write_lookml(PROJECT / "target" / "manifest.json", out, schema))


@cli.command()
@db_option
def docs(db: Path | None) -> None:
    """Generate the dbt docs site (target/index.html) for the built database.

    Example: intercom-sla docs && open target/index.html
    """
    from intercom_sla.dbt_runner import PROJECT, run_dbt

    database = database_path(db)
    open_for_writing(database)
    run_dbt(database, ["docs", "generate", "--quiet"])
    click.echo(f"wrote {PROJECT / 'target' / 'index.html'}")


@cli.command("export-parquet")
@db_option
@click.option("--out", type=click.Path(path_type=Path), required=True, help="folder for OUT/<table>/data.parquet")
@click.option("--schema", default="raw", show_default=True, callback=schema_name, help="schema of the raw tables")
def export_parquet(db: Path | None, out: Path, schema: str) -> None:
    """Write the raw tables as Parquet, OUT/<table>/data.parquet, replacing what is there (for Spark or a lake).

    Example: intercom-sla export-parquet --out data/parquet
    """
    from intercom_sla.export.parquet import write_parquet

    database = database_path(db)
    require_database(database)
    require_writable_folder(out)
    click.echo(write_parquet(database, out, schema))


@cli.command("copy-to-postgres")
@db_option
@click.option("--dsn", help="libpq connection string (default: the POSTGRES_* variables, else the test server)")
@click.option(
    "--schema", default="raw", show_default=True, callback=schema_name, help="schema of the tables on both sides"
)
@click.option(
    "--every-table",
    is_flag=True,
    help="copy every table of the schema, not only the loader's (for a connector's tables, SPEC §1 D)",
)
def copy_to_postgres(db: Path | None, dsn: str | None, schema: str, every_table: bool) -> None:
    """COPY the raw tables into PostgreSQL (replacing the schema there) for `build --target postgres`.

    Example: POSTGRES_HOST=db.internal intercom-sla copy-to-postgres --db data/intercom_sla.duckdb
    """
    from intercom_sla.export import postgres

    database = database_path(db)
    require_database(database)
    click.echo(postgres.copy_to_postgres(database, dsn or postgres.default_dsn(), schema, every_table))


@cli.command()
@db_option
def status(db: Path | None) -> None:
    """What is loaded: files, record counts, rejects, data as of, incomplete conversations, marts.

    Example: intercom-sla status --db data/intercom_sla.duckdb
    """
    from intercom_sla.status import describe_database

    database = database_path(db)
    require_database(database)
    click.echo(describe_database(database))


def main(arguments: list[str] | None = None, command: click.Command = cli, prog_name: str = "intercom-sla") -> int:
    """Run `command` (the whole command, or one subcommand as its own program); every failure ends here as
    one line and its exit code (intercom_sla/errors.py)."""
    try:
        command.main(arguments, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except Interrupted as stopped:
        click.echo(f"interrupted: {terminal_safe(str(stopped))}", err=True)
        return stopped.exit_code
    except UserError as failure:
        click.echo(f"error: {terminal_safe(str(failure))}", err=True)
        return failure.exit_code
    except click.UsageError as mistake:
        command = mistake.ctx.command_path if mistake.ctx else prog_name
        click.echo(f"error: {terminal_safe(mistake.format_message())} (see {command} --help)", err=True)
        return USER_MISTAKE
    except click.ClickException as mistake:
        mistake.show()
        return USER_MISTAKE
    except BaseException as error:
        if not (interrupted(error) or isinstance(error, click.exceptions.Abort)):
            raise
        click.echo("interrupted", err=True)
        return INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(main())
