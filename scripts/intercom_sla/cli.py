"""The `intercom-sla` command: one tool from Intercom exports to marts and reports.

Every subcommand works on one DuckDB database: `--db`, else $INTERCOM_SLA_DB, else
data/intercom_sla.duckdb (the dbt profile reads the same variable). Exit codes: 0 done, 1 a dbt model
or test failed, 2 a problem with the input or the database (one line, no traceback), 130 interrupted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
import duckdb

from intercom_sla.load.errors import LoadError
from intercom_sla.untrusted_text import terminal_safe

if TYPE_CHECKING:
    from dbt.cli.main import dbtRunnerResult

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_DB = Path("data/intercom_sla.duckdb")
REPORT_FORMATS = ("csv", "json", "html")
TOKEN_VARIABLE = "INTERCOM_ACCESS_TOKEN"
REGIONS = ("us", "eu", "au")


class Failed(click.ClickException):
    """A failure already explained on stderr (or a one-line one), ending with its exit code."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        if self.message:
            click.echo(f"error: {terminal_safe(self.message)}", err=True)


def database_path(db: Path | None) -> Path:
    return (db or Path(os.environ.get("INTERCOM_SLA_DB") or DEFAULT_DB)).resolve()


db_option = click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="DuckDB database (default: $INTERCOM_SLA_DB, else data/intercom_sla.duckdb)",
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


def pull_into(database: Path, since: datetime | None, region: str | None, api_url: str | None) -> None:
    """Pull into `database` with the token from the environment, then print what was pulled and loaded."""
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise Failed(
            f"{TOKEN_VARIABLE} is not set: create an access token for an Intercom app that may read "
            "conversations (Developer Hub), and export it as that variable"
        )
    if region and api_url:
        raise Failed("--region and --api-url both say where Intercom is; give one of them")
    if api_url and not re.fullmatch(r"https?://[^/\s]+(/\S*)?", api_url):
        raise Failed(f"--api-url {api_url}: expected a URL such as https://api.intercom.io")
    from intercom_sla.memory_limit import configured_memory_limit
    from intercom_sla.pull.client import API_URLS
    from intercom_sla.pull.runner import intercom_client, pull_conversations

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    for chatty in ("load", "httpx"):  # a line per page or request would break the progress bar
        logging.getLogger(chatty).setLevel(logging.WARNING)
    database.parent.mkdir(parents=True, exist_ok=True)
    since_utc = since.replace(tzinfo=UTC) if since else None
    with intercom_client(api_url or API_URLS[region or "us"], token) as client:
        summary = pull_conversations(database, client, since_utc, configured_memory_limit())
    click.echo(summary.summary())
    click.echo(summary.counts.summary())
    if summary.counts.rejected:
        click.echo(f"{summary.counts.rejected} record(s) rejected: see raw.load_rejects in {database}", err=True)


def ran(exit_code: int) -> None:
    """Stop with a script's exit code when it failed (it has said why)."""
    if exit_code:
        raise Failed("", exit_code)


def require_writable_folder(folder: Path) -> None:
    """Find out before any work that the output can be written: the folder exists or can be made, and
    takes a file."""
    from intercom_sla.report_files import ReportPathError, report_folder

    try:
        report_folder(folder)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except ReportPathError as error:
        raise Failed(str(error)) from None
    except OSError as error:
        raise Failed(f"{folder}: cannot write files there ({error.strerror})") from None


def require_database(db: Path, for_writing: bool = False) -> None:
    """A DuckDB database at `db` (and, `for_writing`, no other process holding it), else one line."""
    from intercom_sla.load.database import check_database_path, connect
    from intercom_sla.memory_limit import configured_memory_limit

    if not db.exists():
        raise Failed(f"{db}: no database yet; load an export first: intercom-sla load --db {db} EXPORT...")
    check_database_path(db)
    if for_writing:  # found now, rather than by every dbt model in turn
        connect(db, configured_memory_limit()).close()


def dbt_targets() -> list[str]:
    import yaml

    profiles = yaml.safe_load((PROJECT / "profiles.yml").read_text(encoding="utf-8"))
    return list(profiles["intercom_sla"]["outputs"])


def run_dbt(db: Path, arguments: list[str]) -> dbtRunnerResult:
    """dbt in this process, with the project's profile pointed at `db`."""
    from dbt.cli.main import dbtRunner

    os.environ["DBT_DUCKDB_PATH"] = str(db)
    os.environ["DBT_PROFILES_DIR"] = str(PROJECT)
    try:
        with console_until_interrupted():
            result = dbtRunner().invoke([*arguments, "--project-dir", str(PROJECT)])
    finally:
        release_dbt_database()
    if isinstance(result.exception, KeyboardInterrupt):
        raise KeyboardInterrupt
    if result.exception is not None:
        detail = str(result.exception).strip() or type(result.exception).__name__
        raise Failed(f"dbt {arguments[0]}: {detail.splitlines()[0]}")
    if not result.success:
        messages = " ".join(str(getattr(node, "message", "") or "") for node in (result.result or []))
        if "lock" in messages.lower():
            raise Failed(f"{db}: the database is in use by another process (a load?); retry when it finishes")
        if built_by_another_release(messages):
            raise Failed(
                f"{db}: its incremental models were built by another release of intercom-sla; rebuild them"
                f" once from the loaded data: intercom-sla build --db {db} --full-refresh",
                1,
            )
        raise Failed(f"dbt {arguments[0]} failed: see the models and tests marked ERROR or FAIL above", 1)
    return result


@contextlib.contextmanager
def console_until_interrupted() -> Iterator[None]:
    """dbt's console output until a Ctrl-C; what dbt prints while it cancels (its stack trace) goes only to
    its log file, and the command says `interrupted`."""
    console = sys.stdout
    interrupted = threading.Event()

    class Console:
        def write(self, text: str) -> int:
            return len(text) if interrupted.is_set() else console.write(text)

        def __getattr__(self, name: str) -> object:
            return getattr(console, name)

    def on_interrupt(signal_number: int, frame: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    previous_handler = signal.signal(signal.SIGINT, on_interrupt)
    sys.stdout = Console()
    try:
        yield
    finally:
        sys.stdout = console
        signal.signal(signal.SIGINT, previous_handler)


def built_by_another_release(messages: str) -> bool:
    """An incremental model whose table has other columns than this release writes: dbt's
    on_schema_change check, or the high-water mark the incremental filter reads, missing."""
    missing = "not found" in messages or "does not exist" in messages
    missing_mark = missing and ("loaded_through" in messages or "settings_fingerprint" in messages)
    return missing_mark or "schemas on this incremental model are out of sync" in messages


def release_dbt_database() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a dbt command, so the report
    writers that follow can open the same file (DuckDB refuses a second opening with other settings)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


class LoaderArguments(click.Command):
    """A command whose arguments go to the loader's own parser as the user typed them, `--` included (click
    would drop it, and a file named like an option, `-week.csv`, could then not be given)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["typed_arguments"] = list(args)
        return super().parse_args(ctx, args)


@cli.command(
    cls=LoaderArguments,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    add_help_option=False,
)
@click.pass_context
def load(ctx: click.Context) -> None:
    """Load exports into the database (every record loaded, superseded, a duplicate or rejected).

    Takes the loader's own options; `intercom-sla load --help` lists them.
    Example: intercom-sla load exports/ airbyte/conversation_parts.jsonl
    """
    arguments = ctx.meta["typed_arguments"]
    if "--db" not in arguments and not any(argument in ("-h", "--help") for argument in arguments):
        database = database_path(None)
        database.parent.mkdir(parents=True, exist_ok=True)
        arguments = ["--db", str(database), *arguments]
    from intercom_sla.load.cli import main as load_main

    ran(load_main(arguments, prog="intercom-sla load"))


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
    database = database_path(db)
    if target and target not in dbt_targets():
        raise Failed(f"--target {target}: profiles.yml defines the targets {', '.join(dbt_targets())}")
    if target in (None, "duckdb"):
        require_database(database, for_writing=True)
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
        raise Failed(f"--select {' '.join(selections)}: selects no model, seed or test of the project")


@cli.command()
@db_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("reports"), show_default=True)
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
        raise Failed(f"--format {formats}: expected some of {', '.join(REPORT_FORMATS)}")
    database = database_path(db)
    require_database(database)
    require_writable_folder(out)
    if chosen & {"csv", "json"}:
        from intercom_sla.export_reports import main as export_main

        ran(export_main(["--db", str(database), "--out", str(out)]))
    if "html" in chosen:
        from intercom_sla.render_report import main as render_main

        ran(render_main(["--db", str(database), "--out", str(out / "sla_review.html")]))


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
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("reports"), show_default=True)
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
def run(
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
    database = database_path(db)
    if db is None:  # the default database's folder; a folder the user names must exist
        database.parent.mkdir(parents=True, exist_ok=True)
    pulling = with_pull or (not paths and bool(os.environ.get(TOKEN_VARIABLE, "").strip()))
    if not paths and not pulling:
        raise Failed(f"nothing to run on: give export files or folders, or set {TOKEN_VARIABLE} to pull from Intercom")
    if not pulling and (since or region or api_url):
        raise Failed("--since, --region and --api-url are for pulling: add --pull to pull after loading the files")
    from intercom_sla.load.database import check_database_path

    check_database_path(database)
    require_writable_folder(out)
    if paths:
        from intercom_sla.load.cli import main as load_main

        ran(load_main(["--db", str(database), *map(str, paths)], prog="intercom-sla run"))
    if pulling:
        pull_into(database, since, region, api_url)
    require_database(database, for_writing=True)
    build_arguments = ["build", "--quiet"] + (["--vars", dbt_vars] if dbt_vars else [])
    run_dbt(database, build_arguments)
    report.callback(db=database, out=out, formats="csv,json,html")


@cli.command()
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=Path("data/sample/messages.csv"))
@click.option("--conversations", type=click.IntRange(min=1), default=3200, show_default=True)
@click.option("--conversation-export", type=click.Path(path_type=Path, dir_okay=False), help="also write one")
def sample(out: Path, conversations: int, conversation_export: Path | None) -> None:
    """Write a generated Intercom message export to try the pipeline on.

    Example: intercom-sla sample --out data/sample/messages.csv && intercom-sla run data/sample/
    """
    if conversation_export and conversation_export.resolve() == out.resolve():
        raise Failed(f"--out and --conversation-export both name {out}; give each file its own path")
    for written in (out, conversation_export):
        if written:
            require_writable_folder(written.parent)
    from intercom_sla.generate_sample import main as sample_main

    arguments = ["--out", str(out), "--conversations", str(conversations)]
    if conversation_export:
        arguments += ["--conversation-export", str(conversation_export)]
    ran(sample_main(arguments))


@cli.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("lookml"), show_default=True)
def lookml(out: Path) -> None:
    """Generate LookML views for the marts from the dbt manifest.

    Example: intercom-sla lookml --out lookml
    """
    require_writable_folder(out)
    run_dbt(database_path(None), ["parse", "--quiet"])
    from intercom_sla.generate_lookml import main as lookml_main

    ran(lookml_main(["--manifest", str(PROJECT / "target" / "manifest.json"), "--out", str(out)]))


@cli.command()
@db_option
def docs(db: Path | None) -> None:
    """Generate the dbt docs site (target/index.html) for the built database.

    Example: intercom-sla docs && open target/index.html
    """
    database = database_path(db)
    require_database(database, for_writing=True)
    run_dbt(database, ["docs", "generate", "--quiet"])
    click.echo(f"wrote {PROJECT / 'target' / 'index.html'}")


@cli.command("export-parquet")
@db_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True)
def export_parquet(db: Path | None, out: Path) -> None:
    """Write the raw tables as Parquet (for Spark or a lake).

    Example: intercom-sla export-parquet --out data/parquet
    """
    database = database_path(db)
    require_database(database)
    require_writable_folder(out)
    from intercom_sla.export_parquet import main as parquet_main

    ran(parquet_main(["--db", str(database), "--out", str(out)]))


@cli.command()
@db_option
def status(db: Path | None) -> None:
    """What is loaded: files, record counts, rejects, data as of, incomplete conversations, marts.

    Example: intercom-sla status --db data/intercom_sla.duckdb
    """
    database = database_path(db)
    require_database(database)
    from intercom_sla.memory_limit import connect_read_only
    from intercom_sla.status import describe

    try:
        with connect_read_only(database) as con:
            click.echo(describe(con, database))
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        if "lock" in message.lower():
            raise Failed(f"{database}: the database is in use by another process; retry when it finishes") from None
        raise Failed(f"{database}: {message}") from None


def main() -> int:
    try:
        cli.main(prog_name="intercom-sla", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except Failed as failure:
        failure.show()
        return failure.exit_code
    except LoadError as problem:  # the loader's and the database checks' one error type
        Failed(str(problem)).show()
        return 2
    except click.UsageError as mistake:
        command = mistake.ctx.command_path if mistake.ctx else "intercom-sla"
        click.echo(f"error: {terminal_safe(mistake.format_message())} (see {command} --help)", err=True)
        return 2
    except click.ClickException as mistake:
        mistake.show()
        return 2
    except BaseException as error:
        if not interrupted(error):
            raise
        click.echo("interrupted", err=True)
        return 130
    return 0


def interrupted(error: BaseException) -> bool:
    """A Ctrl-C: Python's KeyboardInterrupt, or DuckDB's error for the query it stopped."""
    stopped_query = isinstance(error, RuntimeError) and str(error) == "Query interrupted"
    return stopped_query or isinstance(error, KeyboardInterrupt | click.exceptions.Abort | duckdb.InterruptException)


if __name__ == "__main__":
    sys.exit(main())
